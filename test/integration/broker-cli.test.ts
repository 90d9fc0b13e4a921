// `sluice broker` as a real process: binds port 0 and reports the real port in its log,
// serves kcat -L, and stops cleanly on SIGTERM and SIGINT (exit 0, clean-shutdown marker).
// Uses the compiled CLI (dist/), building it first if it is missing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kcat, kcatAvailable } from './broker-harness.js';

const root = join(import.meta.dirname, '..', '..');
const HAVE_KCAT = kcatAvailable();

beforeAll(() => {
  if (!existsSync(join(root, 'dist/cli/main.js'))) {
    spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--noEmitOnError', 'false'], { cwd: root, stdio: 'ignore' });
  }
}, 120_000);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function startCli(): Promise<{ port: number; logDir: string; child: ReturnType<typeof spawn>; output: () => string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
  dirs.push(dir);
  const logDir = join(dir, 'logs');
  const child = spawn(process.execPath, [join(root, 'dist/cli/main.js'), 'broker', '--override', 'listeners=PLAINTEXT://127.0.0.1:0', '--override', `log.dirs=${logDir}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SLUICE_LOG_LEVEL: 'info' },
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    const onData = (): void => {
      const m = /listening on PLAINTEXT:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        resolve({ port: Number(m[1]), logDir, child, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`broker exited with ${code}: ${out}`)));
  });
}

describe('sluice broker (process)', () => {
  it.each([['SIGTERM'], ['SIGINT']] as const)('reports its real port and stops cleanly on %s', async (signal) => {
    const b = await startCli();
    expect(b.port).toBeGreaterThan(0);
    if (HAVE_KCAT) {
      const p = await kcat(['-P', '-b', `127.0.0.1:${b.port}`, '-t', 'cli', '-p', '0'], 'one\ntwo\n');
      expect(p.code, p.stderr).toBe(0);
      const md = await kcat(['-L', '-b', `127.0.0.1:${b.port}`, '-t', 'cli']);
      expect(md.stdout.toString()).toContain(`127.0.0.1:${b.port}`);
    }
    const exit = new Promise<number | null>((r) => b.child.once('exit', (code) => r(code)));
    b.child.kill(signal);
    expect(await exit).toBe(0);
    expect(readdirSync(b.logDir)).toContain('.kafka_cleanshutdown');
    expect(b.output()).toContain('broker stopped');
  });

  it('exits 2 with the key named for a bad configuration', () => {
    const r = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), 'broker', '--override', 'num.partitions=zero'], { encoding: 'utf8', env: { ...process.env, SLUICE_LOG_LEVEL: 'silent' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('num.partitions');
  });
});
