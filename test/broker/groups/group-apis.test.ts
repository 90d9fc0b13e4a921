/**
 * The group APIs through a whole in-memory broker session, at every version of the
 * issue's table: ApiVersions advertises them from MinVersion 0; FindCoordinator 0–4,
 * JoinGroup 0–7, SyncGroup 0–5, Heartbeat 0–4, LeaveGroup 0–4, OffsetCommit 0–8,
 * OffsetFetch 0–8, DescribeGroups 0–5 (decoded ConsumerProtocol bytes), ListGroups 0–4,
 * DeleteGroups 0–2, InitProducerId 0–4.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker, type TestClient } from '../broker-test-kit.js';
import { FAST_GROUP_PROPS } from './group-test-kit.js';
import { decodeConsumerAssignment, decodeConsumerSubscription, encodeConsumerAssignment, encodeConsumerSubscription } from '../../../src/protocol/consumer-protocol.js';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let tb: TestBroker;
let c: TestClient;

beforeAll(async () => {
  tb = await startTestBroker(FAST_GROUP_PROPS);
  await tb.broker.logs.createTopic('t', 2);
  c = tb.connect();
});
afterAll(async () => { await tb.close(); });

const SUB = encodeConsumerSubscription({ topics: ['t'] }, 1);

async function formGroup(group: string, joinV: number, syncV: number): Promise<{ memberId: string; gen: number }> {
  let r = await c.request<Body>(11, joinV, {
    groupId: group, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null,
    protocolType: 'consumer', protocols: [{ name: 'range', metadata: SUB }],
  });
  if (joinV >= 4) {
    expect(r.errorCode).toBe(79);
    r = await c.request<Body>(11, joinV, {
      groupId: group, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: r.memberId, groupInstanceId: null,
      protocolType: 'consumer', protocols: [{ name: 'range', metadata: SUB }],
    });
  }
  expect(r.errorCode).toBe(0);
  expect(r.leader).toBe(r.memberId);
  expect(r.protocolName).toBe('range');
  if (joinV >= 7) expect(r.protocolType).toBe('consumer');
  expect(decodeConsumerSubscription(r.members[0].metadata).value.topics).toEqual(['t']);
  const assignment = encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: [0, 1] }] });
  const s = await c.request<Body>(14, syncV, {
    groupId: group, generationId: r.generationId, memberId: r.memberId, groupInstanceId: null,
    protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: r.memberId, assignment }],
  });
  expect(s.errorCode).toBe(0);
  expect(Buffer.from(s.assignment).equals(assignment)).toBe(true);
  return { memberId: r.memberId, gen: r.generationId };
}

describe('group APIs over a session', () => {
  it('ApiVersions advertises every group API from version 0 to the issue maximum', async () => {
    const r = await c.request<Body>(18, 3, {});
    const got = new Map((r.apiKeys as Body[]).map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    for (const [key, max] of [[10, 4], [11, 7], [14, 5], [12, 4], [13, 4], [8, 8], [9, 8], [15, 5], [16, 4], [42, 2], [22, 4]] as const) {
      expect(got.get(key), `api ${key}`).toEqual([0, max]);
    }
  });

  it('FindCoordinator v0-4 answers this broker; v4 batches keys; transaction keys are refused', async () => {
    for (let v = 0; v <= 3; v++) {
      const r = await c.request<Body>(10, v, { key: 'g', keyType: 0 });
      expect(r.errorCode).toBe(0);
      expect(r.nodeId).toBe(0);
    }
    const r4 = await c.request<Body>(10, 4, { keyType: 0, coordinatorKeys: ['a', 'b'] });
    expect((r4.coordinators as Body[]).map((x) => [x.key, x.errorCode, x.nodeId])).toEqual([['a', 0, 0], ['b', 0, 0]]);
    const tx = await c.request<Body>(10, 2, { key: 'tx', keyType: 1 });
    expect(tx.errorCode).toBe(42);
  });

  for (let v = 0; v <= 7; v++) {
    it(`JoinGroup v${v} / SyncGroup / Heartbeat / OffsetCommit / OffsetFetch / LeaveGroup round`, async () => {
      const group = `grp-v${v}`;
      const syncV = Math.min(v, 5);
      const hbV = Math.min(v, 4);
      const { memberId, gen } = await formGroup(group, v, syncV);
      expect((await c.request<Body>(12, hbV, { groupId: group, generationId: gen, memberId, groupInstanceId: null })).errorCode).toBe(0);
      expect((await c.request<Body>(12, hbV, { groupId: group, generationId: gen + 1, memberId, groupInstanceId: null })).errorCode).toBe(22);
      const commitV = Math.min(v + 1, 8);
      const cr = await c.request<Body>(8, commitV, {
        groupId: group, generationIdOrMemberEpoch: gen, memberId, groupInstanceId: null, retentionTimeMs: -1n,
        topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: BigInt(40 + v), committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: 'm' }] }],
      });
      expect(cr.topics[0].partitions[0].errorCode).toBe(0);
      const fetchV = Math.min(v + 1, 7);
      const fr = await c.request<Body>(9, fetchV, { groupId: group, topics: [{ name: 't', partitionIndexes: [0, 1] }], requireStable: false });
      expect(fr.topics[0].partitions.map((p: Body) => [p.partitionIndex, Number(p.committedOffset), p.metadata])).toEqual([[0, 40 + v, 'm'], [1, -1, '']]);
      const lv = Math.min(v, 4);
      const lr = await c.request<Body>(13, lv, lv >= 3 ? { groupId: group, members: [{ memberId, groupInstanceId: null }] } : { groupId: group, memberId });
      expect(lr.errorCode).toBe(0);
      if (lv >= 3) expect(lr.members[0].errorCode).toBe(0);
    });
  }

  it('OffsetCommit v0 is a standalone commit; OffsetFetch v8 batches groups', async () => {
    const r0 = await c.request<Body>(8, 0, { groupId: 'solo', topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 9n, committedMetadata: null }] }] });
    expect(r0.topics[0].partitions[0].errorCode).toBe(0);
    const r8 = await c.request<Body>(9, 8, { groups: [{ groupId: 'solo', memberId: null, memberEpoch: -1, topics: null }, { groupId: 'none', memberId: null, memberEpoch: -1, topics: [{ name: 't', partitionIndexes: [0] }] }], requireStable: true });
    expect(r8.groups.map((g: Body) => [g.groupId, g.errorCode, g.topics.flatMap((t: Body) => t.partitions.map((p: Body) => Number(p.committedOffset)))])).toEqual([['solo', 0, [9]], ['none', 0, [-1]]]);
    const unknownTopic = await c.request<Body>(8, 8, { groupId: 'solo', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'missing', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }] });
    expect(unknownTopic.topics[0].partitions[0].errorCode).toBe(3);
  });

  it('DescribeGroups v0-5 shows members with decodable subscription and assignment; ListGroups v0-4; DeleteGroups v0-2', async () => {
    const { memberId } = await formGroup('described', 7, 5);
    for (let v = 0; v <= 5; v++) {
      const d = (await c.request<Body>(15, v, { groups: ['described', 'ghost'], includeAuthorizedOperations: false })).groups;
      expect(d[0]).toMatchObject({ errorCode: 0, groupId: 'described', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
      const m = d[0].members[0];
      expect(m.memberId).toBe(memberId);
      expect(m.clientId).toBe('test');
      expect(m.clientHost).toBe('/memory-client');
      expect(decodeConsumerSubscription(m.memberMetadata).value.topics).toEqual(['t']);
      expect(decodeConsumerAssignment(m.memberAssignment).value.assignedPartitions).toEqual([{ topic: 't', partitions: [0, 1] }]);
      expect(d[1]).toMatchObject({ errorCode: 0, groupState: 'Dead', members: [] });
    }
    for (let v = 0; v <= 4; v++) {
      const l = await c.request<Body>(16, v, { statesFilter: v >= 4 ? ['stable'] : [] });
      const ids = (l.groups as Body[]).map((g) => g.groupId);
      expect(ids).toContain('described');
      if (v >= 4) expect(ids).toEqual(['described']);
    }
    for (let v = 0; v <= 2; v++) {
      const r = await c.request<Body>(42, v, { groupsNames: ['described', `nope-${v}`] });
      expect(r.results.map((x: Body) => x.errorCode)).toEqual([68, 69]);
    }
    await c.request<Body>(13, 4, { groupId: 'described', members: [{ memberId, groupInstanceId: null }] });
    const del = await c.request<Body>(42, 2, { groupsNames: ['solo'] });
    expect(del.results[0].errorCode).toBe(0);
  });

  it('InitProducerId v0-4 hands out distinct ids; v3+ bumps the epoch; transactional ids are refused', async () => {
    const ids = new Set<bigint>();
    for (let v = 0; v <= 4; v++) {
      const r = await c.request<Body>(22, v, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
      expect(r.errorCode).toBe(0);
      expect(r.producerEpoch).toBe(0);
      ids.add(r.producerId);
    }
    expect(ids.size).toBe(5);
    const first = await c.request<Body>(22, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
    const bumped = await c.request<Body>(22, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: first.producerId, producerEpoch: 0 });
    expect([bumped.producerId, bumped.producerEpoch]).toEqual([first.producerId, 1]);
    const stale = await c.request<Body>(22, 3, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: first.producerId, producerEpoch: 0 });
    expect(stale.errorCode).toBe(47);
    const tx = await c.request<Body>(22, 2, { transactionalId: 'tx-1', transactionTimeoutMs: 60_000 });
    expect(tx.errorCode).toBe(42);
  });
});
