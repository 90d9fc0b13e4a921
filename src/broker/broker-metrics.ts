/**
 * Broker counters the monitor reads: bytes/records in and out per topic, and request
 * counts, errors and latency per API.
 *
 * Single writer: the broker's sessions and its in-process append path update them; any
 * reader (monitor, /metrics, tests) only reads `snapshot()` or the live objects without
 * mutating them. Plain numbers, updated once per partition or request, never per record.
 * Latency is kept as a count, a sum, a max and a log2 histogram of microseconds
 * (bucket i holds latencies in [2^(i-1), 2^i) µs), enough for p50/p99 estimates.
 */

export interface TopicCounters {
  bytesIn: number;
  recordsIn: number;
  bytesOut: number;
  /** Records a consumer can deliver from Fetch answers (whole batches, from the fetch offset; see handlers/fetch.ts). */
  recordsOut: number;
  produceRequests: number;
  fetchRequests: number;
  failedProduceRequests: number;
}

export const LATENCY_BUCKETS = 32;

export interface ApiCounters {
  readonly apiKey: number;
  requests: number;
  errors: number;
  totalMicros: number;
  maxMicros: number;
  /** histogram[i] = requests whose latency in µs had bit length i. */
  readonly histogram: number[];
}

export interface BrokerMetricsSnapshot {
  readonly topics: Record<string, TopicCounters>;
  readonly apis: Record<string, ApiCounters & { p50Micros: number; p99Micros: number }>;
  readonly connections: { open: number; opened: number; closedForBadInput: number };
}

export class BrokerMetrics {
  readonly topics = new Map<string, TopicCounters>();
  readonly apis = new Map<number, ApiCounters>();
  openConnections = 0;
  openedConnections = 0;
  closedForBadInput = 0;

  topic(name: string): TopicCounters {
    let t = this.topics.get(name);
    if (!t) {
      t = { bytesIn: 0, recordsIn: 0, bytesOut: 0, recordsOut: 0, produceRequests: 0, fetchRequests: 0, failedProduceRequests: 0 };
      this.topics.set(name, t);
    }
    return t;
  }

  /** Records one processed request of `apiKey` that took `micros` µs. */
  recordRequest(apiKey: number, micros: number, failed: boolean): void {
    let a = this.apis.get(apiKey);
    if (!a) {
      a = { apiKey, requests: 0, errors: 0, totalMicros: 0, maxMicros: 0, histogram: new Array<number>(LATENCY_BUCKETS).fill(0) };
      this.apis.set(apiKey, a);
    }
    a.requests++;
    if (failed) a.errors++;
    a.totalMicros += micros;
    if (micros > a.maxMicros) a.maxMicros = micros;
    const bucket = Math.min(LATENCY_BUCKETS - 1, 32 - Math.clz32(Math.max(0, Math.floor(micros))));
    a.histogram[bucket] = (a.histogram[bucket] ?? 0) + 1;
  }

  snapshot(apiNames: Readonly<Record<number, string>> = {}): BrokerMetricsSnapshot {
    const topics: Record<string, TopicCounters> = {};
    for (const [k, v] of this.topics) topics[k] = { ...v };
    const apis: BrokerMetricsSnapshot['apis'] = {};
    for (const [k, v] of this.apis) {
      apis[apiNames[k] ?? String(k)] = {
        ...v,
        histogram: [...v.histogram],
        p50Micros: quantileMicros(v, 0.5),
        p99Micros: quantileMicros(v, 0.99),
      };
    }
    return {
      topics,
      apis,
      connections: { open: this.openConnections, opened: this.openedConnections, closedForBadInput: this.closedForBadInput },
    };
  }
}

/** Upper bound (µs) of the histogram bucket holding quantile q. */
export function quantileMicros(a: ApiCounters, q: number): number {
  if (a.requests === 0) return 0;
  const target = Math.ceil(a.requests * q);
  let seen = 0;
  for (let i = 0; i < a.histogram.length; i++) {
    seen += a.histogram[i] ?? 0;
    if (seen >= target) return i === 0 ? 0 : 2 ** i;
  }
  return a.maxMicros;
}
