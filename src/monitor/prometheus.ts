/**
 * Prometheus text exposition (format 0.0.4) of the broker, log, group, agent and
 * process state, served on /metrics of the monitor port.
 *
 * Text format written here: per family one `# HELP name text` and one
 * `# TYPE name counter|gauge|histogram|summary|untyped` line, then its samples
 * `name{label="value",…} number`, all samples of a family contiguous, `\n` line ends.
 * Label values escape `\` `"` and newline; HELP text escapes `\` and newline. Histograms
 * have cumulative `_bucket{le=…}` samples ending at `le="+Inf"`, then `_sum` and `_count`.
 *
 * Pure apart from `processState()`, which reads process.memoryUsage() and the
 * event-loop delay histogram handed in. Counters come from BrokerMetrics (log2 µs
 * latency buckets become `le` = 2^i µs in seconds) and the agent's Flume counters,
 * renamed Prometheus-style (EventDrainSuccessCount → sluice_agent_sink_events_drained_total).
 */
import type { IntervalHistogram } from 'node:perf_hooks';
import type { BrokerMetricsSnapshot } from '../broker/broker-metrics.js';
import type { AgentView, GroupDetailView, TopicView } from './data-source.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
type Labels = Readonly<Record<string, string | number>>;

const NEEDS_ESCAPE = /[\\"\n]/;

export function escapeLabelValue(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** `k="v",k2="v2"` without braces. */
function labelBody(labels: Labels): string {
  let out = '';
  for (const k in labels) {
    const v = labels[k]!;
    out += `${out === '' ? '' : ','}${k}="${typeof v === 'number' ? v : escapeLabelValue(v)}"`;
  }
  return out;
}

function formatLabels(labels: Labels): string {
  const body = labelBody(labels);
  return body === '' ? '' : `{${body}}`;
}

/** Collects families, then renders them in insertion order. */
export class ExpositionWriter {
  private readonly families = new Map<string, { type: FamilyType; help: string; lines: string[] }>();

  private family(name: string, type: FamilyType, help: string): string[] {
    let f = this.families.get(name);
    if (!f) this.families.set(name, (f = { type, help, lines: [] }));
    return f.lines;
  }

  sample(name: string, type: 'counter' | 'gauge' | 'untyped', help: string, labels: Labels, value: number): void {
    this.family(name, type, help).push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
  }

  /** A histogram sample set: `buckets` are (upper bound, cumulative count), ascending. */
  histogram(name: string, help: string, labels: Labels, buckets: readonly [number, number][], sum: number, count: number): void {
    const lines = this.family(name, 'histogram', help);
    const body = labelBody(labels);
    const prefix = `${name}_bucket{${body === '' ? '' : `${body},`}le="`;
    for (const [le, c] of buckets) lines.push(`${prefix}${formatValue(le)}"} ${c}`);
    lines.push(`${prefix}+Inf"} ${count}`);
    const plain = body === '' ? '' : `{${body}}`;
    lines.push(`${name}_sum${plain} ${formatValue(sum)}`);
    lines.push(`${name}_count${plain} ${count}`);
  }

  summary(name: string, help: string, labels: Labels, quantiles: readonly [number, number][], sum: number, count: number): void {
    const lines = this.family(name, 'summary', help);
    for (const [q, v] of quantiles) lines.push(`${name}${formatLabels({ ...labels, quantile: String(q) })} ${formatValue(v)}`);
    lines.push(`${name}_sum${formatLabels(labels)} ${formatValue(sum)}`);
    lines.push(`${name}_count${formatLabels(labels)} ${count}`);
  }

  render(): string {
    let out = '';
    for (const [name, f] of this.families) {
      out += `# HELP ${name} ${escapeHelp(f.help)}\n# TYPE ${name} ${f.type}\n`;
      for (const l of f.lines) out += `${l}\n`;
    }
    return out;
  }
}

/** Flume counter → [metric suffix, type, help]. Unknown counters go to sluice_agent_counter. */
const AGENT_NAMES: Readonly<Record<string, Readonly<Record<string, readonly [string, 'counter' | 'gauge', string]>>>> = {
  SOURCE: {
    EventReceivedCount: ['events_received_total', 'counter', 'Events received by the source (Flume EventReceivedCount).'],
    EventAcceptedCount: ['events_accepted_total', 'counter', 'Events the source put into its channels (Flume EventAcceptedCount).'],
    AppendReceivedCount: ['appends_received_total', 'counter', 'Flume AppendReceivedCount.'],
    AppendAcceptedCount: ['appends_accepted_total', 'counter', 'Flume AppendAcceptedCount.'],
    AppendBatchReceivedCount: ['append_batches_received_total', 'counter', 'Flume AppendBatchReceivedCount.'],
    AppendBatchAcceptedCount: ['append_batches_accepted_total', 'counter', 'Flume AppendBatchAcceptedCount.'],
    OpenConnectionCount: ['open_connections', 'gauge', 'Open connections of the source (Flume OpenConnectionCount).'],
    EventReadFail: ['event_read_failures_total', 'counter', 'Flume EventReadFail.'],
    ChannelWriteFail: ['channel_write_failures_total', 'counter', 'Flume ChannelWriteFail.'],
    GenericProcessingFail: ['processing_failures_total', 'counter', 'Flume GenericProcessingFail.'],
  },
  CHANNEL: {
    ChannelSize: ['size', 'gauge', 'Events in the channel (Flume ChannelSize).'],
    ChannelCapacity: ['capacity', 'gauge', 'Channel capacity in events (Flume ChannelCapacity).'],
    ChannelFillPercentage: ['fill_ratio', 'gauge', 'Channel fill, 0 to 1 (Flume ChannelFillPercentage / 100).'],
    EventPutAttemptCount: ['event_put_attempts_total', 'counter', 'Flume EventPutAttemptCount.'],
    EventPutSuccessCount: ['events_put_total', 'counter', 'Events committed into the channel (Flume EventPutSuccessCount).'],
    EventTakeAttemptCount: ['event_take_attempts_total', 'counter', 'Flume EventTakeAttemptCount.'],
    EventTakeSuccessCount: ['events_taken_total', 'counter', 'Events taken and committed (Flume EventTakeSuccessCount).'],
  },
  SINK: {
    ConnectionCreatedCount: ['connections_created_total', 'counter', 'Flume ConnectionCreatedCount.'],
    ConnectionClosedCount: ['connections_closed_total', 'counter', 'Flume ConnectionClosedCount.'],
    ConnectionFailedCount: ['connection_failures_total', 'counter', 'Flume ConnectionFailedCount.'],
    BatchEmptyCount: ['batches_empty_total', 'counter', 'Flume BatchEmptyCount.'],
    BatchUnderflowCount: ['batches_underflow_total', 'counter', 'Flume BatchUnderflowCount.'],
    BatchCompleteCount: ['batches_complete_total', 'counter', 'Flume BatchCompleteCount.'],
    EventDrainAttemptCount: ['event_drain_attempts_total', 'counter', 'Flume EventDrainAttemptCount.'],
    EventDrainSuccessCount: ['events_drained_total', 'counter', 'Events the sink delivered (Flume EventDrainSuccessCount).'],
    EventWriteFail: ['event_write_failures_total', 'counter', 'Flume EventWriteFail.'],
    ChannelReadFail: ['channel_read_failures_total', 'counter', 'Flume ChannelReadFail.'],
  },
};

export interface ProcessState {
  readonly residentBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
  readonly startTimeSeconds: number;
  /** Event-loop delay in seconds, from perf_hooks.monitorEventLoopDelay. */
  readonly loopDelay: { p50: number; p90: number; p99: number; max: number; mean: number; count: number } | null;
}

const START_TIME_S = Math.round((Date.now() - process.uptime() * 1000) / 1000);

export function processState(loop: IntervalHistogram | undefined): ProcessState {
  const m = process.memoryUsage();
  const ns = 1e9;
  const count = loop ? (loop as IntervalHistogram & { count?: number }).count ?? 0 : 0;
  return {
    residentBytes: m.rss,
    heapUsedBytes: m.heapUsed,
    heapTotalBytes: m.heapTotal,
    externalBytes: m.external,
    startTimeSeconds: START_TIME_S,
    loopDelay: loop && count > 0
      ? { p50: loop.percentile(50) / ns, p90: loop.percentile(90) / ns, p99: loop.percentile(99) / ns, max: loop.max / ns, mean: loop.mean / ns, count }
      : null,
  };
}

export interface PrometheusInput {
  readonly broker?: BrokerMetricsSnapshot | undefined;
  readonly topics: readonly TopicView[];
  readonly groups: readonly GroupDetailView[];
  readonly agent?: AgentView | undefined;
  readonly process: ProcessState;
}

/** Bucket i of BrokerMetrics holds latencies below 2^i µs; exported from 2^6 µs to 2^24 µs. */
const FIRST_BUCKET = 6;
const LAST_BUCKET = 24;

export function renderPrometheus(input: PrometheusInput): string {
  const w = new ExpositionWriter();
  const b = input.broker;
  if (b) {
    for (const [topic, t] of Object.entries(b.topics)) {
      w.sample('sluice_broker_bytes_in_total', 'counter', 'Record-batch bytes appended, per topic (Produce and in-process appends).', { topic }, t.bytesIn);
      w.sample('sluice_broker_records_in_total', 'counter', 'Records appended, per topic.', { topic }, t.recordsIn);
      w.sample('sluice_broker_bytes_out_total', 'counter', 'Record bytes sent to consumers by Fetch, per topic.', { topic }, t.bytesOut);
      w.sample('sluice_broker_records_out_total', 'counter', 'Records sent to consumers by Fetch, per topic: whole batches, from the fetch offset (what consumers deliver).', { topic }, t.recordsOut);
      w.sample('sluice_broker_produce_requests_total', 'counter', 'Produce requests (per topic-partition entry).', { topic }, t.produceRequests);
      w.sample('sluice_broker_failed_produce_requests_total', 'counter', 'Produce entries that failed.', { topic }, t.failedProduceRequests);
      w.sample('sluice_broker_fetch_requests_total', 'counter', 'Fetch entries, per topic.', { topic }, t.fetchRequests);
    }
    for (const [api, a] of Object.entries(b.apis)) {
      w.sample('sluice_broker_requests_total', 'counter', 'Requests processed, per API.', { api }, a.requests);
      w.sample('sluice_broker_request_errors_total', 'counter', 'Requests that failed, per API.', { api }, a.errors);
    }
    for (const [api, a] of Object.entries(b.apis)) {
      let cum = 0;
      for (let i = 0; i < FIRST_BUCKET; i++) cum += a.histogram[i] ?? 0;
      const buckets: [number, number][] = [];
      for (let i = FIRST_BUCKET; i <= LAST_BUCKET; i++) {
        cum += a.histogram[i] ?? 0;
        buckets.push([2 ** i / 1e6, cum]);
      }
      w.histogram('sluice_broker_request_duration_seconds', 'Request processing time, per API.', { api }, buckets, a.totalMicros / 1e6, a.requests);
    }
    w.sample('sluice_broker_connections', 'gauge', 'Open client connections.', {}, b.connections.open);
    w.sample('sluice_broker_connections_opened_total', 'counter', 'Client connections accepted.', {}, b.connections.opened);
    w.sample('sluice_broker_connections_closed_bad_input_total', 'counter', 'Connections closed for malformed input.', {}, b.connections.closedForBadInput);
  }
  for (const t of input.topics) {
    for (const p of t.partitions) {
      const l = { topic: t.name, partition: p.partition };
      w.sample('sluice_log_start_offset', 'gauge', 'First offset still in the log.', l, p.logStartOffset);
      w.sample('sluice_log_end_offset', 'gauge', 'Next offset to be written (log end offset).', l, p.logEndOffset);
      w.sample('sluice_log_high_watermark', 'gauge', 'Offsets below it are visible to consumers.', l, p.highWatermark);
      if (p.sizeBytes !== null) w.sample('sluice_log_size_bytes', 'gauge', 'Bytes of all segments of the partition.', l, p.sizeBytes);
      if (p.segmentCount !== null) w.sample('sluice_log_segments', 'gauge', 'Segments of the partition.', l, p.segmentCount);
    }
  }
  for (const g of input.groups) {
    w.sample('sluice_consumer_group_members', 'gauge', 'Members of the consumer group.', { group: g.groupId }, g.members.length);
    for (const p of g.partitions) {
      const l = { group: g.groupId, topic: p.topic, partition: p.partition };
      w.sample('sluice_consumer_group_committed_offset', 'gauge', 'Committed offset (-1: none).', l, p.committedOffset);
      w.sample('sluice_consumer_group_lag', 'gauge', 'End offset minus committed offset.', l, p.lag);
    }
  }
  const a = input.agent;
  if (a) {
    for (const c of a.components) {
      const kind = c.kind.toLowerCase();
      const table = AGENT_NAMES[c.kind] ?? {};
      for (const [counter, raw] of Object.entries(c.counters)) {
        const known = table[counter];
        const value = counter === 'ChannelFillPercentage' ? raw / 100 : raw;
        if (known) w.sample(`sluice_agent_${kind}_${known[0]}`, known[1], known[2], { component: c.name }, value);
        else w.sample('sluice_agent_counter', 'untyped', 'Other Flume counters of agent components.', { kind, component: c.name, counter }, value);
      }
    }
  }
  const ps = input.process;
  w.sample('sluice_process_resident_memory_bytes', 'gauge', 'Resident set size.', {}, ps.residentBytes);
  w.sample('sluice_process_heap_used_bytes', 'gauge', 'V8 heap in use.', {}, ps.heapUsedBytes);
  w.sample('sluice_process_heap_total_bytes', 'gauge', 'V8 heap allocated.', {}, ps.heapTotalBytes);
  w.sample('sluice_process_external_memory_bytes', 'gauge', 'Memory of Buffers and other C++ objects bound to JS.', {}, ps.externalBytes);
  w.sample('sluice_process_start_time_seconds', 'gauge', 'Process start, seconds since the Unix epoch.', {}, ps.startTimeSeconds);
  if (ps.loopDelay) {
    const d = ps.loopDelay;
    w.summary('sluice_event_loop_delay_seconds', 'Event-loop delay (perf_hooks.monitorEventLoopDelay).', {}, [[0.5, d.p50], [0.9, d.p90], [0.99, d.p99]], d.mean * d.count, d.count);
    w.sample('sluice_event_loop_delay_max_seconds', 'gauge', 'Largest event-loop delay seen.', {}, d.max);
  }
  return w.render();
}
