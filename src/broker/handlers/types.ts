/**
 * The handler contract: one handler per Kafka API key, registered in the dispatch
 * table (handlers/index.ts). The session decodes the header and body with the
 * schema codec, calls `handle`, and encodes whatever body comes back with the same
 * (apiKey, version). Returning `null` means "send no response" (Produce acks=0).
 *
 * Handlers never touch the socket. They throw only for failures that must close the
 * connection (a KafkaProtocolError for a malformed request); per-topic/partition
 * problems become error codes inside the response body, as the Kafka spec requires.
 * A handler that puts FileSlices into its response owns their references until it
 * returns them; the session's writer releases them after sending (or on failure).
 */
import type { LogManager, TopicDescription } from '../storage/types.js';
import type { BrokerMetrics } from '../broker-metrics.js';
import type { ListenerSpec } from '../listeners.js';
import type { GroupCoordinator } from '../groups/group-coordinator.js';
import type { ProducerStates } from '../producer-state/producer-states.js';

/** Request header fields the handlers may read (mirror of the codec's RequestHeader). */
export interface HandlerRequestHeader {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
}

/** The broker settings handlers and sessions read (derived once from BrokerConfig). */
export interface BrokerSettings {
  readonly nodeId: number;
  readonly clusterId: string;
  readonly autoCreateTopicsEnable: boolean;
  readonly numPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly deleteTopicEnable: boolean;
  /** message.max.bytes: the largest record batch accepted (topic max.message.bytes overrides). */
  readonly messageMaxBytes: number;
  /** socket.request.max.bytes: the largest frame read; bigger length prefixes close the connection. */
  readonly socketRequestMaxBytes: number;
  /** connections.max.idle.ms: an idle connection is closed after this long. */
  readonly connectionsMaxIdleMs: number;
  /** queued.max.request.bytes: unprocessed bytes per connection before reading pauses. */
  readonly queuedMaxRequestBytes: number;
  /** Topic-level defaults derived from the broker config (log.* synonyms), for DescribeConfigs synonyms. */
  readonly topicDefaults: Readonly<Record<string, string>>;
  /** Every broker config key with its effective value as a string (DescribeConfigs on the broker). */
  readonly brokerConfigs: Readonly<Record<string, string>>;
}

/** What a handler may use of the broker: narrow on purpose. */
export interface BrokerServices {
  readonly logs: LogManager;
  readonly settings: BrokerSettings;
  readonly metrics: BrokerMetrics;
  /** The advertised (host, port) for clients that came in through `listener`. */
  advertisedEndpoint(listener: ListenerSpec | undefined): { host: string; port: number };
  /**
   * The topic, auto-creating it with num.partitions when auto-creation is enabled and
   * `allowCreate`; undefined when it does not exist. Creation completes before it resolves.
   */
  ensureTopic(name: string, allowCreate: boolean): Promise<TopicDescription | undefined>;
  /** Advertised API ranges (from the dispatch table). */
  advertisedApis(): readonly { apiKey: number; minVersion: number; maxVersion: number }[];
  /** The group coordinator (groups/); absent → group APIs answer COORDINATOR_NOT_AVAILABLE. */
  readonly groups?: GroupCoordinator;
  /** Idempotent-producer state (producer-state/); absent → no sequence checks. */
  readonly producers?: ProducerStates;
}

export interface RequestContext {
  readonly services: BrokerServices;
  readonly header: HandlerRequestHeader;
  /** Remote address of the client ("host:port" or "memory"), for logs. */
  readonly client: string;
  /** The listener the connection came in on (undefined for in-memory sessions). */
  readonly listener: ListenerSpec | undefined;
  /** Aborted when the connection closes or the broker stops (ends long polls). */
  readonly signal: AbortSignal;
  /** Closes this connection after the current request, logging `reason` (Kafka does this for a failed acks=0 produce). */
  closeConnection(reason: string): void;
}

/** A decoded request or an encodable response body: Kafka's field names in lowerCamelCase. */
export type MessageBody = Record<string, unknown>;

export interface ApiHandler {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(ctx: RequestContext, request: MessageBody): Promise<MessageBody | null> | MessageBody | null;
}
