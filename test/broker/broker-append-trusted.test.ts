// Broker.appendBatches with `trusted` (batches the agent's Kafka sink encoded in-process):
// the record walk and CRC are skipped, framing and max.message.bytes are still checked.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker } from '../../src/broker/broker.js';
import { parseBrokerConfig } from '../../src/broker/config/server-config.js';
import { batchOf } from './broker-test-kit.js';

let broker: Broker;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-trusted-'));
  const config = parseBrokerConfig(['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${join(dir, 'logs')}`, 'message.max.bytes=4096'].join('\n'), 'trusted.properties');
  broker = await Broker.start({ config, listen: false });
});
afterAll(async () => {
  await broker.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('appendBatches({ trusted: true })', () => {
  it('appends several batches in one call and counts their records from the headers', async () => {
    const buf = Buffer.concat([batchOf(['a', 'b', 'c']), batchOf(['d', 'e'])]);
    const r = await broker.appendBatches('tr', 0, buf, { trusted: true });
    expect(r.baseOffset).toBe(0);
    expect(broker.logs.partition('tr', 0)!.logEndOffset()).toBe(5);
    expect(broker.metricsSnapshot().topics['tr']).toMatchObject({ recordsIn: 5 });
  });

  it('does not re-check the CRC (the bytes are our own), but still checks the framing', async () => {
    const crcFlipped = Buffer.from(batchOf(['x']));
    crcFlipped[crcFlipped.length - 1] = crcFlipped[crcFlipped.length - 1]! ^ 1;
    await expect(broker.appendBatches('tr2', 0, crcFlipped)).rejects.toMatchObject({ code: 'CORRUPT_MESSAGE' });
    await expect(broker.appendBatches('tr2', 0, crcFlipped, { trusted: true })).resolves.toMatchObject({ baseOffset: 0 });

    const cut = batchOf(['y', 'z']).subarray(0, 70);
    await expect(broker.appendBatches('tr2', 0, cut, { trusted: true })).rejects.toMatchObject({ code: 'CORRUPT_MESSAGE', message: expect.stringMatching(/tr2-0: batch at byte 0: size \d+ does not fit/) });
    const badMagic = Buffer.from(batchOf(['m']));
    badMagic[16] = 1;
    await expect(broker.appendBatches('tr2', 0, badMagic, { trusted: true })).rejects.toMatchObject({ code: 'CORRUPT_MESSAGE', message: expect.stringMatching(/magic 1 is not 2/) });
    await expect(broker.appendBatches('tr2', 0, Buffer.alloc(0), { trusted: true })).rejects.toMatchObject({ code: 'CORRUPT_MESSAGE' });
    expect(broker.logs.partition('tr2', 0)!.logEndOffset()).toBe(1);
  });

  it('refuses a batch above max.message.bytes', async () => {
    const big = batchOf(['v'.repeat(5000)]);
    await expect(broker.appendBatches('tr3', 0, big, { trusted: true })).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
  });
});
