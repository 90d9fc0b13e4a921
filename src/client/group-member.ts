/**
 * A classic-protocol consumer-group member for the CLI tools (console-consumer --group):
 * JoinGroup → (leader: range assignment) → SyncGroup, Heartbeat, OffsetCommit under the
 * member's generation, LeaveGroup. Protocol type "consumer", one protocol "range", the
 * ConsumerProtocol subscription/assignment encodings, so kafka-consumer-groups.sh, kafkajs
 * and Java members can share the group.
 *
 * Contract:
 * - `join()` resolves with this member's assignment (topic → partitions). It handles
 *   MEMBER_ID_REQUIRED (rejoins with the given id) and REBALANCE_IN_PROGRESS / a sync that
 *   lost the generation (rejoins), up to a deadline of `rebalanceTimeoutMs`.
 * - `heartbeat()` returns 'ok' or 'rejoin' (REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION,
 *   UNKNOWN_MEMBER_ID); other errors throw. The caller decides when to call it (at least
 *   every `heartbeatIntervalMs`), commits what it consumed and calls `join()` again.
 * - `commit()` commits under the current generation; `leave()` never throws (it is the
 *   last call on a shutdown path) and reports failure as false.
 * Range assignor (Kafka's RangeAssignor): per topic, members sorted by id, each gets
 * floor(P/M) partitions, the first P mod M one more.
 * Owned by one consumer loop; not safe for concurrent use.
 */
import { ApiKey } from '../protocol/api-keys.js';
import { decodeConsumerAssignment, decodeConsumerSubscription, encodeConsumerAssignment, encodeConsumerSubscription } from '../protocol/consumer-protocol.js';
import { ErrorCode, KafkaProtocolError, errorByCode } from '../protocol/errors.js';
import type { KafkaClient } from './kafka-client.js';

export interface GroupMemberOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly sessionTimeoutMs?: number;
  readonly rebalanceTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
}

export type Assignment = ReadonlyMap<string, readonly number[]>;

const REJOIN_CODES = new Set<number>([ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.ILLEGAL_GENERATION, ErrorCode.UNKNOWN_MEMBER_ID]);

/** Kafka's RangeAssignor over `subscriptions` (memberId → topics), partition counts per topic. */
export function rangeAssign(subscriptions: ReadonlyMap<string, readonly string[]>, partitionCounts: ReadonlyMap<string, number>): Map<string, Map<string, number[]>> {
  const out = new Map<string, Map<string, number[]>>();
  for (const m of subscriptions.keys()) out.set(m, new Map());
  const byTopic = new Map<string, string[]>();
  for (const [m, topics] of subscriptions) for (const t of topics) byTopic.set(t, [...(byTopic.get(t) ?? []), m]);
  for (const [topic, members] of byTopic) {
    const count = partitionCounts.get(topic) ?? 0;
    members.sort();
    const each = Math.floor(count / members.length);
    const extra = count % members.length;
    let next = 0;
    members.forEach((m, i) => {
      const n = each + (i < extra ? 1 : 0);
      if (n > 0) out.get(m)!.set(topic, Array.from({ length: n }, (_, k) => next + k));
      next += n;
    });
  }
  return out;
}

export class GroupMember {
  memberId = '';
  generationId = -1;
  private readonly sessionTimeoutMs: number;
  private readonly rebalanceTimeoutMs: number;
  readonly heartbeatIntervalMs: number;

  constructor(private readonly client: KafkaClient, private readonly opts: GroupMemberOptions) {
    this.sessionTimeoutMs = opts.sessionTimeoutMs ?? 10_000;
    this.rebalanceTimeoutMs = opts.rebalanceTimeoutMs ?? 30_000;
    this.heartbeatIntervalMs = opts.heartbeatIntervalMs ?? 3_000;
  }

  get groupId(): string {
    return this.opts.groupId;
  }

  /** Joins (or rejoins) the group; resolves with this member's partitions. */
  async join(): Promise<Assignment> {
    const deadline = Date.now() + this.rebalanceTimeoutMs + this.sessionTimeoutMs;
    const metadata = encodeConsumerSubscription({ topics: [...this.opts.topics], userData: null, ownedPartitions: [], generationId: -1, rackId: null }, 0);
    for (;;) {
      if (Date.now() > deadline) throw new KafkaProtocolError(ErrorCode.REBALANCE_IN_PROGRESS, `group '${this.groupId}': no stable assignment within ${this.rebalanceTimeoutMs} ms`);
      const conn = await this.client.coordinatorConnection(this.groupId);
      const joined = await conn.request(ApiKey.JoinGroup, {
        groupId: this.groupId, sessionTimeoutMs: this.sessionTimeoutMs, rebalanceTimeoutMs: this.rebalanceTimeoutMs,
        memberId: this.memberId, groupInstanceId: null, protocolType: 'consumer',
        protocols: [{ name: 'range', metadata }], reason: null,
      }, { timeoutMs: this.rebalanceTimeoutMs + 5_000 });
      if (joined.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        this.memberId = joined.memberId;
        continue;
      }
      if (joined.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
        this.memberId = '';
        continue;
      }
      if (joined.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) continue;
      this.check(joined.errorCode, 'join');
      this.memberId = joined.memberId;
      this.generationId = joined.generationId;
      let assignments: { memberId: string; assignment: Buffer }[] = [];
      if (joined.leader === joined.memberId) assignments = await this.assign(joined.members);
      const synced = await conn.request(ApiKey.SyncGroup, {
        groupId: this.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: null,
        protocolType: 'consumer', protocolName: joined.protocolName ?? 'range', assignments,
      }, { timeoutMs: this.rebalanceTimeoutMs + 5_000 });
      if (REJOIN_CODES.has(synced.errorCode)) {
        if (synced.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
        continue;
      }
      this.check(synced.errorCode, 'sync');
      const out = new Map<string, number[]>();
      if (synced.assignment.length >= 2) {
        for (const tp of decodeConsumerAssignment(synced.assignment).value.assignedPartitions) out.set(tp.topic, [...tp.partitions].sort((a, b) => a - b));
      }
      return out;
    }
  }

  private async assign(members: readonly { memberId: string; metadata: Buffer }[]): Promise<{ memberId: string; assignment: Buffer }[]> {
    const subs = new Map<string, string[]>();
    for (const m of members) subs.set(m.memberId, decodeConsumerSubscription(m.metadata).value.topics);
    const counts = new Map<string, number>();
    for (const t of new Set([...subs.values()].flat())) {
      try {
        counts.set(t, (await this.client.partitionsOf(t)).length);
      } catch {
        counts.set(t, 0); // unknown topic: nobody gets it until it exists
      }
    }
    return [...rangeAssign(subs, counts)].map(([memberId, topics]) => ({
      memberId,
      assignment: encodeConsumerAssignment({ assignedPartitions: [...topics].map(([topic, partitions]) => ({ topic, partitions })), userData: null }, 0),
    }));
  }

  /** 'ok', or 'rejoin' when the group is rebalancing or forgot this member. */
  async heartbeat(): Promise<'ok' | 'rejoin'> {
    const conn = await this.client.coordinatorConnection(this.groupId);
    const res = await conn.request(ApiKey.Heartbeat, { groupId: this.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: null });
    if (REJOIN_CODES.has(res.errorCode)) return 'rejoin';
    this.check(res.errorCode, 'heartbeat');
    return 'ok';
  }

  /** Commits `offsets` (next offset to read) under the current generation. */
  async commit(offsets: readonly { topic: string; partition: number; offset: number }[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.client.offsetCommit(this.groupId, offsets, { generationId: this.generationId, memberId: this.memberId });
  }

  /** LeaveGroup; false when it failed (already gone, coordinator unreachable). */
  async leave(): Promise<boolean> {
    if (this.memberId === '') return true;
    try {
      const conn = await this.client.coordinatorConnection(this.groupId);
      const res = await conn.request(ApiKey.LeaveGroup, { groupId: this.groupId, memberId: this.memberId, members: [{ memberId: this.memberId, groupInstanceId: null, reason: 'console-consumer exiting' }] });
      return res.errorCode === 0;
    } catch {
      return false;
    } finally {
      this.memberId = '';
      this.generationId = -1;
    }
  }

  private check(code: number, what: string): void {
    if (code !== 0) throw new KafkaProtocolError(code, `${what} group '${this.groupId}': ${errorByCode(code).name} (${errorByCode(code).message})`);
  }
}
