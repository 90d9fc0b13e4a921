/**
 * `sluice get-offsets --bootstrap-server H:P --topic T [--partitions 0,1] [--time earliest|latest|max-timestamp|-1|-2|-3|MS]`
 * — kafka-get-offsets.sh: one `topic:partition:offset` line per partition, in partition order.
 * A timestamp after every record gets offset -1 from ListOffsets; like Kafka's tool, that
 * partition's line is omitted.
 * --json: one JSON array of {topic, partition, offset} instead (omitted partitions stay omitted).
 * Output via an injectable line writer.
 */
import type { Command } from 'commander';
import { KafkaClient, type OffsetSpec } from '../client/kafka-client.js';
import { UsageError } from './exit.js';
import { consoleIo, type ToolIo } from './topics.js';

export interface GetOffsetsOptions {
  readonly bootstrapServer: string;
  readonly topic: string;
  readonly time?: string;
  readonly partitions?: string;
  readonly json?: boolean;
}

export function parseTime(value: string | undefined): OffsetSpec {
  const v = (value ?? 'latest').trim();
  if (v === 'latest' || v === '-1') return 'latest';
  if (v === 'earliest' || v === '-2') return 'earliest';
  if (v === 'max-timestamp' || v === '-3') return 'max-timestamp';
  if (/^\d+$/.test(v)) return Number(v);
  throw new UsageError(`--time must be earliest, latest, max-timestamp or a timestamp in ms, got '${v}'`);
}

export function parsePartitionList(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((s) => {
    if (!/^\d+$/.test(s.trim())) throw new UsageError(`--partitions must be a comma-separated list of partition ids, got '${value}'`);
    return Number(s.trim());
  });
}

export async function runGetOffsets(opts: GetOffsetsOptions, io: ToolIo): Promise<void> {
  const spec = parseTime(opts.time);
  const partitions = parsePartitionList(opts.partitions);
  const client = new KafkaClient({ bootstrapServers: opts.bootstrapServer, clientId: 'sluice-get-offsets' });
  try {
    const offsets = await client.listOffsets(opts.topic, spec, partitions);
    const found = offsets.filter((o) => o.offset >= 0);
    if (opts.json) io.out(JSON.stringify(found.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset }))));
    else for (const o of found) io.out(`${o.topic}:${o.partition}:${o.offset}`);
  } finally {
    client.close();
  }
}

export function register(program: Command): void {
  program
    .command('get-offsets')
    .description('print partition offsets of a topic (like kafka-get-offsets.sh)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to, comma-separated')
    .requiredOption('--topic <name>', 'the topic')
    .option('--time <spec>', 'earliest | latest | max-timestamp | timestamp in ms', 'latest')
    .option('--partitions <list>', 'comma-separated partition ids (default: all)')
    .option('--json', 'one JSON array instead of topic:partition:offset lines')
    .action(async (opts: GetOffsetsOptions) => {
      await runGetOffsets(opts, consoleIo);
    });
}
