/**
 * End to end with npm start's configuration (conf/ copied to a temp dir, ports rewritten):
 * the agent creates ./logs/flume.log, 100,000 lines are appended while the file is rotated
 * twice (rename + create), and kcat reads exactly those lines, in order per file.
 */
import { appendFileSync, existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kcat, kcatAvailable } from './broker-harness.js';
import { makeScenario, readTopic, removeScenario, startAgent, waitFor } from './tail-to-topic-harness.js';

describe('tail to topic (npm start configuration)', () => {
  it.skipIf(!kcatAvailable())('delivers 100,000 lines across two rotations, read back by kcat', async () => {
    const s = await makeScenario();
    const a = startAgent(s);
    try {
      await a.ready;
      const log = join(s.dir, 'logs/flume.log');
      expect(existsSync(log)).toBe(true);
      expect(a.output()).toContain(`kcat -C -b ${s.bootstrap} -t fromflume`);
      const expected: string[] = [];
      const N = 100_000;
      let j = 0;
      for (let file = 0; file < 3; file++) {
        const until = file === 2 ? N : Math.floor(((file + 1) * N) / 3);
        while (j < until) {
          let text = '';
          for (const stop = Math.min(until, j + 1000); j < stop; j++) {
            const line = `file${file} line ${j}`;
            expected.push(line);
            text += `${line}\n`;
          }
          appendFileSync(log, text);
        }
        if (file < 2) {
          // The tailer must have seen this file before it is renamed out of the pattern
          // (no tailer can follow a file it never saw): wait for some of its lines.
          const before = file === 0 ? 0 : Math.floor((file * N) / 3);
          await waitFor(() => readTopic(s.dir).length > before, 30_000, `lines of file ${file}`, 20);
          renameSync(log, `${log}.${file + 1}`); // rotation: rename; the next append creates the file
        }
      }
      try {
        await waitFor(() => readTopic(s.dir).length >= N, 60_000, `${N} records`, 100);
      } catch (err) {
        throw new Error(`${String(err)}; topic has ${readTopic(s.dir).length}; agent output:\n${a.output().slice(-4000)}`);
      }
      const r = await kcat(['-C', '-b', s.bootstrap, '-t', 'fromflume', '-o', 'beginning', '-e', '-q', '-c', String(N + 10)]);
      expect(r.code).toBe(0);
      const got = r.stdout.toString().split('\n').filter((l) => l !== '');
      expect(got.length).toBe(N);
      // In order per file, each line exactly once.
      const byFile = (lines: string[], f: string): string[] => lines.filter((l) => l.startsWith(`${f} `));
      for (const f of ['file0', 'file1', 'file2']) expect(byFile(got, f)).toEqual(byFile(expected, f));
      expect(new Set(got).size).toBe(N);
    } finally {
      a.child.kill('SIGTERM');
      await a.exited;
    }
    expect(a.output()).not.toContain('"level":50');
    removeScenario(s); // kept for inspection when an assertion above fails
  }, 120_000);
});
