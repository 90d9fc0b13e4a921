/**
 * `sluice console-producer --bootstrap-server H:P --topic T [--property parse.key=true]
 *  [--property key.separator=SEP] [--batch-size N] [--request-required-acks A]`
 * — kafka-console-producer.sh: one record per input line (stdin by default).
 *
 * Lines are gathered into batches (up to --batch-size records or 1 MiB), one record batch
 * per partition per send, and flushed at end of input; the command resolves only after
 * every batch is acknowledged (acks -1 by default). Keyless records go to one partition
 * per batch, rotating (sticky, like Kafka's producer); keyed records (parse.key=true, key
 * and value split at the first key.separator, default TAB) go where Java's murmur2
 * partitioner puts them. A line without the separator under parse.key is an error naming
 * the line number. Output: nothing on success; the record count goes to the log at debug.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { KafkaClient } from '../client/kafka-client.js';
import { partitionForKey } from '../protocol/murmur2.js';
import type { RecordInput } from '../protocol/record-batch.js';
import { UsageError } from './exit.js';
import { collect, parseIntOption, parseKeyValues } from './topics.js';

export interface ConsoleProducerOptions {
  readonly bootstrapServer: string;
  readonly topic: string;
  readonly property?: readonly string[];
  readonly batchSize?: number;
  readonly requestRequiredAcks?: string;
}

const MAX_BATCH_BYTES = 1024 * 1024;

/** Produces every line of `input`; resolves with the number of records sent. */
export async function runConsoleProducer(opts: ConsoleProducerOptions, input: Readable): Promise<number> {
  const props = parseKeyValues(opts.property, '--property');
  const parseKey = props['parse.key'] === 'true';
  const separator = props['key.separator'] ?? '\t';
  const batchSize = opts.batchSize ?? 1000;
  if (batchSize < 1) throw new UsageError('--batch-size must be at least 1');
  const acksText = opts.requestRequiredAcks ?? '-1';
  const acks = acksText === 'all' ? -1 : Number(acksText);
  if (![0, 1, -1].includes(acks)) throw new UsageError(`--request-required-acks must be 0, 1, -1 or all, got '${acksText}'`);

  const client = new KafkaClient({ bootstrapServers: opts.bootstrapServer, clientId: 'sluice-console-producer' });
  try {
    const partitions = await client.partitionsOf(opts.topic);
    let sticky = Math.floor(Math.random() * partitions.length);
    let pending = new Map<number, RecordInput[]>();
    let pendingCount = 0;
    let pendingBytes = 0;
    let sent = 0;
    const flush = async (): Promise<void> => {
      if (pendingCount === 0) return;
      const batches = pending;
      pending = new Map();
      pendingCount = 0;
      pendingBytes = 0;
      await Promise.all([...batches].map(([p, records]) => client.produce(opts.topic, p, records, { acks })));
      for (const records of batches.values()) sent += records.length;
      sticky = (sticky + 1) % partitions.length;
    };
    const rl = createInterface({ input, crlfDelay: Infinity });
    let lineNo = 0;
    for await (const line of rl) {
      lineNo++;
      let key: Buffer | null = null;
      let value: Buffer;
      if (parseKey) {
        const at = line.indexOf(separator);
        if (at < 0) throw new UsageError(`input line ${lineNo}: no key separator '${separator}' (parse.key=true)`);
        key = Buffer.from(line.slice(0, at));
        value = Buffer.from(line.slice(at + separator.length));
      } else value = Buffer.from(line);
      const partition = key ? partitions[partitionForKey(key, partitions.length)]! : partitions[sticky]!;
      const list = pending.get(partition);
      const rec = { key, value };
      if (list) list.push(rec);
      else pending.set(partition, [rec]);
      pendingCount++;
      pendingBytes += value.length + (key?.length ?? 0);
      if (pendingCount >= batchSize || pendingBytes >= MAX_BATCH_BYTES) await flush();
    }
    await flush();
    return sent;
  } finally {
    client.close();
  }
}

export function register(program: Command): void {
  program
    .command('console-producer')
    .description('Send stdin lines as records (like kafka-console-producer.sh)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to, comma-separated')
    .requiredOption('--topic <name>', 'the topic')
    .option('--property <k=v>', 'parse.key=true, key.separator=SEP (repeatable)', collect)
    .option('--batch-size <n>', 'records per batch (default 1000)', (v) => parseIntOption(v, '--batch-size'))
    .option('--request-required-acks <acks>', '0, 1, -1 or all (default -1)')
    .action(async (opts: ConsoleProducerOptions) => {
      await runConsoleProducer(opts, process.stdin);
    });
}
