/**
 * Remote target: the agent (no --broker) ships TAILDIR lines through kafkajs to a separate
 * `sluice broker` process. Stopping that broker and starting it again on the same port
 * loses nothing: the sink rolls back and retries, the channel keeps the events.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, MAIN, readTopicFrom, waitFor } from './tail-to-topic-harness.js';

function startBroker(port: number, logDirs: string): { child: ChildProcess; ready: Promise<void>; exited: Promise<unknown> } {
  const child = spawn(process.execPath, [MAIN, 'broker', '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `log.dirs=${logDirs}`,
    '--override', 'offsets.topic.num.partitions=1', '--override', 'num.partitions=1'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SLUICE_LOG_LEVEL: 'info' } });
  let out = '';
  const ready = new Promise<void>((res, rej) => {
    const on = (c: Buffer): void => {
      out += c.toString();
      if (out.includes('listening on')) res();
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.on('exit', (code) => rej(new Error(`broker exited ${code}: ${out}`)));
  });
  ready.catch(() => undefined);
  return { child, ready, exited: new Promise((r) => child.on('exit', r)) };
}

describe('Kafka sink, remote target', () => {
  it('survives a restart of the remote broker without losing lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-remote-'));
    const port = await freePort();
    const logDirs = join(dir, 'broker-logs');
    mkdirSync(join(dir, 'logs'));
    const log = join(dir, 'logs', 'app.log');
    writeFileSync(log, '');
    writeFileSync(join(dir, 'agent.conf'), [
      'a1.sources = r1', 'a1.channels = c1', 'a1.sinks = k1',
      'a1.sources.r1.type = TAILDIR', 'a1.sources.r1.channels = c1', 'a1.sources.r1.filegroups = f1',
      `a1.sources.r1.filegroups.f1 = ${log.replaceAll('.', '\\\\.')}`, `a1.sources.r1.positionFile = ${join(dir, 'pos.json')}`,
      'a1.channels.c1.type = memory', 'a1.channels.c1.capacity = 100000', 'a1.channels.c1.transactionCapacity = 1000',
      'a1.sinks.k1.type = org.apache.flume.sink.kafka.KafkaSink', 'a1.sinks.k1.channel = c1',
      `a1.sinks.k1.kafka.bootstrap.servers = 127.0.0.1:${port}`, 'a1.sinks.k1.kafka.topic = remote', 'a1.sinks.k1.flumeBatchSize = 1000',
      'a1.sinks.k1.kafka.producer.acks = all',
    ].join('\n'));
    let broker = startBroker(port, logDirs);
    await broker.ready;
    const agent = spawn(process.execPath, [MAIN, 'agent', '-n', 'a1', '-f', 'agent.conf', '--no-reload-conf'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SLUICE_LOG_LEVEL: 'info' } });
    let aout = '';
    agent.stdout!.on('data', (c: Buffer) => (aout += c.toString()));
    agent.stderr!.on('data', (c: Buffer) => (aout += c.toString()));
    const agentExited = new Promise((r) => agent.on('exit', r));
    const write = (from: number, to: number): void => {
      let t = '';
      for (let i = from; i < to; i++) t += `line ${i}\n`;
      appendFileSync(log, t);
    };
    const topicDir = (): Buffer[] => readTopicFrom(logDirs, 'remote');
    try {
      write(0, 5000);
      await waitFor(() => topicDir().length >= 5000, 30_000, '5000 records before the broker restart', 100);
      broker.child.kill('SIGTERM');
      await broker.exited;
      write(5000, 10000);
      await waitFor(() => /unable to deliver|Unable to deliver|EVENT_DELIVERY|REMOTE_UNAVAILABLE/i.test(aout), 30_000, 'a delivery failure while the broker is down', 100);
      broker = startBroker(port, logDirs);
      await broker.ready;
      await waitFor(() => new Set(topicDir().map(String)).size >= 10000, 60_000, '10000 distinct lines after the restart', 200);
      const values = topicDir().map(String);
      const distinct = new Set(values);
      for (let i = 0; i < 10000; i++) expect(distinct.has(`line ${i}`)).toBe(true);
    } finally {
      agent.kill('SIGTERM');
      await agentExited;
      broker.child.kill('SIGTERM');
      await broker.exited;
    }
  }, 150_000);
});

