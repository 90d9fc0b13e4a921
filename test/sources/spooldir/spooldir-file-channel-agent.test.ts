/**
 * End to end through a real agent (built-in registry): spooldir → file channel →
 * file_roll, configured with Flume properties; then an agent restart replays nothing twice.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent.js';
import { pollUntil } from '../../interceptors/test-context.js';

const roots: string[] = [];
const agents: Agent[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) await a.shutdown(0);
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

const rolled = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l !== ''));

describe('spooldir → file channel → file_roll agent', () => {
  it('delivers every line of dropped files durably', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sluice-e2e-'));
    roots.push(root);
    const spool = join(root, 'spool');
    const out = join(root, 'out');
    mkdirSync(spool);
    mkdirSync(out);
    const conf = join(root, 'a.conf');
    writeFileSync(conf, [
      'a1.sources = r1', 'a1.channels = c1', 'a1.sinks = k1',
      'a1.sources.r1.type = spooldir', `a1.sources.r1.spoolDir = ${spool}`, 'a1.sources.r1.pollDelay = 20', 'a1.sources.r1.batchSize = 50', 'a1.sources.r1.channels = c1',
      'a1.channels.c1.type = file', `a1.channels.c1.checkpointDir = ${join(root, 'ck')}`, `a1.channels.c1.dataDirs = ${join(root, 'd1')},${join(root, 'd2')}`,
      'a1.channels.c1.capacity = 10000', 'a1.channels.c1.transactionCapacity = 100', 'a1.channels.c1.minimumRequiredSpace = 1048576',
      'a1.sinks.k1.type = file_roll', `a1.sinks.k1.sink.directory = ${out}`, 'a1.sinks.k1.sink.rollInterval = 0', 'a1.sinks.k1.channel = c1',
      '',
    ].join('\n'));
    const want = Array.from({ length: 500 }, (_, i) => `line-${i}`);
    writeFileSync(join(spool, 'input.log'), want.join('\n') + '\n');
    const agent = new Agent({ agentName: 'a1', configFiles: [conf], reload: false, env: {}, dataRoot: join(root, 'state') });
    agents.push(agent);
    await agent.start();
    await pollUntil(() => rolled(out).length >= 500, 20_000);
    await pollUntil(() => existsSync(join(spool, 'input.log.COMPLETED')));
    expect(rolled(out)).toEqual(want);
    // Restart: the channel replays from its checkpoint and log; nothing is delivered twice.
    await agent.shutdown(0);
    agents.length = 0;
    const again = new Agent({ agentName: 'a1', configFiles: [conf], reload: false, env: {}, dataRoot: join(root, 'state') });
    agents.push(again);
    await again.start();
    writeFileSync(join(spool, 'second.log'), 'after-restart\n');
    await pollUntil(() => rolled(out).includes('after-restart'), 20_000);
    expect(rolled(out).sort()).toEqual([...want, 'after-restart'].sort());
  }, 30_000);
});
