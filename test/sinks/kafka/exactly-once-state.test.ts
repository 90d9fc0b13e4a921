/**
 * ExactlyOnceState.reconcile: what the sink hands a TAILDIR source at start. Regression
 * for the crash loop's lost tails: a stream whose last append precedes the checkpoint is
 * not seen by this start's log scan; it must still be handed over (from the checkpoint's
 * logPos), or a file rotated out of the pattern that the position file never listed is
 * never found again and its unread tail is lost.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecoverableSource } from '../../../src/agent/embedded-broker.js';
import { componentLogger } from '../../../src/logger.js';
import { ExactlyOnceState } from '../../../src/sinks/kafka/exactly-once-state.js';
import { savePositionFile } from '../../../src/sources/taildir/position-file.js';

const ROTATED = '64769:1001:59:00000000000000aa:0';
const CURRENT = '64769:1002:59:00000000000000bb:0';

function fakeSource(): RecoverableSource & { got: ReadonlyMap<string, number> | undefined } {
  const s = {
    name: 'r1',
    got: undefined as ReadonlyMap<string, number> | undefined,
    start: async (): Promise<void> => undefined,
    stop: async (): Promise<void> => undefined,
    setRecoveredPositions(m: ReadonlyMap<string, number>): void {
      s.got = m;
    },
  };
  return s;
}

/** A sink data dir whose checkpoint already covers the whole (here: empty) log. */
function checkpointed(logPos: Record<string, number>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-eo-'));
  writeFileSync(join(dir, 'exactly-once.json'), JSON.stringify({ topic: 't', next: {}, logPos, baseline: {} }));
  return dir;
}

describe('ExactlyOnceState.reconcile', () => {
  it('hands the source every stream the log knows, including those only in the checkpoint (not rescanned)', async () => {
    const eo = new ExactlyOnceState(checkpointed({ [ROTATED]: 5800, [CURRENT]: 1180 }), 't', componentLogger('test.eo'));
    await eo.recover([]);
    expect(eo.scanned.size).toBe(0); // nothing appended since the checkpoint
    const source = fakeSource();
    await eo.reconcile({ source, positionFile: undefined, durableChannel: false });
    expect(Object.fromEntries(source.got!)).toEqual({ [ROTATED]: 5800, [CURRENT]: 1180 });
  });

  it('with a position file that lists only the current file, the rotated one is still handed over', async () => {
    const dir = checkpointed({ [ROTATED]: 5800, [CURRENT]: 1180 });
    const pf = join(dir, 'taildir_position.json');
    await savePositionFile(pf, [{ inode: 1002, pos: 2000, file: '/logs/flume.log', dev: 64769, fpLen: 59, fp: '00000000000000bb', gen: 0 }]);
    const eo = new ExactlyOnceState(dir, 't', componentLogger('test.eo'));
    await eo.recover([]);
    const source = fakeSource();
    await eo.reconcile({ source, positionFile: pf, durableChannel: false });
    // Memory channel: the log wins over the position file that is ahead.
    expect(Object.fromEntries(source.got!)).toEqual({ [ROTATED]: 5800, [CURRENT]: 1180 });
  });
});
