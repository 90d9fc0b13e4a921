/**
 * Real-world-shaped Flume configs (test/fixtures/conf/) → the topology Sluice builds and
 * the issues it reports, each pinned to file:line. Components are test doubles standing in
 * for Flume's types (stubRegistry), so nothing binds sockets or spawns processes.
 */
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadAgentPlan } from '../../src/agent/agent.js';
import { buildTopology } from '../../src/agent/topology.js';
import { MetricsRegistry } from '../../src/agent/metrics.js';
import { hasErrors } from '../../src/config/flume-validate.js';
import { stubRegistry } from '../agent/helpers/test-components.js';
import type { EventBatch } from '../../src/agent/event-batch.js';

const dir = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'fixtures', 'conf');

interface Expected {
  /** source → channels */
  sources?: Record<string, string[]>;
  channels?: string[];
  /** sink → channel */
  sinks?: Record<string, string>;
  groups?: Record<string, string[]>;
  /** `SEVERITY CODE file:line` of every issue, in order */
  issues: string[];
}

function run(file: string, agent = 'a1', opts: { env?: Record<string, string>; sys?: Record<string, string> } = {}) {
  const registry = stubRegistry();
  const plan = loadAgentPlan({ agentName: agent, configFiles: [join(dir, file)], env: opts.env ?? {}, sys: opts.sys ?? {} }, registry);
  const topo = plan.idle || hasErrors(plan.issues)
    ? undefined
    : buildTopology(plan, { agentName: agent, registry, metrics: new MetricsRegistry() });
  const issues = plan.issues.map((i) => `${i.severity === 'error' ? 'E' : 'W'} ${i.code} ${i.file ? `${basename(i.file)}:${i.line}` : '-'}`);
  const summary = topo && {
    sources: Object.fromEntries(topo.sources.map((s) => [s.name, s.processor.selector.channels.map((c) => c.name)])),
    channels: [...topo.channels.keys()],
    sinks: Object.fromEntries(topo.sinkChannel),
    groups: Object.fromEntries(topo.groups),
  };
  return { plan, topo, issues, summary };
}

const table: [string, Expected][] = [
  ['exec-tail-kafka.conf', { sources: { r1: ['c1'] }, channels: ['c1'], sinks: { k1: 'c1' }, groups: {}, issues: [] }],
  ['netcat-logger.conf', { sources: { r1: ['c1'] }, channels: ['c1'], sinks: { k1: 'c1' }, groups: {}, issues: [] }],
  ['multiplexing.conf', {
    sources: { r1: ['c1', 'c2', 'c3', 'c4'] }, channels: ['c1', 'c2', 'c3', 'c4'],
    sinks: { k1: 'c1', k2: 'c2', k3: 'c3', k4: 'c4' }, groups: {}, issues: [],
  }],
  ['failover.conf', { sources: { r1: ['c1'] }, channels: ['c1'], sinks: { k1: 'c1', k2: 'c1' }, groups: { g1: ['k1', 'k2'] }, issues: [] }],
  ['load-balance.conf', { sources: { r1: ['c1'] }, channels: ['c1'], sinks: { k1: 'c1', k2: 'c1', k3: 'c1' }, groups: { g1: ['k1', 'k2', 'k3'] }, issues: [] }],
  ['duplicated-keys.conf', {
    sources: { r1: ['c1'] }, channels: ['c1'], sinks: { k1: 'c1' }, groups: {},
    issues: ['W DUPLICATE_PROPERTY duplicated-keys.conf:4', 'W DUPLICATE_KEY duplicated-keys.conf:9'],
  }],
  ['bad-values.conf', {
    sources: { r1: ['c1'] }, channels: ['c1'], sinks: { k1: 'c1' }, groups: {},
    issues: [
      'W PROPERTY_VALUE_NULL bad-values.conf:10',
      'W INVALID_PROPERTY bad-values.conf:20',
      'W COMPONENT_NOT_ACTIVE bad-values.conf:18',
      'W COMPONENT_NOT_ACTIVE bad-values.conf:19',
      'W COMPONENT_NO_TYPE bad-values.conf:12',
      'W SOURCE_NO_CHANNELS bad-values.conf:6',
      'W CHANNEL_NOT_ACTIVE bad-values.conf:8',
      'W SOURCE_NO_CHANNELS bad-values.conf:8',
      'W CHANNEL_NOT_ACTIVE bad-values.conf:16',
      'W SINK_NO_CHANNEL bad-values.conf:17',
    ],
  }],
  ['unsupported.conf', {
    sources: { r2: ['c1'] }, channels: ['c1'], sinks: { k2: 'c1' }, groups: {},
    issues: ['W UNSUPPORTED_TYPE unsupported.conf:11', 'W UNSUPPORTED_TYPE unsupported.conf:4', 'W UNSUPPORTED_TYPE unsupported.conf:12'],
  }],
  ['memory-bad-capacity.conf', {
    sources: { r1: ['c1'] }, channels: ['c1'], sinks: { k1: 'c1' }, groups: {},
    issues: ['W COMPONENT_CONFIG_WARNING memory-bad-capacity.conf:7'],
  }],
  ['batch-too-big.conf', {
    sources: {}, channels: ['c1'], sinks: { k2: 'c1' }, groups: {},
    issues: [
      'W BATCH_EXCEEDS_TRANSACTION_CAPACITY batch-too-big.conf:10',
      'W UNKNOWN_KEY batch-too-big.conf:15',
      'W BATCH_EXCEEDS_TRANSACTION_CAPACITY batch-too-big.conf:4',
    ],
  }],
];

describe('Flume config fixtures', () => {
  for (const [file, expected] of table) {
    it(file, () => {
      const { issues, summary } = run(file);
      expect(issues).toEqual(expected.issues);
      expect(summary).toEqual({ sources: expected.sources, channels: expected.channels, sinks: expected.sinks, groups: expected.groups });
    });
  }

  it('names the missing sink channel key, the empty value and the typo with a suggestion', () => {
    const bad = run('bad-values.conf').plan.issues;
    expect(bad.find((i) => i.code === 'SINK_NO_CHANNEL')!.message).toMatch(/a1\.sinks\.k3\.channel is missing/);
    expect(bad.find((i) => i.code === 'PROPERTY_VALUE_NULL')!.key).toBe('a1.channels.c1.capacity');
    const typo = run('batch-too-big.conf').plan.issues.find((i) => i.code === 'UNKNOWN_KEY')!;
    expect(typo.message).toContain('did you mean "channel"?');
    expect(typo.key).toBe('a1.sinks.k2.chanel');
  });

  it('an unknown class name is a fatal error at its line', () => {
    const { plan, topo } = run('unknown-type.conf');
    expect(topo).toBeUndefined();
    expect(plan.issues).toEqual([expect.objectContaining({
      severity: 'error', code: 'UNKNOWN_TYPE', line: 7, key: 'a1.sinks.k1.type',
      message: expect.stringContaining('com.example.flume.MySink'),
    })]);
  });

  it('unsupported Flume types say so', () => {
    const msgs = run('unsupported.conf').plan.issues.map((i) => i.message);
    expect(msgs.every((m) => m.includes('not supported by Sluice'))).toBe(true);
  });

  it('a wrong -n leaves the agent idle with Flume\'s warning', () => {
    const { plan, topo } = run('netcat-logger.conf', 'agent7');
    expect(plan.idle).toBe(true);
    expect(topo).toBeUndefined();
    expect(plan.issues).toEqual([expect.objectContaining({ severity: 'warning', code: 'NO_CONFIGURATION', message: 'No configuration found for this host:agent7' })]);
  });

  it('substitutes ${env:}, ${sys:}, ${key} and bare env references', () => {
    const { topo, plan } = run('env-substitution.conf', 'a1', { env: { SLUICE_TEST_BATCH: '25' }, sys: { 'test.capacity': '400' } });
    const ch = topo!.channels.get('c1')!.channel;
    expect(ch.capacity).toBe(400);
    expect(ch.transactionCapacity).toBe(25);
    expect(topo!.sources[0]!.source.batchSize).toBe(25);
    expect(topo!.sinks.get('k1')!.batchSize).toBe(25);
    // The unresolved reference stays literal; `note` is an unknown key of the null sink.
    const unknown = plan.issues.find((i) => i.code === 'UNKNOWN_KEY')!;
    expect(unknown).toMatchObject({ line: 13, key: 'a1.sinks.k1.note' });
  });

  it('aliases are case-insensitive and FQCNs (with $Builder) resolve', () => {
    const r = stubRegistry();
    expect(r.resolve('channel', 'MeMoRy').status).toBe('found');
    expect(r.resolve('channel', 'org.apache.flume.channel.MemoryChannel').status).toBe('found');
    expect(r.resolve('processor', 'FAILOVER').status).toBe('found');
    expect(r.resolve('selector', 'org.apache.flume.channel.MultiplexingChannelSelector').status).toBe('found');
    expect(r.resolve('sink', 'HDFS').status).toBe('unsupported');
    expect(r.resolve('channel', 'org.apache.flume.channel.MemoryChannelX').status).toBe('unknown');
    r.register({ kind: 'interceptor', aliases: ['fake'], classNames: ['org.example.FakeInterceptor$Builder'], create: () => ({ intercept: (b: EventBatch) => b }) });
    expect(r.resolve('interceptor', 'org.example.FakeInterceptor$Builder').status).toBe('found');
    expect(r.resolve('interceptor', 'org.example.FakeInterceptor').status).toBe('found');
    expect(r.resolve('interceptor', 'FAKE').status).toBe('found');
  });
});
