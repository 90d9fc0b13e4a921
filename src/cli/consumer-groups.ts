/**
 * `sluice consumer-groups --bootstrap-server H:P --list | --describe --group G | --delete --group G
 *  | --reset-offsets --group G (--topic T[:p,p…]… | --all-topics) STRATEGY [--dry-run | --execute]`
 * — kafka-consumer-groups.sh over the thin client.
 *
 * --list: one group id per line, sorted.
 * --describe: a blank line, then a table with kafka-consumer-groups.sh's columns
 *   GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
 *   one row per partition that is assigned to a member (decoded from the ConsumerProtocol
 *   assignment) or has a committed offset; "-" where a value is unknown (no commit, no
 *   owner). Columns are padded as Kafka's tool pads them (PARTITION 10, offsets/LAG 15,
 *   the others at least 15 and their widest cell), separated by one space. A group with no members first prints
 *   "Consumer group 'G' has no active members.", as Kafka does; the group state is printed
 *   on stderr ("Group state: Stable").
 *   --json: one JSON object {group, state, members, partitions: [{topic, partition,
 *   currentOffset, logEndOffset, lag, consumerId, host, clientId}]} (null for unknowns).
 * --delete: "Deletion of requested consumer groups ('G') was successful."
 * --reset-offsets: STRATEGY is one of --to-earliest, --to-latest, --to-datetime ISO (Kafka's
 *   YYYY-MM-DDTHH:mm:SS.sss with an optional zone; local time without one), --to-offset N,
 *   --shift-by N (from the committed offset). Targets outside [log start, log end] are
 *   clamped, as Kafka does; a timestamp after every record gives the log end. The plan is
 *   printed as Kafka prints it (a blank line, then GROUP TOPIC PARTITION NEW-OFFSET with
 *   Kafka's %-30s %-30s %-10s widths, grown for longer names); --json prints it as a JSON
 *   array. --dry-run is the default (a warning on stderr says so when neither flag is
 *   given); --execute commits the plan (standalone commit, generation -1). Refused while the
 *   group has members: "Assignments can only be reset if the group 'G' is inactive, but the
 *   current state is S." (code GROUP_NOT_INACTIVE, exit 1). Progress over many partitions is
 *   drawn on a TTY stderr only.
 */
import type { Command } from 'commander';
import { KafkaClient } from '../client/kafka-client.js';
import { SluiceError } from '../errors.js';
import { decodeConsumerAssignment } from '../protocol/consumer-protocol.js';
import { UsageError } from './exit.js';
import { startProgress } from './output/progress.js';
import { formatRow, growWidths } from './output/table.js';
import { collect, consoleIo, parseIntOption, type ToolIo } from './topics.js';

export interface ConsumerGroupsOptions {
  readonly bootstrapServer: string;
  readonly list?: boolean;
  readonly describe?: boolean;
  readonly delete?: boolean;
  readonly group?: string;
  readonly resetOffsets?: boolean;
  readonly topic?: readonly string[];
  readonly allTopics?: boolean;
  readonly toEarliest?: boolean;
  readonly toLatest?: boolean;
  readonly toDatetime?: string;
  readonly toOffset?: number;
  readonly shiftBy?: number;
  readonly dryRun?: boolean;
  readonly execute?: boolean;
  readonly json?: boolean;
}

/** One partition of a reset plan. */
export interface ResetPlanEntry {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly newOffset: number;
}

interface Row {
  topic: string;
  partition: number;
  current: string;
  logEnd: string;
  lag: string;
  consumerId: string;
  host: string;
  clientId: string;
}

const HEADERS = ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'];

export async function runConsumerGroups(opts: ConsumerGroupsOptions, io: ToolIo): Promise<void> {
  const actions = (['list', 'describe', 'delete', 'resetOffsets'] as const).filter((a) => opts[a]);
  const flagOf = (a: string): string => (a === 'resetOffsets' ? 'reset-offsets' : a);
  if (actions.length !== 1) throw new UsageError('exactly one of --list, --describe, --delete, --reset-offsets is required');
  if (!opts.list && !opts.group) throw new UsageError(`--${flagOf(actions[0]!)} requires --group`);
  const strategy = opts.resetOffsets ? resetStrategy(opts) : null;
  const client = new KafkaClient({ bootstrapServers: opts.bootstrapServer, clientId: 'sluice-consumer-groups' });
  try {
    if (opts.list) {
      for (const g of await client.listGroups()) io.out(g.groupId);
    } else if (opts.delete) {
      await client.deleteGroups([opts.group!]);
      io.out(`Deletion of requested consumer groups ('${opts.group!}') was successful.`);
    } else if (strategy) {
      await resetOffsets(client, opts, strategy, io);
    } else {
      await describeGroup(client, opts.group!, io, Boolean(opts.json));
    }
  } finally {
    client.close();
  }
}

async function describeGroup(client: KafkaClient, groupId: string, io: ToolIo, json: boolean): Promise<void> {
  const group = await client.describeGroup(groupId);
  const rows = new Map<string, Row>();
  const keyOf = (t: string, p: number): string => `${t}\u0000${p}`;
  const row = (topic: string, partition: number): Row => {
    let r = rows.get(keyOf(topic, partition));
    if (!r) {
      r = { topic, partition, current: '-', logEnd: '-', lag: '-', consumerId: '-', host: '-', clientId: '-' };
      rows.set(keyOf(topic, partition), r);
    }
    return r;
  };
  if (group.protocolType === 'consumer' || group.protocolType === '') {
    for (const m of group.members) {
      if (m.memberAssignment.length < 2) continue;
      const assignment = decodeConsumerAssignment(m.memberAssignment).value;
      for (const tp of assignment.assignedPartitions) {
        for (const p of tp.partitions) Object.assign(row(tp.topic, p), { consumerId: m.memberId, host: m.clientHost, clientId: m.clientId });
      }
    }
  }
  for (const c of await client.offsetFetch(groupId)) {
    if (c.offset >= 0) row(c.topic, c.partition).current = String(c.offset);
  }
  const byTopic = new Map<string, number[]>();
  for (const r of rows.values()) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r.partition]);
  for (const [topic, partitions] of byTopic) {
    try {
      for (const o of await client.listOffsets(topic, 'latest', partitions)) {
        const r = row(topic, o.partition);
        r.logEnd = String(o.offset);
        if (r.current !== '-') r.lag = String(Math.max(0, o.offset - Number(r.current)));
      }
    } catch {
      // topic deleted since the commit: leave LOG-END-OFFSET and LAG as "-"
    }
  }
  const sorted = [...rows.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  if (json) {
    const orNull = (v: string): string | null => (v === '-' ? null : v);
    const num = (v: string): number | null => (v === '-' ? null : Number(v));
    io.out(JSON.stringify({
      group: groupId, state: group.state, members: group.members.length,
      partitions: sorted.map((r) => ({
        topic: r.topic, partition: r.partition, currentOffset: num(r.current), logEndOffset: num(r.logEnd), lag: num(r.lag),
        consumerId: orNull(r.consumerId), host: orNull(r.host), clientId: orNull(r.clientId),
      })),
    }));
    return;
  }
  if (group.members.length === 0) io.out(`\nConsumer group '${groupId}' has no active members.`);
  io.err(`Group state: ${group.state}`);
  const table = [HEADERS, ...sorted.map((r) => [groupId, r.topic, String(r.partition), r.current, r.logEnd, r.lag, r.consumerId, r.host, r.clientId])];
  // kafka-consumer-groups.sh widths: PARTITION 10, offsets and LAG 15; the free-text columns
  // are at least 15 wide and grow to their longest cell; one space between columns.
  const widths = HEADERS.map((_, i) =>
    i === 2 ? 10 : i >= 3 && i <= 5 ? 15 : Math.max(15, ...table.map((cells) => cells[i]!.length)));
  io.out('');
  for (const cells of table) io.out(cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join(' ').trimEnd());
}

type Strategy =
  | { kind: 'earliest' } | { kind: 'latest' } | { kind: 'datetime'; ms: number; text: string }
  | { kind: 'offset'; offset: number } | { kind: 'shift'; by: number };

function resetStrategy(opts: ConsumerGroupsOptions): Strategy {
  const given: Strategy[] = [];
  if (opts.toEarliest) given.push({ kind: 'earliest' });
  if (opts.toLatest) given.push({ kind: 'latest' });
  if (opts.toDatetime !== undefined) {
    const text = opts.toDatetime;
    const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text) ? Date.parse(text) : NaN;
    if (Number.isNaN(ms)) throw new UsageError(`--to-datetime '${text}' is not YYYY-MM-DDTHH:mm:SS.sss[zone]`);
    given.push({ kind: 'datetime', ms, text });
  }
  if (opts.toOffset !== undefined) {
    if (opts.toOffset < 0) throw new UsageError(`--to-offset must not be negative, got ${opts.toOffset}`);
    given.push({ kind: 'offset', offset: opts.toOffset });
  }
  if (opts.shiftBy !== undefined) given.push({ kind: 'shift', by: opts.shiftBy });
  if (given.length !== 1) throw new UsageError('--reset-offsets needs exactly one of --to-earliest, --to-latest, --to-datetime, --to-offset, --shift-by');
  const scopes = (opts.topic && opts.topic.length > 0 ? 1 : 0) + (opts.allTopics ? 1 : 0);
  if (scopes !== 1) throw new UsageError('--reset-offsets needs either --topic T[:partitions] (repeatable) or --all-topics');
  if (opts.dryRun && opts.execute) throw new UsageError('--dry-run and --execute cannot be combined');
  return given[0]!;
}

/** Parses `T` or `T:0,2,5` into topic and partition list (undefined = all). */
export function parseTopicPartitions(spec: string): { topic: string; partitions?: number[] } {
  const colon = spec.lastIndexOf(':');
  if (colon < 0) return { topic: spec };
  const topic = spec.slice(0, colon);
  const list = spec.slice(colon + 1);
  if (topic === '' || !/^\d+(,\d+)*$/.test(list)) throw new UsageError(`--topic '${spec}' is not TOPIC or TOPIC:P[,P…]`);
  return { topic, partitions: [...new Set(list.split(',').map(Number))].sort((a, b) => a - b) };
}

async function resetOffsets(client: KafkaClient, opts: ConsumerGroupsOptions, strategy: Strategy, io: ToolIo): Promise<void> {
  const groupId = opts.group!;
  const group = await client.describeGroup(groupId);
  if (group.members.length > 0 || (group.state !== 'Empty' && group.state !== 'Dead')) {
    throw new SluiceError('GROUP_NOT_INACTIVE', `Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${group.state}.`);
  }
  const committed = await client.offsetFetch(groupId);
  const targets = new Map<string, number[]>();
  if (opts.allTopics) {
    for (const c of committed) if (c.offset >= 0) targets.set(c.topic, [...(targets.get(c.topic) ?? []), c.partition]);
  } else {
    for (const spec of opts.topic ?? []) {
      const { topic, partitions } = parseTopicPartitions(spec);
      const all = await client.partitionsOf(topic);
      for (const p of partitions ?? []) if (!all.includes(p)) throw new UsageError(`--topic ${spec}: topic '${topic}' has no partition ${p} (it has ${all.length})`);
      targets.set(topic, [...new Set([...(targets.get(topic) ?? []), ...(partitions ?? all)])].sort((a, b) => a - b));
    }
  }
  if (!opts.dryRun && !opts.execute) {
    io.err('WARN: No action will be performed as the --execute option is missing. In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.');
  }
  const total = [...targets.values()].reduce((n, ps) => n + ps.length, 0);
  const progress = startProgress(`planning offsets of group ${groupId}`, total);
  const plan: ResetPlanEntry[] = [];
  try {
    for (const [topic, partitions] of [...targets].sort(([a], [b]) => a.localeCompare(b))) {
      const [earliest, latest] = await Promise.all([client.listOffsets(topic, 'earliest', partitions), client.listOffsets(topic, 'latest', partitions)]);
      const lo = new Map(earliest.map((o) => [o.partition, o.offset]));
      const hi = new Map(latest.map((o) => [o.partition, o.offset]));
      const byTime = strategy.kind === 'datetime' ? new Map((await client.listOffsets(topic, strategy.ms, partitions)).map((o) => [o.partition, o.offset])) : null;
      for (const p of partitions) {
        const min = lo.get(p) ?? 0;
        const max = hi.get(p) ?? 0;
        let target: number;
        switch (strategy.kind) {
          case 'earliest': target = min; break;
          case 'latest': target = max; break;
          case 'datetime': {
            const at = byTime!.get(p) ?? -1;
            target = at < 0 ? max : at;
            break;
          }
          case 'offset': target = strategy.offset; break;
          case 'shift': {
            const c = committed.find((x) => x.topic === topic && x.partition === p);
            if (!c || c.offset < 0) throw new UsageError(`--shift-by: group '${groupId}' has no committed offset for ${topic}-${p} to shift from`);
            target = c.offset + strategy.by;
            break;
          }
        }
        plan.push({ group: groupId, topic, partition: p, newOffset: Math.min(max, Math.max(min, target)) });
        progress.tick();
      }
    }
    if (opts.execute && plan.length > 0) await client.offsetCommit(groupId, plan.map((e) => ({ topic: e.topic, partition: e.partition, offset: e.newOffset })));
  } finally {
    progress.done();
  }
  if (opts.json) {
    io.out(JSON.stringify(plan));
    return;
  }
  if (plan.length === 0) return;
  const rows = [['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], ...plan.map((e) => [e.group, e.topic, String(e.partition), String(e.newOffset)])];
  const widths = growWidths(rows, [30, 30, 10, 15]);
  io.out('');
  for (const r of rows) io.out(formatRow(r, widths));
}

export function register(program: Command): void {
  program
    .command('consumer-groups')
    .description('list, describe, delete consumer groups or reset their offsets (like kafka-consumer-groups.sh)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to, comma-separated')
    .option('--list', 'list all groups')
    .option('--describe', 'offsets, log-end offsets, lag and owners per partition of --group')
    .option('--delete', 'delete --group (it must have no members)')
    .option('--group <id>', 'the group')
    .option('--reset-offsets', 'plan (or with --execute, commit) new offsets for --group; the group must be inactive')
    .option('--topic <T[:p,p]>', 'with --reset-offsets: a topic, optionally with partitions (repeatable)', collect)
    .option('--all-topics', 'with --reset-offsets: every topic the group has offsets for')
    .option('--to-earliest', 'reset to the log start offset')
    .option('--to-latest', 'reset to the log end offset')
    .option('--to-datetime <YYYY-MM-DDTHH:mm:SS.sss>', 'reset to the first offset at or after this time')
    .option('--to-offset <n>', 'reset to this offset (clamped to the log)', (v) => parseIntOption(v, '--to-offset'))
    .option('--shift-by <n>', 'move the committed offset by n (may be negative; clamped)', (v) => parseIntOption(v, '--shift-by'))
    .option('--dry-run', 'only print the plan (the default)')
    .option('--execute', 'commit the planned offsets')
    .option('--json', 'JSON output for --describe and --reset-offsets')
    .action(async (opts: ConsumerGroupsOptions) => {
      await runConsumerGroups(opts, consoleIo);
    });
}
