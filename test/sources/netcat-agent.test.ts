/**
 * End to end through the real agent: netcat → interceptor chain (static, regex_filter,
 * search_replace, timestamp) → memory channel → file_roll, with the registry's aliases
 * and Flume class names; and the FAILED reply text when the real memory channel is full.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import type { NetcatSource } from '../../src/sources/netcat-source.js';
import { pollUntil } from '../interceptors/test-context.js';

let dir: string;
const agents: Agent[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-netcat-agent-'));
});
afterEach(async () => {
  for (const a of agents.splice(0)) await a.shutdown(0);
  rmSync(dir, { recursive: true, force: true });
});

async function start(lines: string[]): Promise<{ agent: Agent; port: number }> {
  const f = join(dir, 'a.conf');
  writeFileSync(f, lines.join('\n') + '\n');
  const agent = new Agent({ agentName: 'a1', configFiles: [f], reload: false, env: {}, dataRoot: dir, runner: { backoffIncrementMs: 10, maxBackoffMs: 50 } });
  agents.push(agent);
  await agent.start();
  if (!agent.current?.sources[0]) throw new Error(JSON.stringify(agent.issues));
  const src = agent.current!.sources[0]!.source as NetcatSource;
  return { agent, port: src.address().port };
}

async function talk(port: number, payload: string, until: (r: string) => boolean): Promise<string> {
  const sock = connect(port, '127.0.0.1');
  let got = '';
  sock.on('data', (d: Buffer) => (got += d.toString()));
  sock.write(payload);
  await pollUntil(() => until(got));
  sock.end();
  return got;
}

describe('netcat in a running agent', () => {
  it('runs a Flume config: interceptors then file_roll', async () => {
    const out = join(dir, 'out');
    const { port } = await start([
      'a1.sources = r1', 'a1.channels = c1', 'a1.sinks = k1',
      'a1.sources.r1.type = netcat', 'a1.sources.r1.bind = 127.0.0.1', 'a1.sources.r1.port = 0', 'a1.sources.r1.channels = c1',
      'a1.sources.r1.interceptors = i1 i2 i3',
      'a1.sources.r1.interceptors.i1.type = org.apache.flume.interceptor.StaticInterceptor$Builder',
      'a1.sources.r1.interceptors.i1.key = dc',
      'a1.sources.r1.interceptors.i1.value = eu',
      'a1.sources.r1.interceptors.i2.type = REGEX_FILTER',
      'a1.sources.r1.interceptors.i2.regex = (?i)^debug',
      'a1.sources.r1.interceptors.i2.excludeEvents = true',
      'a1.sources.r1.interceptors.i3.type = search_replace',
      // properties files unescape backslashes: `\\p` in the file is the regex `\p`
      'a1.sources.r1.interceptors.i3.searchPattern = \\\\p{Digit}{4}',
      'a1.sources.r1.interceptors.i3.replaceString = ####',
      'a1.channels.c1.type = memory',
      'a1.sinks.k1.type = file_roll', `a1.sinks.k1.sink.directory = ${out}`, 'a1.sinks.k1.sink.rollInterval = 0',
      'a1.sinks.k1.sink.serializer = header_and_text', 'a1.sinks.k1.channel = c1',
    ]);
    const replies = await talk(port, 'card 1234 ok\nDEBUG noise\nplain\n', (r) => r === 'OK\nOK\nOK\n');
    expect(replies).toBe('OK\nOK\nOK\n');
    await pollUntil(() => {
      try {
        return readdirSync(out).some((f) => readFileSync(join(out, f), 'utf8').split('\n').length >= 3);
      } catch {
        return false;
      }
    });
    const [file] = readdirSync(out);
    expect(file).toMatch(/^\d+-1$/);
    expect(readFileSync(join(out, file!), 'utf8')).toBe('{dc=eu} card #### ok\n{dc=eu} plain\n');
  });

  it('answers FAILED with the memory channel text when the channel is full', async () => {
    const { port } = await start([
      'a1.sources = r1', 'a1.channels = c1',
      'a1.sources.r1.type = netcat', 'a1.sources.r1.bind = 127.0.0.1', 'a1.sources.r1.port = 0', 'a1.sources.r1.channels = c1',
      'a1.channels.c1.type = memory', 'a1.channels.c1.capacity = 2', 'a1.channels.c1.transactionCapacity = 2', 'a1.channels.c1.keep-alive = 0',
    ]);
    const sock = connect(port, '127.0.0.1');
    let got = '';
    sock.on('data', (d: Buffer) => (got += d.toString()));
    for (const [i, want] of [[1, 1], [2, 2], [3, 3]] as const) {
      sock.write(`line${i}\n`);
      await pollUntil(() => got.split('\n').length - 1 === want);
    }
    sock.end();
    const replies = got.split('\n');
    expect(replies.slice(0, 2)).toEqual(['OK', 'OK']);
    expect(replies[2]).toMatch(/^FAILED: .*Space for commit to queue couldn't be acquired/);
  });

  it('never puts more lines in one transaction than the channel allows', async () => {
    const { agent, port } = await start([
      'a1.sources = r1', 'a1.channels = c1',
      'a1.sources.r1.type = netcat', 'a1.sources.r1.bind = 127.0.0.1', 'a1.sources.r1.port = 0', 'a1.sources.r1.channels = c1',
      'a1.channels.c1.type = memory', 'a1.channels.c1.capacity = 100', 'a1.channels.c1.transactionCapacity = 3',
    ]);
    const lines = Array.from({ length: 10 }, (_, i) => `l${i}\n`).join('');
    const replies = await talk(port, lines, (r) => r.split('\n').length - 1 >= 10);
    expect(replies).toBe('OK\n'.repeat(10));
    expect(agent.current!.channels.get('c1')!.channel.size()).toBe(10);
  });
});
