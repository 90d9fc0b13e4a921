/**
 * Kafka sink (`org.apache.flume.sink.kafka.KafkaSink`, Sluice alias `kafka`).
 *
 * One take (≤ flumeBatchSize events) becomes, per topic and partition, record batches of at
 * most the target's max batch bytes, sent together; the take commits only when every one
 * was acknowledged or dead-lettered (at least once, hop by hop, as Flume).
 * - Target: the in-process broker when the agent runs with --broker and a bootstrap server
 *   is one of its local addresses (embedded-target.ts, no socket); otherwise a remote
 *   cluster through kafkajs (kafkajs-producer.ts).
 * - Routing, per event (Flume 1.11): topic = `topicHeader` header when allowTopicOverride,
 *   else kafka.topic with %{hdr} substituted. Partition = `partitionIdHeader` header
 *   (must be an integer in range, else dead letter), else defaultPartitionId, else the `key`
 *   header hashed with Java murmur2, else one partition per take, round-robin over takes
 *   (sticky). Record key = `key` header; headers = header.<flume>=<kafka> mappings;
 *   timestamp = `timestampHeader` header (epoch ms) or now; value = body, or an Avro
 *   FlumeEvent with useFlumeEventFormat.
 * - Hot path: with no interceptors, no per-event headers, no key/partition/topic headers,
 *   no header mapping and no Avro, the take stays one Buffer + offsets and is encoded with
 *   encodeRecordBatchFromBodies (no object per event).
 * - Exactly once (embedded): each batch's last record carries `sluice.pos` (provenance.ts);
 *   at start, before sources, the sink recovers positions from the topic and reconciles
 *   linked TAILDIR sources (exactly-once-state.ts, agent/embedded-broker.ts); events at
 *   or below a recovered position (replays from a durable channel) are dropped.
 * - Dead letters (dead-letter.ts): too large, refused by an interceptor, bad partition
 *   header, invalid topic, permanent broker refusal. The rest flows on.
 * Counters: Flume's sink counters (ChannelSink) + KafkaEventSendTimer, RollbackCount,
 * DeadLetterCount, ReplayDroppedCount.
 */
import { dirname, join } from 'node:path';
import type { ComponentContext, SinkFactory } from '../../agent/component.js';
import { ChannelSink } from '../../agent/channel-sink.js';
import { EventBatch, type Headers } from '../../agent/event-batch.js';
import { EventDeliveryError } from '../../agent/delivery-errors.js';
import { asInProcessBroker, type RecoveryHooks, type RecoveryTarget } from '../../agent/embedded-broker.js';
import { describeError, SluiceError } from '../../errors.js';
import { partitionForKey } from '../../protocol/murmur2.js';
import type { RecordHeader } from '../../protocol/record-batch.js';
import { encodeAvroFlumeEvent } from './avro-flume-event.js';
import { DeadLetterFile, type DeadLetter } from './dead-letter.js';
import { EmbeddedTarget } from './embedded-target.js';
import { ExactlyOnceState } from './exactly-once-state.js';
import { KafkajsProducer } from './kafkajs-producer.js';
import { parseKafkaSinkConfig, type KafkaSinkConfig } from './kafka-sink-config.js';
import { InterceptorChain, loadInterceptors, type InterceptedRecord, type RecordMetadata } from './producer-interceptors.js';
import type { OutgoingRecord, PartitionBatch, ProducerTarget } from './producer.js';
import { foldPosition, maxPositions, provenanceHeader } from './provenance.js';

/** Room kept for the batch header, record framing and the provenance header. */
const BATCH_SLACK = 4096;
const RECORD_OVERHEAD = 24;
/** fpLen 0 + zero hash: a provisional stream id (TAILDIR), never matched against the log. */
const PROVISIONAL_STREAM = ':0:0000000000000000:';

interface Group {
  readonly topic: string;
  readonly partition: number;
  /** Batch indices of the group's events, in order; null = every event of the batch (fast path). */
  readonly idx: number[] | null;
  readonly recs: OutgoingRecord[] | null;
}

interface Chunk {
  readonly batch: PartitionBatch;
  readonly group: Group;
  readonly from: number;
  readonly to: number;
  /** Highest position per stream among the chunk's events (its provenance), if any. */
  readonly positions: Map<string, number> | null;
}

export class KafkaSink extends ChannelSink {
  readonly config: KafkaSinkConfig;
  readonly target: ProducerTarget;
  private chain = new InterceptorChain([], this.ctx.logger);
  readonly deadLetters: DeadLetterFile;
  private eo: ExactlyOnceState | undefined;
  private readonly recoveryTargets: RecoveryTarget[] = [];
  private readonly rr = new Map<string, number>();
  /** Scratch for dropReplays: the log position per stream index of the batch at hand. */
  private replayThr = new Float64Array(16);

  constructor(ctx: ComponentContext) {
    const cfg = parseKafkaSinkConfig(ctx.props, ctx.logger);
    super(ctx, { batchSize: cfg.batchSize });
    this.config = cfg;
    const broker = asInProcessBroker(ctx.broker);
    const local = broker && cfg.bootstrapServers.some((b) => broker.isLocalAddress(b.host, b.port));
    this.target = local ? new EmbeddedTarget(broker, cfg.compression) : new KafkajsProducer(cfg, ctx.name, ctx.logger);
    this.deadLetters = new DeadLetterFile(join(dirname(ctx.dataDir), 'dead-letter', `${ctx.name}.jsonl`), ctx.name, ctx.logger, ctx.metrics);
    for (const c of ['KafkaEventSendTimer', 'RollbackCount', 'DeadLetterCount', 'ReplayDroppedCount']) ctx.metrics.increment(c, 0);
  }

  /** The exactly-once link (agent/embedded-broker.ts): only for the embedded target. */
  recoveryHooks(): RecoveryHooks | undefined {
    if (this.target.kind !== 'embedded' || this.config.topicHasPlaceholders) return undefined;
    return { addRecoveryTarget: (t) => this.recoveryTargets.push(t) };
  }

  protected override async onStart(): Promise<void> {
    this.chain = await loadInterceptors(this.config.interceptorClasses, this.config.producerProps, this.logger);
    await this.target.start();
    this.logger.info(
      { target: this.target.kind, bootstrap: this.config.bootstrapText, topic: this.config.topic, batchSize: this.batchSize },
      this.target.kind === 'embedded' ? `Kafka sink ${this.name} appends to the embedded broker (no socket)` : `Kafka sink ${this.name} produces to ${this.config.bootstrapText}`,
    );
    if (this.target instanceof EmbeddedTarget && !this.config.topicHasPlaceholders) {
      const broker = asInProcessBroker(this.ctx.broker)!;
      const n = await this.target.partitionCount(this.config.topic);
      const logs = [];
      for (let p = 0; p < n; p++) {
        const l = broker.logs.partition(this.config.topic, p);
        if (l) logs.push(l);
      }
      this.eo = new ExactlyOnceState(this.ctx.dataDir, this.config.topic, this.logger);
      await this.eo.recover(logs);
      for (const t of this.recoveryTargets) await this.eo.reconcile(t);
    }
  }

  protected override async onStop(): Promise<void> {
    await this.eo?.save(true);
    this.chain.close();
    await this.target.stop();
  }

  /**
   * Drops events already in the log (replays from a durable channel after a crash).
   * Per stream of the batch, one threshold (the log's position, or -1 when the stream is
   * unknown or provisional); then one typed-array pass — no string work per event.
   */
  private dropReplays(batch: EventBatch): EventBatch {
    const p = batch.positions;
    const eo = this.eo;
    if (!p || !eo || eo.logPos.size === 0) return batch;
    const nStreams = p.streams.length;
    const thr = nStreams <= this.replayThr.length ? this.replayThr : (this.replayThr = new Float64Array(nStreams * 2));
    let any = false;
    for (let s = 0; s < nStreams; s++) {
      const id = p.streams[s]!;
      const lp = id.includes(PROVISIONAL_STREAM) ? undefined : eo.logPos.get(id);
      thr[s] = lp ?? -1;
      if (lp !== undefined) any = true;
    }
    if (!any) return batch;
    const { streamOf, endOffset } = p;
    const n = batch.count;
    // Events without a position (endOffset -1) are never replays.
    let drop = 0;
    for (let i = 0; i < n; i++) {
      const off = endOffset[i]!;
      if (off >= 0 && off <= thr[streamOf[i]!]!) drop++;
    }
    if (drop === 0) return batch;
    const keep: number[] = [];
    for (let i = 0; i < n; i++) {
      const off = endOffset[i]!;
      if (!(off >= 0 && off <= thr[streamOf[i]!]!)) keep.push(i);
    }
    this.counters.increment('ReplayDroppedCount', drop);
    this.logger.info({ dropped: drop }, 'exactly-once: dropped events already in the topic');
    return selectEvents(batch, keep);
  }

  private topicFor(h: Readonly<Headers>): string {
    const c = this.config;
    if (c.allowTopicOverride) {
      const t = h[c.topicHeader];
      if (t !== undefined && t !== '') return t;
      if (c.topicHasPlaceholders) return c.topic.replace(/%\{([^}]+)\}/g, (_m, k: string) => h[k] ?? '');
    }
    return c.topic;
  }

  private nextPartition(topic: string, n: number): number {
    const r = this.rr.get(topic) ?? Math.floor(Math.random() * n);
    this.rr.set(topic, r + 1);
    return r % n;
  }

  /** The explicit partition of an event (partitionIdHeader or defaultPartitionId), null if none; throws on a bad header. */
  private explicitPartition(h: Readonly<Headers>): number | null {
    const c = this.config;
    if (c.partitionIdHeader !== undefined) {
      const v = h[c.partitionIdHeader];
      if (v !== undefined) {
        if (!/^\s*\d+\s*$/.test(v)) throw new SluiceError('BAD_PARTITION_HEADER', `header ${c.partitionIdHeader}="${v}" is not a partition number`);
        return Number(v);
      }
    }
    return c.defaultPartitionId ?? null;
  }

  private fastPathOk(batch: EventBatch): boolean {
    const c = this.config;
    if (!this.chain.empty || c.useFlumeEventFormat || c.headerMap.size > 0 || c.timestampHeader !== undefined || batch.eventHeaders !== undefined) return false;
    const h = batch.sharedHeaders;
    return h['key'] === undefined && (c.partitionIdHeader === undefined || h[c.partitionIdHeader] === undefined) && (!c.allowTopicOverride || h[c.topicHeader] === undefined);
  }

  protected override async deliver(input: EventBatch): Promise<void> {
    const batch = this.dropReplays(input);
    if (batch.count === 0) return;
    const t0 = Date.now();
    const dead: DeadLetter[] = [];
    const groups = this.fastPathOk(batch) ? await this.routeFast(batch, dead) : await this.routeGeneral(batch, dead);
    const chunks = this.chunk(batch, groups, dead);
    if (chunks.length > 0) {
      const outcomes = await this.target.send(chunks.map((c) => c.batch));
      const retry = outcomes.find((o) => !o.ok && o.retriable);
      if (retry && !retry.ok) {
        this.counters.increment('RollbackCount');
        if (!this.chain.empty) this.chain.onAcknowledgement(chunks.map((c) => ({ topic: c.batch.topic, partition: c.batch.partition, offset: -1, timestamp: -1 })), new Error(retry.message));
        throw new EventDeliveryError(this.name, new SluiceError(retry.code, retry.message, { retriable: true }));
      }
      const acked: RecordMetadata[] = [];
      outcomes.forEach((o, k) => {
        const c = chunks[k]!;
        if (o.ok) {
          if (this.eo && c.batch.topic === this.config.topic) this.eo.noteAppended(c.batch.partition, o.nextOffset, c.positions ?? undefined);
          if (!this.chain.empty) for (let i = 0; i < c.batch.count; i++) acked.push({ topic: c.batch.topic, partition: c.batch.partition, offset: o.baseOffset + i, timestamp: c.batch.timestamp });
        } else {
          for (let i = c.from; i < c.to; i++) dead.push(this.letter(batch, eventAt(c.group, i), c.group.topic, c.group.partition, o.code, o.message));
        }
      });
      if (acked.length > 0) this.chain.onAcknowledgement(acked, null);
    }
    this.counters.increment('KafkaEventSendTimer', Date.now() - t0);
    if (dead.length > 0) await this.deadLetters.write(dead);
  }

  private letter(batch: EventBatch, i: number, topic: string | null, partition: number | null, code: string, reason: string): DeadLetter {
    return { topic, partition, code, reason, headers: batch.headers(i), body: batch.body(i) };
  }

  private async partitionsOf(topic: string): Promise<number> {
    try {
      return await this.target.partitionCount(topic);
    } catch (err) {
      if (err instanceof SluiceError && /INVALID_TOPIC/.test(err.code)) throw err;
      throw new EventDeliveryError(this.name, err);
    }
  }

  private async routeFast(batch: EventBatch, dead: DeadLetter[]): Promise<Group[]> {
    const topic = this.topicFor(batch.sharedHeaders);
    let n: number;
    try {
      n = await this.partitionsOf(topic);
    } catch (err) {
      if (err instanceof EventDeliveryError) throw err;
      for (let i = 0; i < batch.count; i++) dead.push(this.letter(batch, i, topic, null, 'INVALID_TOPIC', describeError(err)));
      return [];
    }
    const explicit = this.config.defaultPartitionId;
    if (explicit !== undefined && explicit >= n) {
      for (let i = 0; i < batch.count; i++) dead.push(this.letter(batch, i, topic, explicit, 'BAD_PARTITION', `defaultPartitionId ${explicit} ≥ ${n} partitions of ${topic}`));
      return [];
    }
    const partition = explicit ?? this.nextPartition(topic, n);
    return [{ topic, partition, idx: null, recs: null }];
  }

  private async routeGeneral(batch: EventBatch, dead: DeadLetter[]): Promise<Group[]> {
    const c = this.config;
    const now = Date.now();
    const records: (InterceptedRecord | null)[] = new Array(batch.count);
    for (let i = 0; i < batch.count; i++) {
      const h = batch.headers(i);
      let partition: number | null;
      try {
        partition = this.explicitPartition(h);
      } catch (err) {
        dead.push(this.letter(batch, i, null, null, 'BAD_PARTITION_HEADER', describeError(err)));
        records[i] = null;
        continue;
      }
      const headers: RecordHeader[] = [];
      for (const [f, k] of c.headerMap) {
        const v = h[f];
        if (v !== undefined) headers.push({ key: k, value: Buffer.from(v, 'utf8') });
      }
      let timestamp = now;
      if (c.timestampHeader !== undefined) {
        const t = h[c.timestampHeader];
        if (t !== undefined && /^\s*-?\d+\s*$/.test(t)) timestamp = Number(t);
      }
      const key = h['key'];
      records[i] = {
        topic: this.topicFor(h),
        partition,
        key: key === undefined ? null : Buffer.from(key, 'utf8'),
        value: c.useFlumeEventFormat ? encodeAvroFlumeEvent(h, batch.body(i)) : batch.body(i),
        headers,
        timestamp,
      };
    }
    const out = this.chain.empty ? records : this.chain.onSend(records);
    const groups = new Map<string, Group>();
    const sticky = new Map<string, number>();
    const counts = new Map<string, number>();
    for (let i = 0; i < out.length; i++) {
      const r = out[i];
      if (r === null || r === undefined) {
        if (records[i] !== null) dead.push(this.letter(batch, i, records[i]!.topic, null, 'INTERCEPTOR_REFUSED', 'a producer interceptor returned null'));
        continue;
      }
      let n = counts.get(r.topic);
      if (n === undefined) {
        try {
          n = await this.partitionsOf(r.topic);
        } catch (err) {
          if (err instanceof EventDeliveryError) throw err;
          dead.push(this.letter(batch, i, r.topic, null, 'INVALID_TOPIC', describeError(err)));
          continue;
        }
        counts.set(r.topic, n);
      }
      let p: number;
      if (r.partition !== null) {
        if (!Number.isInteger(r.partition) || r.partition < 0 || r.partition >= n) {
          dead.push(this.letter(batch, i, r.topic, r.partition, 'BAD_PARTITION', `partition ${r.partition} is not in [0, ${n}) for ${r.topic}`));
          continue;
        }
        p = r.partition;
      } else if (r.key !== null) {
        p = partitionForKey(r.key, n);
      } else {
        let s = sticky.get(r.topic);
        if (s === undefined) sticky.set(r.topic, (s = this.nextPartition(r.topic, n)));
        p = s;
      }
      const gk = `${p}\u0000${r.topic}`;
      let g = groups.get(gk);
      if (!g) groups.set(gk, (g = { topic: r.topic, partition: p, idx: [], recs: [] }));
      g.idx!.push(i);
      g.recs!.push({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp });
    }
    return [...groups.values()];
  }

  /** Splits groups into record batches that fit the target's limit; too-large single records are dead letters. */
  private chunk(batch: EventBatch, groups: readonly Group[], dead: DeadLetter[]): Chunk[] {
    const out: Chunk[] = [];
    const ts = Date.now();
    for (const g of groups) {
      const max = this.target.maxBatchBytes(g.topic);
      const limit = max - Math.min(BATCH_SLACK, Math.floor(max / 4));
      const sizeOf = (k: number): number => {
        if (g.recs) {
          const r = g.recs[k]!;
          let s = RECORD_OVERHEAD + (r.value?.length ?? 0) + (r.key?.length ?? 0);
          for (const h of r.headers) s += h.key.length + (h.value?.length ?? 0) + 4;
          return s;
        }
        return RECORD_OVERHEAD + batch.bodyLength(k);
      };
      let from = 0;
      let bytes = 0;
      const flush = (to: number): void => {
        if (to > from) out.push(this.makeChunk(batch, g, from, to, ts));
        from = to;
        bytes = 0;
      };
      const n = g.idx ? g.idx.length : batch.count;
      for (let k = 0; k < n; k++) {
        const s = sizeOf(k);
        if (s > limit) {
          flush(k);
          dead.push(this.letter(batch, eventAt(g, k), g.topic, g.partition, 'MESSAGE_TOO_LARGE', `record of ${s} bytes exceeds the limit of ${limit} bytes (max ${max}) for ${g.topic}`));
          from = k + 1;
          continue;
        }
        if (bytes + s > limit) flush(k);
        bytes += s;
      }
      flush(n);
    }
    return out;
  }

  private makeChunk(batch: EventBatch, g: Group, from: number, to: number, ts: number): Chunk {
    let positions: Map<string, number> | null = null;
    const p = batch.positions;
    if (p) {
      // Fast path: the group is the whole batch in order (idx[k] === k).
      if (!g.recs) positions = maxPositions(p, from, to);
      else {
        positions = new Map();
        for (let k = from; k < to; k++) {
          const i = eventAt(g, k);
          const off = p.endOffset[i]!;
          if (off >= 0) foldPosition(positions, p.streams[p.streamOf[i]!]!, off);
        }
      }
    }
    const lastRecordHeaders = positions ? provenanceHeader(positions) : null;
    let pb: PartitionBatch;
    if (g.recs) {
      pb = { topic: g.topic, partition: g.partition, count: to - from, records: g.recs.slice(from, to), timestamp: ts, lastRecordHeaders };
    } else {
      pb = {
        topic: g.topic, partition: g.partition, count: to - from, timestamp: ts, lastRecordHeaders,
        bodies: { data: batch.data, starts: batch.starts.subarray(from, to), ends: batch.ends.subarray(from, to) },
      };
    }
    return { batch: pb, group: g, from, to, positions };
  }
}

/** Batch index of the k-th event of a group. */
function eventAt(g: Group, k: number): number {
  return g.idx ? g.idx[k]! : k;
}

/** Events `keep` of `batch` as a new batch (shares the data buffer). */
export function selectEvents(batch: EventBatch, keep: readonly number[]): EventBatch {
  const n = keep.length;
  const starts = new Uint32Array(n);
  const ends = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    starts[k] = batch.starts[keep[k]!]!;
    ends[k] = batch.ends[keep[k]!]!;
  }
  const p = batch.positions;
  const eh = batch.eventHeaders;
  return new EventBatch({
    data: batch.data, starts, ends, sharedHeaders: batch.sharedHeaders,
    ...(eh ? { eventHeaders: keep.map((i) => eh[i]) } : {}),
    ...(p ? {
      positions: {
        streams: p.streams,
        streamOf: Uint16Array.from(keep, (i) => p.streamOf[i]!),
        endOffset: Float64Array.from(keep, (i) => p.endOffset[i]!),
      },
    } : {}),
  });
}

export const kafkaSinkFactory: SinkFactory = {
  kind: 'sink',
  aliases: ['kafka'],
  classNames: ['org.apache.flume.sink.kafka.KafkaSink'],
  create: (ctx) => new KafkaSink(ctx),
};
