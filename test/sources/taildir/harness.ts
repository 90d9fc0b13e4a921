/**
 * Test harness for TAILDIR: a real source on real temp files, with a fake channel
 * output that records every committed line (as latin1 strings, so raw bytes survive)
 * and the highest committed end offset per stream — what the Kafka log would hold.
 * The output can refuse batches (channel full) on demand.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceContext } from '../../../src/agent/component.js';
import { ComponentProps } from '../../../src/agent/component-props.js';
import type { EventBatch } from '../../../src/agent/event-batch.js';
import { CounterGroup, SOURCE_COUNTERS } from '../../../src/agent/metrics.js';
import { SluiceError } from '../../../src/errors.js';
import { componentLogger } from '../../../src/logger.js';
import { TaildirSource } from '../../../src/sources/taildir/taildir-source.js';
import { parseTaildirConfig } from '../../../src/sources/taildir/taildir-config.js';

export class FakeOutput {
  readonly lines: string[] = [];
  readonly headers: Record<string, string>[] = [];
  readonly batches: EventBatch[] = [];
  /** Highest committed end offset per stream id. */
  readonly log = new Map<string, number>();
  /** Refuse the next N sends. */
  rejectNext = 0;
  refused = 0;
  /** Sends in progress while held (the source is then stuck inside a channel commit). */
  waiting = 0;
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;

  /** Blocks every send until release(). */
  hold(): void {
    if (!this.gate) this.gate = new Promise((r) => (this.openGate = r));
  }

  release(): void {
    this.openGate?.();
    this.gate = null;
    this.openGate = null;
  }

  async send(batch: EventBatch): Promise<void> {
    await Promise.resolve();
    while (this.gate) {
      this.waiting++;
      await this.gate;
      this.waiting--;
    }
    if (this.rejectNext > 0) {
      this.rejectNext--;
      this.refused++;
      throw new SluiceError('CHANNEL_FULL', 'fake channel full', { retriable: true });
    }
    this.batches.push(batch);
    for (let i = 0; i < batch.count; i++) {
      this.lines.push(batch.body(i).toString('latin1'));
      this.headers.push({ ...batch.headers(i) });
      const p = batch.positions!;
      const s = p.streams[p.streamOf[i]!]!;
      const off = p.endOffset[i]!;
      if ((this.log.get(s) ?? -1) < off) this.log.set(s, off);
    }
  }
}

export interface Harness {
  dir: string;
  logDir: string;
  posFile: string;
  cleanup(): Promise<void>;
}

export async function makeDirs(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-taildir-'));
  const logDir = join(dir, 'logs');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(logDir);
  return { dir, logDir, posFile: join(dir, 'state', 'taildir_position.json'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function makeSource(
  h: Harness,
  props: Record<string, string | number | boolean>,
  out: FakeOutput,
  opts: { recovered?: Map<string, number> } = {},
): { source: TaildirSource; metrics: CounterGroup; abort: AbortController } {
  const p = ComponentProps.fromObject('a1.sources.r1', {
    filegroups: 'f1',
    'filegroups.f1': join(h.logDir, 'app\\.log.*'),
    positionFile: h.posFile,
    pollInterval: 50,
    backoffSleepIncrement: 5,
    maxBackoffSleep: 20,
    ...props,
  });
  const metrics = new CounterGroup('SOURCE', 'r1', SOURCE_COUNTERS);
  const abort = new AbortController();
  const ctx: SourceContext = {
    agentName: 'a1',
    name: 'r1',
    type: 'TAILDIR',
    props: p,
    logger: componentLogger('sources.taildir'),
    metrics,
    dataDir: join(h.dir, 'data'),
    signal: abort.signal,
    broker: undefined,
    output: out,
  };
  const source = new TaildirSource(ctx, parseTaildirConfig(p));
  if (opts.recovered) source.setRecoveredPositions(opts.recovered);
  return { source, metrics, abort };
}

/** Polls `cond` until true or the deadline passes (then throws with `what`). */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Lines "<prefix>-<i>" for i in [from, to). */
export function lines(prefix: string, from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(`${prefix}-${i}`);
  return out;
}

export function text(ls: readonly string[]): string {
  return ls.map((l) => `${l}\n`).join('');
}

/** Groups lines by their prefix (text before the last '-') and checks each group's exact sequence. */
export function byPrefix(all: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const l of all) {
    const k = l.slice(0, l.lastIndexOf('-'));
    (out[k] ??= []).push(l);
  }
  return out;
}

/** Starts a source with `props` writing to `out`, then waits until `ready()` (`what` names it on timeout). */
export async function startSource(
  h: Harness,
  props: Record<string, string | number | boolean>,
  out: FakeOutput,
  ready: () => boolean,
  what: string,
): Promise<TaildirSource> {
  const { source } = makeSource(h, props, out);
  await source.start();
  await waitFor(ready, what);
  return source;
}

/** One agent run: startSource, then stop (the position file keeps what was committed). */
export async function runSource(
  h: Harness,
  props: Record<string, string | number | boolean>,
  out: FakeOutput,
  ready: () => boolean,
  what: string,
): Promise<void> {
  const source = await startSource(h, props, out, ready, what);
  await source.stop();
}
