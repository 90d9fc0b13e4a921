// Every program in examples/ runs as a real process (node examples/X.mjs, kafkajs 2.2.4)
// against a Sluice broker on 127.0.0.1:0, pointed at it through SLUICE_BROKERS; the
// interceptor pair runs inside a real `sluice agent` whose Kafka sink writes to that broker.
// Each check waits on the process exit or polls with a deadline; no fixed sleeps.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { startListeningBroker, type RunningBroker } from '../integration/broker-harness.js';

const root = join(import.meta.dirname, '..', '..');
let rb: RunningBroker;
let tmp: string;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runNode(args: string[], env: Record<string, string>, timeoutMs = 45_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not finish in ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const example = (name: string, env: Record<string, string>): Promise<Run> =>
  runNode([join('examples', name)], { SLUICE_BROKERS: rb.bootstrap, ...env });

function lines(out: string, re: RegExp): RegExpExecArray[] {
  return out.split('\n').map((l) => re.exec(l)).filter((m): m is RegExpExecArray => m !== null);
}

async function committed(group: string, topic: string): Promise<Map<number, number>> {
  const client = new KafkaClient({ bootstrapServers: rb.bootstrap });
  try {
    return new Map((await client.offsetFetch(group, [{ topic, partitions: [0, 1, 2] }])).filter((c) => c.offset >= 0).map((c) => [c.partition, c.offset]));
  } finally {
    client.close();
  }
}

beforeAll(async () => {
  // No initial-rebalance delay: each kafkajs consumer is the only member of its group.
  rb = await startListeningBroker(['group.initial.rebalance.delay.ms=0', 'auto.create.topics.enable=true']);
  tmp = await mkdtemp(join(tmpdir(), 'sluice-examples-'));
  const client = new KafkaClient({ bootstrapServers: rb.bootstrap });
  await client.createTopics([{ name: 'first', numPartitions: 3 }, { name: 'intercepted', numPartitions: 1 }]);
  client.close();
});

afterAll(async () => {
  await rb?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('examples/ against a Sluice broker', () => {
  it('producer.mjs sends without a callback; producer-callback.mjs prints partition and offset', async () => {
    const plain = await example('producer.mjs', { TOPIC: 'first', MESSAGES: '6' });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain('sent 6 records to first');
    const cb = await example('producer-callback.mjs', { TOPIC: 'first', MESSAGES: '6' });
    expect(cb.code, cb.stderr).toBe(0);
    const delivered = lines(cb.stdout, /^delivered value=(message-\d+) partition=(\d+) offset=(\d+)$/);
    expect(delivered.map((m) => m[1]).sort()).toEqual(Array.from({ length: 6 }, (_, i) => `message-${i}`).sort());
    // offsets are distinct per partition
    const seen = new Set(delivered.map((m) => `${m[2]}/${m[3]}`));
    expect(seen.size).toBe(6);
  });

  it('consumer-auto-commit.mjs reads all 12 records and its group commits them', async () => {
    const r = await example('consumer-auto-commit.mjs', { TOPIC: 'first', GROUP: 'ex-auto', MAX_MESSAGES: '12' });
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout, /^partition=\d+ offset=\d+ value=message-\d+$/)).toHaveLength(12);
    expect(r.stdout).toContain('consumed 12 records');
    const c = await committed('ex-auto', 'first');
    expect([...c.values()].reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('consumer-commit-sync.mjs commits after each batch and waits for it', async () => {
    const r = await example('consumer-commit-sync.mjs', { TOPIC: 'first', GROUP: 'ex-sync', MAX_MESSAGES: '12' });
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout, /^partition=\d+ offset=\d+ value=/)).toHaveLength(12);
    const printed = lines(r.stdout, /^committed partition=(\d+) offset=(\d+)$/);
    const c = await committed('ex-sync', 'first');
    for (const m of printed) expect(c.get(Number(m[1]))).toBeGreaterThanOrEqual(Number(m[2]));
    expect([...c.values()].reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('consumer-commit-async.mjs commits without waiting and awaits the last commit', async () => {
    const r = await example('consumer-commit-async.mjs', { TOPIC: 'first', GROUP: 'ex-async', MAX_MESSAGES: '12' });
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout, /^partition=\d+ offset=\d+ value=/)).toHaveLength(12);
    expect(r.stdout).not.toContain('async commit failed');
    const c = await committed('ex-async', 'first');
    expect([...c.values()].reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('consumer-custom-offsets.mjs saves offsets to its JSON file and resumes from them after a rejoin', async () => {
    const file = join(tmp, 'offsets.json');
    const first = await example('consumer-custom-offsets.mjs', { TOPIC: 'first', GROUP: 'ex-custom', OFFSETS_FILE: file, MAX_MESSAGES: '5' });
    expect(first.code, first.stderr).toBe(0);
    const firstValues = lines(first.stdout, /^partition=(\d+) offset=(\d+) value=(.*)$/);
    expect(firstValues).toHaveLength(5);
    const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, Record<string, string>>;
    expect(Object.values(saved['first']!).map(Number).reduce((a, b) => a + b, 0)).toBe(5);
    expect(existsSync(`${file}.tmp`)).toBe(false);
    // the group holds no offsets: the file is the only record of progress
    expect((await committed('ex-custom', 'first')).size).toBe(0);

    const second = await example('consumer-custom-offsets.mjs', { TOPIC: 'first', GROUP: 'ex-custom', OFFSETS_FILE: file, MAX_MESSAGES: '7' });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/seeking to saved offset/);
    const secondValues = lines(second.stdout, /^partition=(\d+) offset=(\d+) value=(.*)$/);
    const key = (m: RegExpExecArray): string => `${m[1]}/${m[2]}`;
    // together the two runs read all 12 records exactly once
    expect(new Set([...firstValues, ...secondValues].map(key)).size).toBe(12);
    const final = JSON.parse(await readFile(file, 'utf8')) as Record<string, Record<string, string>>;
    expect(Object.values(final['first']!).map(Number).reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('the time and count interceptors run in the Kafka sink of a sluice agent', async () => {
    if (!existsSync(join(root, 'dist/cli/main.js'))) {
      spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--noEmitOnError', 'false'], { cwd: root, stdio: 'ignore' });
    }
    const conf = (await readFile(join(root, 'examples/interceptors/flume-interceptors.conf'), 'utf8')).replace('127.0.0.1:9092', rb.bootstrap);
    const confFile = join(tmp, 'interceptors.conf');
    await writeFile(confFile, conf);
    const agent = spawn(process.execPath, [join(root, 'dist/cli/main.js'), 'agent', '-n', 'a1', '-f', confFile, '--no-reload-conf'], {
      cwd: root, env: { ...process.env, SLUICE_LOG_LEVEL: 'warn', KAFKAJS_NO_PARTITIONER_WARNING: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    agent.stdout.on('data', (c: Buffer) => (out += c.toString()));
    agent.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => agent.on('close', resolve));
    const client = new KafkaClient({ bootstrapServers: rb.bootstrap });
    try {
      const deadline = Date.now() + 30_000;
      let end = 0;
      while (end < 20 && Date.now() < deadline) {
        end = (await client.listOffsets('intercepted', 'latest'))[0]!.offset;
        if (end < 20) await new Promise((r) => setTimeout(r, 100)); // poll with a deadline
      }
      expect(end, out).toBe(20);
      const fetched = await client.fetch([{ topic: 'intercepted', partition: 0, offset: 0 }]);
      const values = fetched[0]!.records.map((r) => r.value!.toString());
      expect(values).toHaveLength(20);
      for (const [i, v] of values.entries()) expect(v).toMatch(new RegExp(`^\\d{13},${i}$`));
    } finally {
      client.close();
      agent.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('count-interceptor: sent successfully: 20 records');
    expect(out).toContain('count-interceptor: failed: 0 records');
  });
});
