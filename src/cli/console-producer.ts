/**
 * `sluice console-producer --bootstrap-server H:P --topic T [--property parse.key=true]
 *  [--property key.separator=SEP] [--property parse.headers=true …] [--compression-codec C]
 *  [--batch-size N] [--timeout MS] [--request-required-acks A]`
 * — kafka-console-producer.sh: one record per input line (stdin by default), parsed by
 * output/line-record-parser.ts (keys and headers as Kafka 3.x's LineMessageReader).
 *
 * Batching: records gather per partition and are sent when --batch-size records (default
 * 200, Kafka's) or 1 MiB are pending, when no line arrived for --timeout ms (default 1000,
 * Kafka's linger for the console producer; so an interactive session sees its records
 * sent), and at end of input. One record batch per partition per send, compressed with
 * --compression-codec (none, gzip, snappy, lz4; the flag alone means gzip, as in Kafka;
 * zstd is refused: no compressor is installed). Sends are serialised, so records of one
 * partition keep their input order. The command resolves only after every batch is
 * acknowledged (acks -1 by default; 0 waits for the write only).
 * Keyless records go to one partition per batch, rotating (sticky, like Kafka's producer);
 * keyed records go where Java's murmur2 partitioner puts them.
 * Errors: a malformed line names its line number (exit 2); a produce error names the
 * topic-partition and the Kafka error (exit 1). Output: nothing on success.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { KafkaClient } from '../client/kafka-client.js';
import { canCompress } from '../protocol/compression.js';
import { partitionForKey } from '../protocol/murmur2.js';
import type { RecordInput } from '../protocol/record-batch.js';
import { UsageError } from './exit.js';
import { createLineRecordParser } from './output/line-record-parser.js';
import { collect, parseIntOption, parseKeyValues } from './topics.js';

export interface ConsoleProducerOptions {
  readonly bootstrapServer: string;
  readonly topic: string;
  readonly property?: readonly string[];
  readonly batchSize?: number;
  /** Linger: send pending records after this many ms without input (default 1000). */
  readonly timeout?: number;
  readonly requestRequiredAcks?: string;
  /** Codec name; `true` (flag without a value) = gzip. */
  readonly compressionCodec?: string | boolean;
}

const MAX_BATCH_BYTES = 1024 * 1024;
const CODECS: Record<string, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

export function parseCompressionCodec(value: string | boolean | undefined): number {
  if (value === undefined || value === false) return 0;
  const name = value === true ? 'gzip' : value.toLowerCase();
  const codec = CODECS[name];
  if (codec === undefined) throw new UsageError(`--compression-codec must be one of ${Object.keys(CODECS).join(', ')}, got '${String(value)}'`);
  if (!canCompress(codec)) throw new UsageError(`--compression-codec ${name}: this build cannot compress ${name} (it can read it); use gzip, snappy or lz4`);
  return codec;
}

/** Produces every line of `input`; resolves with the number of records sent. */
export async function runConsoleProducer(opts: ConsoleProducerOptions, input: Readable): Promise<number> {
  const parse = createLineRecordParser(parseKeyValues(opts.property, '--property'));
  const batchSize = opts.batchSize ?? 200;
  if (batchSize < 1) throw new UsageError('--batch-size must be at least 1');
  const lingerMs = opts.timeout ?? 1000;
  if (lingerMs < 0) throw new UsageError('--timeout must not be negative');
  const acksText = opts.requestRequiredAcks ?? '-1';
  const acks = acksText === 'all' ? -1 : Number(acksText);
  if (![0, 1, -1].includes(acks)) throw new UsageError(`--request-required-acks must be 0, 1, -1 or all, got '${acksText}'`);
  const compression = parseCompressionCodec(opts.compressionCodec);

  const client = new KafkaClient({ bootstrapServers: opts.bootstrapServer, clientId: 'sluice-console-producer' });
  let rl: ReturnType<typeof createInterface> | null = null;
  let timer: NodeJS.Timeout | null = null;
  try {
    const partitions = await client.partitionsOf(opts.topic);
    let sticky = Math.floor(Math.random() * partitions.length);
    let pending = new Map<number, RecordInput[]>();
    let pendingCount = 0;
    let pendingBytes = 0;
    let sent = 0;
    let chain: Promise<void> = Promise.resolve();
    let failure: unknown = null;
    // Sends are chained: one in flight at a time, in input order.
    const flush = (): Promise<void> => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (pendingCount === 0) return chain;
      const batches = pending;
      pending = new Map();
      pendingCount = 0;
      pendingBytes = 0;
      sticky = (sticky + 1) % partitions.length;
      chain = chain.then(async () => {
        if (failure) return;
        await Promise.all([...batches].map(([p, records]) => client.produce(opts.topic, p, records, { acks, compression })));
        for (const records of batches.values()) sent += records.length;
      }).catch((err: unknown) => {
        failure ??= err;
      });
      return chain;
    };
    // Created only now: readline emits lines as soon as it exists, and lines emitted before the
    // async iterator is attached would be lost.
    rl = createInterface({ input, crlfDelay: Infinity });
    let lineNo = 0;
    for await (const line of rl) {
      lineNo++;
      if (failure) break;
      const rec = parse(line, lineNo);
      const partition = rec.key ? partitions[partitionForKey(rec.key, partitions.length)]! : partitions[sticky]!;
      const list = pending.get(partition);
      if (list) list.push(rec);
      else pending.set(partition, [rec]);
      pendingCount++;
      pendingBytes += (rec.value?.length ?? 0) + (rec.key?.length ?? 0);
      if (pendingCount >= batchSize || pendingBytes >= MAX_BATCH_BYTES) await flush();
      else if (!timer) {
        timer = setTimeout(() => void flush(), lingerMs);
        timer.unref();
      }
    }
    await flush();
    if (failure) throw failure;
    return sent;
  } finally {
    if (timer) clearTimeout(timer);
    rl?.close();
    client.close();
  }
}

export function register(program: Command): void {
  program
    .command('console-producer')
    .description('send stdin lines as records (like kafka-console-producer.sh)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to, comma-separated')
    .requiredOption('--topic <name>', 'the topic')
    .option('--property <k=v>', 'parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, null.marker, ignore.error (repeatable)', collect)
    .option('--compression-codec [codec]', 'none, gzip (the default when given without a value), snappy, lz4')
    .option('--batch-size <n>', 'records per batch (default 200)', (v) => parseIntOption(v, '--batch-size'))
    .option('--timeout <ms>', 'send pending records after this long without input (default 1000)', (v) => parseIntOption(v, '--timeout'))
    .option('--request-required-acks <acks>', '0, 1, -1 or all (default -1)')
    .action(async (opts: ConsoleProducerOptions) => {
      await runConsoleProducer(opts, process.stdin);
    });
}
