// Cost of one Prometheus /metrics render for a large state (default: 1,000 partitions, 100
// groups × 10 partitions, 30 APIs, 20 agent components), beside JSON.stringify of the same
// input (the peer: the cheapest serialisation of that data) measured in the same run.
// Env: MONITOR_BENCH_PARTITIONS, MONITOR_BENCH_GROUPS, MONITOR_BENCH_ROUNDS.
// Build first: npx tsc -p tsconfig.json
import { renderPrometheus, processState } from '../dist/monitor/prometheus.js';
import { BrokerMetrics } from '../dist/broker/broker-metrics.js';
import { API_NAMES } from '../dist/protocol/api-keys.js';

const P = Number(process.env.MONITOR_BENCH_PARTITIONS ?? 1000);
const G = Number(process.env.MONITOR_BENCH_GROUPS ?? 100);
const ROUNDS = Number(process.env.MONITOR_BENCH_ROUNDS ?? 200);

const m = new BrokerMetrics();
for (let k = 0; k < 30; k++) for (let i = 0; i < 100; i++) m.recordRequest(k, (i * 97) % 50000, i % 17 === 0);
const topics = [];
for (let t = 0; t < P / 10; t++) {
  const c = m.topic(`topic-${t}`);
  c.bytesIn = t * 1000; c.recordsIn = t * 10; c.bytesOut = t * 500;
  topics.push({ name: `topic-${t}`, internal: false, partitions: Array.from({ length: 10 }, (_, p) => ({ partition: p, leader: 0, logStartOffset: 0, logEndOffset: t * p, highWatermark: t * p, sizeBytes: t * p * 100, segmentCount: 1 })) });
}
const groups = Array.from({ length: G }, (_, g) => ({ groupId: `group-${g}`, state: 'Stable', protocolType: 'consumer', protocol: 'range', members: [], partitions: Array.from({ length: 10 }, (_, p) => ({ topic: `topic-${g % (P / 10)}`, partition: p, committedOffset: 5, logEndOffset: 10, lag: 5, memberId: null })) }));
const components = Array.from({ length: 20 }, (_, i) => ({ kind: ['SOURCE', 'CHANNEL', 'SINK'][i % 3], name: `c${i}`, counters: { EventReceivedCount: i, EventAcceptedCount: i, ChannelSize: i, EventDrainSuccessCount: i }, startTime: 0 }));
const input = { broker: m.snapshot(API_NAMES), topics, groups, agent: { name: 'a1', sources: [], channels: [], sinks: [], components }, process: processState(undefined) };

function time(fn) {
  for (let i = 0; i < 10; i++) fn();
  const t0 = process.hrtime.bigint();
  let bytes = 0;
  for (let i = 0; i < ROUNDS; i++) bytes = fn().length;
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6 / ROUNDS, bytes };
}
const prom = time(() => renderPrometheus(input));
const json = time(() => JSON.stringify(input));
console.log(`monitor /metrics render: ${P} partitions, ${G} groups x 10 partitions, 30 APIs, ${components.length} agent components; ${ROUNDS} rounds`);
console.table([
  { what: 'renderPrometheus (text 0.0.4)', 'ms/render': prom.ms.toFixed(3), bytes: prom.bytes, 'vs JSON': `${(prom.ms / json.ms).toFixed(2)}x` },
  { what: 'JSON.stringify same input (peer)', 'ms/render': json.ms.toFixed(3), bytes: json.bytes, 'vs JSON': '1.00x' },
]);
