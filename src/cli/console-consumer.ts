/**
 * `sluice console-consumer --bootstrap-server H:P --topic T [--from-beginning] [--group G]
 *  [--partition P [--offset O|earliest|latest]] [--max-messages N] [--timeout-ms MS]
 *  [--formatter default|json] [--property print.key=true|print.timestamp=true|print.headers=true|…]`
 * — kafka-console-consumer.sh over the thin client.
 *
 * Without --group: assigns every partition (or --partition) and starts at the earliest
 * (--from-beginning) or latest offset, or at --offset. With --group G: joins G as a
 * classic "consumer" member (range assignor, src/client/group-member.ts), starts each
 * assigned partition at its committed offset (else earliest with --from-beginning, else
 * latest: auto.offset.reset), heartbeats while fetching, commits its positions every 5 s
 * (auto.commit.interval.ms) and on exit, rejoins on a rebalance (committing first), and
 * leaves the group when it stops.
 *
 * One line per record through output/record-formatter.ts (DefaultMessageFormatter fields,
 * or one JSON object per record). Stops after --max-messages, after --timeout-ms with no
 * record, or when the signal aborts; then prints "Processed a total of N messages" to
 * stderr, like Kafka. An out-of-range position resets as auto.offset.reset. Other partition
 * errors abort with the Kafka error named.
 */
import type { Command } from 'commander';
import { GroupMember } from '../client/group-member.js';
import { KafkaClient } from '../client/kafka-client.js';
import { ErrorCode, KafkaProtocolError, errorByCode } from '../protocol/errors.js';
import { UsageError } from './exit.js';
import { createRecordFormatter } from './output/record-formatter.js';
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
  readonly formatter?: string;
  readonly group?: string;
  /** Group auto-commit interval (default 5000 ms, Kafka's auto.commit.interval.ms). */
  readonly autoCommitIntervalMs?: number;
}

const AUTO_COMMIT_MS = 5_000;

function idle(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Consumes and prints; resolves with the number of records printed. */
export async function runConsoleConsumer(opts: ConsoleConsumerOptions, io: ToolIo, signal?: AbortSignal): Promise<number> {
  if (opts.offset !== undefined && opts.partition === undefined) throw new UsageError('--offset requires --partition');
  if (opts.group !== undefined && opts.partition !== undefined) throw new UsageError('--group cannot be combined with --partition/--offset (a group member gets its partitions from the group)');
  if (opts.group !== undefined && opts.group.trim() === '') throw new UsageError('--group must not be empty');
  const format = createRecordFormatter(opts.formatter, parseKeyValues(opts.property, '--property'));
  const offsetSpec = opts.offset ?? (opts.fromBeginning ? 'earliest' : 'latest');
  if (!/^(earliest|latest|\d+)$/.test(offsetSpec)) throw new UsageError(`--offset must be earliest, latest or a non-negative number, got '${offsetSpec}'`);
  const max = opts.maxMessages ?? Infinity;
  const topic = opts.topic;
  const client = new KafkaClient({ bootstrapServers: opts.bootstrapServer, clientId: 'sluice-console-consumer' });
  const reset: 'earliest' | 'latest' = opts.fromBeginning ? 'earliest' : 'latest';
  const member = opts.group !== undefined ? new GroupMember(client, { groupId: opts.group, topics: [topic] }) : null;
  const positions = new Map<number, number>();
  let partitions: number[] = [];
  let count = 0;
  let committed = new Map<number, number>();

  const resetTo = async (spec: 'earliest' | 'latest', which: number[]): Promise<void> => {
    if (which.length === 0) return;
    for (const o of await client.listOffsets(topic, spec, which)) positions.set(o.partition, o.offset);
  };
  const commitPositions = async (): Promise<void> => {
    if (!member) return;
    const changed = [...positions].filter(([p, o]) => committed.get(p) !== o).map(([partition, offset]) => ({ topic, partition, offset }));
    await member.commit(changed);
    for (const c of changed) committed.set(c.partition, c.offset);
  };
  const joinGroup = async (): Promise<void> => {
    const assignment = await member!.join();
    partitions = [...(assignment.get(topic) ?? [])];
    positions.clear();
    committed = new Map();
    if (partitions.length === 0) return;
    const fetched = await client.offsetFetch(member!.groupId, [{ topic, partitions }]);
    const missing: number[] = [];
    for (const p of partitions) {
      const c = fetched.find((x) => x.partition === p);
      if (c && c.offset >= 0) {
        positions.set(p, c.offset);
        committed.set(p, c.offset);
      } else missing.push(p);
    }
    await resetTo(reset, missing);
  };

  try {
    if (member) {
      await joinGroup();
    } else {
      partitions = opts.partition !== undefined ? [opts.partition] : await client.partitionsOf(topic);
      if (/^\d+$/.test(offsetSpec)) positions.set(partitions[0]!, Number(offsetSpec));
      else await resetTo(offsetSpec as 'earliest' | 'latest', partitions);
    }
    let lastRecordAt = Date.now();
    let lastHeartbeat = Date.now();
    let lastCommit = Date.now();
    while (count < max && !signal?.aborted) {
      const remaining = opts.timeoutMs !== undefined ? opts.timeoutMs - (Date.now() - lastRecordAt) : Infinity;
      if (remaining <= 0) break;
      if (member) {
        const now = Date.now();
        if (now - lastCommit >= (opts.autoCommitIntervalMs ?? AUTO_COMMIT_MS)) {
          await commitPositions();
          lastCommit = now;
        }
        if (now - lastHeartbeat >= member.heartbeatIntervalMs) {
          lastHeartbeat = now;
          if ((await member.heartbeat()) === 'rejoin') {
            await commitPositions().catch(() => undefined); // the old generation may already be gone
            await joinGroup();
            continue;
          }
        }
        if (partitions.length === 0) {
          await idle(Math.min(remaining, member.heartbeatIntervalMs), signal);
          continue;
        }
      }
      const fetched = await client.fetch(
        partitions.map((partition) => ({ topic, partition, offset: positions.get(partition)! })),
        { maxWaitMs: Math.max(1, Math.min(member ? Math.min(500, member.heartbeatIntervalMs) : 500, remaining)) },
      );
      const outOfRange: number[] = [];
      for (const p of fetched) {
        if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          outOfRange.push(p.partition);
          continue;
        }
        if (p.errorCode !== 0) {
          throw new KafkaProtocolError(p.errorCode, `fetch ${topic}-${p.partition}: ${errorByCode(p.errorCode).name}`);
        }
        for (const r of p.records) {
          if (count >= max) break;
          io.out(format(topic, p.partition, r));
          count++;
          positions.set(p.partition, r.offset + 1);
          lastRecordAt = Date.now();
        }
        if (p.records.length === 0) positions.set(p.partition, p.nextOffset);
      }
      if (outOfRange.length > 0) await resetTo(reset, outOfRange);
    }
    if (member) await commitPositions();
  } finally {
    if (member) await member.leave();
    client.close();
    io.err(`Processed a total of ${count} messages`);
  }
  return count;
}

export function register(program: Command): void {
  program
    .command('console-consumer')
    .description('print records of a topic (like kafka-console-consumer.sh)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to, comma-separated')
    .requiredOption('--topic <name>', 'the topic')
    .option('--from-beginning', 'start at the earliest offset (with --group: where nothing is committed)')
    .option('--partition <p>', 'consume only this partition', (v) => parseIntOption(v, '--partition'))
    .option('--offset <o>', 'earliest | latest | an offset (needs --partition)')
    .option('--group <id>', 'join this consumer group; commits offsets')
    .option('--max-messages <n>', 'stop after N records', (v) => parseIntOption(v, '--max-messages'))
    .option('--timeout-ms <ms>', 'stop when no record arrives for this long', (v) => parseIntOption(v, '--timeout-ms'))
    .option('--formatter <name>', 'default (kafka text) or json (one object per record)', 'default')
    .option('--property <k=v>', 'print.key, print.timestamp, print.headers, print.partition, print.offset, print.value, key.separator, headers.separator, headers.key.separator, null.literal (repeatable)', collect)
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
