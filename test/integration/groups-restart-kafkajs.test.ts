/**
 * Group metadata across a broker restart, with real kafkajs members (issue 4): the broker
 * is stopped and started in-process on the same log dir and port while a two-member group
 * is Stable. After the restart the coordinator describes the same generation and members
 * (restored from the GroupMetadata record in __consumer_offsets), a Heartbeat under a
 * restored member id is accepted, and the member that was SIGKILLed while the broker was
 * down is expired after its session timeout, so the survivor gets every partition in a
 * later generation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { ErrorCode } from '../../src/protocol/errors.js';
import { TestClient } from '../broker/broker-test-kit.js';
import { removeDir, startBroker, tempDir, waitFor, type RunningBroker } from '../broker/groups/group-test-kit.js';

const MEMBER = fileURLToPath(new URL('../broker/groups/fixtures/kafkajs-member.mjs', import.meta.url));
const SESSION_MS = 3000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

describe('consumer group across a broker restart', () => {
  it('comes back Stable with the same generation and members; the vanished member expires after its session timeout', async () => {
    const dir = await tempDir();
    cleanups.push(() => removeDir(dir));
    let b: RunningBroker = await startBroker(dir);
    const port = b.port;
    cleanups.push(() => b.stop());
    await b.broker.logs.createTopic('rs', 4);

    const kafka = new Kafka({ clientId: 'it', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
    const joins: { memberId: string; partitions: number[] }[] = [];
    const c = kafka.consumer({ groupId: 'survivors', sessionTimeout: SESSION_MS, rebalanceTimeout: 5000, heartbeatInterval: 300, maxWaitTimeInMs: 100 });
    c.on(c.events.GROUP_JOIN, (e) => { joins.push({ memberId: e.payload.memberId, partitions: [...(e.payload.memberAssignment['rs'] ?? [])].sort() }); });
    await c.connect();
    cleanups.push(() => c.disconnect());
    await c.subscribe({ topic: 'rs', fromBeginning: true });
    await c.run({ eachMessage: async () => undefined });

    const child: ChildProcess = spawn(process.execPath, [MEMBER, b.bootstrap, 'survivors', 'rs'], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
    let childAssigned: number[] = [];
    let buf = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = JSON.parse(buf.slice(0, nl)) as { assigned?: number[] };
        buf = buf.slice(nl + 1);
        if (line.assigned) childAssigned = [...line.assigned].sort();
      }
    });
    const coordinator = () => b.broker.groups!;
    await waitFor(() => coordinator().describe('survivors').groupState === 'Stable' && coordinator().describe('survivors').members.length === 2
      && joins.at(-1)?.partitions.length === 2 && childAssigned.length === 2, 'a stable group of 2 members with 2 partitions each', 30_000);
    const before = coordinator().describe('survivors');
    const gen = coordinator().generationOf('survivors');
    const mine = joins.at(-1)!.memberId;
    const joinsBefore = joins.length;

    await b.stop();
    child.kill('SIGKILL');
    await new Promise<void>((resolve) => { if (child.exitCode !== null || child.signalCode !== null) resolve(); else child.once('exit', () => resolve()); });
    b = await startBroker(dir, [], port);

    const after = coordinator().describe('survivors');
    expect(after.groupState).toBe('Stable');
    expect(coordinator().generationOf('survivors')).toBe(gen);
    expect(after.protocolData).toBe(before.protocolData);
    expect(after.members.map((m) => [m.memberId, m.clientId]).sort()).toEqual(before.members.map((m) => [m.memberId, m.clientId]).sort());
    for (const m of after.members) {
      expect(m.memberAssignment.equals(before.members.find((x) => x.memberId === m.memberId)!.memberAssignment)).toBe(true);
    }

    // Over the wire, the restored members are known at the restored generation: a Heartbeat
    // under the killed member's id is not UNKNOWN_MEMBER_ID (NONE, or REBALANCE_IN_PROGRESS
    // if the in-process consumer has already restarted, see below).
    const childId = before.members.find((m) => m.memberId !== mine)!.memberId;
    const sock = connect(port, '127.0.0.1');
    cleanups.push(() => { sock.destroy(); });
    const raw = new TestClient(sock);
    const hb = await raw.request<{ errorCode: number }>(12, 4, { groupId: 'survivors', generationId: gen, memberId: childId, groupInstanceId: null });
    expect([ErrorCode.NONE, ErrorCode.REBALANCE_IN_PROGRESS]).toContain(hb.errorCode);
    sock.destroy();

    // kafkajs 2.2.4 restarts its consumer when its only broker went away (KafkaJSNoBrokerAvailableError
    // from the fetch manager: a client-side crash + restart, which sends LeaveGroup under its
    // old, restored, member id and joins afresh). The killed member never heartbeats again, so
    // it is expired after its session timeout and the in-process consumer owns all 4 partitions.
    await waitFor(() => joins.length > joinsBefore && joins.at(-1)!.partitions.length === 4, 'the survivor to own all 4 partitions', SESSION_MS + 20_000);
    await waitFor(() => coordinator().describe('survivors').groupState === 'Stable', 'the group to settle', 10_000);
    expect(coordinator().generationOf('survivors')).toBeGreaterThan(gen);
    const final = coordinator().describe('survivors');
    expect(final.members.map((m) => m.memberId)).toEqual([joins.at(-1)!.memberId]);
    expect(final.members.map((m) => m.memberId)).not.toContain(childId);
  }, 60_000);
});
