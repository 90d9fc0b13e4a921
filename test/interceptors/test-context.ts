/**
 * Test helpers shared by the interceptor, everyday-source and everyday-sink tests:
 * component contexts built from plain props, and a fake SourceOutput that records
 * batches and can be told to reject with a ChannelFullError.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ComponentContext, ComponentKind, SourceContext, SourceOutput } from '../../src/agent/component.js';
import { ComponentProps } from '../../src/agent/component-props.js';
import { createComponentContext, createSourceContext } from '../../src/agent/component-context.js';
import { EventBatch } from '../../src/agent/event-batch.js';
import { ChannelFullError } from '../../src/channels/channel-errors.js';

export function context(kind: ComponentKind, props: Record<string, string | number | boolean>, extra: { signal?: AbortSignal; dataRoot?: string } = {}): ComponentContext {
  return createComponentContext({
    agentName: 'a1',
    kind,
    name: `${kind}1`,
    type: 'test',
    props: ComponentProps.fromObject(`a1.${kind}s.${kind}1`, props),
    ...extra,
  });
}

export class FakeOutput implements SourceOutput {
  readonly batches: EventBatch[] = [];
  /** When set, send() rejects (a ChannelFullError) this many more times (Infinity = always). */
  rejectNext = 0;
  rejected = 0;
  private waiters: (() => void)[] = [];

  async send(batch: EventBatch): Promise<void> {
    if (this.rejectNext > 0) {
      this.rejectNext--;
      this.rejected++;
      this.wake();
      throw new ChannelFullError('c1', "Space for commit to queue couldn't be acquired. Sinks are likely not keeping up with sources, or the buffer size is too tight");
    }
    this.batches.push(batch);
    this.wake();
  }

  bodies(): string[] {
    return this.batches.flatMap((b) => b.toEvents().map((e) => e.body.toString('utf8')));
  }

  events() {
    return this.batches.flatMap((b) => b.toEvents());
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when `pred()` holds; rejects after `ms`. */
  async until(pred: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for the condition');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

export function sourceContext(props: Record<string, string | number | boolean>, output: SourceOutput, signal?: AbortSignal): SourceContext {
  return createSourceContext(
    { agentName: 'a1', kind: 'source', name: 'r1', type: 'test', props: ComponentProps.fromObject('a1.sources.r1', props), ...(signal ? { signal } : {}) },
    output,
  );
}

export async function tempDir(prefix = 'sluice-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Polls `pred` until true or the deadline passes. */
export async function pollUntil(pred: () => boolean | Promise<boolean>, ms = 10_000, every = 20): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
    await new Promise((r) => setTimeout(r, every));
  }
}

export function batchOf(bodies: readonly string[], headers: readonly (Record<string, string> | undefined)[] = []): EventBatch {
  return EventBatch.fromEvents(bodies.map((b, i) => ({ body: Buffer.from(b), headers: headers[i] ?? {} })));
}
