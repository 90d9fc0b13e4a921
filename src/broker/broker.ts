/**
 * The broker: a LogManager, listeners, and one Session per connection.
 *
 * - `Broker.start(options)` opens the log dirs (unless a LogManager is handed in), binds
 *   every `listeners` entry (port 0 allowed: `boundListeners()` reports the real ports,
 *   which Metadata then advertises), and serves the Kafka protocol on each.
 * - `handleConnection(duplex, client)` serves any Duplex (a net.Socket, or one end of
 *   an in-memory pair in tests): the core never assumes a socket.
 * - The in-process interface for the agent's Kafka sink (no socket): `appendBatches`,
 *   `isLocalAddress`, `logs`, and `metrics` (BrokerMetrics, read-only for others).
 * - `stop()` closes the listeners, ends every session (aborting long polls), then
 *   closes the logs, which writes the clean-shutdown marker. Idempotent.
 *
 * Ownership: the Broker owns its sessions and, when it opened it, the LogManager. All
 * mutation of logs goes through the handlers or `appendBatches`.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { SluiceError } from '../errors.js';
import { componentLogger } from '../logger.js';
import { API_NAMES } from '../protocol/api-keys.js';
import { SUPPORTED_APIS } from '../protocol/codec.js';
import { ErrorCode, KafkaProtocolError } from '../protocol/errors.js';
import { BATCH, MAGIC_V2 } from '../protocol/record-batch-layout.js';
import { BrokerMetrics } from './broker-metrics.js';
import type { BrokerConfig } from './config/server-config.js';
import { createDispatchTable, type DispatchTable } from './handlers/index.js';
import { checkProduceRecords } from './handlers/produce.js';
import { invalidTopicReason } from './handlers/topic-configs.js';
import type { ApiHandler, BrokerServices, BrokerSettings } from './handlers/types.js';
import {
  advertisedEndpoint, bindHost, formatListener, localHostNames, type BoundListener, type ListenerSpec,
} from './listeners.js';
import { Session } from './session.js';
import { startGroupServices, type GroupServices } from './groups/group-services.js';
import { topicDefaultsFromBroker } from './storage/log-config.js';
import { LogManagerImpl } from './storage/log-manager.js';
import type { AppendResult, LogManager, TopicDescription } from './storage/types.js';
import { createConnectionWriter } from './zero-copy/connection-writer.js';
import type { ConnectionWriter } from './zero-copy/types.js';

const log = componentLogger('broker');

export interface BrokerOptions {
  readonly config: BrokerConfig;
  /** An already-open LogManager (the broker will not close it); else the broker opens one. */
  readonly logs?: LogManager;
  /** Opens the LogManager when `logs` is not given. */
  readonly openLogs?: (config: BrokerConfig) => Promise<LogManager>;
  /** Handlers for further APIs (group coordinator, InitProducerId, …); they join ApiVersions. */
  readonly extraHandlers?: readonly ApiHandler[];
  /** Builds the per-connection writer; default: the zero-copy module's (sendfile where it can). */
  readonly createWriter?: (stream: Duplex) => ConnectionWriter;
  /** false: do not bind listeners (in-memory use only). Default true. */
  readonly listen?: boolean;
}

/** Settings derived once from the BrokerConfig. */
export function brokerSettings(config: BrokerConfig, clusterId: string): BrokerSettings {
  const raw = (k: string): string | undefined => config.raw.get(k)?.value.trim();
  const queued = Number(raw('queued.max.request.bytes') ?? '-1');
  const brokerConfigs: Record<string, string> = {
    'node.id': String(config.nodeId),
    'broker.id': String(config.nodeId),
    listeners: config.listeners.map(formatListener).join(','),
    'advertised.listeners': config.advertisedListeners.map(formatListener).join(','),
    'log.dirs': config.logDirs.join(','),
    'num.partitions': String(config.numPartitions),
    'auto.create.topics.enable': String(config.autoCreateTopicsEnable),
    'default.replication.factor': String(config.defaultReplicationFactor),
    'log.segment.bytes': String(config.logSegmentBytes),
    'log.roll.ms': String(config.logRollMs),
    'log.retention.ms': String(config.logRetentionMs),
    'log.retention.bytes': String(config.logRetentionBytes),
    'log.retention.check.interval.ms': String(config.logRetentionCheckIntervalMs),
    'log.index.interval.bytes': String(config.logIndexIntervalBytes),
    'log.index.size.max.bytes': String(config.logIndexSizeMaxBytes),
    'log.flush.interval.messages': String(config.logFlushIntervalMessages),
    'log.flush.interval.ms': String(config.logFlushIntervalMs),
    'log.message.timestamp.type': config.logMessageTimestampType,
    'message.max.bytes': String(config.messageMaxBytes),
    'socket.request.max.bytes': String(config.socketRequestMaxBytes),
    'connections.max.idle.ms': String(config.connectionsMaxIdleMs),
    'offsets.topic.num.partitions': String(config.offsetsTopicNumPartitions),
    'group.initial.rebalance.delay.ms': String(config.groupInitialRebalanceDelayMs),
    'group.min.session.timeout.ms': String(config.groupMinSessionTimeoutMs),
    'group.max.session.timeout.ms': String(config.groupMaxSessionTimeoutMs),
  };
  for (const [k, e] of config.raw) if (!(k in brokerConfigs)) brokerConfigs[k] = e.value;
  return {
    nodeId: config.nodeId,
    clusterId,
    autoCreateTopicsEnable: config.autoCreateTopicsEnable,
    numPartitions: config.numPartitions,
    defaultReplicationFactor: config.defaultReplicationFactor,
    deleteTopicEnable: (raw('delete.topic.enable') ?? 'true').toLowerCase() !== 'false',
    messageMaxBytes: config.messageMaxBytes,
    socketRequestMaxBytes: config.socketRequestMaxBytes,
    connectionsMaxIdleMs: config.connectionsMaxIdleMs,
    queuedMaxRequestBytes: Number.isFinite(queued) && queued > 0 ? queued : Math.max(config.socketRequestMaxBytes, 1 << 20),
    topicDefaults: topicDefaultsFromBroker(config),
    brokerConfigs,
  };
}

/**
 * The narrow in-process interface the agent's Kafka sink (and the monitor) may depend
 * on, instead of the Broker class: append record batches without a socket, recognise the
 * broker's own address, read the logs and the counters.
 */
/**
 * Options of `appendBatches`. `trusted`: the caller encoded the batches itself in this
 * process (the Kafka sink's encoder), so the per-record validation walk and the CRC
 * re-check are skipped; batch framing (size fields, magic) and max.message.bytes are
 * still checked.
 */
export interface AppendBatchesOptions {
  readonly requireDurable?: boolean;
  readonly trusted?: boolean;
}

export interface EmbeddedBroker {
  appendBatches(topic: string, partition: number, buf: Buffer, options?: AppendBatchesOptions): Promise<AppendResult>;
  isLocalAddress(host: string, port: number): boolean;
  ensureTopic(name: string, allowCreate: boolean): Promise<TopicDescription | undefined>;
  readonly logs: LogManager;
  readonly metrics: BrokerMetrics;
}

export class Broker implements EmbeddedBroker {
  readonly metrics = new BrokerMetrics();
  readonly config: BrokerConfig;
  private logManager: LogManager | undefined;
  private ownsLogs = false;
  private settings!: BrokerSettings;
  private table!: DispatchTable;
  private services!: BrokerServices;
  private readonly servers: Server[] = [];
  private readonly bound: BoundListener[] = [];
  private readonly sessions = new Set<Session>();
  private readonly creating = new Map<string, Promise<TopicDescription>>();
  private readonly localNames = localHostNames();
  private stopping: Promise<void> | null = null;
  /** Group coordinator + idempotent-producer state (groups/group-services.ts). */
  private groupServices: GroupServices | undefined;

  private constructor(private readonly options: BrokerOptions) {
    this.config = options.config;
  }

  /** Opens the logs and binds the listeners; resolves when the broker is serving. */
  static async start(options: BrokerOptions): Promise<Broker> {
    const b = new Broker(options);
    try {
      await b.init();
    } catch (err) {
      await b.stop().catch(() => undefined);
      throw err;
    }
    return b;
  }

  private async init(): Promise<void> {
    const { config } = this;
    if (this.options.logs) this.logManager = this.options.logs;
    else if (this.options.openLogs) {
      this.logManager = await this.options.openLogs(config);
      this.ownsLogs = true;
    } else {
      this.logManager = await LogManagerImpl.fromBrokerConfig(config);
      this.ownsLogs = true;
    }
    const storageClusterId = (this.logManager as { clusterId?: unknown }).clusterId;
    const clusterId = typeof storageClusterId === 'string' ? storageClusterId : (config.clusterId ?? 'sluice-cluster');
    this.settings = brokerSettings(config, clusterId);
    const codec = new Map(SUPPORTED_APIS.map((a) => [a.apiKey, { min: a.minVersion, max: a.maxVersion }]));
    this.table = createDispatchTable(this.options.extraHandlers ?? [], (k) => codec.get(k));
    const logs = this.logManager!;
    this.groupServices = await startGroupServices(config, logs);
    this.services = {
      groups: this.groupServices.groups,
      producers: this.groupServices.producers,
      logs,
      settings: this.settings,
      metrics: this.metrics,
      advertisedEndpoint: (via) => advertisedEndpoint(config.advertisedListeners, this.bound, via),
      ensureTopic: (name, allowCreate) => this.ensureTopic(name, allowCreate),
      advertisedApis: () => this.table.advertised,
    };
    if (this.options.listen !== false) {
      for (const l of config.listeners) await this.bind(l);
    }
  }

  private bind(spec: ListenerSpec): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = createServer({ noDelay: true }, (socket) => this.onSocket(socket, spec));
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(new SluiceError('BROKER_LISTEN_FAILED', `cannot listen on ${formatListener(spec)}: ${err.code ?? err.message}`, { cause: err, details: { listener: formatListener(spec) } })),
      );
      server.listen({ port: spec.port, host: bindHost(spec) }, () => {
        server.removeAllListeners('error');
        server.on('error', (err) => log.error({ err, listener: formatListener(spec) }, 'listener error'));
        const addr = server.address();
        const port = typeof addr === 'object' && addr ? addr.port : spec.port;
        const host = typeof addr === 'object' && addr ? addr.address : spec.host;
        this.servers.push(server);
        this.bound.push({ spec, host: spec.host === '' ? host : spec.host, port });
        log.info({ listener: formatListener({ ...spec, port }) }, `listening on ${formatListener({ ...spec, port })}`);
        resolve();
      });
    });
  }

  private onSocket(socket: Socket, spec: ListenerSpec): void {
    const client = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.handleConnection(socket, client, spec);
  }

  /** Serves one connection over any Duplex; returns its session. */
  handleConnection(stream: Duplex, client = 'memory', listener?: ListenerSpec): Session {
    if (this.stopping) {
      stream.destroy();
      throw new SluiceError('BROKER_STOPPED', `broker is stopping; connection from ${client} refused`);
    }
    const writer = this.options.createWriter ? this.options.createWriter(stream) : createConnectionWriter(stream);
    this.metrics.openConnections++;
    this.metrics.openedConnections++;
    const session = new Session(stream, {
      services: this.services,
      table: this.table,
      client,
      listener: listener ?? this.bound[0]?.spec,
      writer,
      onClose: (s) => {
        this.metrics.openConnections--;
        this.sessions.delete(s);
      },
    });
    this.sessions.add(session);
    return session;
  }

  /** The LogManager (read it; mutate only through the broker's APIs). */
  get logs(): LogManager {
    if (!this.logManager) throw new SluiceError('BROKER_NOT_STARTED', 'broker has no log manager yet');
    return this.logManager;
  }

  /** HOOK (monitor): the group coordinator, read-only for the web monitor (list/describe/fetchOffsets). */
  get groups(): GroupServices['groups'] | undefined {
    return this.groupServices?.groups;
  }

  /** Listeners with their real ports (after binding port 0). */
  boundListeners(): readonly BoundListener[] {
    return this.bound;
  }

  /** Advertised API ranges (ApiVersions' answer). */
  advertisedApis(): readonly { apiKey: number; minVersion: number; maxVersion: number }[] {
    return this.table.advertised;
  }

  /** True when (host, port) reaches this broker: a local address on a bound listener's port. */
  isLocalAddress(host: string, port: number): boolean {
    const h = host.startsWith('[') ? host.slice(1, -1) : host;
    return this.bound.some((b) => b.port === port) && (this.localNames.has(h.toLowerCase()) || this.bound.some((b) => b.host === h));
  }

  /**
   * In-process produce for the agent's Kafka sink: validates the record batches in `buf`
   * (as Produce does; only their framing with `trusted`, see AppendBatchesOptions),
   * auto-creates the topic when allowed, appends them, and counts bytes/records in. Throws SluiceError with a Kafka error name as `code`
   * (UNKNOWN_TOPIC_OR_PARTITION, CORRUPT_MESSAGE, MESSAGE_TOO_LARGE, KAFKA_STORAGE_ERROR…).
   */
  async appendBatches(topic: string, partition: number, buf: Buffer, options: AppendBatchesOptions = {}): Promise<AppendResult> {
    const desc = await this.ensureTopic(topic, true);
    const lg = desc ? this.logs.partition(topic, partition) : undefined;
    if (!lg) throw new SluiceError('UNKNOWN_TOPIC_OR_PARTITION', `no partition ${topic}-${partition}`, { retriable: true });
    const maxBytes = Number(this.logs.effectiveTopicConfig(topic)['max.message.bytes'] ?? this.settings.messageMaxBytes);
    let records = 0;
    if (options.trusted === true) {
      const framed = checkTrustedFraming(buf, maxBytes);
      if (typeof framed !== 'number') throw new SluiceError(framed.code, `${topic}-${partition}: ${framed.message}`);
      records = framed;
    } else {
      const checked = checkProduceRecords(buf, 9, maxBytes);
      if (!Array.isArray(checked)) {
        const name = Object.entries(ErrorCode).find(([, v]) => v === checked.errorCode)?.[0] ?? 'CORRUPT_MESSAGE';
        throw new SluiceError(name, `${topic}-${partition}: ${checked.message}`);
      }
      for (const h of checked) records += h.recordsCount;
    }
    const r = await lg.append(buf, { leaderEpoch: 0, requireDurable: options.requireDurable === true });
    const m = this.metrics.topic(topic);
    m.produceRequests++;
    m.bytesIn += buf.length;
    m.recordsIn += records;
    return r;
  }

  /** The topic, auto-creating it when allowed; concurrent callers share one creation. */
  async ensureTopic(name: string, allowCreate: boolean): Promise<TopicDescription | undefined> {
    const logs = this.logs;
    const existing = logs.describeTopic(name);
    if (existing) return existing;
    if (!allowCreate || !this.settings.autoCreateTopicsEnable) return undefined;
    const bad = invalidTopicReason(name);
    if (bad) throw new KafkaProtocolError(ErrorCode.INVALID_TOPIC_EXCEPTION, bad);
    let p = this.creating.get(name);
    if (!p) {
      p = logs
        .createTopic(name, this.settings.numPartitions)
        .then((d) => {
          log.info({ topic: name, partitions: d.partitions }, `auto-created topic ${name}`);
          return d;
        })
        .catch((err: unknown) => {
          const again = logs.describeTopic(name);
          if (again) return again;
          throw err;
        })
        .finally(() => this.creating.delete(name));
      this.creating.set(name, p);
    }
    return p;
  }

  /** Snapshot of the counters with API names. */
  metricsSnapshot(): ReturnType<BrokerMetrics['snapshot']> {
    return this.metrics.snapshot(API_NAMES);
  }

  /** Closes listeners and sessions, then the logs (clean-shutdown marker). Idempotent. */
  stop(): Promise<void> {
    if (!this.stopping) this.stopping = this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    // close() stops accepting; its callback waits for open connections, so end them first.
    const closed = this.servers.map((s) => new Promise<void>((r) => s.close(() => r())));
    this.groupServices?.groups.close();
    const sessions = [...this.sessions];
    for (const s of sessions) s.close();
    await Promise.all(sessions.map((s) => s.closed));
    await Promise.all(closed);
    await Promise.allSettled([...this.creating.values()]);
    this.groupServices?.producers.close();
    if (this.ownsLogs && this.logManager) await this.logManager.close();
    log.info('broker stopped');
  }
}

/**
 * Framing check of in-process batches (`appendBatches` with `trusted`): every batch's
 * length field is in range and the batches tile `buf` exactly, magic is 2, and no batch
 * exceeds `maxBytes`. Returns the total record count, or the error to throw.
 */
function checkTrustedFraming(buf: Buffer, maxBytes: number): number | { code: string; message: string } {
  if (buf.length === 0) return { code: 'CORRUPT_MESSAGE', message: 'no records in the partition data' };
  let pos = 0;
  let records = 0;
  while (pos < buf.length) {
    if (buf.length - pos < BATCH.HEADER_SIZE) return { code: 'CORRUPT_MESSAGE', message: `batch at byte ${pos}: ${buf.length - pos} bytes left, less than a batch header` };
    const size = buf.readInt32BE(pos + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
    if (size < BATCH.HEADER_SIZE || pos + size > buf.length) return { code: 'CORRUPT_MESSAGE', message: `batch at byte ${pos}: size ${size} does not fit the ${buf.length} bytes given` };
    if (buf[pos + BATCH.MAGIC] !== MAGIC_V2) return { code: 'CORRUPT_MESSAGE', message: `batch at byte ${pos}: magic ${buf[pos + BATCH.MAGIC]} is not 2` };
    if (size > maxBytes) return { code: 'MESSAGE_TOO_LARGE', message: `batch of ${size} bytes exceeds max.message.bytes ${maxBytes}` };
    records += buf.readInt32BE(pos + BATCH.RECORDS_COUNT);
    pos += size;
  }
  return records;
}
