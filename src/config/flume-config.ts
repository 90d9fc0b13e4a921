/**
 * The Flume configuration model of one agent, built from properties entries.
 *
 * Input: the entries of one or more `-f` files, in order (later files win). Rules, as
 * Flume's FlumeConfiguration:
 * - keys and values are trimmed; an empty value is rejected with a warning
 *   (PROPERTY_VALUE_NULL) and the key is ignored;
 * - ${} substitution applies to values only (flume-substitution.ts);
 * - only keys starting with `<agent>.` belong to the agent; other agents are ignored;
 * - `<agent>.sources|channels|sinks|sinkgroups` are lists split on \s+; a repeated list
 *   key keeps the FIRST value (DUPLICATE_PROPERTY warning); any other repeated key: the
 *   last wins (a repeat inside one file is warned, a later -f file overrides silently);
 * - `<agent>.<kind>.<name>.<key>`: the name ends at the next dot; `<key>` may contain dots.
 *   Anything else under the agent → warning "Invalid property specified".
 * Every value keeps file:line. The model is plain data, immutable once returned; the
 * structural validation (flume-validate.ts) and the topology builder read it.
 */
import type { PropertyEntry } from './properties.js';
import type { LocatedValue } from '../agent/component-props.js';
import { substitute, type SubstitutionSources } from './flume-substitution.js';

export type { LocatedValue } from '../agent/component-props.js';

export type ComponentSection = 'sources' | 'channels' | 'sinks' | 'sinkgroups';
export const SECTIONS: readonly ComponentSection[] = ['sources', 'channels', 'sinks', 'sinkgroups'];

/** A problem found while loading or validating. `error` means the agent cannot run (exit 2). */
export interface ConfigIssue {
  readonly severity: 'warning' | 'error';
  /** Stable code, e.g. DUPLICATE_PROPERTY, COMPONENT_NO_TYPE, UNKNOWN_TYPE, UNSUPPORTED_TYPE. */
  readonly code: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly key?: string;
  /** `sources.r1`, `sinkgroups.g1`, … when the issue concerns one component. */
  readonly component?: string;
}

export interface LocatedList {
  readonly names: readonly string[];
  readonly file: string;
  readonly line: number;
}

export interface FlumeAgentConfig {
  readonly agentName: string;
  /** False when no key starts with `<agent>.` (Flume: "No configuration found for this host"). */
  readonly found: boolean;
  /** The active lists (`a1.sources = r1 r2`, …); absent when not set. */
  readonly lists: Readonly<Partial<Record<ComponentSection, LocatedList>>>;
  /** Per section, per component name: its keys (after `<agent>.<section>.<name>.`). */
  readonly contexts: Readonly<Record<ComponentSection, ReadonlyMap<string, ReadonlyMap<string, LocatedValue>>>>;
  /** All substituted agent keys, full key → value (for tools and the monitor). */
  readonly all: ReadonlyMap<string, LocatedValue>;
  readonly issues: readonly ConfigIssue[];
}

export interface BuildModelOptions {
  /** -D properties, for ${sys:X}. */
  readonly sys?: Readonly<Record<string, string | undefined>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function buildFlumeModel(agentName: string, entries: readonly PropertyEntry[], options: BuildModelOptions = {}): FlumeAgentConfig {
  const issues: ConfigIssue[] = [];
  const warn = (code: string, message: string, e: { file: string; line: number; key?: string }, component?: string): void => {
    issues.push({ severity: 'warning', code, message: `${e.file}:${e.line}: ${message}`, file: e.file, line: e.line, ...(e.key !== undefined ? { key: e.key } : {}), ...(component ? { component } : {}) });
  };

  // Raw key → value (last wins) for ${key} references.
  const rawKeys = new Map<string, string>();
  for (const e of entries) rawKeys.set(e.key.trim(), e.value.trim());
  const sources: SubstitutionSources = { env: options.env ?? process.env, sys: options.sys ?? {}, keys: rawKeys };

  const prefix = `${agentName}.`;
  const lists: Partial<Record<ComponentSection, LocatedList>> = {};
  const contexts: Record<ComponentSection, Map<string, Map<string, LocatedValue>>> = {
    sources: new Map(), channels: new Map(), sinks: new Map(), sinkgroups: new Map(),
  };
  const all = new Map<string, LocatedValue>();
  let found = false;

  for (const e of entries) {
    const key = e.key.trim();
    if (!key.startsWith(prefix)) continue;
    found = true;
    const value = substitute(e.value.trim(), sources).trim();
    const loc = { file: e.file, line: e.line, key };
    if (value === '') {
      warn('PROPERTY_VALUE_NULL', `${key}: empty value rejected; the key is ignored`, loc);
      continue;
    }
    const located: LocatedValue = { value, file: e.file, line: e.line };
    const rest = key.slice(prefix.length);
    if ((SECTIONS as readonly string[]).includes(rest) || rest === 'configfilters') {
      if (rest === 'configfilters') {
        warn('UNSUPPORTED_PROPERTY', `${key}: config filters are not supported by Sluice; use \${env:X} or \${sys:X} instead`, loc);
        continue;
      }
      const section = rest as ComponentSection;
      const prev = lists[section];
      if (prev) {
        warn('DUPLICATE_PROPERTY', `${key}: duplicate list ignored; the first one (${prev.file}:${prev.line}) is kept`, loc);
        continue;
      }
      lists[section] = { names: value.split(/\s+/).filter((s) => s.length > 0), file: e.file, line: e.line };
      all.set(key, located);
      continue;
    }
    const dot = rest.indexOf('.');
    const section = dot < 0 ? undefined : (rest.slice(0, dot) as ComponentSection);
    if (section === undefined || !SECTIONS.includes(section)) {
      warn('INVALID_PROPERTY', `Invalid property specified: ${key}`, loc);
      continue;
    }
    const afterSection = rest.slice(dot + 1);
    const nameEnd = afterSection.indexOf('.');
    const name = nameEnd < 0 ? '' : afterSection.slice(0, nameEnd);
    const sub = nameEnd < 0 ? '' : afterSection.slice(nameEnd + 1);
    if (name === '' || sub === '') {
      warn('INVALID_PROPERTY', `Invalid property specified: ${key}`, loc);
      continue;
    }
    let ctx = contexts[section].get(name);
    if (!ctx) {
      ctx = new Map();
      contexts[section].set(name, ctx);
    }
    const prev = ctx.get(sub);
    if (prev && prev.file === e.file) {
      warn('DUPLICATE_KEY', `${key}: set again; this value replaces the one at ${prev.file}:${prev.line}`, loc, `${section}.${name}`);
    }
    ctx.set(sub, located);
    all.set(key, located);
  }

  return { agentName, found, lists, contexts, all, issues };
}
