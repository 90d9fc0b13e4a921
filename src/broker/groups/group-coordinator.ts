/**
 * The classic group coordinator (Kafka's GroupCoordinator / GroupMetadataManager for
 * "classic" groups) for this single broker, which coordinates every group.
 *
 * Contract (kafka.md §4; every rule cites Kafka's behaviour):
 * - Join: empty member id → from JoinGroup v4, MEMBER_ID_REQUIRED (79) with a generated
 *   `clientId-<uuid>` the member must rejoin with (static members skip this). Join
 *   responses are HELD until every known member has rejoined (and no handed-out id is
 *   pending) or the rebalance timeout (max over members) fires; members that did not
 *   rejoin are dropped. Then generation+1, protocol by vote, leader kept if present;
 *   only the leader gets the member list. An Empty group waits
 *   group.initial.rebalance.delay.ms before its first round completes.
 * - Sync: followers wait for the leader's assignments; the group metadata record is
 *   written to __consumer_offsets, then the group is Stable. Members that never sync
 *   within the rebalance timeout are dropped and a new round starts.
 * - Heartbeat: NONE in Stable/CompletingRebalance, REBALANCE_IN_PROGRESS (27) while
 *   preparing, UNKNOWN_MEMBER_ID (25), ILLEGAL_GENERATION (22), FENCED_INSTANCE_ID (82).
 *   No heartbeat within session.timeout.ms → the member is removed (a member whose join
 *   or sync is held counts as alive).
 * - Persistence: a GroupMetadata record (key v2, value v3) is written when a generation
 *   completes (the leader's SyncGroup) and when the group becomes Empty with offsets; a
 *   tombstone when it is deleted or forgotten. On open the newest record restores the group
 *   (Stable with its members, session timers restarted at load time, or Empty).
 * - Offsets: OffsetsStore (offsets-store.ts). Standalone commits (generation < 0) are
 *   accepted for groups without members; offsets of groups without members expire after
 *   offsets.retention.minutes.
 * - Bounded memory: a group with no members, no pending member ids and no committed
 *   offsets is forgotten at once (its metadata record is tombstoned); handed-out member
 *   ids expire after the session timeout.
 *
 * Ownership: the coordinator owns every ClassicGroup and its timers; handlers call its
 * methods and never touch groups. Single-threaded: state changes happen between awaits;
 * after an await (a store write) the group's generation is re-checked.
 */
import { randomUUID } from 'node:crypto';
import { componentLogger } from '../../logger.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { GroupMetadataValueData } from '../../protocol/offsets-records.js';
import { systemClock, type Clock, type TimerHandle } from '../storage/clock.js';
import type { LogManager } from '../storage/types.js';
import { kafkaErrorCode } from '../handlers/error-mapping.js';
import {
  ClassicGroup, EMPTY_BUF, GroupMember, type GroupState, type JoinResult, type MemberProtocol, type SyncResult,
} from './classic-group.js';
import { OFFSETS_TOPIC, OffsetsStore, splitTpKey, tpKey, type CommittedOffset, type OffsetToCommit } from './offsets-store.js';

const log = componentLogger('broker.groups');

export interface GroupCoordinatorOptions {
  readonly logs: LogManager;
  readonly offsetsPartitions?: number;
  readonly initialRebalanceDelayMs?: number;
  readonly minSessionTimeoutMs?: number;
  readonly maxSessionTimeoutMs?: number;
  /** offsets.retention.minutes in ms (7 days). */
  readonly offsetsRetentionMs?: number;
  readonly offsetsRetentionCheckIntervalMs?: number;
  readonly deleteRetentionMs?: number;
  /** offset.metadata.max.bytes (4096). */
  readonly offsetMetadataMaxBytes?: number;
  /** group.max.size (unbounded by default, as in Kafka). */
  readonly maxGroupSize?: number;
  /** Largest total protocol metadata one member may send (bytes; default 1 MiB). */
  readonly maxMemberMetadataBytes?: number;
  readonly compactAfterBytes?: number;
  readonly clock?: Clock;
}

export interface JoinRequest {
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  /** -1 or absent (v0): the session timeout. */
  readonly rebalanceTimeoutMs: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string;
  readonly protocols: readonly MemberProtocol[];
}

export interface SyncRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignments: readonly { memberId: string; assignment: Buffer }[];
}

export interface ClientInfo {
  readonly clientId: string;
  readonly clientHost: string;
  readonly apiVersion: number;
}

export interface MemberIdentity {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface CommitRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** ms, or -1: the broker's retention. */
  readonly retentionTimeMs: number;
  readonly topics: readonly {
    readonly name: string;
    readonly partitions: readonly { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string | null }[];
  }[];
}

export interface DescribedMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly memberMetadata: Buffer;
  readonly memberAssignment: Buffer;
}

export interface DescribedGroup {
  readonly errorCode: number;
  readonly groupId: string;
  readonly groupState: GroupState;
  readonly protocolType: string;
  readonly protocolData: string;
  readonly members: readonly DescribedMember[];
}

export interface FetchedOffset {
  readonly topic: string;
  readonly partition: number;
  /** -1 when nothing is committed. */
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string | null;
  readonly errorCode: number;
}

const E = ErrorCode;

function joinError(errorCode: number, memberId: string): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [] };
}

function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BUF };
}

export class GroupCoordinator {
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly clock: Clock;
  private readonly o: Required<Omit<GroupCoordinatorOptions, 'clock' | 'logs' | 'compactAfterBytes'>>;
  private expiryTimer: TimerHandle | null = null;
  private closed = false;

  private constructor(readonly store: OffsetsStore, private readonly logs: LogManager, opts: GroupCoordinatorOptions) {
    this.clock = opts.clock ?? systemClock;
    this.o = {
      offsetsPartitions: opts.offsetsPartitions ?? 50,
      initialRebalanceDelayMs: opts.initialRebalanceDelayMs ?? 3000,
      minSessionTimeoutMs: opts.minSessionTimeoutMs ?? 6000,
      maxSessionTimeoutMs: opts.maxSessionTimeoutMs ?? 1_800_000,
      offsetsRetentionMs: opts.offsetsRetentionMs ?? 7 * 86_400_000,
      offsetsRetentionCheckIntervalMs: opts.offsetsRetentionCheckIntervalMs ?? 600_000,
      deleteRetentionMs: opts.deleteRetentionMs ?? 86_400_000,
      offsetMetadataMaxBytes: opts.offsetMetadataMaxBytes ?? 4096,
      maxGroupSize: opts.maxGroupSize ?? 2_147_483_647,
      maxMemberMetadataBytes: opts.maxMemberMetadataBytes ?? 1 << 20,
    };
  }

  /**
   * Creates/loads __consumer_offsets and restores the groups recorded there. A group whose
   * GroupMetadata record lists members comes back Stable at the recorded generation, with
   * its protocol, leader, members (subscription and assignment) and static ids, and every
   * member's session timer started at load time (Kafka's GroupMetadataManager.loadGroup):
   * members keep heartbeating without a rejoin; one that does not come back expires after
   * its session timeout. A record without members gives an Empty group.
   */
  static async open(opts: GroupCoordinatorOptions): Promise<GroupCoordinator> {
    const clock = opts.clock ?? systemClock;
    const store = await OffsetsStore.open({
      logs: opts.logs,
      partitions: opts.offsetsPartitions ?? 50,
      deleteRetentionMs: opts.deleteRetentionMs ?? 86_400_000,
      ...(opts.compactAfterBytes === undefined ? {} : { compactAfterBytes: opts.compactAfterBytes }),
      now: () => clock.now(),
    });
    const c = new GroupCoordinator(store, opts.logs, opts);
    let restoredMembers = 0;
    for (const id of store.groupIds()) {
      const g = new ClassicGroup(id, clock.now());
      const md = store.groupMetadata(id);
      if (md) restoredMembers += c.restoreGroup(g, md);
      c.groups.set(id, g);
    }
    if (restoredMembers > 0) log.info({ groups: c.groups.size, members: restoredMembers }, `restored ${restoredMembers} group members from ${OFFSETS_TOPIC}`);
    c.scheduleExpiry();
    return c;
  }

  /** Fills `g` from its persisted GroupMetadata value; returns how many members came back. */
  private restoreGroup(g: ClassicGroup, md: GroupMetadataValueData): number {
    g.generationId = md.generation;
    g.protocolType = md.protocolType;
    g.persisted = true;
    const ts = Number(md.currentStateTimestamp);
    if (ts > 0) g.stateTimestamp = ts;
    if (md.members.length === 0 || md.protocol === null) return 0;
    g.protocolName = md.protocol;
    for (const mm of md.members) {
      const session = mm.sessionTimeout;
      const rebalance = mm.rebalanceTimeout > 0 ? mm.rebalanceTimeout : session;
      const m = new GroupMember(mm.memberId, mm.groupInstanceId ?? null, mm.clientId, mm.clientHost, session, rebalance,
        [{ name: md.protocol, metadata: Buffer.from(mm.subscription) }]);
      m.assignment = Buffer.from(mm.assignment);
      g.members.set(m.memberId, m);
      if (m.groupInstanceId !== null) g.staticMembers.set(m.groupInstanceId, m.memberId);
    }
    g.leaderId = md.leader !== null && g.members.has(md.leader) ? md.leader : g.members.keys().next().value!;
    g.state = 'Stable';
    for (const m of g.members.values()) this.scheduleSession(g, m);
    return g.members.size;
  }

  // ---------------------------------------------------------------- JoinGroup

  async join(req: JoinRequest, client: ClientInfo): Promise<JoinResult> {
    if (this.closed) return joinError(E.NOT_COORDINATOR, req.memberId);
    if (req.groupId === '') return joinError(E.INVALID_GROUP_ID, req.memberId);
    if (req.sessionTimeoutMs < this.o.minSessionTimeoutMs || req.sessionTimeoutMs > this.o.maxSessionTimeoutMs) {
      return joinError(E.INVALID_SESSION_TIMEOUT, req.memberId);
    }
    if (req.protocolType === '' || req.protocols.length === 0) return joinError(E.INCONSISTENT_GROUP_PROTOCOL, req.memberId);
    let metaBytes = 0;
    for (const p of req.protocols) metaBytes += p.metadata.length;
    if (metaBytes > this.o.maxMemberMetadataBytes) {
      log.warn({ group: req.groupId, client: client.clientId, bytes: metaBytes, max: this.o.maxMemberMetadataBytes }, 'JoinGroup member metadata too large; rejected');
      return joinError(E.INVALID_REQUEST, req.memberId);
    }
    let group = this.groups.get(req.groupId);
    if (!group) {
      if (req.memberId !== '') return joinError(E.UNKNOWN_MEMBER_ID, req.memberId);
      group = new ClassicGroup(req.groupId, this.clock.now());
      this.groups.set(req.groupId, group);
    }
    if (group.state === 'Dead') return joinError(E.COORDINATOR_NOT_AVAILABLE, req.memberId);
    if (!group.supportsProtocols(req.protocolType, req.protocols)) {
      this.maybeForget(group);
      return joinError(E.INCONSISTENT_GROUP_PROTOCOL, req.memberId);
    }
    const rebalanceTimeoutMs = req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs;
    if (req.memberId === '') {
      const newId = `${client.clientId}-${randomUUID()}`;
      if (req.groupInstanceId !== null) {
        const existing = group.staticMembers.get(req.groupInstanceId);
        if (existing !== undefined && group.members.has(existing)) {
          return this.replaceStaticMember(group, group.members.get(existing)!, newId, req, client, rebalanceTimeoutMs);
        }
      } else if (client.apiVersion >= 4) {
        if (group.members.size + group.pendingMembers.size >= this.o.maxGroupSize) return joinError(E.GROUP_MAX_SIZE_REACHED, '');
        group.pendingMembers.set(newId, this.clock.setTimer(() => this.expirePending(group!, newId), req.sessionTimeoutMs));
        return joinError(E.MEMBER_ID_REQUIRED, newId);
      }
      if (group.members.size >= this.o.maxGroupSize) return joinError(E.GROUP_MAX_SIZE_REACHED, '');
      return this.addMemberAndRebalance(group, newId, req, client, rebalanceTimeoutMs);
    }
    const pending = group.pendingMembers.get(req.memberId);
    if (pending) {
      pending.cancel();
      group.pendingMembers.delete(req.memberId);
      return this.addMemberAndRebalance(group, req.memberId, req, client, rebalanceTimeoutMs);
    }
    if (this.isFenced(group, req.memberId, req.groupInstanceId)) return joinError(E.FENCED_INSTANCE_ID, req.memberId);
    const member = group.members.get(req.memberId);
    if (!member) return joinError(E.UNKNOWN_MEMBER_ID, req.memberId);
    const same = member.sameProtocols(req.protocols);
    switch (group.state) {
      case 'PreparingRebalance':
        this.updateMember(member, req, client, rebalanceTimeoutMs);
        return this.awaitJoin(group, member);
      case 'CompletingRebalance':
        if (same) return this.currentJoinResult(group, member);
        this.updateMember(member, req, client, rebalanceTimeoutMs);
        this.prepareRebalance(group, `member ${member.memberId} changed its protocols`);
        return this.awaitJoin(group, member);
      case 'Stable':
        if (member.memberId !== group.leaderId && same) return this.currentJoinResult(group, member);
        this.updateMember(member, req, client, rebalanceTimeoutMs);
        this.prepareRebalance(group, `member ${member.memberId} rejoined`);
        return this.awaitJoin(group, member);
      default:
        return joinError(E.UNKNOWN_MEMBER_ID, req.memberId);
    }
  }

  private isFenced(group: ClassicGroup, memberId: string, instanceId: string | null): boolean {
    if (instanceId === null) return false;
    const cur = group.staticMembers.get(instanceId);
    return cur !== undefined && cur !== memberId;
  }

  private updateMember(m: GroupMember, req: JoinRequest, client: ClientInfo, rebalanceTimeoutMs: number): void {
    m.protocols = req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) }));
    m.sessionTimeoutMs = req.sessionTimeoutMs;
    m.rebalanceTimeoutMs = rebalanceTimeoutMs;
    m.clientId = client.clientId;
    m.clientHost = client.clientHost;
  }

  private addMemberAndRebalance(group: ClassicGroup, memberId: string, req: JoinRequest, client: ClientInfo, rebalanceTimeoutMs: number): Promise<JoinResult> {
    const m = new GroupMember(memberId, req.groupInstanceId, client.clientId, client.clientHost, req.sessionTimeoutMs, rebalanceTimeoutMs, []);
    this.updateMember(m, req, client, rebalanceTimeoutMs);
    m.isNew = true;
    if (group.members.size === 0) group.protocolType = req.protocolType;
    if (group.leaderId === null || !group.members.has(group.leaderId)) group.leaderId = memberId;
    group.members.set(memberId, m);
    if (req.groupInstanceId !== null) group.staticMembers.set(req.groupInstanceId, memberId);
    const p = this.awaitJoin(group, m, false);
    this.prepareRebalance(group, `member ${memberId} joined`);
    this.maybeCompleteJoin(group);
    return p;
  }

  /** Static member rejoining with an empty id: it takes over its old slot under a new id (KIP-345). */
  private replaceStaticMember(group: ClassicGroup, old: GroupMember, newId: string, req: JoinRequest, client: ClientInfo, rebalanceTimeoutMs: number): Promise<JoinResult> {
    const same = old.sameProtocols(req.protocols);
    old.awaitingJoin?.(joinError(E.FENCED_INSTANCE_ID, old.memberId));
    old.awaitingJoin = null;
    old.awaitingSync?.(syncError(E.FENCED_INSTANCE_ID));
    old.awaitingSync = null;
    old.sessionTimer?.cancel();
    group.members.delete(old.memberId);
    const m = new GroupMember(newId, req.groupInstanceId, client.clientId, client.clientHost, req.sessionTimeoutMs, rebalanceTimeoutMs, []);
    this.updateMember(m, req, client, rebalanceTimeoutMs);
    m.assignment = old.assignment;
    group.members.set(newId, m);
    group.staticMembers.set(req.groupInstanceId!, newId);
    if (group.leaderId === old.memberId) group.leaderId = newId;
    if (group.state === 'Stable' && same) {
      this.scheduleSession(group, m);
      return Promise.resolve(this.currentJoinResult(group, m));
    }
    const p = this.awaitJoin(group, m, false);
    this.prepareRebalance(group, `static member ${req.groupInstanceId} rejoined`);
    this.maybeCompleteJoin(group);
    return p;
  }

  private awaitJoin(group: ClassicGroup, m: GroupMember, tryComplete = true): Promise<JoinResult> {
    const p = new Promise<JoinResult>((resolve) => {
      m.awaitingJoin?.(joinError(E.REBALANCE_IN_PROGRESS, m.memberId));
      m.awaitingJoin = resolve;
    });
    if (tryComplete) this.maybeCompleteJoin(group);
    return p;
  }

  private currentJoinResult(group: ClassicGroup, m: GroupMember): JoinResult {
    this.scheduleSession(group, m);
    const isLeader = m.memberId === group.leaderId;
    return {
      errorCode: E.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId: m.memberId,
      members: isLeader ? this.memberList(group) : [],
    };
  }

  private memberList(group: ClassicGroup): JoinResult['members'] {
    const proto = group.protocolName ?? '';
    return [...group.members.values()].map((x) => ({ memberId: x.memberId, groupInstanceId: x.groupInstanceId, metadata: x.metadataFor(proto) }));
  }

  private prepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.state === 'PreparingRebalance' || group.state === 'Dead') return;
    if (group.state === 'CompletingRebalance') {
      for (const m of group.members.values()) {
        m.assignment = EMPTY_BUF;
        if (m.awaitingSync) {
          m.awaitingSync(syncError(E.REBALANCE_IN_PROGRESS));
          m.awaitingSync = null;
        }
      }
    }
    group.joinTimer?.cancel();
    group.pendingSync = null;
    const wasEmpty = group.state === 'Empty';
    group.transition('PreparingRebalance', this.clock.now());
    if (wasEmpty) {
      group.initialDelay = true;
      const delay = this.o.initialRebalanceDelayMs;
      const deadline = this.clock.now() + Math.max(group.maxRebalanceTimeoutMs(), delay);
      const before = group.members.size;
      group.joinTimer = this.clock.setTimer(() => this.onInitialDelay(group, before, deadline), delay);
    } else {
      group.joinTimer = this.clock.setTimer(() => this.onRebalanceTimeout(group), group.maxRebalanceTimeoutMs());
    }
    log.info({ group: group.groupId, generation: group.generationId, reason }, `preparing rebalance of group ${group.groupId}: ${reason}`);
  }

  /** Kafka's InitialDelayedJoin: keep extending by the delay while new members arrive, up to the rebalance timeout. */
  private onInitialDelay(group: ClassicGroup, membersBefore: number, deadline: number): void {
    if (group.state !== 'PreparingRebalance' || !group.initialDelay) return;
    const delay = this.o.initialRebalanceDelayMs;
    const remaining = deadline - this.clock.now();
    if (delay > 0 && group.members.size > membersBefore && remaining > 0) {
      const now = group.members.size;
      group.joinTimer = this.clock.setTimer(() => this.onInitialDelay(group, now, deadline), Math.min(delay, remaining));
      return;
    }
    group.initialDelay = false;
    group.joinTimer = null;
    if (group.allMembersJoined()) this.completeJoin(group);
    else group.joinTimer = this.clock.setTimer(() => this.onRebalanceTimeout(group), Math.max(0, remaining));
  }

  private onRebalanceTimeout(group: ClassicGroup): void {
    if (group.state !== 'PreparingRebalance') return;
    group.joinTimer = null;
    for (const [id, t] of group.pendingMembers) {
      t.cancel();
      group.pendingMembers.delete(id);
    }
    this.completeJoin(group);
  }

  private maybeCompleteJoin(group: ClassicGroup): void {
    if (group.state === 'PreparingRebalance' && !group.initialDelay && group.allMembersJoined()) this.completeJoin(group);
  }

  private completeJoin(group: ClassicGroup): void {
    group.joinTimer?.cancel();
    group.joinTimer = null;
    group.initialDelay = false;
    for (const m of [...group.members.values()]) {
      if (!m.awaitingJoin) {
        log.info({ group: group.groupId, member: m.memberId }, 'member did not rejoin in time; removed');
        this.dropMember(group, m);
      }
    }
    const now = this.clock.now();
    group.generationId++;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.leaderId = null;
      group.transition('Empty', now);
      this.onEmpty(group);
      return;
    }
    group.protocolName = group.selectProtocol();
    if (group.leaderId === null || !group.members.has(group.leaderId)) group.leaderId = group.members.keys().next().value!;
    group.transition('CompletingRebalance', now);
    group.pendingSync = new Set(group.members.keys());
    for (const m of group.members.values()) {
      const resolve = m.awaitingJoin!;
      m.awaitingJoin = null;
      m.isNew = false;
      resolve(this.currentJoinResult(group, m));
    }
    const gen = group.generationId;
    group.joinTimer = this.clock.setTimer(() => this.onSyncTimeout(group, gen), group.maxRebalanceTimeoutMs());
    log.info({ group: group.groupId, generation: gen, members: group.members.size, protocol: group.protocolName, leader: group.leaderId }, `group ${group.groupId} generation ${gen} formed`);
  }

  private onSyncTimeout(group: ClassicGroup, generation: number): void {
    if (group.state !== 'CompletingRebalance' || group.generationId !== generation || !group.pendingSync) return;
    group.joinTimer = null;
    for (const id of group.pendingSync) {
      const m = group.members.get(id);
      if (m) {
        log.info({ group: group.groupId, member: id }, 'member did not send SyncGroup in time; removed');
        this.dropMember(group, m);
      }
    }
    group.pendingSync = null;
    if (group.members.size === 0) {
      group.transition('Empty', this.clock.now());
      this.onEmpty(group);
    } else {
      this.prepareRebalance(group, 'members missed the sync deadline');
    }
  }

  // ---------------------------------------------------------------- SyncGroup

  async sync(req: SyncRequest): Promise<SyncResult> {
    if (this.closed) return syncError(E.NOT_COORDINATOR);
    const group = this.groups.get(req.groupId);
    if (!group) return syncError(E.UNKNOWN_MEMBER_ID);
    if (group.state === 'Dead') return syncError(E.COORDINATOR_NOT_AVAILABLE);
    if (this.isFenced(group, req.memberId, req.groupInstanceId)) return syncError(E.FENCED_INSTANCE_ID);
    const m = group.members.get(req.memberId);
    if (!m) return syncError(E.UNKNOWN_MEMBER_ID);
    if (req.generationId !== group.generationId) return syncError(E.ILLEGAL_GENERATION);
    if ((req.protocolType !== null && req.protocolType !== group.protocolType) || (req.protocolName !== null && req.protocolName !== group.protocolName)) {
      return syncError(E.INCONSISTENT_GROUP_PROTOCOL);
    }
    switch (group.state) {
      case 'PreparingRebalance':
        return syncError(E.REBALANCE_IN_PROGRESS);
      case 'Stable':
        this.scheduleSession(group, m);
        return this.syncResult(group, m);
      case 'CompletingRebalance':
        break;
      default:
        return syncError(E.UNKNOWN_MEMBER_ID);
    }
    group.pendingSync?.delete(m.memberId);
    this.scheduleSession(group, m);
    const p = new Promise<SyncResult>((resolve) => {
      m.awaitingSync?.(syncError(E.REBALANCE_IN_PROGRESS));
      m.awaitingSync = resolve;
    });
    if (m.memberId === group.leaderId) {
      const given = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
      for (const x of group.members.values()) x.assignment = given.has(x.memberId) ? Buffer.from(given.get(x.memberId)!) : EMPTY_BUF;
      const gen = group.generationId;
      try {
        await this.store.writeGroupMetadata(group.groupId, this.metadataValue(group));
        group.persisted = true;
      } catch (err) {
        log.error({ group: group.groupId, err }, 'storing group metadata failed');
        if (group.state === 'CompletingRebalance' && group.generationId === gen) {
          const code = kafkaErrorCode(err);
          for (const x of group.members.values()) {
            x.assignment = EMPTY_BUF;
            x.awaitingSync?.(syncError(code === -1 ? E.UNKNOWN_SERVER_ERROR : code));
            x.awaitingSync = null;
          }
          this.prepareRebalance(group, 'storing the group metadata failed');
        }
        return p;
      }
      if (group.state === 'CompletingRebalance' && group.generationId === gen) {
        group.joinTimer?.cancel();
        group.joinTimer = null;
        group.pendingSync = null;
        group.transition('Stable', this.clock.now());
        for (const x of group.members.values()) {
          if (x.awaitingSync) {
            const r = x.awaitingSync;
            x.awaitingSync = null;
            r(this.syncResult(group, x));
          }
        }
        log.info({ group: group.groupId, generation: gen }, `group ${group.groupId} is stable at generation ${gen}`);
      }
    }
    return p;
  }

  private syncResult(group: ClassicGroup, m: GroupMember): SyncResult {
    return { errorCode: E.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment };
  }

  private metadataValue(group: ClassicGroup): GroupMetadataValueData {
    const proto = group.protocolName ?? '';
    return {
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol: group.protocolName,
      leader: group.leaderId,
      currentStateTimestamp: BigInt(this.clock.now()),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: m.metadataFor(proto),
        assignment: m.assignment,
      })),
    } as GroupMetadataValueData;
  }

  // ---------------------------------------------------------------- Heartbeat / session

  heartbeat(groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): number {
    if (this.closed) return E.NOT_COORDINATOR;
    const group = this.groups.get(groupId);
    if (!group) return E.UNKNOWN_MEMBER_ID;
    if (group.state === 'Dead') return E.COORDINATOR_NOT_AVAILABLE;
    if (this.isFenced(group, memberId, groupInstanceId)) return E.FENCED_INSTANCE_ID;
    const m = group.members.get(memberId);
    if (!m) return E.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return E.ILLEGAL_GENERATION;
    this.scheduleSession(group, m);
    return group.state === 'PreparingRebalance' ? E.REBALANCE_IN_PROGRESS : E.NONE;
  }

  private scheduleSession(group: ClassicGroup, m: GroupMember): void {
    m.sessionTimer?.cancel();
    m.sessionTimer = this.clock.setTimer(() => this.onSessionExpired(group, m), m.sessionTimeoutMs);
  }

  private onSessionExpired(group: ClassicGroup, m: GroupMember): void {
    m.sessionTimer = null;
    if (group.members.get(m.memberId) !== m) return;
    if (m.awaitingJoin || m.awaitingSync) {
      this.scheduleSession(group, m);
      return;
    }
    log.info({ group: group.groupId, member: m.memberId, sessionTimeoutMs: m.sessionTimeoutMs }, `member ${m.memberId} of group ${group.groupId} missed its session timeout; removed`);
    this.removeMember(group, m, `member ${m.memberId} session expired`);
  }

  private expirePending(group: ClassicGroup, memberId: string): void {
    if (!group.pendingMembers.delete(memberId)) return;
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
    this.maybeForget(group);
  }

  /** Removes a member without reacting (used while completing a round). */
  private dropMember(group: ClassicGroup, m: GroupMember): void {
    m.sessionTimer?.cancel();
    m.sessionTimer = null;
    group.members.delete(m.memberId);
    group.pendingSync?.delete(m.memberId);
    if (m.groupInstanceId !== null && group.staticMembers.get(m.groupInstanceId) === m.memberId) group.staticMembers.delete(m.groupInstanceId);
    if (m.awaitingJoin) {
      m.awaitingJoin(joinError(E.UNKNOWN_MEMBER_ID, m.memberId));
      m.awaitingJoin = null;
    }
    if (m.awaitingSync) {
      m.awaitingSync(syncError(E.UNKNOWN_MEMBER_ID));
      m.awaitingSync = null;
    }
    if (group.leaderId === m.memberId) group.leaderId = group.members.keys().next().value ?? null;
  }

  private removeMember(group: ClassicGroup, m: GroupMember, reason: string): void {
    this.dropMember(group, m);
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.prepareRebalance(group, reason);
        this.maybeCompleteJoin(group);
        break;
      case 'PreparingRebalance':
        this.maybeCompleteJoin(group);
        break;
      default:
        break;
    }
  }

  // ---------------------------------------------------------------- LeaveGroup

  leave(groupId: string, members: readonly MemberIdentity[]): { errorCode: number; members: { memberId: string; groupInstanceId: string | null; errorCode: number }[] } {
    if (this.closed) return { errorCode: E.NOT_COORDINATOR, members: [] };
    const group = this.groups.get(groupId);
    if (!group || group.state === 'Dead') return { errorCode: E.UNKNOWN_MEMBER_ID, members: [] };
    const out: { memberId: string; groupInstanceId: string | null; errorCode: number }[] = [];
    for (const who of members) {
      let id = who.memberId;
      let code: number = E.NONE;
      if (who.groupInstanceId !== null) {
        const cur = group.staticMembers.get(who.groupInstanceId);
        if (cur === undefined) code = E.UNKNOWN_MEMBER_ID;
        else if (id !== '' && id !== cur) code = E.FENCED_INSTANCE_ID;
        else id = cur;
      }
      if (code === E.NONE) {
        const pending = group.pendingMembers.get(id);
        const m = group.members.get(id);
        if (pending) {
          pending.cancel();
          group.pendingMembers.delete(id);
          if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
        } else if (m) {
          log.info({ group: groupId, member: id }, `member ${id} left group ${groupId}`);
          this.removeMember(group, m, `member ${id} left`);
        } else {
          code = E.UNKNOWN_MEMBER_ID;
        }
      }
      out.push({ memberId: who.memberId, groupInstanceId: who.groupInstanceId, errorCode: code });
    }
    this.maybeForget(group);
    return { errorCode: E.NONE, members: out };
  }

  // ---------------------------------------------------------------- Offsets

  /** OffsetCommit: per (topic, partition) error codes in request order. */
  async commitOffsets(req: CommitRequest): Promise<{ name: string; partitions: { partitionIndex: number; errorCode: number }[] }[]> {
    const all = (code: number): { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[] =>
      req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) }));
    if (this.closed) return all(E.NOT_COORDINATOR);
    if (req.groupId === '') return all(E.INVALID_GROUP_ID);
    let group = this.groups.get(req.groupId);
    if (!group) {
      if (req.generationId >= 0) return all(E.ILLEGAL_GENERATION);
      group = new ClassicGroup(req.groupId, this.clock.now());
      this.groups.set(req.groupId, group);
    } else {
      const code = this.validateCommit(group, req);
      if (code !== E.NONE) return all(code);
    }
    const now = this.clock.now();
    const expire = req.retentionTimeMs > 0 ? now + req.retentionTimeMs : -1;
    const accepted: OffsetToCommit[] = [];
    const out = req.topics.map((t) => {
      return {
        name: t.name,
        partitions: t.partitions.map((p) => {
          let errorCode: number = E.NONE;
          if (!this.logs.partition(t.name, p.partitionIndex)) errorCode = E.UNKNOWN_TOPIC_OR_PARTITION;
          else if (p.committedMetadata !== null && Buffer.byteLength(p.committedMetadata) > this.o.offsetMetadataMaxBytes) errorCode = E.OFFSET_METADATA_TOO_LARGE;
          else {
            accepted.push({
              topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch,
              metadata: p.committedMetadata ?? '', commitTimestamp: now, expireTimestamp: expire,
            });
          }
          return { partitionIndex: p.partitionIndex, errorCode };
        }),
      };
    });
    try {
      await this.store.commit(req.groupId, accepted);
    } catch (err) {
      log.error({ group: req.groupId, err }, 'writing offset commits failed');
      const code = kafkaErrorCode(err);
      for (const t of out) for (const p of t.partitions) if (p.errorCode === E.NONE) p.errorCode = code === -1 ? E.UNKNOWN_SERVER_ERROR : code;
    }
    this.maybeForget(group);
    return out;
  }

  private validateCommit(group: ClassicGroup, req: CommitRequest): number {
    if (group.state === 'Dead') return E.COORDINATOR_NOT_AVAILABLE;
    if (req.generationId < 0 && group.state === 'Empty') return E.NONE;
    if (this.isFenced(group, req.memberId, req.groupInstanceId)) return E.FENCED_INSTANCE_ID;
    if (!group.members.has(req.memberId)) return E.UNKNOWN_MEMBER_ID;
    if (req.generationId !== group.generationId) return E.ILLEGAL_GENERATION;
    if (group.state === 'CompletingRebalance') return E.REBALANCE_IN_PROGRESS;
    return E.NONE;
  }

  /** OffsetFetch for one group; `topics` null = every committed partition. */
  fetchOffsets(groupId: string, topics: readonly { name: string; partitionIndexes: readonly number[] }[] | null): FetchedOffset[] {
    const committed = this.store.offsetsOf(groupId);
    const out: FetchedOffset[] = [];
    const row = (topic: string, partition: number, c: CommittedOffset | undefined): FetchedOffset => ({
      topic, partition, offset: c ? c.offset : -1, leaderEpoch: c ? c.leaderEpoch : -1, metadata: c ? c.metadata : '', errorCode: E.NONE,
    });
    if (topics === null) {
      for (const [k, c] of committed) {
        const { topic, partition } = splitTpKey(k);
        out.push(row(topic, partition, c));
      }
      out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
      return out;
    }
    for (const t of topics) for (const p of t.partitionIndexes) out.push(row(t.name, p, committed.get(tpKey(t.name, p))));
    return out;
  }

  // ---------------------------------------------------------------- Describe / List / Delete

  describe(groupId: string): DescribedGroup {
    const group = this.groups.get(groupId);
    if (!group) return { errorCode: E.NONE, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] };
    const proto = group.protocolName ?? '';
    const stable = group.state === 'Stable';
    return {
      errorCode: E.NONE,
      groupId,
      groupState: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? proto : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? m.metadataFor(proto) : EMPTY_BUF,
        memberAssignment: stable ? m.assignment : EMPTY_BUF,
      })),
    };
  }

  /** The group's current generation (-1 when the coordinator does not know the group). */
  generationOf(groupId: string): number {
    return this.groups.get(groupId)?.generationId ?? -1;
  }

  list(statesFilter: readonly string[] = []): { groupId: string; protocolType: string; groupState: GroupState }[] {
    const want = new Set(statesFilter.map((s) => s.toLowerCase()));
    const out: { groupId: string; protocolType: string; groupState: GroupState }[] = [];
    for (const g of this.groups.values()) {
      if (want.size > 0 && !want.has(g.state.toLowerCase())) continue;
      out.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state });
    }
    return out;
  }

  async deleteGroups(ids: readonly string[]): Promise<{ groupId: string; errorCode: number }[]> {
    const out: { groupId: string; errorCode: number }[] = [];
    for (const id of ids) {
      if (this.closed) {
        out.push({ groupId: id, errorCode: E.NOT_COORDINATOR });
        continue;
      }
      if (id === '') {
        out.push({ groupId: id, errorCode: E.INVALID_GROUP_ID });
        continue;
      }
      const g = this.groups.get(id);
      if (!g || g.state === 'Dead') {
        out.push({ groupId: id, errorCode: E.GROUP_ID_NOT_FOUND });
        continue;
      }
      if (g.state !== 'Empty' || g.members.size > 0 || g.pendingMembers.size > 0) {
        out.push({ groupId: id, errorCode: E.NON_EMPTY_GROUP });
        continue;
      }
      g.transition('Dead', this.clock.now());
      try {
        await this.store.deleteOffsets(id);
        await this.store.writeGroupMetadata(id, null);
        out.push({ groupId: id, errorCode: E.NONE });
      } catch (err) {
        log.error({ group: id, err }, 'deleting group failed');
        const code = kafkaErrorCode(err);
        out.push({ groupId: id, errorCode: code === -1 ? E.UNKNOWN_SERVER_ERROR : code });
      }
      if (this.groups.get(id) === g) this.groups.delete(id);
    }
    return out;
  }

  // ---------------------------------------------------------------- Empty groups, expiry

  private onEmpty(group: ClassicGroup): void {
    if (this.store.hasOffsets(group.groupId)) {
      this.store.writeGroupMetadata(group.groupId, this.metadataValue(group))
        .then(() => { group.persisted = true; })
        .catch((err: unknown) => log.error({ group: group.groupId, err }, 'storing group metadata failed'));
      return;
    }
    this.maybeForget(group);
  }

  /** Forgets a group with nothing left to remember (no members, pending ids or offsets). */
  private maybeForget(group: ClassicGroup): void {
    if (group.state !== 'Empty' || group.members.size > 0 || group.pendingMembers.size > 0 || this.store.hasOffsets(group.groupId)) return;
    if (this.groups.get(group.groupId) !== group) return;
    group.joinTimer?.cancel();
    group.transition('Dead', this.clock.now());
    this.groups.delete(group.groupId);
    if (group.persisted || this.store.groupMetadata(group.groupId)) {
      this.store.writeGroupMetadata(group.groupId, null).catch((err: unknown) => log.error({ group: group.groupId, err }, 'tombstoning group metadata failed'));
    }
  }

  private scheduleExpiry(): void {
    if (this.closed) return;
    this.expiryTimer = this.clock.setTimer(() => {
      this.expireOffsets().catch((err: unknown) => log.error({ err }, 'offset expiration failed')).finally(() => this.scheduleExpiry());
    }, this.o.offsetsRetentionCheckIntervalMs);
  }

  /**
   * Removes offsets past offsets.retention.minutes of groups without members, and offsets
   * of deleted topics in any group; returns how many.
   */
  async expireOffsets(): Promise<number> {
    const now = this.clock.now();
    this.store.pruneTombstones(now);
    let n = 0;
    for (const g of [...this.groups.values()]) {
      const expired: string[] = [];
      for (const [k, c] of this.store.offsetsOf(g.groupId)) {
        if (!this.logs.describeTopic(splitTpKey(k).topic)) {
          expired.push(k); // the topic was deleted (Kafka drops such offsets too)
          continue;
        }
        if (g.state !== 'Empty') continue;
        const base = g.protocolType ? Math.max(g.stateTimestamp, c.commitTimestamp) : c.commitTimestamp;
        const due = c.expireTimestamp >= 0 ? c.expireTimestamp : base + this.o.offsetsRetentionMs;
        if (now >= due) expired.push(k);
      }
      if (expired.length === 0) continue;
      await this.store.deleteOffsets(g.groupId, expired);
      n += expired.length;
      log.info({ group: g.groupId, offsets: expired.length }, 'expired committed offsets');
      this.maybeForget(g);
    }
    return n;
  }

  /** Figures for tests and the monitor. */
  stats(): { groups: number; members: number; pendingMembers: number } & ReturnType<OffsetsStore['stats']> {
    let members = 0;
    let pendingMembers = 0;
    for (const g of this.groups.values()) {
      members += g.members.size;
      pendingMembers += g.pendingMembers.size;
    }
    return { groups: this.groups.size, members, pendingMembers, ...this.store.stats() };
  }

  /** Stops timers and answers every held request with NOT_COORDINATOR. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.expiryTimer?.cancel();
    for (const g of this.groups.values()) {
      g.joinTimer?.cancel();
      for (const t of g.pendingMembers.values()) t.cancel();
      for (const m of g.members.values()) {
        m.sessionTimer?.cancel();
        m.awaitingJoin?.(joinError(E.NOT_COORDINATOR, m.memberId));
        m.awaitingJoin = null;
        m.awaitingSync?.(syncError(E.NOT_COORDINATOR));
        m.awaitingSync = null;
      }
    }
  }
}
