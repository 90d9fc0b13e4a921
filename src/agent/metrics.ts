/**
 * Flume-compatible counter groups (SourceCounter, ChannelCounter, SinkCounter).
 *
 * One CounterGroup per component, keyed `TYPE.name` (e.g. `SOURCE.r1`) in the
 * registry. Counters are plain numbers updated by their component only (single
 * writer); readers (the /metrics JSON, Prometheus, the monitor) only read snapshots.
 * Counter names are Flume's exactly (EventReceivedCount, ChannelSize, …). Counts
 * reset when the component is (re)started, as in Flume. Increments take a count so
 * that batch code adds once per batch, not once per event.
 */

export type CounterGroupType = 'SOURCE' | 'CHANNEL' | 'SINK' | 'CHANNEL_PROCESSOR' | 'OTHER';

export class CounterGroup {
  readonly type: CounterGroupType;
  readonly name: string;
  private readonly counters = new Map<string, number>();
  startTime = 0;
  stopTime = 0;

  constructor(type: CounterGroupType, name: string, initial: readonly string[] = []) {
    this.type = type;
    this.name = name;
    for (const c of initial) this.counters.set(c, 0);
  }

  increment(counter: string, by = 1): void {
    this.counters.set(counter, (this.counters.get(counter) ?? 0) + by);
  }

  set(counter: string, value: number): void {
    this.counters.set(counter, value);
  }

  get(counter: string): number {
    return this.counters.get(counter) ?? 0;
  }

  start(now = Date.now()): void {
    for (const k of this.counters.keys()) this.counters.set(k, 0);
    this.startTime = now;
    this.stopTime = 0;
  }

  stop(now = Date.now()): void {
    this.stopTime = now;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counters);
  }
}

export class MetricsRegistry {
  private readonly groups = new Map<string, CounterGroup>();

  group(type: CounterGroupType, name: string, initial: readonly string[] = []): CounterGroup {
    const key = `${type}.${name}`;
    let g = this.groups.get(key);
    if (!g) {
      g = new CounterGroup(type, name, initial);
      this.groups.set(key, g);
    }
    return g;
  }

  remove(type: CounterGroupType, name: string): void {
    this.groups.delete(`${type}.${name}`);
  }

  all(): CounterGroup[] {
    return [...this.groups.values()];
  }
}

/** Flume's counter names, so every component uses the same spelling. */
export const SOURCE_COUNTERS = [
  'EventReceivedCount', 'EventAcceptedCount', 'AppendReceivedCount', 'AppendAcceptedCount',
  'AppendBatchReceivedCount', 'AppendBatchAcceptedCount', 'OpenConnectionCount',
  'EventReadFail', 'ChannelWriteFail', 'GenericProcessingFail',
] as const;
export const CHANNEL_COUNTERS = [
  'ChannelSize', 'EventPutAttemptCount', 'EventTakeAttemptCount', 'EventPutSuccessCount',
  'EventTakeSuccessCount', 'ChannelCapacity', 'ChannelFillPercentage',
] as const;
export const SINK_COUNTERS = [
  'ConnectionCreatedCount', 'ConnectionClosedCount', 'ConnectionFailedCount', 'BatchEmptyCount',
  'BatchUnderflowCount', 'BatchCompleteCount', 'EventDrainAttemptCount', 'EventDrainSuccessCount',
  'EventWriteFail', 'ChannelReadFail',
] as const;
