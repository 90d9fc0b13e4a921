#!/usr/bin/env node
// Builds the optional native addon (binding.gyp → build/Release/sluice_native.node)
// with npm's own bundled node-gyp, offline.
//
// Contract:
// - Run as the package's `install` script: a failed build NEVER fails `npm install`.
//   It prints one line saying why, and the broker then uses the read+write fallback
//   (src/broker/zero-copy/addon.ts logs that once at run time).
// - `--strict` (npm run build:native) exits non-zero on failure instead, for CI and
//   for developers who want to see the compiler output.
// - node-gyp is found in this order: $npm_config_node_gyp (set by npm when it runs
//   scripts), then npm's bundled copy next to this Node's npm, then `node-gyp` on PATH.
// - Node's headers: $npm_config_nodedir when set (e.g. nodedir=/usr in ~/.npmrc), else
//   the prefix of this Node binary when it ships include/node/node_api.h, so node-gyp
//   never tries to download headers.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict');
const verbose = strict || process.env['SLUICE_NATIVE_VERBOSE'] === '1';

function findNodeGyp() {
  const fromNpm = process.env['npm_config_node_gyp'];
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, fromNpm];
  const prefixes = [dirname(dirname(process.execPath))];
  try {
    prefixes.push(dirname(dirname(realpathSync(process.execPath))));
  } catch {
    // keep the unresolved prefix
  }
  for (const prefix of prefixes) {
    for (const lib of ['lib/node_modules', 'node_modules']) {
      const candidate = join(prefix, lib, 'npm/node_modules/node-gyp/bin/node-gyp.js');
      if (existsSync(candidate)) return [process.execPath, candidate];
    }
  }
  return ['node-gyp'];
}

function nodedirArgs() {
  if (process.env['npm_config_nodedir']) return [];
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include/node/node_api.h'))) return [`--nodedir=${prefix}`];
  return [];
}

function fail(reason) {
  const line = `sluice: native sendfile addon not built (${reason}); the broker will use its read+write fallback`;
  if (strict) {
    console.error(line);
    process.exit(1);
  }
  console.warn(line);
  process.exit(0);
}

if (process.env['SLUICE_SKIP_NATIVE'] === '1') fail('SLUICE_SKIP_NATIVE=1');
if (!existsSync(join(root, 'binding.gyp'))) fail('binding.gyp missing');

const [cmd, ...pre] = findNodeGyp();
const args = [...pre, 'rebuild', ...nodedirArgs()];
const result = spawnSync(cmd, args, {
  cwd: root,
  stdio: verbose ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  encoding: 'utf8',
});
if (result.error) fail(`${cmd}: ${result.error.message}`);
if (result.status !== 0) {
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  const firstError = output.split('\n').find((l) => /error|not found|No such file/i.test(l))?.trim();
  fail(firstError ? `node-gyp exited ${result.status}: ${firstError.slice(0, 200)}` : `node-gyp exited ${result.status}`);
}
if (!existsSync(join(root, 'build/Release/sluice_native.node'))) fail('build/Release/sluice_native.node missing after build');
if (verbose) console.log('sluice: native sendfile addon built: build/Release/sluice_native.node');
