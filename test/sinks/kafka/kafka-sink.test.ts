/**
 * Kafka sink unit tests against a real in-process broker (127.0.0.1, port 0): embedded
 * target selection, partitioning (Java murmur2 vectors), header mapping, topic override
 * and %{hdr}, Avro FlumeEvent golden bytes, dead letters, interceptors, provenance.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker } from '../../../src/broker/broker.js';
import { parseBrokerConfig } from '../../../src/broker/config/server-config.js';
import { ComponentProps } from '../../../src/agent/component-props.js';
import { createComponentContext } from '../../../src/agent/component-context.js';
import type { Channel, ChannelTransaction } from '../../../src/agent/component.js';
import { EventBatch, type FlumeEvent } from '../../../src/agent/event-batch.js';
import { KafkaSink } from '../../../src/sinks/kafka/kafka-sink.js';
import { encodeAvroFlumeEvent } from '../../../src/sinks/kafka/avro-flume-event.js';
import { decodeRecordBatch, type DecodedRecord } from '../../../src/protocol/record-batch.js';
import { readRecordBatchHeader } from '../../../src/protocol/record-batch-header.js';
import { parseKafkaSinkConfig } from '../../../src/sinks/kafka/kafka-sink-config.js';

let broker: Broker;
let port: number;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-ksink-'));
  const config = parseBrokerConfig(['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${join(dir, 'logs')}`, 'num.partitions=4', 'message.max.bytes=2000'].join('\n'), 't.properties');
  broker = await Broker.start({ config });
  port = broker.boundListeners()[0]!.port;
});
afterAll(async () => {
  await broker.stop();
});

/** A channel holding one batch; commit/rollback are recorded. */
function oneBatchChannel(batch: EventBatch): Channel & { commits: number; rollbacks: number } {
  let pending: EventBatch | null = batch;
  const ch = {
    name: 'c1', capacity: 1000, transactionCapacity: 1000, commits: 0, rollbacks: 0,
    size: () => (pending ? pending.count : 0),
    start: async () => undefined, stop: async () => undefined,
    begin(): ChannelTransaction {
      let taken: EventBatch | null = null;
      return {
        put() {},
        take: async () => {
          taken = pending;
          pending = null;
          return taken;
        },
        commit: async () => void ch.commits++,
        rollback: async () => {
          ch.rollbacks++;
          pending = taken;
        },
      };
    },
  };
  return ch;
}

let n = 0;
async function run(props: Record<string, string>, events: FlumeEvent[] | EventBatch): Promise<{ sink: KafkaSink; ch: ReturnType<typeof oneBatchChannel> }> {
  const ctx = createComponentContext({
    agentName: 'a1', kind: 'sink', name: `k${++n}`, type: 'kafka',
    props: ComponentProps.fromObject('a1.sinks.k', { 'kafka.bootstrap.servers': `localhost:${port}`, ...props }),
    dataRoot: join(dir, 'agent'), broker,
  });
  const sink = new KafkaSink(ctx);
  const ch = oneBatchChannel(Array.isArray(events) ? EventBatch.fromEvents(events) : events);
  sink.setChannel(ch);
  await sink.start();
  await sink.process();
  await sink.stop();
  return { sink, ch };
}

function records(topic: string, partition: number): DecodedRecord[] {
  const lg = broker.logs.partition(topic, partition);
  if (!lg || lg.highWatermark() === 0) return [];
  const r = lg.read(0, 1 << 24, true);
  const buf = Buffer.alloc(r.slice!.length);
  readFileSync(r.slice!.file.path).copy(buf, 0, r.slice!.position, r.slice!.position + r.slice!.length);
  r.slice!.file.release();
  const out: DecodedRecord[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const h = readRecordBatchHeader(buf, pos);
    out.push(...decodeRecordBatch(buf, pos).records);
    pos += h.size;
  }
  return out;
}

const ev = (body: string, headers: Record<string, string> = {}): FlumeEvent => ({ headers, body: Buffer.from(body) });

describe('KafkaSink on the embedded broker', () => {
  it('uses the embedded target for localhost and 127.0.0.1 alike; remote otherwise', () => {
    const mk = (bs: string) => new KafkaSink(createComponentContext({ agentName: 'a1', kind: 'sink', name: 'x', type: 'kafka', props: ComponentProps.fromObject('s', { 'kafka.bootstrap.servers': bs }), broker }));
    expect(mk(`localhost:${port}`).target.kind).toBe('embedded');
    expect(mk(`127.0.0.1:${port}`).target.kind).toBe('embedded');
    expect(mk(`127.0.0.1:${port === 1 ? 2 : port - 1}`).target.kind).toBe('remote');
  });

  it('keyed events go to murmur2(key) partitions (Java vectors), unkeyed take sticks to one partition', async () => {
    await run({ 'kafka.topic': 'keyed' }, [ev('a', { key: '0' }), ev('b', { key: '1' }), ev('c', { key: '1' })]);
    // murmur2("0") = 971027396 → 0 (mod 4); murmur2("1") = -1993445489 → 154038159 → 3
    expect(records('keyed', 0).map((r) => r.value!.toString())).toEqual(['a']);
    expect(records('keyed', 3).map((r) => [r.key!.toString(), r.value!.toString()])).toEqual([['1', 'b'], ['1', 'c']]);
    await run({ 'kafka.topic': 'sticky' }, [ev('x'), ev('y'), ev('z')]);
    const per = [0, 1, 2, 3].map((p) => records('sticky', p).length);
    expect(per.sort()).toEqual([0, 0, 0, 3]);
  });

  it('maps headers, honours timestampHeader, partitionIdHeader and topic override / %{hdr}', async () => {
    await run(
      { 'kafka.topic': 'ovr-%{app}', 'header.app': 'application', timestampHeader: 'ts', partitionIdHeader: 'p' },
      [ev('one', { app: 'web', ts: '1700000000000', p: '2' }), ev('two', { topic: 'direct', app: 'x' })],
    );
    const r = records('ovr-web', 2);
    expect(r.map((x) => x.value!.toString())).toEqual(['one']);
    expect(r[0]!.timestamp).toBe(1700000000000);
    expect(r[0]!.headers.map((h) => [h.key, h.value!.toString()])).toEqual([['application', 'web']]);
    const d = [0, 1, 2, 3].flatMap((p) => records('direct', p));
    expect(d.map((x) => x.value!.toString())).toEqual(['two']);
  });

  it('writes Avro FlumeEvent values with useFlumeEventFormat (golden bytes)', async () => {
    expect(encodeAvroFlumeEvent({}, Buffer.from('hi'))).toEqual(Buffer.from([0x00, 0x04, 0x68, 0x69]));
    expect(encodeAvroFlumeEvent({ k: 'v' }, Buffer.from('hi'))).toEqual(Buffer.from([0x02, 0x02, 0x6b, 0x02, 0x76, 0x00, 0x04, 0x68, 0x69]));
    await run({ 'kafka.topic': 'avro', useFlumeEventFormat: 'true', defaultPartitionId: '1' }, [ev('hi', { k: 'v' })]);
    expect(records('avro', 1)[0]!.value).toEqual(Buffer.from([0x02, 0x02, 0x6b, 0x02, 0x76, 0x00, 0x04, 0x68, 0x69]));
  });

  it('dead-letters too-large records and bad partition headers; the rest flows on and the take commits', async () => {
    const { sink, ch } = await run({ 'kafka.topic': 'dlq', partitionIdHeader: 'p', defaultPartitionId: '0' }, [
      ev('ok1'), ev('x'.repeat(5000)), ev('bad', { p: 'two' }), ev('ok2'), ev('range', { p: '9' }),
    ]);
    expect(ch.commits).toBe(1);
    expect(records('dlq', 0).map((r) => r.value!.toString())).toEqual(['ok1', 'ok2']);
    const lines = readFileSync(sink.deadLetters.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { code: string; body: string });
    expect(lines.map((l) => l.code).sort()).toEqual(['BAD_PARTITION', 'BAD_PARTITION_HEADER', 'MESSAGE_TOO_LARGE']);
    expect(sink.deadLetters.path).toBe(join(dir, 'agent', 'a1', 'dead-letter', `k${n}.jsonl`));
  });

  it('runs producer interceptors: transform, refuse → dead letter, a throwing one is skipped', async () => {
    const upper = join(dir, 'upper.mjs');
    writeFileSync(upper, `export default class { onSend(r) { if (r.value.toString() === 'drop') return null; return { ...r, value: Buffer.from(r.value.toString().toUpperCase()) }; } onAcknowledgementBatch(m) { globalThis.__acks = (globalThis.__acks ?? 0) + m.length; } }`);
    const thrower = join(dir, 'thrower.mjs');
    writeFileSync(thrower, `export default () => ({ onSend() { throw new Error('boom'); } })`);
    const { sink } = await run({ 'kafka.topic': 'icpt', defaultPartitionId: '0', 'kafka.producer.interceptor.classes': `${thrower},${upper}` }, [ev('a'), ev('drop'), ev('b')]);
    expect(records('icpt', 0).map((r) => r.value!.toString())).toEqual(['A', 'B']);
    expect((globalThis as { __acks?: number }).__acks).toBe(2);
    expect(sink.deadLetters.written).toBe(1);
  });

  it('splits a take into record batches under message.max.bytes and writes provenance on the last record', async () => {
    const body = Buffer.from('0123456789'.repeat(30));
    const count = 20;
    const data = Buffer.concat(Array.from({ length: count }, () => body));
    const starts = Uint32Array.from({ length: count }, (_, i) => i * body.length);
    const ends = Uint32Array.from({ length: count }, (_, i) => (i + 1) * body.length);
    const batch = new EventBatch({
      data, starts, ends,
      positions: { streams: ['1:2:7:00000000000000aa:0'], streamOf: new Uint16Array(count), endOffset: Float64Array.from({ length: count }, (_, i) => (i + 1) * 301) },
    });
    await run({ 'kafka.topic': 'prov', defaultPartitionId: '0' }, batch);
    const r = records('prov', 0);
    expect(r.length).toBe(count);
    const withPos = r.filter((x) => x.headers.some((h) => h.key === 'sluice.pos'));
    expect(withPos.length).toBeGreaterThan(1); // several batches, each with its own provenance
    const last = r[count - 1]!.headers.find((h) => h.key === 'sluice.pos')!;
    expect(JSON.parse(last.value!.toString())).toEqual({ '1:2:7:00000000000000aa:0': count * 301 });
    // Each batch's provenance is the end position of its own last record.
    for (const x of withPos) {
      const at = r.indexOf(x);
      expect(JSON.parse(x.headers.find((h) => h.key === 'sluice.pos')!.value!.toString())).toEqual({ '1:2:7:00000000000000aa:0': (at + 1) * 301 });
    }
  });

  it('drops replayed events at or below the position the log holds; provisional streams and unpositioned events pass', async () => {
    const stream = '1:3:7:00000000000000bb:0';
    const provisional = '1:4:0:0000000000000000:0';
    const mk = (from: number, to: number, streamIds: string[], streamOfFn: (i: number) => number, offFn: (i: number) => number): EventBatch => {
      const bodies = Array.from({ length: to - from }, (_, k) => `line-${from + k}`);
      const b = EventBatch.fromEvents(bodies.map((x) => ev(x)));
      return new EventBatch({
        data: b.data, starts: b.starts, ends: b.ends,
        positions: { streams: streamIds, streamOf: Uint16Array.from(bodies, (_, k) => streamOfFn(from + k)), endOffset: Float64Array.from(bodies, (_, k) => offFn(from + k)) },
      });
    };
    await run({ 'kafka.topic': 'replay', defaultPartitionId: '0' }, mk(0, 10, [stream], () => 0, (i) => (i + 1) * 10));
    // A durable channel replays 5..14 after a "crash"; 10..14 are new. Plus a provisional-stream
    // event with a low offset and an event without a position: both must pass.
    const replay = mk(5, 17, [stream, provisional], (i) => (i === 15 ? 1 : 0), (i) => (i === 16 ? -1 : i === 15 ? 5 : (i + 1) * 10));
    const { sink } = await run({ 'kafka.topic': 'replay', defaultPartitionId: '0' }, replay);
    const got = records('replay', 0).map((x) => x.value!.toString());
    expect(got).toEqual(Array.from({ length: 17 }, (_, i) => `line-${i}`));
    expect((sink as unknown as { counters: { get(c: string): number } }).counters.get('ReplayDroppedCount')).toBe(5);
  });
});

describe('Kafka sink configuration', () => {
  it('reads Flume keys, legacy names and defaults', () => {
    const c = parseKafkaSinkConfig(ComponentProps.fromObject('s', { brokerList: 'h:1,h2:2', topic: 't', batchSize: '7', requiredAcks: '-1' }));
    expect(c).toMatchObject({ bootstrapText: 'h:1,h2:2', topic: 't', batchSize: 7, acks: -1, compression: 0, idempotent: true, allowTopicOverride: true, topicHeader: 'topic' });
    const d = parseKafkaSinkConfig(ComponentProps.fromObject('s', { 'kafka.bootstrap.servers': 'h:1' }));
    expect(d).toMatchObject({ topic: 'default-flume-topic', batchSize: 100, acks: 1 });
    const warned: string[] = [];
    const log = { warn: (_o: unknown, m: string) => warned.push(m) } as unknown as Parameters<typeof parseKafkaSinkConfig>[1];
    expect(parseKafkaSinkConfig(ComponentProps.fromObject('s', { 'kafka.bootstrap.servers': 'h:1', 'kafka.flumeBatchSize': '50' }), log).batchSize).toBe(50);
    expect(warned.join()).toContain('flumeBatchSize');
    expect(() => parseKafkaSinkConfig(ComponentProps.fromObject('s', {}))).toThrow(/kafka.bootstrap.servers/);
    expect(() => parseKafkaSinkConfig(ComponentProps.fromObject('s', { 'kafka.bootstrap.servers': 'h:1', 'kafka.producer.compression.type': 'brotli' }))).toThrow(/compression.type/);
  });
});
