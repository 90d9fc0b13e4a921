/**
 * The classic Flume tutorial config (conf/examples/exec-tail.conf: exec `tail -F` → memory →
 * KafkaSink) runs unchanged under `sluice agent`, with only its port pointed at this test's
 * embedded broker.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeScenario, readTopic, removeScenario, startAgent, waitFor } from './tail-to-topic-harness.js';
import { REPO } from './tail-to-topic-harness.js';

describe('conf/examples/exec-tail.conf', () => {
  it('runs unchanged: tail -F lines reach the topic', async () => {
    const s = await makeScenario();
    const conf = readFileSync(join(REPO, 'conf/examples/exec-tail.conf'), 'utf8').replaceAll('localhost:9092', s.bootstrap);
    writeFileSync(join(s.dir, 'conf/flume-kafka.conf'), conf);
    mkdirSync(join(s.dir, 'logs'), { recursive: true });
    writeFileSync(join(s.dir, 'logs/app.log'), '');
    const a = startAgent(s);
    try {
      await a.ready;
      let text = '';
      for (let i = 0; i < 500; i++) text += `app ${i}\n`;
      // tail -F starts at the end of the file: append until the first line arrives, then the rest.
      await waitFor(() => {
        appendFileSync(join(s.dir, 'logs/app.log'), 'probe\n');
        return readTopic(s.dir).length > 0;
      }, 30_000, 'the first tailed line', 200);
      appendFileSync(join(s.dir, 'logs/app.log'), text);
      await waitFor(() => readTopic(s.dir).some((b) => b.toString() === 'app 499'), 30_000, 'app 499', 100);
      const got = readTopic(s.dir).map(String).filter((l) => l.startsWith('app '));
      expect(got).toEqual(Array.from({ length: 500 }, (_, i) => `app ${i}`));
    } finally {
      a.child.kill('SIGTERM');
      await a.exited;
    }
    removeScenario(s); // kept for inspection when an assertion above fails
  }, 60_000);
});
