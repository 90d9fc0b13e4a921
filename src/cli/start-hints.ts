/**
 * What `sluice agent --broker …` (npm start) prepares and prints.
 *
 * - `createTailTargets(plan)`: with an embedded broker only (the Sluice default scenario;
 *   plain Flume usage creates nothing, as Flume), for every TAILDIR file group whose last
 *   path segment names ONE file (a regex with no metacharacters besides escaped dots,
 *   e.g. `./logs/flume\.log`), the directory and an empty file are created when missing,
 *   so `npm start` works on a fresh checkout. Patterns (`.*\.log`) only get their directory.
 *   Returns the single files named.
 * - `formatStartHints(…)`: the lines printed to stdout once the agent runs: where to
 *   append, and how to read the topic with kcat and `sluice console-consumer`.
 * The agent's own logs go to stdout (pino), never into the tailed directory.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { AgentPlan } from '../config/flume-validate.js';

const TAILDIR_TYPES = new Set(['taildir', 'org.apache.flume.source.taildir.taildirsource']);
const KAFKA_SINK_TYPES = new Set(['kafka', 'org.apache.flume.sink.kafka.kafkasink']);

/** The literal file name a Java regex matches, or null when it is a real pattern. */
export function literalFileName(regex: string): string | null {
  if (!/^(?:[^\\.*+?()[\]{}|^$]|\\\.|\\-|\\_)+$/.test(regex)) return null;
  return regex.replace(/\\(.)/g, '$1');
}

export function createTailTargets(plan: AgentPlan): string[] {
  const files: string[] = [];
  for (const s of plan.sources) {
    if (!TAILDIR_TYPES.has(s.type.value.toLowerCase())) continue;
    const groups = (s.keys.get('filegroups')?.value ?? '').trim().split(/\s+/).filter((g) => g !== '');
    for (const g of groups) {
      const path = s.keys.get(`filegroups.${g}`)?.value;
      if (!path) continue;
      const dir = dirname(path);
      mkdirSync(dir, { recursive: true });
      const name = literalFileName(basename(path));
      if (name === null) continue;
      const file = join(dir, name);
      closeSync(openSync(file, 'a'));
      files.push(file);
    }
  }
  return files;
}

export interface KafkaSinkTarget {
  readonly sink: string;
  readonly topic: string;
}

export function kafkaSinkTopics(plan: AgentPlan): KafkaSinkTarget[] {
  return plan.sinks
    .filter((k) => KAFKA_SINK_TYPES.has(k.type.value.toLowerCase()))
    .map((k) => ({ sink: k.name, topic: k.keys.get('kafka.topic')?.value ?? k.keys.get('topic')?.value ?? 'default-flume-topic' }));
}

export function formatStartHints(opts: { files: readonly string[]; bootstrap: string; topics: readonly string[]; monitorUrl?: string }): string {
  const lines: string[] = ['', 'Sluice is running.'];
  for (const f of opts.files) lines.push(`  Append lines to   ${f}      e.g.  echo hello >> ${f}`);
  for (const t of opts.topics) {
    lines.push(`  Read topic ${t}:`);
    lines.push(`    kcat -C -b ${opts.bootstrap} -t ${t}`);
    lines.push(`    npx sluice console-consumer --bootstrap-server ${opts.bootstrap} --topic ${t} --from-beginning`);
  }
  if (opts.monitorUrl) lines.push(`  Monitor:          ${opts.monitorUrl}`);
  lines.push('  Stop with Ctrl-C (drains the channel first).', '');
  return lines.join('\n');
}
