/**
 * Assembles a consumer group's view (members, assignments, per-partition committed
 * offset, end offset and lag) from what both data sources can get: a group
 * description (state, members with their ConsumerProtocol assignment bytes), the
 * committed offsets, and end offsets. Pure; used by embedded-source.ts and
 * remote-source.ts so the two agree on every number.
 *
 * Lag = end offset − committed offset for partitions with a commit; partitions that a
 * member is assigned but never committed show committed −1 and lag 0 (Kafka's tools
 * print '-'). Assignment bytes that do not parse (a non-consumer protocol) are shown as
 * no assignment rather than failing the page.
 */
import { decodeConsumerAssignment } from '../protocol/consumer-protocol.js';
import { lagOf, type GroupDetailView, type GroupMemberView, type GroupPartitionView } from './data-source.js';

export interface RawGroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly memberAssignment: Buffer;
}

export interface RawGroup {
  readonly groupId: string;
  readonly state: string;
  readonly protocolType: string;
  readonly protocol: string;
  readonly members: readonly RawGroupMember[];
}

export interface RawCommitted {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** Decodes a member's assignment; [] when it is empty or not the consumer protocol. */
export function assignmentOf(protocolType: string, bytes: Buffer): { topic: string; partitions: number[] }[] {
  if (bytes.length === 0 || (protocolType !== 'consumer' && protocolType !== '')) return [];
  try {
    return decodeConsumerAssignment(bytes).value.assignedPartitions.map((t) => ({ topic: t.topic, partitions: [...t.partitions].sort((a, b) => a - b) }));
  } catch {
    return [];
  }
}

/** Topic-partitions that appear in commits or assignments, sorted. */
export function partitionsOfInterest(members: readonly GroupMemberView[], committed: readonly RawCommitted[]): { topic: string; partition: number }[] {
  const seen = new Map<string, { topic: string; partition: number }>();
  for (const c of committed) seen.set(`${c.topic}\u0000${c.partition}`, { topic: c.topic, partition: c.partition });
  for (const m of members) for (const a of m.assignment) for (const p of a.partitions) seen.set(`${a.topic}\u0000${p}`, { topic: a.topic, partition: p });
  return [...seen.values()].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

export function buildMembers(g: RawGroup): GroupMemberView[] {
  return g.members.map((m) => ({
    memberId: m.memberId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    groupInstanceId: m.groupInstanceId,
    assignment: assignmentOf(g.protocolType, m.memberAssignment),
  }));
}

/** The full view, given end offsets for every partition of interest (−1 when unknown). */
export function buildGroupDetail(
  g: RawGroup,
  members: readonly GroupMemberView[],
  committed: readonly RawCommitted[],
  endOffset: (topic: string, partition: number) => number,
): GroupDetailView {
  const owner = new Map<string, string>();
  for (const m of members) for (const a of m.assignment) for (const p of a.partitions) owner.set(`${a.topic}\u0000${p}`, m.memberId);
  const commit = new Map<string, number>();
  for (const c of committed) commit.set(`${c.topic}\u0000${c.partition}`, c.offset);
  const partitions: GroupPartitionView[] = partitionsOfInterest(members, committed).map(({ topic, partition }) => {
    const k = `${topic}\u0000${partition}`;
    const committedOffset = commit.get(k) ?? -1;
    const logEndOffset = endOffset(topic, partition);
    return { topic, partition, committedOffset, logEndOffset, lag: logEndOffset < 0 ? 0 : lagOf(committedOffset, logEndOffset), memberId: owner.get(k) ?? null };
  });
  return { groupId: g.groupId, state: g.state, protocolType: g.protocolType, protocol: g.protocol, members, partitions };
}

export function totalLag(d: GroupDetailView): number {
  let sum = 0;
  for (const p of d.partitions) sum += p.lag;
  return sum;
}
