/**
 * The embedded broker as the agent sees it, and the exactly-once link between a Kafka
 * sink writing to it and the TAILDIR sources feeding that sink's channel.
 *
 * - `InProcessBroker`: the narrow in-process interface of src/broker/broker.ts the Kafka
 *   sink uses (append whole record batches, topic metadata, partition logs for the
 *   recovery scan). `asInProcessBroker(handle)` narrows a ComponentContext's broker handle.
 * - `linkExactlyOnce(plan, topology)`: called by the Agent after building a topology and
 *   before starting it. For every sink exposing `recoveryHooks()` (the embedded Kafka sink)
 *   and every source exposing `setRecoveredPositions` (TAILDIR) that writes to that sink's
 *   channel, it registers a callback the sink runs at the end of its start() (sinks start
 *   before sources): the source's position file is reconciled with the positions the log
 *   holds and the source is told the recovered positions. See docs/exactly-once.md.
 * Nothing here runs per event.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AppendResult, LogManager, PartitionLog, TopicDescription } from '../broker/storage/types.js';
import type { EmbeddedBrokerHandle, Sink, Source } from './component.js';
import type { AgentPlan } from '../config/flume-validate.js';
import type { Topology } from './topology.js';
import { DEFAULT_POSITION_FILE } from '../sources/taildir/taildir-config.js';

export interface InProcessBroker extends EmbeddedBrokerHandle {
  /** `trusted`: batches this process encoded itself; only their framing is checked (broker.ts). */
  appendBatches(topic: string, partition: number, buf: Buffer, options?: { requireDurable?: boolean; trusted?: boolean }): Promise<AppendResult>;
  ensureTopic(name: string, allowCreate: boolean): Promise<TopicDescription | undefined>;
  readonly logs: LogManager;
}

export function asInProcessBroker(h: EmbeddedBrokerHandle | undefined): InProcessBroker | undefined {
  if (!h) return undefined;
  const b = h as Partial<InProcessBroker>;
  return typeof b.appendBatches === 'function' && typeof b.ensureTopic === 'function' ? (h as InProcessBroker) : undefined;
}

/** What a source must offer to resume from recovered positions (TAILDIR). */
export interface RecoverableSource extends Source {
  setRecoveredPositions(positions: ReadonlyMap<string, number>): void;
}

/** Called once the sink has recovered, before the sources start. */
export interface RecoveryTarget {
  readonly source: RecoverableSource;
  /** The source's position file (Flume's JSON), when it has one. */
  readonly positionFile: string | undefined;
  /** True when the channel between them keeps events through a crash (file channel). */
  readonly durableChannel: boolean;
}

export interface RecoveryHooks {
  addRecoveryTarget(target: RecoveryTarget): void;
}

export interface ExactlyOnceSink extends Sink {
  recoveryHooks(): RecoveryHooks | undefined;
}

const DURABLE_CHANNEL_TYPES = new Set(['file', 'org.apache.flume.channel.file.filechannel']);

function isRecoverableSource(s: Source): s is RecoverableSource {
  return typeof (s as Partial<RecoverableSource>).setRecoveredPositions === 'function';
}

function isExactlyOnceSink(s: Sink): s is ExactlyOnceSink {
  return typeof (s as Partial<ExactlyOnceSink>).recoveryHooks === 'function';
}

export function linkExactlyOnce(plan: AgentPlan, topology: Topology): void {
  const channelType = new Map(plan.channels.map((c) => [c.name, c.type.value.toLowerCase()]));
  for (const [sinkName, sink] of topology.sinks) {
    if (!isExactlyOnceSink(sink)) continue;
    const hooks = sink.recoveryHooks();
    if (!hooks) continue;
    const channel = topology.sinkChannel.get(sinkName);
    if (channel === undefined) continue;
    for (const rs of topology.sources) {
      const planned = plan.sources.find((p) => p.name === rs.name);
      if (!planned || !planned.channels.includes(channel) || !isRecoverableSource(rs.source)) continue;
      hooks.addRecoveryTarget({
        source: rs.source,
        positionFile: expandHome(planned.keys.get('positionFile')?.value ?? DEFAULT_POSITION_FILE),
        durableChannel: DURABLE_CHANNEL_TYPES.has(channelType.get(channel) ?? ''),
      });
    }
  }
}

function expandHome(p: string): string {
  return p.startsWith('~/') ? join(homedir(), p.slice(2)) : p;
}

export type { PartitionLog };
