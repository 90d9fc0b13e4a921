/**
 * Remote target: a Kafka cluster through kafkajs 2.2.4 — the only file that imports kafkajs.
 *
 * - One kafkajs client per sink: `clientId` = `kafka.producer.client.id` or `sluice-<sink>`,
 *   brokers = kafka.bootstrap.servers, kafkajs logs routed to pino (component
 *   `sink.kafka.kafkajs`).
 * - Idempotent when enable.idempotence=true (the default) AND acks=all, as the Java client
 *   3.x does when idempotence is not set explicitly; with acks 0/1 it is off (warned when
 *   it was set explicitly). If the broker lacks InitProducerId, the producer is rebuilt
 *   non-idempotent once, with a warning.
 * - The sink chooses partitions; every message carries its partition, so kafkajs's
 *   partitioner is not consulted. Partition counts come from the admin client's metadata
 *   (cached, refreshed on a failure).
 * - acks and compression map 1:1 (snappy and lz4 codecs are registered from
 *   src/protocol/compression.ts). linger.ms / batch.size: a take is already one batch per
 *   partition, so they are accepted and documented as no-ops here.
 * - send(): one sendBatch per take; its failure fails every batch of the take (retriable
 *   unless kafkajs says otherwise or the error is MESSAGE_TOO_LARGE/INVALID_*), and the
 *   sink rolls the take back. Stopping the remote broker therefore loses nothing.
 */
import kafkajs, { type Admin, type CompressionTypes, type Kafka as KafkaClient, type Message, type Producer, type TopicMessages } from 'kafkajs';

const { CompressionCodecs, CompressionTypes: Codecs, Kafka, logLevel, Partitioners } = kafkajs;
import type { Acks, KafkaSinkConfig } from './kafka-sink-config.js';
import type { PartitionBatch, ProducerTarget, SendOutcome } from './producer.js';
import { componentLogger, type Logger } from '../../logger.js';
import { SluiceError, describeError } from '../../errors.js';
import { compress, decompress } from '../../protocol/compression.js';

const KJS_LOG = componentLogger('sink.kafka.kafkajs');
const DEFAULT_MAX_REQUEST_SIZE = 1048576;

let codecsRegistered = false;
function registerCodecs(): void {
  if (codecsRegistered) return;
  codecsRegistered = true;
  const codec = (id: number) => () => ({
    compress: async (encoder: { buffer: Buffer }) => compress(id, encoder.buffer),
    decompress: async (buf: Buffer) => decompress(id, buf),
  });
  (CompressionCodecs as Record<number, unknown>)[Codecs.Snappy] = codec(2);
  (CompressionCodecs as Record<number, unknown>)[Codecs.LZ4] = codec(3);
}

const PERMANENT = /MESSAGE_TOO_LARGE|INVALID_TOPIC|RECORD_LIST_TOO_LARGE|INVALID_RECORD|CORRUPT_MESSAGE|TOPIC_AUTHORIZATION/;

export class KafkajsProducer implements ProducerTarget {
  readonly kind = 'remote' as const;
  private readonly kafka: KafkaClient;
  private producer: Producer;
  private readonly admin: Admin;
  private idempotent: boolean;
  private readonly counts = new Map<string, number>();
  private connected = false;
  private readonly maxRequestSize: number;

  constructor(private readonly cfg: KafkaSinkConfig, sinkName: string, private readonly log: Logger) {
    registerCodecs();
    const explicit = cfg.producerProps['enable.idempotence'] !== undefined;
    this.idempotent = cfg.idempotent && cfg.acks === -1;
    if (explicit && cfg.idempotent && cfg.acks !== -1) log.warn({ acks: cfg.acks }, 'enable.idempotence=true needs acks=all; idempotence is off');
    this.maxRequestSize = Number(cfg.producerProps['max.request.size'] ?? DEFAULT_MAX_REQUEST_SIZE);
    this.kafka = new Kafka({
      clientId: cfg.producerProps['client.id'] ?? `sluice-${sinkName}`,
      brokers: cfg.bootstrapServers.map((b) => (b.host.includes(':') ? `[${b.host}]:${b.port}` : `${b.host}:${b.port}`)),
      logLevel: logLevel.WARN,
      logCreator: () => ({ level, log: entry }) => {
        const { message, ...rest } = entry;
        if (level <= logLevel.ERROR) KJS_LOG.error(rest, message);
        else if (level === logLevel.WARN) KJS_LOG.warn(rest, message);
        else KJS_LOG.debug(rest, message);
      },
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
      connectionTimeout: 3000,
      requestTimeout: Number(cfg.producerProps['request.timeout.ms'] ?? 30000),
    });
    this.producer = this.makeProducer();
    this.admin = this.kafka.admin();
  }

  private makeProducer(): Producer {
    return this.kafka.producer({
      idempotent: this.idempotent,
      allowAutoTopicCreation: true,
      // Never consulted (every message names its partition); explicit to silence kafkajs's notice.
      createPartitioner: Partitioners.DefaultPartitioner,
      ...(this.idempotent ? { maxInFlightRequests: 1 } : {}),
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
    });
  }

  async start(): Promise<void> {
    // Connect lazily in send(): a broker that is down at start is a delivery failure
    // (rollback, retry), not a start failure.
  }

  private async ensureConnected(): Promise<void> {
    if (this.connected) return;
    await this.admin.connect();
    await this.producer.connect();
    this.connected = true;
  }

  async partitionCount(topic: string): Promise<number> {
    const cached = this.counts.get(topic);
    if (cached !== undefined) return cached;
    await this.ensureConnected();
    let md;
    try {
      md = await this.admin.fetchTopicMetadata({ topics: [topic] });
    } catch {
      // Not there yet: let the broker auto-create it (as the Java producer's metadata request does).
      await this.admin.createTopics({ topics: [{ topic }], waitForLeaders: true }).catch(() => false);
      md = await this.admin.fetchTopicMetadata({ topics: [topic] });
    }
    const n = md.topics[0]?.partitions.length ?? 0;
    if (n <= 0) throw new SluiceError('UNKNOWN_TOPIC_OR_PARTITION', `topic ${topic} has no partitions on ${this.cfg.bootstrapText}`, { retriable: true });
    this.counts.set(topic, n);
    return n;
  }

  maxBatchBytes(): number {
    return this.maxRequestSize;
  }

  async send(batches: readonly PartitionBatch[]): Promise<SendOutcome[]> {
    const byTopic = new Map<string, Message[]>();
    for (const b of batches) {
      let list = byTopic.get(b.topic);
      if (!list) byTopic.set(b.topic, (list = []));
      const ts = String(b.timestamp);
      for (let i = 0; i < b.count; i++) {
        const last = i === b.count - 1 ? b.lastRecordHeaders : null;
        let m: Message;
        if (b.bodies) {
          m = { value: b.bodies.data.subarray(b.bodies.starts[i]!, b.bodies.ends[i]!), partition: b.partition, timestamp: ts };
        } else {
          const r = b.records![i]!;
          m = { key: r.key, value: r.value, partition: b.partition, timestamp: String(r.timestamp) };
          if (r.headers.length > 0) m.headers = Object.fromEntries(r.headers.map((h) => [h.key, h.value ?? '']));
        }
        if (last) m.headers = { ...(m.headers ?? {}), ...Object.fromEntries(last.map((h) => [h.key, h.value ?? ''])) };
        list.push(m);
      }
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    try {
      await this.ensureConnected();
      const acks: Acks = this.cfg.acks;
      const res = await this.producer.sendBatch({ topicMessages, acks, compression: this.cfg.compression as CompressionTypes });
      return batches.map((b) => {
        const r = res.find((x) => x.topicName === b.topic && x.partition === b.partition);
        const base = r?.baseOffset !== undefined ? Number(r.baseOffset) : -1;
        return { ok: true, baseOffset: base, nextOffset: base < 0 ? -1 : base + b.count };
      });
    } catch (err) {
      const text = describeError(err);
      if (this.idempotent && /InitProducerId|UNSUPPORTED_VERSION|not support/i.test(text)) {
        this.log.warn({ err: text }, 'the broker does not support idempotent producers; continuing without idempotence');
        this.idempotent = false;
        await this.producer.disconnect().catch(() => undefined);
        this.producer = this.makeProducer();
        this.connected = false;
      } else if (this.connected && /disconnect|ECONNREFUSED|Connection|closed/i.test(text)) {
        // Let the next attempt reconnect from scratch.
        await this.producer.disconnect().catch(() => undefined);
        await this.admin.disconnect().catch(() => undefined);
        this.connected = false;
      }
      this.counts.clear();
      const permanent = PERMANENT.test(text) || (err as { retriable?: boolean }).retriable === false && PERMANENT.test(String((err as { type?: string }).type));
      return batches.map(() => ({ ok: false, retriable: !permanent, code: permanent ? 'REMOTE_REFUSED' : 'REMOTE_UNAVAILABLE', message: text }));
    }
  }

  async stop(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}
