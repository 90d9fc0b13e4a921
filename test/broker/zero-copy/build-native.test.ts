// scripts/build-native.mjs, run in a scratch copy of the package (so the real
// build/ used by other tests is never rebuilt under them): a working toolchain builds
// a loadable addon; a missing compiler prints one line and still exits 0, unless --strict.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTempDir } from './zero-copy-kit.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  mkdirSync(join(dir, 'native'));
  mkdirSync(join(dir, 'scripts'));
  for (const f of ['binding.gyp', 'native/sendfile.c', 'scripts/build-native.mjs']) copyFileSync(join(root, f), join(dir, f));
});

afterEach(async () => {
  await cleanup();
});

function runBuild(env: NodeJS.ProcessEnv, args: string[] = []): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, [join(dir, 'scripts/build-native.mjs'), ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

it('builds a loadable addon offline', () => {
  const r = runBuild({});
  expect(r.status).toBe(0);
  const built = join(dir, 'build/Release/sluice_native.node');
  expect(existsSync(built)).toBe(true);
  const loaded = createRequire(import.meta.url)(built) as Record<string, unknown>;
  expect(typeof loaded['sendfile']).toBe('function');
});

it('a failed build does not fail the install, and says so in one line', () => {
  const r = runBuild({ CC: '/nonexistent/cc', CXX: '/nonexistent/c++' });
  expect(r.status).toBe(0);
  expect(String(r.stderr)).toMatch(/native sendfile addon not built .*read\+write fallback/);
  expect(String(r.stderr).trim().split('\n')).toHaveLength(1);
  expect(existsSync(join(dir, 'build/Release/sluice_native.node'))).toBe(false);
});

it('--strict turns a failed build into a non-zero exit', () => {
  const r = runBuild({ CC: '/nonexistent/cc', CXX: '/nonexistent/c++', SLUICE_NATIVE_VERBOSE: '0' }, ['--strict']);
  expect(r.status).toBe(1);
});
