/**
 * The broker's configuration: Kafka `server.properties` keys, defaults and units,
 * plus Sluice's own `sluice.*` keys, parsed with the shared line-numbered parser.
 *
 * Contract:
 * - Input: an optional properties file and an ordered list of `--override k=v`
 *   (overrides win; they are located as `--override` in errors).
 * - Every known key is validated; an invalid value throws ConfigError
 *   (code CONFIG_INVALID_VALUE) naming file:line and the key.
 * - An unknown key is not an error: it is returned in `warnings` and logged.
 *   Keys Kafka knows but Sluice ignores (threads, replication, KRaft quorum…) are
 *   accepted silently, so a stock Kafka server.properties loads without noise.
 * - Units follow Kafka: `*.ms` milliseconds, `*.minutes`, `*.hours`, `*.bytes`;
 *   the most specific unit wins (log.roll.ms over log.roll.hours, log.retention.ms
 *   over .minutes over .hours). −1 means "unlimited" where Kafka says so.
 * - The result is an immutable plain object; nobody mutates it after parsing.
 */
import { ConfigError } from '../../errors.js';
import { componentLogger } from '../../logger.js';
import { loadPropertiesFile, parseProperties, type PropertyEntry } from '../../config/properties.js';

const log = componentLogger('broker.config');

/** Kafka's Long.MAX_VALUE as a JS number (comparisons only; "never"). */
export const LONG_MAX = Number.MAX_SAFE_INTEGER;

export interface ListenerSpec {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export interface BrokerConfig {
  readonly nodeId: number;
  readonly clusterId: string | undefined;
  readonly listeners: readonly ListenerSpec[];
  readonly advertisedListeners: readonly ListenerSpec[];
  readonly logDirs: readonly string[];
  readonly numPartitions: number;
  readonly autoCreateTopicsEnable: boolean;
  readonly defaultReplicationFactor: number;
  readonly logSegmentBytes: number;
  readonly logRollMs: number;
  readonly logRetentionMs: number;
  readonly logRetentionBytes: number;
  readonly logRetentionCheckIntervalMs: number;
  readonly logIndexIntervalBytes: number;
  readonly logIndexSizeMaxBytes: number;
  readonly logFlushIntervalMessages: number;
  readonly logFlushIntervalMs: number;
  readonly logFlushOffsetCheckpointIntervalMs: number;
  readonly logMessageTimestampType: 'CreateTime' | 'LogAppendTime';
  readonly logCleanupPolicy: string;
  readonly logSegmentDeleteDelayMs: number;
  readonly deleteRetentionMs: number;
  readonly messageMaxBytes: number;
  readonly socketRequestMaxBytes: number;
  readonly connectionsMaxIdleMs: number;
  readonly offsetsTopicNumPartitions: number;
  readonly offsetsRetentionMinutes: number;
  readonly groupInitialRebalanceDelayMs: number;
  readonly groupMinSessionTimeoutMs: number;
  readonly groupMaxSessionTimeoutMs: number;
  readonly producerIdExpirationMs: number;
  readonly monitorListener: string;
  /** Max open segment fds kept idle in the LRU (sluice.log.max.open.files). */
  readonly maxOpenSegmentFiles: number;
  /** Every key as given (after overrides), for DescribeConfigs. */
  readonly raw: ReadonlyMap<string, PropertyEntry>;
  /** Unknown keys, as "file:line: unknown key k". */
  readonly warnings: readonly string[];
}


function fail(entry: PropertyEntry, message: string): never {
  throw new ConfigError('CONFIG_INVALID_VALUE', `${entry.key}: ${message} (got "${entry.value}")`, {
    file: entry.file,
    line: entry.line,
    key: entry.key,
  });
}

function parseLong(entry: PropertyEntry, min: number, max = LONG_MAX): number {
  const v = entry.value.trim();
  if (!/^[+-]?\d+$/.test(v)) fail(entry, 'expected an integer');
  const big = BigInt(v);
  if (big > 9223372036854775807n || big < -9223372036854775808n) fail(entry, 'out of range for a 64-bit integer');
  const n = big > BigInt(LONG_MAX) ? LONG_MAX : Number(big);
  if (n < min || n > max) fail(entry, `must be in [${min}, ${max === LONG_MAX ? 'Long.MAX' : max}]`);
  return n;
}

const INT_MAX = 2147483647;

function parseBool(entry: PropertyEntry): boolean {
  const v = entry.value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  return fail(entry, 'expected true or false');
}

function parseListeners(entry: PropertyEntry): ListenerSpec[] {
  const out: ListenerSpec[] = [];
  for (const part of entry.value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:/]*):(\d+)$/.exec(part);
    if (!m) fail(entry, `listener "${part}" is not NAME://host:port`);
    const port = Number(m[3]);
    if (port > 65535) fail(entry, `listener "${part}" has port > 65535`);
    const host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
    const name = m[1]!.toUpperCase();
    if (out.some((l) => l.name === name)) fail(entry, `listener name ${name} appears twice`);
    out.push({ name, host, port });
  }
  if (out.length === 0) fail(entry, 'no listener given');
  return out;
}

/**
 * Keys Kafka defines that need no warning: those Sluice ignores (single node, no ZK/KRaft quorum,
 * no threads to size), and a few the broker reads from the raw entries itself.
 */
const IGNORED_KAFKA_KEYS = new Set([
  'process.roles', 'controller.quorum.voters', 'controller.quorum.bootstrap.servers', 'controller.listener.names',
  'inter.broker.listener.name', 'listener.security.protocol.map', 'num.network.threads', 'num.io.threads',
  'socket.send.buffer.bytes', 'socket.receive.buffer.bytes', 'num.recovery.threads.per.data.dir',
  'offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'transaction.state.log.min.isr',
  'log.cleaner.enable', 'zookeeper.connect', 'zookeeper.connection.timeout.ms', 'min.insync.replicas',
  'num.replica.fetchers', 'replica.lag.time.max.ms', 'unclean.leader.election.enable', 'compression.type',
  'log.cleaner.threads', 'log.preallocate', 'auto.leader.rebalance.enable', 'delete.topic.enable',
  'log.message.format.version', 'inter.broker.protocol.version', 'metadata.log.dir', 'queued.max.requests',
  'background.threads', 'log.roll.jitter.ms', 'log.roll.jitter.hours', 'transaction.state.log.num.partitions',
  'offsets.topic.segment.bytes', 'offsets.commit.timeout.ms', 'transactional.id.expiration.ms',
  'group.max.size', 'max.connections', 'max.connections.per.ip', 'broker.rack',
  // Read from the raw entries by the broker (src/broker/broker.ts), the group services
  // (src/broker/groups/group-services.ts) and the monitor (src/monitor/), not the typed config:
  'queued.max.request.bytes', 'offsets.retention.check.interval.ms', 'offset.metadata.max.bytes',
  'producer.id.expiration.check.interval.ms', 'sluice.offsets.compact.after.bytes',
  'sluice.group.max.member.metadata.bytes', 'sluice.monitor.allow.remote', 'sluice.monitor.allowed.hosts',
  'sluice.monitor.sample.interval.ms',
]);

type Setter = (e: PropertyEntry, c: Mutable) => void;
type Mutable = { -readonly [K in keyof BrokerConfig]: BrokerConfig[K] };

const HOUR = 3_600_000;

/** Applied in this order; later (more specific unit) keys win over earlier ones regardless of file order. */
const SETTERS: ReadonlyArray<readonly [string, Setter]> = [
  ['broker.id', (e, c) => { c.nodeId = parseLong(e, -1, INT_MAX); }],
  ['node.id', (e, c) => { c.nodeId = parseLong(e, 0, INT_MAX); }],
  ['cluster.id', (e, c) => {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(e.value.trim())) fail(e, 'expected a base64url id');
    c.clusterId = e.value.trim();
  }],
  ['listeners', (e, c) => { c.listeners = parseListeners(e); }],
  ['advertised.listeners', (e, c) => { c.advertisedListeners = parseListeners(e); }],
  ['log.dir', (e, c) => { c.logDirs = splitDirs(e); }],
  ['log.dirs', (e, c) => { c.logDirs = splitDirs(e); }],
  ['num.partitions', (e, c) => { c.numPartitions = parseLong(e, 1, INT_MAX); }],
  ['auto.create.topics.enable', (e, c) => { c.autoCreateTopicsEnable = parseBool(e); }],
  ['default.replication.factor', (e, c) => { c.defaultReplicationFactor = parseLong(e, 1, 1); }],
  ['log.segment.bytes', (e, c) => { c.logSegmentBytes = parseLong(e, 14, INT_MAX); }],
  ['log.roll.hours', (e, c) => { c.logRollMs = parseLong(e, 1, INT_MAX) * HOUR; }],
  ['log.roll.ms', (e, c) => { c.logRollMs = parseLong(e, 1); }],
  ['log.retention.hours', (e, c) => { c.logRetentionMs = retention(parseLong(e, -1, INT_MAX), HOUR); }],
  ['log.retention.minutes', (e, c) => { c.logRetentionMs = retention(parseLong(e, -1, INT_MAX), 60_000); }],
  ['log.retention.ms', (e, c) => { c.logRetentionMs = retention(parseLong(e, -1), 1); }],
  ['log.retention.bytes', (e, c) => { c.logRetentionBytes = parseLong(e, -1); }],
  ['log.retention.check.interval.ms', (e, c) => { c.logRetentionCheckIntervalMs = parseLong(e, 1); }],
  ['log.index.interval.bytes', (e, c) => { c.logIndexIntervalBytes = parseLong(e, 0, INT_MAX); }],
  ['log.index.size.max.bytes', (e, c) => { c.logIndexSizeMaxBytes = parseLong(e, 4, INT_MAX); }],
  ['log.segment.index.bytes', (e, c) => { c.logIndexSizeMaxBytes = parseLong(e, 4, INT_MAX); }],
  ['log.flush.interval.messages', (e, c) => { c.logFlushIntervalMessages = parseLong(e, 1); }],
  ['log.flush.interval.ms', (e, c) => { c.logFlushIntervalMs = parseLong(e, 0); }],
  ['log.flush.offset.checkpoint.interval.ms', (e, c) => { c.logFlushOffsetCheckpointIntervalMs = parseLong(e, 0, INT_MAX); }],
  ['log.message.timestamp.type', (e, c) => {
    const v = e.value.trim();
    if (v !== 'CreateTime' && v !== 'LogAppendTime') fail(e, 'expected CreateTime or LogAppendTime');
    c.logMessageTimestampType = v;
  }],
  ['log.cleanup.policy', (e, c) => {
    const v = e.value.trim();
    if (v !== 'delete') fail(e, 'only "delete" is supported (log compaction is not implemented)');
    c.logCleanupPolicy = v;
  }],
  ['log.segment.delete.delay.ms', (e, c) => { c.logSegmentDeleteDelayMs = parseLong(e, 0); }],
  ['log.cleaner.delete.retention.ms', (e, c) => { c.deleteRetentionMs = parseLong(e, 0); }],
  ['delete.retention.ms', (e, c) => { c.deleteRetentionMs = parseLong(e, 0); }],
  ['message.max.bytes', (e, c) => { c.messageMaxBytes = parseLong(e, 0, INT_MAX); }],
  ['socket.request.max.bytes', (e, c) => { c.socketRequestMaxBytes = parseLong(e, 1, INT_MAX); }],
  ['connections.max.idle.ms', (e, c) => { c.connectionsMaxIdleMs = parseLong(e, -1); }],
  ['offsets.topic.num.partitions', (e, c) => { c.offsetsTopicNumPartitions = parseLong(e, 1, INT_MAX); }],
  ['offsets.retention.minutes', (e, c) => { c.offsetsRetentionMinutes = parseLong(e, 1, INT_MAX); }],
  ['group.initial.rebalance.delay.ms', (e, c) => { c.groupInitialRebalanceDelayMs = parseLong(e, 0, INT_MAX); }],
  ['group.min.session.timeout.ms', (e, c) => { c.groupMinSessionTimeoutMs = parseLong(e, 0, INT_MAX); }],
  ['group.max.session.timeout.ms', (e, c) => { c.groupMaxSessionTimeoutMs = parseLong(e, 0, INT_MAX); }],
  ['producer.id.expiration.ms', (e, c) => { c.producerIdExpirationMs = parseLong(e, 1, INT_MAX); }],
  ['sluice.monitor.listener', (e, c) => {
    const v = e.value.trim();
    if (v !== '' && !/^https?:\/\/(\[[^\]]*\]|[^:/]+):\d{1,5}\/?$/.test(v)) fail(e, 'expected http://host:port (or empty to disable)');
    c.monitorListener = v;
  }],
  ['sluice.log.max.open.files', (e, c) => { c.maxOpenSegmentFiles = parseLong(e, 8, 1_000_000); }],
];

const SETTER_INDEX = new Map(SETTERS.map(([k], i) => [k, i]));

function retention(value: number, unitMs: number): number {
  return value < 0 ? -1 : value * unitMs;
}

function splitDirs(e: PropertyEntry): string[] {
  const dirs = e.value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (dirs.length === 0) fail(e, 'no directory given');
  if (new Set(dirs).size !== dirs.length) fail(e, 'a directory is listed twice');
  return dirs;
}

function defaults(): Mutable {
  const listener = { name: 'PLAINTEXT', host: '127.0.0.1', port: 9092 };
  return {
    nodeId: 0,
    clusterId: undefined,
    listeners: [listener],
    advertisedListeners: [listener],
    logDirs: ['./data/kafka-logs'],
    numPartitions: 1,
    autoCreateTopicsEnable: true,
    defaultReplicationFactor: 1,
    logSegmentBytes: 1_073_741_824,
    logRollMs: 168 * HOUR,
    logRetentionMs: 168 * HOUR,
    logRetentionBytes: -1,
    logRetentionCheckIntervalMs: 300_000,
    logIndexIntervalBytes: 4096,
    logIndexSizeMaxBytes: 10_485_760,
    logFlushIntervalMessages: LONG_MAX,
    logFlushIntervalMs: LONG_MAX,
    logFlushOffsetCheckpointIntervalMs: 60_000,
    logMessageTimestampType: 'CreateTime',
    logCleanupPolicy: 'delete',
    logSegmentDeleteDelayMs: 60_000,
    deleteRetentionMs: 86_400_000,
    messageMaxBytes: 1_048_588,
    socketRequestMaxBytes: 104_857_600,
    connectionsMaxIdleMs: 600_000,
    offsetsTopicNumPartitions: 50,
    offsetsRetentionMinutes: 10_080,
    groupInitialRebalanceDelayMs: 3000,
    groupMinSessionTimeoutMs: 6000,
    groupMaxSessionTimeoutMs: 1_800_000,
    producerIdExpirationMs: 86_400_000,
    monitorListener: 'http://127.0.0.1:8086',
    maxOpenSegmentFiles: 256,
    raw: new Map(),
    warnings: [],
  };
}

/** Parses `--override k=v` strings into entries located as `--override #n`. */
export function parseOverrides(overrides: readonly string[]): PropertyEntry[] {
  return overrides.map((o, i) => {
    const eq = o.indexOf('=');
    if (eq <= 0) {
      throw new ConfigError('CONFIG_BAD_OVERRIDE', `--override "${o}" is not key=value`, { file: '--override', line: i + 1 });
    }
    return { key: o.slice(0, eq).trim(), value: o.slice(eq + 1), file: '--override', line: i + 1 };
  });
}

/** Builds a BrokerConfig from already-parsed entries (file entries first, overrides last). */
export function brokerConfigFromEntries(entries: readonly PropertyEntry[]): BrokerConfig {
  const last = new Map<string, PropertyEntry>();
  for (const e of entries) last.set(e.key, e);
  const c = defaults();
  const warnings: string[] = [];
  const known: PropertyEntry[] = [];
  for (const e of last.values()) {
    if (SETTER_INDEX.has(e.key)) known.push(e);
    else if (!IGNORED_KAFKA_KEYS.has(e.key)) {
      const w = `${e.file}:${e.line}: unknown key ${e.key}`;
      warnings.push(w);
      log.warn({ file: e.file, line: e.line, key: e.key }, 'unknown broker config key (ignored)');
    }
  }
  known.sort((a, b) => SETTER_INDEX.get(a.key)! - SETTER_INDEX.get(b.key)!);
  for (const e of known) SETTERS[SETTER_INDEX.get(e.key)!]![1](e, c);
  if (!last.has('advertised.listeners')) c.advertisedListeners = c.listeners;
  const nodeId = last.get('node.id');
  const brokerId = last.get('broker.id');
  if (nodeId && brokerId && parseLong(brokerId, -1, INT_MAX) !== c.nodeId) {
    fail(brokerId, `broker.id disagrees with node.id=${c.nodeId}`);
  }
  if (c.nodeId < 0) c.nodeId = 0;
  if (c.groupMinSessionTimeoutMs > c.groupMaxSessionTimeoutMs) {
    fail(last.get('group.min.session.timeout.ms') ?? last.get('group.max.session.timeout.ms')!, 'group.min.session.timeout.ms exceeds group.max.session.timeout.ms');
  }
  for (const l of c.advertisedListeners) {
    if (l.host === '0.0.0.0' || l.host === '::' || l.host === '') {
      const e = last.get('advertised.listeners') ?? last.get('listeners')!;
      fail(e, `advertised host "${l.host}" is not reachable by clients; set advertised.listeners`);
    }
  }
  c.raw = last;
  c.warnings = warnings;
  return Object.freeze(c);
}

/** Loads `server.properties` (optional) and applies `--override k=v` entries. */
export function loadBrokerConfig(file: string | undefined, overrides: readonly string[] = []): BrokerConfig {
  const fromFile = file === undefined ? [] : loadPropertiesFile(file);
  return brokerConfigFromEntries([...fromFile, ...parseOverrides(overrides)]);
}

/** Parses server.properties text (tests, embedded use). */
export function parseBrokerConfig(text: string, file = '<string>', overrides: readonly string[] = []): BrokerConfig {
  return brokerConfigFromEntries([...parseProperties(text, file), ...parseOverrides(overrides)]);
}

