/**
 * The data of one classic consumer group (Kafka's ClassicGroup): its state, generation,
 * chosen protocol, leader, members and the members still owed a member id.
 *
 * States (kafka.md §4): Empty → PreparingRebalance → CompletingRebalance → Stable, and
 * Dead once deleted. Only the GroupCoordinator mutates a group; this module holds the
 * data and the pure rules (protocol vote, member listing), no timers and no I/O.
 */
import type { TimerHandle } from '../storage/clock.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface JoinResult {
  readonly errorCode: number;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leader: string;
  readonly memberId: string;
  readonly members: readonly { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  readonly errorCode: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignment: Buffer;
}

export interface MemberProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export class GroupMember {
  assignment: Buffer = EMPTY_BUF;
  /** Resolves the held JoinGroup response (set while the member waits in PreparingRebalance). */
  awaitingJoin: ((r: JoinResult) => void) | null = null;
  /** Resolves the held SyncGroup response (set while a follower waits for the leader). */
  awaitingSync: ((r: SyncResult) => void) | null = null;
  sessionTimer: TimerHandle | null = null;
  /** Joined during the current rebalance (Kafka's isNew: expires on the session timeout while held). */
  isNew = false;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public sessionTimeoutMs: number,
    public rebalanceTimeoutMs: number,
    public protocols: readonly MemberProtocol[],
  ) {}

  metadataFor(protocol: string): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY_BUF;
  }

  /** Same protocol names, in the same order, with the same metadata bytes. */
  sameProtocols(other: readonly MemberProtocol[]): boolean {
    if (other.length !== this.protocols.length) return false;
    return other.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata));
  }
}

export class ClassicGroup {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, GroupMember>();
  /** Member ids handed out with MEMBER_ID_REQUIRED and not yet used, with their expiry timers. */
  readonly pendingMembers = new Map<string, TimerHandle>();
  /** group.instance.id → member id. */
  readonly staticMembers = new Map<string, string>();
  /** Timer of the current join phase (initial delay or rebalance timeout). */
  joinTimer: TimerHandle | null = null;
  /** True while the initial rebalance delay of an Empty group runs. */
  initialDelay = false;
  /** When the group entered its current state (ms), for retention and DescribeGroups tools. */
  stateTimestamp: number;
  /** Members that have not sent SyncGroup in the current CompletingRebalance round. */
  pendingSync: Set<string> | null = null;
  /** The group was loaded from __consumer_offsets or persisted there (metadata record exists). */
  persisted = false;

  constructor(readonly groupId: string, now: number) {
    this.stateTimestamp = now;
  }

  transition(state: GroupState, now: number): void {
    this.state = state;
    this.stateTimestamp = now;
  }

  /** Protocol names every member supports. */
  candidateProtocols(): Set<string> {
    let out: Set<string> | null = null;
    for (const m of this.members.values()) {
      const names = new Set<string>(m.protocols.map((p) => p.name));
      if (out === null) out = names;
      else for (const n of out) if (!names.has(n)) out.delete(n);
    }
    return out ?? new Set<string>();
  }

  /** Would a member with these protocols fit (type equal, at least one common protocol)? */
  supportsProtocols(protocolType: string, protocols: readonly MemberProtocol[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && protocols.length > 0;
    if (protocolType !== this.protocolType) return false;
    const cand = this.candidateProtocols();
    return protocols.some((p) => cand.has(p.name));
  }

  /** ClassicGroup.selectProtocol: each member votes for its first candidate; most votes wins (ties: first seen). */
  selectProtocol(): string | null {
    const cand = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const pick = m.protocols.find((p) => cand.has(p.name));
      if (pick) votes.set(pick.name, (votes.get(pick.name) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestVotes = -1;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    return best;
  }

  allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const m of this.members.values()) if (!m.awaitingJoin) return false;
    return true;
  }

  maxRebalanceTimeoutMs(): number {
    let t = 0;
    for (const m of this.members.values()) t = Math.max(t, m.rebalanceTimeoutMs);
    return t;
  }
}

export const EMPTY_BUF = Buffer.alloc(0);
