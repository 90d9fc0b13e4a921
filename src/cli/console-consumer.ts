/**
 * `sluice console-consumer --bootstrap-server H:P --topic T [--from-beginning]
 *  [--partition P [--offset O|earliest|latest]] [--max-messages N] [--timeout-ms MS]
 *  [--property print.key=true|print.offset=true|print.partition=true|print.timestamp=true|key.separator=S]`
 * — kafka-console-consumer.sh without a group: assigns every partition (or --partition),
 * starts at the earliest (--from-beginning) or latest offset, or at --offset, and prints
 * one line per record (the value; key/partition/offset/timestamp first when asked, joined
 * by key.separator, default TAB). Stops after --max-messages, after --timeout-ms with no
 * record, or when the signal aborts; then prints "Processed a total of N messages" to
 * stderr, like Kafka. An out-of-range position resets to the earliest offset with
 * --from-beginning, else the latest (auto.offset.reset). Other partition errors abort
 * with the Kafka error named.
 */
import type { Command } from 'commander';
import { KafkaClient } from '../client/kafka-client.js';
import { ErrorCode, KafkaProtocolError, errorByCode } from '../protocol/errors.js';
import { UsageError } from './exit.js';
import { collect, consoleIo, parseIntOption, parseKeyValues, type ToolIo } from './topics.js';

export interface ConsoleConsumerOptions {
  readonly bootstrapServer: string;
  readonly topic: string;
  readonly fromBeginning?: boolean;
  readonly partition?: number;
  readonly offset?: string;
  readonly maxMessages?: number;
  readonly timeoutMs?: number;
  readonly property?: readonly string[];
  readonly group?: string;
}

/** Consumes and prints; resolves with the number of records printed. */
export async function runConsoleConsumer(opts: ConsoleConsumerOptions, io: ToolIo, signal?: AbortSignal): Promise<number> {
  if (opts.group !== undefined) throw new UsageError('--group is not supported yet by this console-consumer; use --partition/--offset or --from-beginning');
  if (opts.offset !== undefined && opts.partition === undefined) throw new UsageError('--offset requires --partition');
  const props = parseKeyValues(opts.property, '--property');
  const sep = props['key.separator'] ?? '\t';
  const show = {
    key: props['print.key'] === 'true', offset: props['print.offset'] === 'true',
    partition: props['print.partition'] === 'true', timestamp: props['print.timestamp'] === 'true',
  };
  const offsetSpec = opts.offset ?? (opts.fromBeginning ? 'earliest' : 'latest');
  if (!/^(earliest|latest|\d+)$/.test(offsetSpec)) throw new UsageError(`--offset must be earliest, latest or a non-negative number, got '${offsetSpec}'`);
  const max = opts.maxMessages ?? Infinity;
  const client = new KafkaClient({ bootstrapServers: opts.bootstrapServer, clientId: 'sluice-console-consumer' });
  let count = 0;
  try {
    const partitions = opts.partition !== undefined ? [opts.partition] : await client.partitionsOf(opts.topic);
    const positions = new Map<number, number>();
    const resetTo = async (spec: 'earliest' | 'latest', which: number[]): Promise<void> => {
      for (const o of await client.listOffsets(opts.topic, spec, which)) positions.set(o.partition, o.offset);
    };
    if (/^\d+$/.test(offsetSpec)) positions.set(partitions[0]!, Number(offsetSpec));
    else await resetTo(offsetSpec as 'earliest' | 'latest', partitions);
    const reset: 'earliest' | 'latest' = opts.fromBeginning ? 'earliest' : 'latest';
    let lastRecordAt = Date.now();
    while (count < max && !signal?.aborted) {
      const remaining = opts.timeoutMs !== undefined ? opts.timeoutMs - (Date.now() - lastRecordAt) : Infinity;
      if (remaining <= 0) break;
      const fetched = await client.fetch(
        partitions.map((partition) => ({ topic: opts.topic, partition, offset: positions.get(partition)! })),
        { maxWaitMs: Math.max(1, Math.min(500, remaining)) },
      );
      const outOfRange: number[] = [];
      for (const p of fetched) {
        if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          outOfRange.push(p.partition);
          continue;
        }
        if (p.errorCode !== 0) {
          throw new KafkaProtocolError(p.errorCode, `fetch ${opts.topic}-${p.partition}: ${errorByCode(p.errorCode).name}`);
        }
        for (const r of p.records) {
          if (count >= max) break;
          const fields: string[] = [];
          if (show.timestamp) fields.push(`CreateTime:${r.timestamp}`);
          if (show.partition) fields.push(`Partition:${p.partition}`);
          if (show.offset) fields.push(`Offset:${r.offset}`);
          if (show.key) fields.push(r.key === null ? 'null' : r.key.toString('utf8'));
          fields.push(r.value === null ? 'null' : r.value.toString('utf8'));
          io.out(fields.join(sep));
          count++;
          positions.set(p.partition, r.offset + 1);
          lastRecordAt = Date.now();
        }
        if (p.records.length === 0) positions.set(p.partition, p.nextOffset);
      }
      if (outOfRange.length > 0) await resetTo(reset, outOfRange);
    }
  } finally {
    client.close();
    io.err(`Processed a total of ${count} messages`);
  }
  return count;
}

export function register(program: Command): void {
  program
    .command('console-consumer')
    .description('Print records of a topic (like kafka-console-consumer.sh, without a group)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to, comma-separated')
    .requiredOption('--topic <name>', 'the topic')
    .option('--from-beginning', 'start at the earliest offset')
    .option('--partition <p>', 'consume only this partition', (v) => parseIntOption(v, '--partition'))
    .option('--offset <o>', 'earliest | latest | an offset (needs --partition)')
    .option('--max-messages <n>', 'stop after N records', (v) => parseIntOption(v, '--max-messages'))
    .option('--timeout-ms <ms>', 'stop when no record arrives for this long', (v) => parseIntOption(v, '--timeout-ms'))
    .option('--property <k=v>', 'print.key, print.offset, print.partition, print.timestamp, key.separator (repeatable)', collect)
    .option('--group <id>', 'consumer group (not supported yet)')
    .action(async (opts: ConsoleConsumerOptions) => {
      const abort = new AbortController();
      const stop = (): void => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await runConsoleConsumer(opts, consoleIo, abort.signal);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
