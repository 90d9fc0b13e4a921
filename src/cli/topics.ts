/**
 * `sluice topics --bootstrap-server H:P (--list | --create | --describe | --alter | --delete) …`
 * — kafka-topics.sh over the thin client (src/client), so it works against any Kafka-compatible
 * broker.
 *
 * Output (kafka-topics.sh's shapes):
 *   --list      one topic name per line, sorted
 *   --create    "Created topic T."
 *   --describe  "Topic: T\tTopicId: <base64url>\tPartitionCount: N\tReplicationFactor: R\tConfigs: k=v,…"
 *               then per partition "\tTopic: T\tPartition: P\tLeader: L\tReplicas: a,b\tIsr: a,b"
 *               (--json: one JSON array of {name, topicId, partitionCount, replicationFactor,
 *               configs: {k: v}, partitions: [{partition, leader, replicas, isr}]})
 *   --alter     --partitions N raises the partition count (CreatePartitions);
 *               --add-config k=v[,k=v] / --delete-config k[,k] change topic configs
 *               (IncrementalAlterConfigs SET/DELETE, AlterConfigs where the broker lacks it),
 *               then "Completed updating config for topic T." as kafka-configs.sh prints.
 *               A value holding commas is bracketed, as in kafka-configs.sh: k=[a,b].
 *   --delete    nothing on success
 * Errors name the topic and the Kafka error; exit 1. Missing or conflicting actions: exit 2.
 * Output goes through an injectable line writer (tests call `runTopics` directly).
 */
import type { Command } from 'commander';
import { KafkaClient } from '../client/kafka-client.js';
import { UsageError } from './exit.js';

export interface ToolIo {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: ToolIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

export interface TopicsOptions {
  readonly bootstrapServer: string;
  readonly list?: boolean;
  readonly create?: boolean;
  readonly describe?: boolean;
  readonly alter?: boolean;
  readonly delete?: boolean;
  readonly topic?: string;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  readonly config?: readonly string[];
  readonly ifNotExists?: boolean;
  readonly addConfig?: readonly string[];
  readonly deleteConfig?: readonly string[];
  readonly json?: boolean;
}

/** Splits kafka-configs.sh's `k=v,k2=[a,b]` list at top-level commas; brackets are removed. */
export function parseConfigList(items: readonly string[] | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    let depth = 0;
    let start = 0;
    const parts: string[] = [];
    for (let i = 0; i <= item.length; i++) {
      const ch = item[i];
      if (ch === '[') depth++;
      else if (ch === ']') depth = Math.max(0, depth - 1);
      else if ((ch === ',' && depth === 0) || i === item.length) {
        if (i > start) parts.push(item.slice(start, i));
        start = i + 1;
      }
    }
    for (const part of parts) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new UsageError(`${what} '${part}' is not key=value`);
      const raw = part.slice(eq + 1);
      out[part.slice(0, eq).trim()] = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
    }
  }
  return out;
}

/** Parses repeated `k=v` options into a record; `what` names the flag in errors. */
export function parseKeyValues(items: readonly string[] | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`${what} '${item}' is not key=value`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseIntOption(value: string, name: string): number {
  if (!/^-?\d+$/.test(value)) throw new UsageError(`${name} must be an integer, got '${value}'`);
  return Number(value);
}

export async function runTopics(opts: TopicsOptions, io: ToolIo): Promise<void> {
  const actions = (['list', 'create', 'describe', 'alter', 'delete'] as const).filter((a) => opts[a]);
  if (actions.length !== 1) throw new UsageError('exactly one of --list, --create, --describe, --alter, --delete is required');
  const needTopic = opts.create || opts.alter || opts.delete;
  if (needTopic && !opts.topic) throw new UsageError(`--${actions[0]} requires --topic`);
  const client = new KafkaClient({ bootstrapServers: opts.bootstrapServer, clientId: 'sluice-topics' });
  try {
    if (opts.list) {
      const md = await client.metadata(null);
      for (const name of md.topics.map((t) => t.name).sort()) io.out(name);
    } else if (opts.create) {
      const configs = parseKeyValues(opts.config, '--config');
      try {
        await client.createTopics([{ name: opts.topic!, numPartitions: opts.partitions ?? -1, replicationFactor: opts.replicationFactor ?? -1, configs }]);
      } catch (err) {
        if (opts.ifNotExists && (err as { code?: string }).code === 'KAFKA_TOPIC_ALREADY_EXISTS') return;
        throw err;
      }
      io.out(`Created topic ${opts.topic!}.`);
    } else if (opts.describe) {
      await describeTopics(client, opts.topic, io, Boolean(opts.json));
    } else if (opts.alter) {
      const add = parseConfigList(opts.addConfig, '--add-config');
      const del = (opts.deleteConfig ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
      if (opts.partitions === undefined && Object.keys(add).length === 0 && del.length === 0) {
        throw new UsageError('--alter requires --partitions N, --add-config k=v or --delete-config k');
      }
      for (const k of del) if (k in add) throw new UsageError(`--alter: '${k}' is both added and deleted`);
      if (opts.partitions !== undefined) await client.createPartitions(opts.topic!, opts.partitions);
      if (Object.keys(add).length > 0 || del.length > 0) {
        const changes: Record<string, string | null> = { ...add };
        for (const k of del) changes[k] = null;
        await client.alterConfigs(2, opts.topic!, changes);
        io.out(`Completed updating config for topic ${opts.topic!}.`);
      }
    } else if (opts.delete) {
      await client.deleteTopics([opts.topic!]);
    }
  } finally {
    client.close();
  }
}

async function describeTopics(client: KafkaClient, topic: string | undefined, io: ToolIo, json: boolean): Promise<void> {
  const md = await client.metadata(topic ? [topic] : null);
  const topics = md.topics.filter((t) => !topic || t.name === topic).sort((a, b) => a.name.localeCompare(b.name));
  const described: unknown[] = [];
  for (const t of topics) {
    if (t.errorCode !== 0) {
      await client.partitionsOf(t.name); // throws the Kafka error naming the topic
    }
    // Like kafka-topics.sh: only the topic's own overrides; a broker without DescribeConfigs
    // (or refusing it) leaves the Configs column empty rather than failing the describe.
    let overrides: [string, string][] = [];
    try {
      const entries = await client.describeConfigs(2, t.name);
      overrides = entries.filter((c) => !c.isDefault && c.value !== null && !c.isSensitive).map((c) => [c.name, c.value!]);
    } catch {
      overrides = [];
    }
    const configs = overrides.map(([k, v]) => `${k}=${v}`).join(',');
    const rf = t.partitions[0]?.replicas.length ?? 0;
    if (json) {
      described.push({
        name: t.name, topicId: t.topicId.toString('base64url'), partitionCount: t.partitions.length, replicationFactor: rf,
        configs: Object.fromEntries(overrides),
        partitions: t.partitions.map((p) => ({ partition: p.partition, leader: p.leader < 0 ? null : p.leader, replicas: p.replicas, isr: p.isr })),
      });
      continue;
    }
    io.out(`Topic: ${t.name}\tTopicId: ${t.topicId.toString('base64url')}\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${configs}`);
    for (const p of t.partitions) {
      io.out(`\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader < 0 ? 'none' : p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`);
    }
  }
  if (json) io.out(JSON.stringify(described));
}

export function register(program: Command): void {
  program
    .command('topics')
    .description('create, delete, describe or list topics (like kafka-topics.sh)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to, comma-separated')
    .option('--list', 'list all topics')
    .option('--create', 'create a topic')
    .option('--describe', 'describe topics (all, or --topic)')
    .option('--alter', 'change --topic: --partitions N, --add-config, --delete-config')
    .option('--delete', 'delete a topic')
    .option('--topic <name>', 'the topic')
    .option('--partitions <n>', 'number of partitions', (v) => parseIntOption(v, '--partitions'))
    .option('--replication-factor <n>', 'replication factor', (v) => parseIntOption(v, '--replication-factor'))
    .option('--config <k=v>', 'topic config override (repeatable)', collect)
    .option('--if-not-exists', 'with --create: succeed if the topic exists')
    .option('--add-config <k=v,…>', 'with --alter: set topic configs (repeatable; k=[a,b] for a list value)', collect)
    .option('--delete-config <k,…>', 'with --alter: remove topic config overrides (repeatable)', collect)
    .option('--json', 'with --describe: one JSON array instead of text')
    .action(async (opts: TopicsOptions) => {
      await runTopics(opts, consoleIo);
    });
}
