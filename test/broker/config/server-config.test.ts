import { describe, expect, it } from 'vitest';
import { parseBrokerConfig } from '../../../src/broker/config/server-config.js';
import { ConfigError } from '../../../src/errors.js';

describe('server.properties', () => {
  it('has Kafka defaults plus Sluice defaults', () => {
    const c = parseBrokerConfig('');
    expect(c.listeners).toEqual([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092 }]);
    expect(c.logDirs).toEqual(['./data/kafka-logs']);
    expect(c.logSegmentBytes).toBe(1073741824);
    expect(c.logRetentionMs).toBe(168 * 3600_000);
    expect(c.logIndexIntervalBytes).toBe(4096);
    expect(c.messageMaxBytes).toBe(1048588);
    expect(c.offsetsTopicNumPartitions).toBe(50);
    expect(c.monitorListener).toBe('http://127.0.0.1:8086');
  });

  it('applies units with the most specific key winning, and overrides last', () => {
    const c = parseBrokerConfig('log.retention.ms=5000\nlog.retention.hours=1\nlog.roll.hours=2\nlog.dirs=/a, /b\nnum.partitions=3\n', 'server.properties', ['num.partitions=7', 'log.retention.bytes=-1']);
    expect(c.logRetentionMs).toBe(5000);
    expect(c.logRollMs).toBe(2 * 3600_000);
    expect(c.logDirs).toEqual(['/a', '/b']);
    expect(c.numPartitions).toBe(7);
    expect(parseBrokerConfig('log.retention.minutes=2').logRetentionMs).toBe(120_000);
    expect(parseBrokerConfig('log.retention.hours=-1').logRetentionMs).toBe(-1);
  });

  it('warns on unknown keys, ignores known Kafka keys silently', () => {
    const c = parseBrokerConfig('num.network.threads=3\nprocess.roles=broker,controller\nfoo.bar=1\n', 'server.properties');
    expect(c.warnings).toEqual(['server.properties:3: unknown key foo.bar']);
  });

  it('names file:line and key for an invalid value', () => {
    for (const [text, key] of [['\n\nlog.segment.bytes=big', 'log.segment.bytes'], ['listeners=9092', 'listeners'], ['auto.create.topics.enable=yes', 'auto.create.topics.enable']] as const) {
      try {
        parseBrokerConfig(text, 'server.properties');
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).key).toBe(key);
        expect((err as Error).message).toMatch(/^server\.properties:\d+: /);
      }
    }
    expect(() => parseBrokerConfig('', 'f', ['node.id=x'])).toThrow(/--override:1: node.id/);
  });

  it('parses listeners and defaults advertised.listeners to them', () => {
    const c = parseBrokerConfig('listeners=PLAINTEXT://localhost:0,SASL_PLAINTEXT://[::1]:9093\n');
    expect(c.advertisedListeners).toEqual([{ name: 'PLAINTEXT', host: 'localhost', port: 0 }, { name: 'SASL_PLAINTEXT', host: '::1', port: 9093 }]);
    expect(() => parseBrokerConfig('listeners=PLAINTEXT://0.0.0.0:9092')).toThrow(/advertised/);
  });
});

describe('keys read outside the typed config', () => {
  it('are accepted without an unknown-key warning', () => {
    const text = [
      'queued.max.request.bytes=1000000',
      'offsets.retention.check.interval.ms=1000',
      'producer.id.expiration.check.interval.ms=1000',
      'sluice.offsets.compact.after.bytes=1000',
      'sluice.group.max.member.metadata.bytes=1000',
      'sluice.monitor.allow.remote=false',
      'sluice.monitor.allowed.hosts=example.test',
      'sluice.monitor.sample.interval.ms=1000',
    ].join('\n');
    const cfg = parseBrokerConfig(text, 'server.properties');
    expect(cfg.warnings).toEqual([]);
  });
});
