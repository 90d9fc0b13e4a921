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
 *   --alter     raises the partition count (--partitions N)
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
      await describeTopics(client, opts.topic, io);
    } else if (opts.alter) {
      if (opts.partitions === undefined) throw new UsageError('--alter requires --partitions N');
      await client.createPartitions(opts.topic!, opts.partitions);
    } else if (opts.delete) {
      await client.deleteTopics([opts.topic!]);
    }
  } finally {
    client.close();
  }
}

async function describeTopics(client: KafkaClient, topic: string | undefined, io: ToolIo): Promise<void> {
  const md = await client.metadata(topic ? [topic] : null);
  const topics = md.topics.filter((t) => !topic || t.name === topic).sort((a, b) => a.name.localeCompare(b.name));
  for (const t of topics) {
    if (t.errorCode !== 0) {
      await client.partitionsOf(t.name); // throws the Kafka error naming the topic
    }
    let configs: string;
    try {
      const entries = await client.describeConfigs(2, t.name);
      configs = entries.filter((c) => !c.isDefault && c.value !== null && !c.isSensitive).map((c) => `${c.name}=${c.value}`).join(',');
    } catch {
      configs = '';
    }
    const rf = t.partitions[0]?.replicas.length ?? 0;
    io.out(`Topic: ${t.name}\tTopicId: ${t.topicId.toString('base64url')}\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${configs}`);
    for (const p of t.partitions) {
      io.out(`\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader < 0 ? 'none' : p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`);
    }
  }
}

export function register(program: Command): void {
  program
    .command('topics')
    .description('Create, delete, describe or list topics (like kafka-topics.sh)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to, comma-separated')
    .option('--list', 'list all topics')
    .option('--create', 'create a topic')
    .option('--describe', 'describe topics (all, or --topic)')
    .option('--alter', 'raise the partition count of --topic to --partitions')
    .option('--delete', 'delete a topic')
    .option('--topic <name>', 'the topic')
    .option('--partitions <n>', 'number of partitions', (v) => parseIntOption(v, '--partitions'))
    .option('--replication-factor <n>', 'replication factor', (v) => parseIntOption(v, '--replication-factor'))
    .option('--config <k=v>', 'topic config override (repeatable)', collect)
    .option('--if-not-exists', 'with --create: succeed if the topic exists')
    .action(async (opts: TopicsOptions) => {
      await runTopics(opts, consoleIo);
    });
}
