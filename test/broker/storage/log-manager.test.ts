import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { LogManagerImpl } from '../../../src/broker/storage/log-manager.js';
import { ManualClock } from '../../../src/broker/storage/clock.js';
import { buildBatch } from './batch-fixture.js';

let root: string;
beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'sluice-lm-')); });
afterEach(() => { rmSync(root, { recursive: true, force: true }); });

const open = (dirs = [join(root, 'a')], extra = {}): Promise<LogManagerImpl> =>
  LogManagerImpl.open({ logDirs: dirs, nodeId: 1, clock: new ManualClock(), ...extra });

describe('LogManager', () => {
  it('rejects topic-name attacks and keeps everything inside log.dirs', async () => {
    const lm = await open();
    for (const bad of ['../x', 'a/b', '', '.', '..', 'x'.repeat(250), 'a b', 'tópico', '..\\x']) {
      await expect(lm.createTopic(bad, 1)).rejects.toMatchObject({ code: 'INVALID_TOPIC_EXCEPTION' });
    }
    await lm.createTopic('x'.repeat(249), 1);
    await lm.createTopic('a.b', 1);
    await expect(lm.createTopic('a_b', 1)).rejects.toMatchObject({ code: 'INVALID_TOPIC_EXCEPTION' });
    expect(fs.readdirSync(root)).toEqual(['a']);
    await lm.close();
  });

  it('creates, persists ids and configs, adds partitions, deletes; reopens cleanly', async () => {
    const lm = await open();
    const t = await lm.createTopic('orders', 2, { 'retention.ms': '1000' });
    await expect(lm.createTopic('orders', 1)).rejects.toMatchObject({ code: 'TOPIC_ALREADY_EXISTS' });
    await expect(lm.createTopic('bad', 1, { 'retention.ms': 'soon' })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await expect(lm.createTopic('bad', 0)).rejects.toMatchObject({ code: 'INVALID_PARTITIONS' });
    expect(t.topicId).toHaveLength(16);
    const meta = fs.readFileSync(join(root, 'a', 'orders-0', 'partition.metadata'), 'utf8');
    expect(meta).toBe(`version: 0\ntopic_id: ${t.topicId.toString('base64url')}\n`);
    await lm.partition('orders', 1)!.append(buildBatch({ records: 4 }));
    await lm.addPartitions('orders', 3);
    await expect(lm.addPartitions('orders', 3)).rejects.toMatchObject({ code: 'INVALID_PARTITIONS' });
    await lm.alterTopicConfig('orders', { 'retention.ms': null, 'segment.bytes': '100000' });
    expect(lm.effectiveTopicConfig('orders')['segment.bytes']).toBe('100000');
    expect(lm.effectiveTopicConfig('orders')['retention.ms']).toBe('604800000');
    await lm.createTopic('gone', 1);
    await lm.deleteTopic('gone');
    expect(lm.describeTopic('gone')).toBeUndefined();
    expect(fs.existsSync(join(root, 'a', 'gone-0'))).toBe(false);
    await lm.close();
    const dirA = join(root, 'a');
    expect(fs.existsSync(join(dirA, '.kafka_cleanshutdown'))).toBe(true);
    expect(fs.readFileSync(join(dirA, 'meta.properties'), 'utf8')).toMatch(/version=1\nnode.id=1\ncluster.id=\S{22}\ndirectory.id=\S{22}\n/);
    const rp = fs.readFileSync(join(dirA, 'recovery-point-offset-checkpoint'), 'utf8').split('\n');
    expect(rp.slice(0, 2)).toEqual(['0', '3']);
    expect(rp).toContain('orders 1 4');
    const lm2 = await open();
    expect(fs.existsSync(join(dirA, '.kafka_cleanshutdown'))).toBe(false);
    const d = lm2.describeTopic('orders')!;
    expect(d.topicId.equals(t.topicId)).toBe(true);
    expect(d.partitions).toBe(3);
    expect(d.configs).toEqual({ 'segment.bytes': '100000' });
    expect(lm2.topicById(t.topicId)?.name).toBe('orders');
    expect(lm2.partition('orders', 1)!.logEndOffset()).toBe(4);
    expect(lm2.listTopics().map((x) => x.name)).toEqual(['orders']);
    await lm2.close();
  });

  it('topicById: maintained on create, delete, failed create and load; a copied partition dir gets a fresh id', async () => {
    const lm = await open([join(root, 'a'), join(root, 'b')]);
    const a = await lm.createTopic('alpha', 2);
    const b = await lm.createTopic('beta', 1);
    expect(lm.topicById(a.topicId)?.name).toBe('alpha');
    expect(lm.topicById(b.topicId)).toMatchObject({ name: 'beta', partitions: 1 });
    expect(lm.topicById(Buffer.alloc(16))).toBeUndefined();
    expect(lm.topicById(a.topicId.subarray(0, 8))).toBeUndefined();
    await lm.addPartitions('beta', 3);
    expect(lm.topicById(b.topicId)?.partitions).toBe(3);
    await lm.deleteTopic('alpha');
    expect(lm.topicById(a.topicId)).toBeUndefined();
    const again = await lm.createTopic('alpha', 1);
    expect(again.topicId.equals(a.topicId)).toBe(false);
    expect(lm.topicById(again.topicId)?.name).toBe('alpha');
    await lm.close();

    // Simulate an operator copying a partition dir under another topic's name: same id in partition.metadata.
    const home = fs.existsSync(join(root, 'a', 'beta-0')) ? 'a' : 'b';
    fs.cpSync(join(root, home, 'beta-0'), join(root, home, 'gamma-0'), { recursive: true });
    const lm2 = await open([join(root, 'a'), join(root, 'b')]);
    expect(['beta', 'gamma']).toContain(lm2.topicById(b.topicId)?.name);
    const beta = lm2.describeTopic('beta')!;
    const gamma = lm2.describeTopic('gamma')!;
    expect(beta.topicId.equals(gamma.topicId)).toBe(false);
    expect(lm2.topicById(beta.topicId)?.name).toBe('beta');
    expect(lm2.topicById(gamma.topicId)?.name).toBe('gamma');
    expect(lm2.topicById(again.topicId)?.name).toBe('alpha');
    expect(lm2.topicById(a.topicId)).toBeUndefined();
    await lm2.close();
  });

  it('places new partitions in the log dir with the fewest partitions', async () => {
    const dirs = [join(root, 'a'), join(root, 'b')];
    const lm = await open(dirs);
    await lm.createTopic('t', 4);
    expect(fs.readdirSync(dirs[0]!).filter((n) => n.startsWith('t-'))).toHaveLength(2);
    expect(fs.readdirSync(dirs[1]!).filter((n) => n.startsWith('t-'))).toHaveLength(2);
    await lm.close();
  });

  it('auto-creates with num.partitions only when enabled', async () => {
    const lm = await open([join(root, 'a')], { numPartitions: 3 });
    expect((await lm.ensureTopic('auto'))!.partitions).toBe(3);
    await lm.close();
    const lm2 = await open([join(root, 'a')], { autoCreateTopics: false });
    expect(await lm2.ensureTopic('other')).toBeUndefined();
    await lm2.close();
  });

  it('locks the log dir; a lock left by a dead process does not block', async () => {
    const lm = await open();
    await expect(open()).rejects.toMatchObject({ code: 'LOG_DIR_LOCKED' });
    await lm.close();
    // A lock file naming a pid that no longer exists (a SIGKILLed broker).
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    fs.writeFileSync(join(root, 'a', '.lock'), `${dead}\n`);
    const lm2 = await open();
    await lm2.close();
    // A lock held by a live foreign process blocks.
    fs.writeFileSync(join(root, 'a', '.lock'), `${process.ppid}\n`);
    await expect(open()).rejects.toMatchObject({ code: 'LOG_DIR_LOCKED' });
  });

  it('runs retention on its timer and checkpoints the new log start offset', async () => {
    const clock = new ManualClock();
    const lm = await open([join(root, 'a')], { clock, retentionCheckIntervalMs: 1000 });
    const b = buildBatch({ records: 1, valueSize: 100, timestamp: clock.now() });
    await lm.createTopic('r', 1, { 'segment.bytes': String(b.length), 'retention.ms': '5000' });
    for (let i = 0; i < 3; i++) await lm.partition('r', 0)!.append(Buffer.from(b));
    clock.advance(6000);
    expect(lm.partition('r', 0)!.logStartOffset()).toBe(3);
    expect(fs.readFileSync(join(root, 'a', 'log-start-offset-checkpoint'), 'utf8')).toContain('r 0 3');
    await lm.close();
  });
});
