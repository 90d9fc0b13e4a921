/**
 * `sluice consumer-groups --bootstrap-server H:P --list | --describe --group G | --delete --group G`
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
 * --delete: "Deletion of requested consumer groups ('G') was successful."
 */
import type { Command } from 'commander';
import { KafkaClient } from '../client/kafka-client.js';
import { decodeConsumerAssignment } from '../protocol/consumer-protocol.js';
import { UsageError } from './exit.js';
import { consoleIo, type ToolIo } from './topics.js';

export interface ConsumerGroupsOptions {
  readonly bootstrapServer: string;
  readonly list?: boolean;
  readonly describe?: boolean;
  readonly delete?: boolean;
  readonly group?: string;
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
  const actions = (['list', 'describe', 'delete'] as const).filter((a) => opts[a]);
  if (actions.length !== 1) throw new UsageError('exactly one of --list, --describe, --delete is required');
  if (!opts.list && !opts.group) throw new UsageError(`--${actions[0]} requires --group`);
  const client = new KafkaClient({ bootstrapServers: opts.bootstrapServer, clientId: 'sluice-consumer-groups' });
  try {
    if (opts.list) {
      for (const g of await client.listGroups()) io.out(g.groupId);
    } else if (opts.delete) {
      await client.deleteGroups([opts.group!]);
      io.out(`Deletion of requested consumer groups ('${opts.group!}') was successful.`);
    } else {
      await describeGroup(client, opts.group!, io);
    }
  } finally {
    client.close();
  }
}

async function describeGroup(client: KafkaClient, groupId: string, io: ToolIo): Promise<void> {
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
  if (group.members.length === 0) io.out(`\nConsumer group '${groupId}' has no active members.`);
  io.err(`Group state: ${group.state}`);
  const sorted = [...rows.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  const table = [HEADERS, ...sorted.map((r) => [groupId, r.topic, String(r.partition), r.current, r.logEnd, r.lag, r.consumerId, r.host, r.clientId])];
  // kafka-consumer-groups.sh widths: PARTITION 10, offsets and LAG 15; the free-text columns
  // are at least 15 wide and grow to their longest cell; one space between columns.
  const widths = HEADERS.map((_, i) =>
    i === 2 ? 10 : i >= 3 && i <= 5 ? 15 : Math.max(15, ...table.map((cells) => cells[i]!.length)));
  io.out('');
  for (const cells of table) io.out(cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join(' ').trimEnd());
}

export function register(program: Command): void {
  program
    .command('consumer-groups')
    .description('List, describe or delete consumer groups (like kafka-consumer-groups.sh)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to, comma-separated')
    .option('--list', 'list all groups')
    .option('--describe', 'offsets, log-end offsets, lag and owners per partition of --group')
    .option('--delete', 'delete --group (it must have no members)')
    .option('--group <id>', 'the group')
    .action(async (opts: ConsumerGroupsOptions) => {
      await runConsumerGroups(opts, consoleIo);
    });
}
