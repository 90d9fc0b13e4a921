/**
 * Test helper for the Kafka-style CLI tools: a ToolIo that records every stdout and
 * stderr line the tool prints, so tests assert exact output.
 */
import type { ToolIo } from '../../src/cli/topics.js';

export type CapturedIo = ToolIo & { lines: string[]; errs: string[] };

/** A fresh ToolIo recording output lines in `lines` and error lines in `errs`. */
export function capture(): CapturedIo {
  const lines: string[] = [];
  const errs: string[] = [];
  return { lines, errs, out: (l) => lines.push(l), err: (l) => errs.push(l) };
}
