/**
 * createComponentContext: the one place a ComponentContext is built, by the topology
 * builder and by tests. It picks the counter group (`SOURCE.r1`, `CHANNEL.c1`, `SINK.k1`)
 * with Flume's counter names pre-registered so /metrics lists them all from the start,
 * a child logger bound to the component, and the component's data directory
 * `<dataRoot>/<agent>/<name>` (not created here; a component creates it on demand).
 */
import { join } from 'node:path';
import type { ComponentContext, ComponentKind, EmbeddedBrokerHandle, SourceContext, SourceOutput } from './component.js';
import type { ComponentProps } from './component-props.js';
import {
  CHANNEL_COUNTERS, MetricsRegistry, SINK_COUNTERS, SOURCE_COUNTERS, type CounterGroup, type CounterGroupType,
} from './metrics.js';
import { componentLogger } from '../logger.js';

export interface ComponentContextInit {
  readonly agentName: string;
  readonly kind: ComponentKind;
  readonly name: string;
  readonly type: string;
  readonly props: ComponentProps;
  /** Registry the counter group is registered in (defaults to a private one). */
  readonly metrics?: MetricsRegistry;
  /** Root of per-component state directories (default `./data/agent`). */
  readonly dataRoot?: string;
  readonly signal?: AbortSignal;
  readonly broker?: EmbeddedBrokerHandle;
  /** Receives configWarning() calls (the topology turns them into validation issues). */
  readonly configWarning?: (key: string, message: string) => void;
}

/** Default root for component state that Flume does not give a path to. */
export const DEFAULT_DATA_ROOT = join('data', 'agent');

export function counterGroupFor(metrics: MetricsRegistry, kind: ComponentKind, name: string): CounterGroup {
  const [type, initial]: [CounterGroupType, readonly string[]] =
    kind === 'source' ? ['SOURCE', SOURCE_COUNTERS]
      : kind === 'channel' ? ['CHANNEL', CHANNEL_COUNTERS]
        : kind === 'sink' ? ['SINK', SINK_COUNTERS]
          : ['OTHER', []];
  return metrics.group(type, name, initial);
}

export function createComponentContext(init: ComponentContextInit): ComponentContext {
  const metrics = init.metrics ?? new MetricsRegistry();
  return {
    agentName: init.agentName,
    name: init.name,
    type: init.type,
    props: init.props,
    logger: componentLogger(`agent.${init.kind}`, { agent: init.agentName, [init.kind]: init.name }),
    metrics: counterGroupFor(metrics, init.kind, init.name),
    dataDir: join(init.dataRoot ?? DEFAULT_DATA_ROOT, init.agentName, init.name),
    signal: init.signal ?? new AbortController().signal,
    broker: init.broker,
    ...(init.configWarning ? { configWarning: init.configWarning } : {}),
  };
}

export function createSourceContext(init: ComponentContextInit, output: SourceOutput): SourceContext {
  return { ...createComponentContext({ ...init, kind: 'source' }), output };
}
