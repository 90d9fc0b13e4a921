/**
 * Component contracts of the agent pipeline (see ARCHITECTURE.md §1).
 *
 *   source ──send(batch)──► ChannelProcessor (interceptors → selector → put txns)
 *          ──► Channel (transactional queue) ──► SinkRunner → SinkProcessor → Sink
 *
 * - A Source produces EventBatches and hands each one to `ctx.output.send(batch)`.
 *   The promise resolves once every required channel committed the batch, and rejects
 *   with a retriable ChannelFullError / ChannelError otherwise. Awaiting it is the
 *   backpressure: a source must not advance its durable position (TAILDIR's offsets,
 *   spooldir's tracker) before it resolves. Sources that are naturally streams expose
 *   a Readable of batches and feed it through `output.writable()`.
 * - A Channel is a transactional queue. A transaction is either a put transaction or a
 *   take transaction. `commit()` of puts waits up to keep-alive for space; `take()`
 *   waits up to keep-alive for events and returns null when there are none.
 * - A Sink is driven by its SinkRunner/SinkProcessor through `process()`: begin a take
 *   transaction, take up to its batch size, deliver, commit; on failure roll back and
 *   throw (an EventDeliveryError). It returns 'BACKOFF' when the channel was empty.
 * - Everything is built by a factory from a ComponentContext: typed properties (with
 *   file:line for every key), a child logger, Flume counters, a data directory and a
 *   shutdown signal. Start order: channels → sinks → sources; stop is the reverse.
 */
import type { Logger } from '../logger.js';
import type { EventBatch } from './event-batch.js';
import type { ComponentProps } from './component-props.js';
import type { CounterGroup } from './metrics.js';

export interface Lifecycle {
  start(): Promise<void>;
  /** Stops promptly; idempotent. */
  stop(): Promise<void>;
}

export type ComponentKind = 'source' | 'channel' | 'sink' | 'interceptor' | 'selector' | 'processor' | 'serializer';

/** In-process handle on the embedded broker, present when the agent runs with --broker. */
export interface EmbeddedBrokerHandle {
  /** True if `host:port` names this broker (any local address on one of its listener ports). */
  isLocalAddress(host: string, port: number): boolean;
}

export interface ComponentContext {
  readonly agentName: string;
  readonly name: string;
  /** The `type` value as written in the config. */
  readonly type: string;
  readonly props: ComponentProps;
  readonly logger: Logger;
  readonly metrics: CounterGroup;
  /** A directory this component may own for its state (created on demand by the component). */
  readonly dataDir: string;
  /** Aborted when the agent shuts down or the component is being removed. */
  readonly signal: AbortSignal;
  /** The in-process broker when the agent was started with --broker; the Kafka sink uses it. */
  readonly broker: EmbeddedBrokerHandle | undefined;
  /**
   * Optional: reports a non-fatal configuration problem of `key` (a value replaced by its
   * default, a deprecated or misleading key such as `kafka.flumeBatchSize`). It becomes a
   * validation warning with the key's file:line (so `--strict` fails on it). When absent,
   * log a warning instead.
   */
  readonly configWarning?: (key: string, message: string) => void;
}

export interface SourceOutput {
  /** Runs interceptors and the selector, then put-commits to the channels. See the header. */
  send(batch: EventBatch): Promise<void>;
}

export interface Source extends Lifecycle {
  readonly name: string;
  /** Largest batch this source sends; checked against each channel's transactionCapacity at load (FLUME-3246). */
  readonly batchSize?: number;
}

export interface SourceContext extends ComponentContext {
  readonly output: SourceOutput;
}

export interface ChannelTransaction {
  /** Stages events for commit. Throws ChannelError when the transaction would exceed transactionCapacity. */
  put(batch: EventBatch): void;
  /** Takes up to `maxEvents` (≤ transactionCapacity); waits up to keep-alive; null when empty. */
  take(maxEvents: number): Promise<EventBatch | null>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface Channel extends Lifecycle {
  readonly name: string;
  readonly capacity: number;
  readonly transactionCapacity: number;
  /** Events committed and not yet taken-and-committed. */
  size(): number;
  begin(): ChannelTransaction;
  /**
   * Optional: resolves true as soon as the channel holds committed events, or false after
   * `timeoutMs` or when `signal` aborts. Sink runners use it to end a BACKOFF sleep early.
   */
  waitForData?(timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  /**
   * Optional: applies new properties to a channel that a reload reuses (same name and
   * type), as Flume reconfigures it; throws ConfigError and keeps the old settings when
   * they are invalid. Called while the reload builds the new topology, before the old one
   * stops, so it must be safe on a running channel.
   */
  reconfigure?(ctx: ComponentContext): void;
}

export type SinkStatus = 'READY' | 'BACKOFF';

export interface Sink extends Lifecycle {
  readonly name: string;
  /** Largest batch this sink takes; checked against its channel's transactionCapacity at load (FLUME-3246). */
  readonly batchSize?: number;
  /** Set by the topology before start(). */
  setChannel(channel: Channel): void;
  process(): Promise<SinkStatus>;
}

export interface Interceptor {
  /** Returns the (possibly new, possibly smaller) batch. Must not mutate its input. */
  intercept(batch: EventBatch): EventBatch;
  close?(): void;
}

/**
 * A registry entry: a Flume alias list (matched case-insensitively) and Flume class
 * names (FQCNs, including `$Builder` forms) that map to one factory.
 * `create` validates its props and throws ConfigError (with file:line) when invalid.
 */
export interface ComponentFactory<T, C extends ComponentContext = ComponentContext> {
  readonly kind: ComponentKind;
  readonly aliases: readonly string[];
  readonly classNames: readonly string[];
  create(ctx: C): T;
}

export type SourceFactory = ComponentFactory<Source, SourceContext>;
export type ChannelFactory = ComponentFactory<Channel>;
export type SinkFactory = ComponentFactory<Sink>;
export type InterceptorFactory = ComponentFactory<Interceptor>;
