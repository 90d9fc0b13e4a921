/**
 * GroupCoordinator rules against a real LogManager in a temp dir, with a manual clock
 * for session/rebalance timers (kafka.md §4): join rounds, held responses, heartbeats,
 * expiry, static members, leave, commits, describe/list/delete, restart replay,
 * compaction, retention, bounded memory.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { LogManagerImpl } from '../../../src/broker/storage/log-manager.js';
import { ManualClock } from '../../../src/broker/storage/clock.js';
import { GroupCoordinator, type GroupCoordinatorOptions, type JoinRequest } from '../../../src/broker/groups/group-coordinator.js';
import { OFFSETS_TOPIC } from '../../../src/broker/groups/offsets-store.js';
import { offsetsPartitionFor } from '../../../src/broker/groups/java-hash.js';
import type { JoinResult } from '../../../src/broker/groups/classic-group.js';
import { ErrorCode as E } from '../../../src/protocol/errors.js';
import { decodeConsumerAssignment, encodeConsumerAssignment, encodeConsumerSubscription } from '../../../src/protocol/consumer-protocol.js';
import { removeDir, tempDir } from './group-test-kit.js';

let dir: string;
let logs: LogManagerImpl;
let clock: ManualClock;
let gc: GroupCoordinator;

async function open(opts: Partial<GroupCoordinatorOptions> = {}): Promise<void> {
  logs = await LogManagerImpl.open({ logDirs: [join(dir, 'logs')] });
  gc = await GroupCoordinator.open({
    logs, clock, initialRebalanceDelayMs: 0, minSessionTimeoutMs: 100, maxSessionTimeoutMs: 60_000, offsetsPartitions: 50, ...opts,
  });
}

async function reopen(opts: Partial<GroupCoordinatorOptions> = {}): Promise<void> {
  gc.close();
  await logs.close();
  await open(opts);
}

beforeEach(async () => {
  dir = await tempDir();
  clock = new ManualClock();
  await open();
  await logs.createTopic('t', 4);
});

afterEach(async () => {
  gc.close();
  await logs.close();
  await removeDir(dir);
});

const SUB = encodeConsumerSubscription({ topics: ['t'] });
const client = { clientId: 'c', clientHost: '/127.0.0.1', apiVersion: 7 };

function req(memberId: string, extra: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g', sessionTimeoutMs: 1000, rebalanceTimeoutMs: 2000, memberId, groupInstanceId: null,
    protocolType: 'consumer', protocols: [{ name: 'range', metadata: SUB }], ...extra,
  };
}

/** Lets promise callbacks run (no time passes on the manual clock). */
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

async function joinNew(extra: Partial<JoinRequest> = {}): Promise<{ id: string; p: Promise<JoinResult> }> {
  const first = await gc.join(req('', extra), client);
  expect(first.errorCode).toBe(E.MEMBER_ID_REQUIRED);
  expect(first.memberId).toMatch(/^c-[0-9a-f-]{36}$/);
  return { id: first.memberId, p: gc.join(req(first.memberId, extra), client) };
}

/** Forms a stable group of `n` members; returns member ids (leader first) and the generation. */
async function stableGroup(n: number): Promise<{ ids: string[]; gen: number; leader: string }> {
  const a = await joinNew();
  clock.advance(0);
  const ra = await a.p;
  let gen = ra.generationId;
  const ids = [a.id];
  await gc.sync({ groupId: 'g', generationId: gen, memberId: a.id, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
  for (let i = 1; i < n; i++) {
    const b = await joinNew();
    ids.push(b.id);
    // Existing members learn through the heartbeat and rejoin.
    const pend: Promise<JoinResult>[] = [b.p];
    for (const id of ids.slice(0, -1)) {
      expect(gc.heartbeat('g', gen, id, null)).toBe(E.REBALANCE_IN_PROGRESS);
      pend.push(gc.join(req(id), client));
    }
    const rs = await Promise.all(pend);
    gen = rs[0]!.generationId;
    const leader = rs.find((r) => r.members.length > 0)!;
    const syncs = ids.map((id) => gc.sync({
      groupId: 'g', generationId: gen, memberId: id, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range',
      assignments: id === leader.leader ? ids.map((m) => ({ memberId: m, assignment: encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: [ids.indexOf(m)] }] }) })) : [],
    }));
    for (const s of await Promise.all(syncs)) expect(s.errorCode).toBe(E.NONE);
  }
  return { ids, gen, leader: ids[0]! };
}

describe('JoinGroup and SyncGroup', () => {
  it('asks a v4+ member for an id, then forms generation 1 with it as leader', async () => {
    const a = await joinNew();
    clock.advance(0);
    const r = await a.p;
    expect(r).toMatchObject({ errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: a.id, memberId: a.id });
    expect(r.members.map((m) => m.memberId)).toEqual([a.id]);
    expect(r.members[0]!.metadata.equals(SUB)).toBe(true);
    expect(gc.describe('g').groupState).toBe('CompletingRebalance');
  });

  it('a v3 member joins at once with an empty id', async () => {
    const p = gc.join(req(''), { ...client, apiVersion: 3 });
    clock.advance(0);
    const r = await p;
    expect(r.errorCode).toBe(0);
    expect(r.memberId).toMatch(/^c-/);
  });

  it('holds join responses until every known member rejoins; only the leader gets the members', async () => {
    const { ids, gen } = await stableGroup(1);
    const b = await joinNew();
    let bDone = false;
    void b.p.then(() => { bDone = true; });
    await tick();
    expect(bDone).toBe(false);
    expect(gc.describe('g').groupState).toBe('PreparingRebalance');
    expect(gc.heartbeat('g', gen, ids[0]!, null)).toBe(E.REBALANCE_IN_PROGRESS);
    const ra = await gc.join(req(ids[0]!), client);
    const rb = await b.p;
    expect(ra.generationId).toBe(gen + 1);
    expect(rb.generationId).toBe(gen + 1);
    expect(ra.leader).toBe(ids[0]);
    expect(ra.members).toHaveLength(2);
    expect(rb.members).toHaveLength(0);
  });

  it('followers wait in SyncGroup for the leader and get their own assignment; group is then Stable', async () => {
    const { ids } = await stableGroup(3);
    const d = gc.describe('g');
    expect(d.groupState).toBe('Stable');
    expect(d.protocolData).toBe('range');
    const owned = d.members.map((m) => decodeConsumerAssignment(m.memberAssignment).value.assignedPartitions[0]!.partitions[0]);
    expect(owned.sort()).toEqual([0, 1, 2]);
    expect(d.members.map((m) => m.memberId).sort()).toEqual([...ids].sort());
  });

  it('answers SyncGroup errors: REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, INCONSISTENT_GROUP_PROTOCOL', async () => {
    const { ids, gen } = await stableGroup(1);
    const base = { groupId: 'g', groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] };
    expect((await gc.sync({ ...base, generationId: gen + 5, memberId: ids[0]! })).errorCode).toBe(E.ILLEGAL_GENERATION);
    expect((await gc.sync({ ...base, generationId: gen, memberId: 'nobody' })).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    expect((await gc.sync({ ...base, generationId: gen, memberId: ids[0]!, protocolName: 'roundrobin' })).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL);
    void joinNew();
    await tick();
    expect((await gc.sync({ ...base, generationId: gen, memberId: ids[0]! })).errorCode).toBe(E.REBALANCE_IN_PROGRESS);
  });

  it('selects the protocol by vote and refuses members with no common protocol', async () => {
    const meta = SUB;
    const a = await joinNew({ protocols: [{ name: 'roundrobin', metadata: meta }, { name: 'range', metadata: meta }] });
    const b = await joinNew({ protocols: [{ name: 'range', metadata: meta }, { name: 'roundrobin', metadata: meta }] });
    const c = await joinNew({ protocols: [{ name: 'range', metadata: meta }] });
    clock.advance(0);
    const rs = await Promise.all([a.p, b.p, c.p]);
    // Candidates common to all: range only (c supports nothing else).
    expect(new Set(rs.map((r) => r.protocolName))).toEqual(new Set(['range']));
    const bad = await gc.join(req('', { protocols: [{ name: 'sticky', metadata: meta }] }), client);
    expect(bad.errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL);
    const badType = await gc.join(req('', { protocolType: 'connect' }), client);
    expect(badType.errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('rejects session timeouts outside [min, max] and an empty group id', async () => {
    expect((await gc.join(req('', { sessionTimeoutMs: 50 }), client)).errorCode).toBe(E.INVALID_SESSION_TIMEOUT);
    expect((await gc.join(req('', { sessionTimeoutMs: 60_001 }), client)).errorCode).toBe(E.INVALID_SESSION_TIMEOUT);
    expect((await gc.join(req('', { groupId: '' }), client)).errorCode).toBe(E.INVALID_GROUP_ID);
    expect((await gc.join(req('unknown-member'), client)).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('refuses a huge member metadata blob with INVALID_REQUEST and keeps no state', async () => {
    const huge = Buffer.alloc(2 << 20);
    const r = await gc.join(req('', { protocols: [{ name: 'range', metadata: huge }] }), client);
    expect(r.errorCode).toBe(E.INVALID_REQUEST);
    expect(gc.stats().groups).toBe(0);
  });

  it('waits group.initial.rebalance.delay.ms before forming the first generation', async () => {
    gc.close();
    await logs.close();
    await open({ initialRebalanceDelayMs: 300 });
    const a = await joinNew();
    let done = false;
    void a.p.then(() => { done = true; });
    clock.advance(200);
    await tick();
    expect(done).toBe(false);
    const b = await joinNew();
    clock.advance(150);
    await tick();
    expect(done).toBe(false); // extended by the delay because b arrived
    clock.advance(300);
    const [ra, rb] = await Promise.all([a.p, b.p]);
    expect(ra.generationId).toBe(1);
    expect(rb.generationId).toBe(1);
  });
});

describe('Heartbeat, session expiry, rebalance timeout, leave', () => {
  it('answers NONE, ILLEGAL_GENERATION and UNKNOWN_MEMBER_ID', async () => {
    const { ids, gen } = await stableGroup(1);
    expect(gc.heartbeat('g', gen, ids[0]!, null)).toBe(E.NONE);
    expect(gc.heartbeat('g', gen - 1, ids[0]!, null)).toBe(E.ILLEGAL_GENERATION);
    expect(gc.heartbeat('g', gen, 'x', null)).toBe(E.UNKNOWN_MEMBER_ID);
    expect(gc.heartbeat('nope', 1, 'x', null)).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('survives a heartbeat storm without state growth', async () => {
    const { ids, gen } = await stableGroup(2);
    const before = gc.stats();
    for (let i = 0; i < 20_000; i++) {
      expect(gc.heartbeat('g', gen, ids[i % 2]!, null)).toBe(E.NONE);
      gc.heartbeat('g', gen + 1, 'ghost', null);
    }
    expect(gc.stats()).toEqual(before);
  });

  it('removes a member that stops heartbeating and rebalances the rest', async () => {
    const { ids, gen } = await stableGroup(2);
    clock.advance(600);
    expect(gc.heartbeat('g', gen, ids[0]!, null)).toBe(E.NONE);
    clock.advance(600); // ids[1] silent for 1200 ms > 1000
    expect(gc.describe('g').groupState).toBe('PreparingRebalance');
    expect(gc.heartbeat('g', gen, ids[1]!, null)).toBe(E.UNKNOWN_MEMBER_ID);
    expect(gc.heartbeat('g', gen, ids[0]!, null)).toBe(E.REBALANCE_IN_PROGRESS);
    const r = await gc.join(req(ids[0]!), client);
    expect(r.generationId).toBe(gen + 1);
    expect(r.members.map((m) => m.memberId)).toEqual([ids[0]]);
  });

  it('drops members that do not rejoin within the rebalance timeout', async () => {
    const { ids, gen } = await stableGroup(2);
    const p = gc.join(req(ids[0]!), client);
    let done = false;
    void p.then(() => { done = true; });
    clock.advance(900);
    expect(gc.heartbeat('g', gen, ids[1]!, null)).toBe(E.REBALANCE_IN_PROGRESS);
    await tick();
    expect(done).toBe(false);
    clock.advance(1200); // rebalance timeout 2000 ms reached; ids[1] never rejoined
    const r = await p;
    expect(r.generationId).toBe(gen + 1);
    expect(r.members.map((m) => m.memberId)).toEqual([ids[0]]);
  });

  it('drops members that never send SyncGroup and starts another round', async () => {
    const { ids, gen } = await stableGroup(2);
    const pa = gc.join(req(ids[0]!), client);
    const pb = gc.join(req(ids[1]!), client);
    await Promise.all([pa, pb]);
    void gc.sync({ groupId: 'g', generationId: gen + 1, memberId: ids[1]!, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    for (let i = 0; i < 3; i++) {
      clock.advance(600);
      expect(gc.heartbeat('g', gen + 1, ids[0]!, null)).toBe(E.NONE);
      expect(gc.heartbeat('g', gen + 1, ids[1]!, null)).toBe(E.NONE);
    }
    clock.advance(300); // 2100 ms: the leader, alive but silent in SyncGroup, is dropped
    expect(gc.describe('g').groupState).toBe('PreparingRebalance');
    expect(gc.describe('g').members.map((m) => m.memberId)).toEqual([ids[1]]);
  });

  it('LeaveGroup (batched) removes members, reports unknown ones, and empties the group', async () => {
    const { ids } = await stableGroup(2);
    const r = gc.leave('g', [{ memberId: ids[1]!, groupInstanceId: null }, { memberId: 'ghost', groupInstanceId: null }]);
    expect(r.errorCode).toBe(0);
    expect(r.members.map((m) => m.errorCode)).toEqual([E.NONE, E.UNKNOWN_MEMBER_ID]);
    expect(gc.describe('g').groupState).toBe('PreparingRebalance');
    const rj = await gc.join(req(ids[0]!), client);
    expect(rj.members).toHaveLength(1);
    gc.leave('g', [{ memberId: ids[0]!, groupInstanceId: null }]);
    expect(gc.describe('g').groupState).toBe('Dead'); // no offsets: forgotten
    expect(gc.leave('nope', [{ memberId: 'x', groupInstanceId: null }]).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('static membership: a restarted member takes its slot without a rebalance; the old id is fenced', async () => {
    const s = { groupInstanceId: 'inst-1' };
    const p = gc.join(req('', s), client);
    clock.advance(0);
    const r1 = await p;
    expect(r1.errorCode).toBe(0);
    await gc.sync({ groupId: 'g', generationId: r1.generationId, memberId: r1.memberId, groupInstanceId: 'inst-1', protocolType: null, protocolName: null, assignments: [{ memberId: r1.memberId, assignment: Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) }] });
    expect(gc.describe('g').groupState).toBe('Stable');
    const r2 = await gc.join(req('', s), client);
    expect(r2.errorCode).toBe(0);
    expect(r2.memberId).not.toBe(r1.memberId);
    expect(r2.generationId).toBe(r1.generationId);
    expect(gc.describe('g').groupState).toBe('Stable');
    expect(gc.heartbeat('g', r1.generationId, r1.memberId, 'inst-1')).toBe(E.FENCED_INSTANCE_ID);
    expect(gc.heartbeat('g', r1.generationId, r2.memberId, 'inst-1')).toBe(E.NONE);
    const lv = gc.leave('g', [{ memberId: '', groupInstanceId: 'inst-1' }]);
    expect(lv.members[0]!.errorCode).toBe(E.NONE);
  });

  it('forgets handed-out member ids that are never used (no leak for vanished clients)', async () => {
    for (let i = 0; i < 50; i++) expect((await gc.join(req('', { groupId: `v${i}` }), client)).errorCode).toBe(E.MEMBER_ID_REQUIRED);
    expect(gc.stats().pendingMembers).toBe(50);
    clock.advance(1001);
    expect(gc.stats()).toMatchObject({ groups: 0, pendingMembers: 0 });
  });

  it('keeps memory bounded across 10,000 short-lived groups', async () => {
    for (let i = 0; i < 10_000; i++) {
      const gid = `short-${i}`;
      const first = await gc.join(req('', { groupId: gid }), client);
      const p = gc.join(req(first.memberId, { groupId: gid }), client);
      clock.advance(0);
      const r = await p;
      if (i % 2 === 0) gc.leave(gid, [{ memberId: r.memberId, groupInstanceId: null }]);
      else clock.advance(1001); // vanished: session expiry
    }
    expect(gc.stats()).toMatchObject({ groups: 0, members: 0, pendingMembers: 0, groupsWithOffsets: 0 });
  }, 60_000);
});

describe('committed offsets', () => {
  const commit = (gen: number, memberId: string, offsets: [string, number, number][], extra: { metadata?: string | null; groupId?: string } = {}) =>
    gc.commitOffsets({
      groupId: extra.groupId ?? 'g', generationId: gen, memberId, groupInstanceId: null, retentionTimeMs: -1,
      topics: [...new Set(offsets.map((o) => o[0]))].map((name) => ({
        name,
        partitions: offsets.filter((o) => o[0] === name).map(([, p, off]) => ({ partitionIndex: p, committedOffset: off, committedLeaderEpoch: -1, committedMetadata: extra.metadata ?? null })),
      })),
    });
  const codes = (r: Awaited<ReturnType<typeof commit>>): number[] => r.flatMap((t) => t.partitions.map((p) => p.errorCode));

  it('checks member and generation; allows standalone commits only without members', async () => {
    expect(codes(await commit(-1, '', [['t', 0, 5]], { groupId: 'solo' }))).toEqual([0]);
    expect(gc.fetchOffsets('solo', null)).toEqual([{ topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: '', errorCode: 0 }]);
    expect(codes(await commit(3, 'm', [['t', 0, 5]], { groupId: 'never-seen' }))).toEqual([E.ILLEGAL_GENERATION]);
    const { ids, gen } = await stableGroup(1);
    expect(codes(await commit(-1, '', [['t', 0, 1]]))).toEqual([E.UNKNOWN_MEMBER_ID]);
    expect(codes(await commit(gen, 'ghost', [['t', 0, 1]]))).toEqual([E.UNKNOWN_MEMBER_ID]);
    expect(codes(await commit(gen + 1, ids[0]!, [['t', 0, 1]]))).toEqual([E.ILLEGAL_GENERATION]);
    expect(codes(await commit(gen, ids[0]!, [['t', 0, 7], ['t', 9, 1], ['nope', 0, 1]]))).toEqual([0, E.UNKNOWN_TOPIC_OR_PARTITION, E.UNKNOWN_TOPIC_OR_PARTITION]);
    expect(codes(await commit(gen, ids[0]!, [['t', 1, 1]], { metadata: 'x'.repeat(5000) }))).toEqual([E.OFFSET_METADATA_TOO_LARGE]);
    expect(gc.fetchOffsets('g', [{ name: 't', partitionIndexes: [0, 1] }]).map((o) => o.offset)).toEqual([7, -1]);
  });

  it('writes Kafka key/value records to the group\'s __consumer_offsets partition and replays them on restart', async () => {
    const { ids, gen } = await stableGroup(2);
    await commit(gen, ids[0]!, [['t', 0, 10], ['t', 1, 20]]);
    await commit(gen, ids[1]!, [['t', 0, 11]]);
    const p = offsetsPartitionFor('g', 50);
    expect(logs.partition(OFFSETS_TOPIC, p)!.logEndOffset()).toBeGreaterThanOrEqual(4);
    for (let q = 0; q < 50; q++) if (q !== p) expect(logs.partition(OFFSETS_TOPIC, q)!.logEndOffset()).toBe(0);
    await reopen();
    expect(gc.fetchOffsets('g', null).map((o) => [o.partition, o.offset])).toEqual([[0, 11], [1, 20]]);
    const d = gc.describe('g');
    expect(d.groupState).toBe('Stable');
    expect(d.members.map((m) => m.memberId).sort()).toEqual([...ids].sort());
    expect(gc.list().map((g) => g.groupId)).toEqual(['g']);
  });

  it('restores a stable group after a restart: same generation, leader, members and assignments; heartbeats go on', async () => {
    const { ids, gen } = await stableGroup(2);
    const before = gc.describe('g');
    await reopen();
    const d = gc.describe('g');
    expect(d.groupState).toBe('Stable');
    expect(d.protocolData).toBe('range');
    expect(d.members.map((m) => [m.memberId, m.clientId, m.clientHost])).toEqual(before.members.map((m) => [m.memberId, m.clientId, m.clientHost]));
    for (const m of d.members) {
      const was = before.members.find((x) => x.memberId === m.memberId)!;
      expect(m.memberAssignment.equals(was.memberAssignment)).toBe(true);
      expect(m.memberMetadata.equals(SUB)).toBe(true);
      expect(decodeConsumerAssignment(m.memberAssignment).value.assignedPartitions).toEqual([{ topic: 't', partitions: [ids.indexOf(m.memberId)] }]);
    }
    expect(gen).toBeGreaterThan(0);
    for (const id of ids) expect(gc.heartbeat('g', gen, id, null)).toBe(E.NONE);
    expect(gc.heartbeat('g', gen - 1, ids[0]!, null)).toBe(E.ILLEGAL_GENERATION);
    const s = await gc.sync({ groupId: 'g', generationId: gen, memberId: ids[1]!, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] });
    expect(s.errorCode).toBe(E.NONE);
    expect(decodeConsumerAssignment(s.assignment).value.assignedPartitions).toEqual([{ topic: 't', partitions: [1] }]);
    expect(codes(await commit(gen, ids[1]!, [['t', 1, 5]]))).toEqual([E.NONE]);
  });

  it('a restored member that does not come back expires after its session timeout (timer starts at load)', async () => {
    const { ids, gen } = await stableGroup(2);
    clock.advance(900); // the old session deadline would pass before the new one: timers restart at load
    await reopen();
    clock.advance(600);
    expect(gc.heartbeat('g', gen, ids[0]!, null)).toBe(E.NONE);
    expect(gc.describe('g').groupState).toBe('Stable');
    clock.advance(500);
    expect(gc.describe('g').groupState).toBe('PreparingRebalance');
    expect(gc.describe('g').members.map((m) => m.memberId)).toEqual([ids[0]]);
    expect(gc.heartbeat('g', gen, ids[0]!, null)).toBe(E.REBALANCE_IN_PROGRESS);
    const r = await gc.join(req(ids[0]!), client);
    expect(r).toMatchObject({ errorCode: 0, generationId: gen + 1, leader: ids[0] });
    expect(r.members.map((m) => m.memberId)).toEqual([ids[0]]);
  });

  it('a restored group whose members all vanish becomes Empty, keeps its offsets, and is Empty after the next restart', async () => {
    const { ids, gen } = await stableGroup(1);
    await commit(gen, ids[0]!, [['t', 0, 3]]);
    await reopen();
    clock.advance(1001);
    await tick();
    expect(gc.describe('g').groupState).toBe('Empty');
    await reopen();
    const d = gc.describe('g');
    expect(d.groupState).toBe('Empty');
    expect(d.members).toEqual([]);
    expect(gc.fetchOffsets('g', null).map((o) => o.offset)).toEqual([3]);
  });

  it('compaction keeps the GroupMetadata record: the stable group survives compact + restart', async () => {
    await reopen({ compactAfterBytes: 1 << 30 });
    const { ids, gen } = await stableGroup(2);
    const p = offsetsPartitionFor('g', 50);
    for (let i = 0; i < 50; i++) await commit(gen, ids[0]!, [['t', 0, i]]);
    expect(await gc.store.compact(p)).toBeGreaterThan(0);
    expect(logs.partitionLog(OFFSETS_TOPIC, p)!.logStartOffset()).toBeGreaterThan(0);
    await reopen();
    const d = gc.describe('g');
    expect(d.groupState).toBe('Stable');
    expect(d.members.map((m) => m.memberId).sort()).toEqual([...ids].sort());
    expect(gc.heartbeat('g', gen, ids[1]!, null)).toBe(E.NONE);
    expect(gc.fetchOffsets('g', null).map((o) => o.offset)).toEqual([49]);
  });

  it('expires offsets of member-less groups after offsets.retention.minutes, then forgets the group', async () => {
    await reopen({ offsetsRetentionMs: 60_000 });
    await commit(-1, '', [['t', 0, 1]], { groupId: 'old' });
    clock.advance(30_000);
    expect(await gc.expireOffsets()).toBe(0);
    clock.advance(31_000);
    expect(await gc.expireOffsets()).toBe(1);
    expect(gc.fetchOffsets('old', null)).toEqual([]);
    expect(gc.describe('old').groupState).toBe('Dead');
    await reopen();
    expect(gc.fetchOffsets('old', null)).toEqual([]);
  });

  it('drops committed offsets of a deleted topic on the expiry pass', async () => {
    await logs.createTopic('doomed', 1);
    await commit(-1, '', [['doomed', 0, 3], ['t', 0, 4]], { groupId: 'mixed' });
    await logs.deleteTopic('doomed');
    expect(await gc.expireOffsets()).toBe(1);
    expect(gc.fetchOffsets('mixed', null).map((o) => o.topic)).toEqual(['t']);
  });

  it('DeleteGroups: NON_EMPTY_GROUP with members, GROUP_ID_NOT_FOUND when unknown, tombstones otherwise', async () => {
    await commit(-1, '', [['t', 0, 1]], { groupId: 'solo' });
    await stableGroup(1);
    expect(await gc.deleteGroups(['g', 'solo', 'ghost'])).toEqual([
      { groupId: 'g', errorCode: E.NON_EMPTY_GROUP }, { groupId: 'solo', errorCode: 0 }, { groupId: 'ghost', errorCode: E.GROUP_ID_NOT_FOUND },
    ]);
    await reopen();
    expect(gc.fetchOffsets('solo', null)).toEqual([]);
  });

  it('compacts __consumer_offsets: newest value per key survives, old segments go, restart agrees', async () => {
    await reopen({ compactAfterBytes: 20_000 });
    const p = offsetsPartitionFor('churn', 50);
    const pl = logs.partitionLog(OFFSETS_TOPIC, p)!;
    for (let i = 0; i < 400; i++) await commit(-1, '', [['t', i % 4, i]], { groupId: 'churn' });
    await commit(-1, '', [['t', 0, 1]], { groupId: 'gone' });
    await gc.deleteGroups(['gone']);
    const grown = pl.logEndOffset();
    expect(await gc.store.compact(p)).toBeGreaterThan(0);
    expect(pl.logStartOffset()).toBeGreaterThan(0);
    expect(pl.sizeInBytes()).toBeLessThan(5_000);
    expect(pl.logEndOffset()).toBeGreaterThan(grown);
    const want = gc.fetchOffsets('churn', null);
    expect(want.map((o) => o.offset)).toEqual([396, 397, 398, 399]);
    await reopen();
    expect(gc.fetchOffsets('churn', null)).toEqual(want);
    expect(gc.fetchOffsets('gone', null)).toEqual([]);
  });
});
