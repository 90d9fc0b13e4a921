/**
 * Kafka sink configuration: Flume 1.11's KafkaSink keys (KafkaSinkConstants) with their
 * defaults and legacy names, parsed once from the component's properties.
 *
 * - `kafka.bootstrap.servers` (legacy `brokerList`) is required: host:port[,host:port…].
 * - `kafka.topic` (legacy `topic`) default `default-flume-topic`; `%{hdr}` is substituted
 *   from the event's headers (only when allowTopicOverride=true and the topic header is
 *   absent, as Flume does).
 * - `flumeBatchSize` (legacy `batchSize`) default 100. `kafka.flumeBatchSize` is ignored
 *   by Flume (the docs example is wrong); Sluice honours it only when `flumeBatchSize` is
 *   absent, and warns either way.
 * - `kafka.producer.*`: the producer's own keys with the prefix removed. `acks` default
 *   "1" (legacy `requiredAcks`), `linger.ms`, `batch.size`, `compression.type`
 *   none|gzip|snappy|lz4 (zstd is refused: the remote client has no codec for it),
 *   `enable.idempotence` (default true), `interceptor.classes` (comma list of module paths).
 *   Other producer keys are kept in `producerProps` and passed where the client knows them.
 * - `useFlumeEventFormat`, `defaultPartitionId`, `partitionIdHeader`, `allowTopicOverride`
 *   (true), `topicHeader` ("topic"), `timestampHeader`, `header.<flume>=<kafka>`.
 * Immutable after parsing. Errors are ConfigError naming file:line and key.
 */
import type { ComponentProps } from '../../agent/component-props.js';
import type { Logger } from '../../logger.js';
import { ConfigError } from '../../errors.js';

export const DEFAULT_TOPIC = 'default-flume-topic';
export const DEFAULT_FLUME_BATCH_SIZE = 100;

export interface BootstrapServer {
  readonly host: string;
  readonly port: number;
}

export type Acks = 0 | 1 | -1;

export interface KafkaSinkConfig {
  readonly bootstrapServers: readonly BootstrapServer[];
  /** The raw bootstrap list as configured (for logs and the remote client). */
  readonly bootstrapText: string;
  readonly topic: string;
  /** True when `topic` contains `%{…}` placeholders. */
  readonly topicHasPlaceholders: boolean;
  readonly batchSize: number;
  readonly acks: Acks;
  readonly lingerMs: number;
  readonly batchBytes: number;
  /** Kafka codec id: 0 none, 1 gzip, 2 snappy, 3 lz4. */
  readonly compression: number;
  readonly idempotent: boolean;
  readonly interceptorClasses: readonly string[];
  readonly useFlumeEventFormat: boolean;
  readonly defaultPartitionId: number | undefined;
  readonly partitionIdHeader: string | undefined;
  readonly allowTopicOverride: boolean;
  readonly topicHeader: string;
  readonly timestampHeader: string | undefined;
  /** Flume header name → Kafka record header name. */
  readonly headerMap: ReadonlyMap<string, string>;
  /** Every `kafka.producer.*` key with the prefix removed. */
  readonly producerProps: Readonly<Record<string, string>>;
}

const CODECS: Record<string, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3 };

export function parseBootstrapServers(text: string, props: ComponentProps, key: string): BootstrapServer[] {
  const out: BootstrapServer[] = [];
  for (const part of text.split(',')) {
    const s = part.trim();
    if (s === '') continue;
    const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(s);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port <= 0 || port > 65535) throw props.invalid(key, props.located(key), `host:port[,host:port…] (bad entry "${s}")`);
    out.push({ host: m[1]!.replace(/^\[|\]$/g, ''), port });
  }
  if (out.length === 0) throw props.invalid(key, props.located(key), 'at least one host:port');
  return out;
}

export function parseKafkaSinkConfig(props: ComponentProps, log?: Logger): KafkaSinkConfig {
  const bsKey = props.has('kafka.bootstrap.servers') ? 'kafka.bootstrap.servers' : props.has('brokerList') ? 'brokerList' : undefined;
  props.getString('brokerList');
  const bootstrapText = props.getString('kafka.bootstrap.servers') ?? props.getString('brokerList');
  if (bsKey === undefined || bootstrapText === undefined || bootstrapText === '') {
    throw new ConfigError('CONFIG_MISSING_KEY', `${props.label}: required property "kafka.bootstrap.servers" is missing`, {}, { details: { key: 'kafka.bootstrap.servers' } });
  }
  if (bsKey === 'brokerList') log?.warn({ key: 'brokerList' }, `${props.label}.brokerList is deprecated; use kafka.bootstrap.servers`);
  const bootstrapServers = parseBootstrapServers(bootstrapText, props, bsKey);

  const topic = props.getStringAny(['kafka.topic', 'topic'], DEFAULT_TOPIC)!;
  if (!props.has('kafka.topic') && props.has('topic')) log?.warn({ key: 'topic' }, `${props.label}.topic is deprecated; use kafka.topic`);

  let batchSize: number;
  const kfbs = props.located('kafka.flumeBatchSize');
  if (props.has('flumeBatchSize')) batchSize = props.getInt('flumeBatchSize', DEFAULT_FLUME_BATCH_SIZE, { min: 1 });
  else if (props.has('batchSize')) batchSize = props.getInt('batchSize', DEFAULT_FLUME_BATCH_SIZE, { min: 1 });
  else if (kfbs) batchSize = props.getInt('kafka.flumeBatchSize', DEFAULT_FLUME_BATCH_SIZE, { min: 1 });
  else batchSize = DEFAULT_FLUME_BATCH_SIZE;
  if (kfbs) {
    props.markUsed('kafka.flumeBatchSize');
    log?.warn(
      { file: kfbs.file, line: kfbs.line, key: 'kafka.flumeBatchSize' },
      `${props.label}.kafka.flumeBatchSize is ignored by Flume (its key is flumeBatchSize, without the kafka. prefix); ` +
        (props.has('flumeBatchSize') || props.has('batchSize') ? 'Sluice ignores it too' : `Sluice honours it (${batchSize}), but rename it to flumeBatchSize`),
    );
  }
  props.markUsed('batchSize');
  props.markUsed('flumeBatchSize');

  const producer = props.sub('kafka.producer');
  const producerProps: Record<string, string> = {};
  for (const k of producer.keys()) producerProps[k] = producer.getString(k)!;

  const acksText = producer.has('acks') ? producer.getString('acks')! : props.getString('requiredAcks') ?? '1';
  props.markUsed('requiredAcks');
  const acksKey = producer.has('acks') ? 'acks' : 'requiredAcks';
  let acks: Acks;
  if (acksText === 'all' || acksText === '-1') acks = -1;
  else if (acksText === '1') acks = 1;
  else if (acksText === '0') acks = 0;
  else throw (acksKey === 'acks' ? producer : props).invalid(acksKey, undefined, 'one of 0, 1, -1, all');

  const lingerMs = producer.getInt('linger.ms', 0, { min: 0 });
  const batchBytes = producer.getInt('batch.size', 16384, { min: 0 });
  const compText = (producer.getString('compression.type') ?? 'none').toLowerCase();
  const compression = CODECS[compText];
  if (compression === undefined) throw producer.invalid('compression.type', undefined, 'one of none, gzip, snappy, lz4');
  const idempotent = producer.getBoolean('enable.idempotence', true) || !producer.has('enable.idempotence');
  const interceptorClasses = (producer.getString('interceptor.classes') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');

  const defaultPartitionId = props.has('defaultPartitionId') ? props.getInt('defaultPartitionId', 0, { min: 0 }) : (props.markUsed('defaultPartitionId'), undefined);
  const partitionIdHeader = props.getString('partitionIdHeader') || undefined;
  const headerMap = new Map<string, string>();
  const hs = props.sub('header');
  for (const k of hs.keys()) headerMap.set(k, hs.getString(k)!);

  return {
    bootstrapServers,
    bootstrapText,
    topic,
    topicHasPlaceholders: /%\{[^}]+\}/.test(topic),
    batchSize,
    acks,
    lingerMs,
    batchBytes,
    compression,
    idempotent,
    interceptorClasses,
    useFlumeEventFormat: props.getBoolean('useFlumeEventFormat', false),
    defaultPartitionId,
    partitionIdHeader,
    allowTopicOverride: props.getBoolean('allowTopicOverride', true),
    topicHeader: props.getString('topicHeader', 'topic'),
    timestampHeader: props.getString('timestampHeader') || undefined,
    headerMap,
    producerProps,
  };
}
