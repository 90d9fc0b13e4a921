/**
 * Structural validation of a Flume agent model (flume.md §1.2), before any component is
 * built. Produces an AgentPlan — the components that may run, with their keys split into
 * structure (type, wiring, selector, interceptors, processor) and component properties —
 * plus issues, each with file:line and key.
 *
 * Outcomes, as Flume's:
 * - no key for the agent → warning NO_CONFIGURATION, `idle` plan (process stays up);
 * - `<agent>.channels` missing, or no valid channel → error (nothing runs);
 * - a listed name with no keys / no type → that component removed (warning);
 * - an unknown source/channel/sink type → error UNKNOWN_TYPE (fatal at start-up);
 * - a Flume type Sluice does not implement → warning UNSUPPORTED_TYPE, component removed;
 * - source without active channels, sink whose channel is not active → removed;
 * - unknown selector/interceptor/processor type → the source / group removed;
 * - group sinks unknown or already in another group → dropped from the group; empty
 *   group removed; a channel no component uses → removed;
 * - no valid source and no valid sink → error.
 * The topology builder continues with component-level checks (create() errors, batch
 * sizes, unknown keys) and calls pruneUnconnectedChannels again. Pure function.
 */
import type { ComponentSection, ConfigIssue, FlumeAgentConfig, LocatedValue } from './flume-config.js';

export type TypeKind = 'source' | 'channel' | 'sink' | 'interceptor' | 'selector' | 'processor';
export type TypeResolver = (kind: TypeKind, type: string) => 'found' | 'unsupported' | 'unknown';

export interface PlannedComponent {
  readonly name: string;
  readonly type: LocatedValue;
  /** Component properties only (structural keys removed). */
  readonly keys: ReadonlyMap<string, LocatedValue>;
}

export interface PlannedSub {
  readonly name: string;
  readonly type: string;
  readonly keys: ReadonlyMap<string, LocatedValue>;
}

export interface PlannedSource extends PlannedComponent {
  readonly channels: readonly string[];
  /** `selector.*` keys with the prefix removed; type defaults to replicating. */
  readonly selector: PlannedSub;
  readonly interceptors: readonly PlannedSub[];
}

export interface PlannedSink extends PlannedComponent {
  readonly channel: string;
}

export interface PlannedGroup {
  readonly name: string;
  readonly sinks: readonly string[];
  /** `processor.*` keys with the prefix removed; type defaults to default. */
  readonly processor: PlannedSub;
}

export interface AgentPlan {
  readonly agentName: string;
  /** True when the agent has no configuration at all: run nothing, stay up. */
  readonly idle: boolean;
  sources: PlannedSource[];
  channels: PlannedComponent[];
  sinks: PlannedSink[];
  sinkgroups: PlannedGroup[];
  readonly issues: ConfigIssue[];
}

const KIND_OF: Record<ComponentSection, TypeKind | undefined> = { sources: 'source', channels: 'channel', sinks: 'sink', sinkgroups: undefined };
const SINGULAR: Record<ComponentSection, string> = { sources: 'source', channels: 'channel', sinks: 'sink', sinkgroups: 'sink group' };

/** Keys under `prefix.` with the prefix removed. */
function subKeys(keys: ReadonlyMap<string, LocatedValue>, prefix: string): Map<string, LocatedValue> {
  const out = new Map<string, LocatedValue>();
  for (const [k, v] of keys) if (k.startsWith(`${prefix}.`)) out.set(k.slice(prefix.length + 1), v);
  return out;
}

const listOf = (v: LocatedValue | undefined): string[] => (v ? v.value.split(/\s+/).filter((s) => s.length > 0) : []);

export function hasErrors(issues: readonly ConfigIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}

export function validateFlumeModel(model: FlumeAgentConfig, resolve: TypeResolver): AgentPlan {
  const issues: ConfigIssue[] = [...model.issues];
  const plan: AgentPlan = { agentName: model.agentName, idle: false, sources: [], channels: [], sinks: [], sinkgroups: [], issues };
  const a = model.agentName;
  const issue = (severity: 'warning' | 'error', code: string, msg: string, at?: { file: string; line: number }, key?: string, component?: string): void => {
    issues.push({
      severity, code, message: at ? `${at.file}:${at.line}: ${msg}` : msg,
      ...(at ? { file: at.file, line: at.line } : {}), ...(key !== undefined ? { key } : {}), ...(component ? { component } : {}),
    });
  };

  if (!model.found) {
    issue('warning', 'NO_CONFIGURATION', `No configuration found for this host:${a}`);
    return { ...plan, idle: true };
  }

  // Components configured but not listed as active.
  for (const section of ['sources', 'channels', 'sinks', 'sinkgroups'] as const) {
    const active = new Set(model.lists[section]?.names ?? []);
    for (const [name, keys] of model.contexts[section]) {
      if (active.has(name)) continue;
      const first = keys.values().next().value as LocatedValue;
      issue('warning', 'COMPONENT_NOT_ACTIVE', `${a}.${section}.${name}: configured but not listed in ${a}.${section}; ignored`, first, `${a}.${section}`, `${section}.${name}`);
    }
  }

  /** Common checks: keys present, type present and known. Returns the type or undefined (removed). */
  const typed = (section: ComponentSection, name: string): { keys: ReadonlyMap<string, LocatedValue>; type: LocatedValue } | undefined => {
    const list = model.lists[section]!;
    const keys = model.contexts[section].get(name);
    const label = `${a}.${section}.${name}`;
    if (!keys) {
      issue('warning', 'COMPONENT_EMPTY', `Configuration empty for: ${name} (listed in ${a}.${section} but ${label}.* has no keys); removed`, list, `${a}.${section}`, `${section}.${name}`);
      return undefined;
    }
    const type = keys.get('type');
    const kind = KIND_OF[section];
    if (!kind) return { keys, type: type ?? { value: 'default', file: list.file, line: list.line } };
    if (!type) {
      const first = keys.values().next().value as LocatedValue;
      issue('warning', 'COMPONENT_NO_TYPE', `${label}: Component has no type (${label}.type is missing); removed`, first, `${label}.type`, `${section}.${name}`);
      return undefined;
    }
    const r = resolve(kind, type.value);
    if (r === 'unknown') {
      issue('error', 'UNKNOWN_TYPE', `${label}.type: unknown ${SINGULAR[section]} type or class "${type.value}"`, type, `${label}.type`, `${section}.${name}`);
      return undefined;
    }
    if (r === 'unsupported') {
      issue('warning', 'UNSUPPORTED_TYPE', `${label}.type: ${SINGULAR[section]} type "${type.value}" is a Flume type not supported by Sluice; ${name} is removed`, type, `${label}.type`, `${section}.${name}`);
      return undefined;
    }
    return { keys, type };
  };

  const dedupe = (section: ComponentSection): string[] => {
    const list = model.lists[section];
    if (!list) return [];
    const seen = new Set<string>();
    const out: string[] = [];
    for (const n of list.names) {
      if (seen.has(n)) {
        issue('warning', 'DUPLICATE_NAME', `${a}.${section}: "${n}" is listed twice; once is enough`, list, `${a}.${section}`);
        continue;
      }
      seen.add(n);
      out.push(n);
    }
    return out;
  };

  // Channels.
  if (!model.lists.channels) {
    issue('error', 'NO_CHANNELS', `${a}.channels is missing: an agent needs at least one channel`);
    return plan;
  }
  for (const name of dedupe('channels')) {
    const t = typed('channels', name);
    if (!t) continue;
    const keys = new Map(t.keys);
    keys.delete('type');
    plan.channels.push({ name, type: t.type, keys });
  }
  if (plan.channels.length === 0) {
    issue('error', 'NO_VALID_CHANNELS', `${a}.channels: no valid channel, nothing can run`, model.lists.channels, `${a}.channels`);
    return plan;
  }
  const activeChannels = new Set(plan.channels.map((c) => c.name));

  // Sources.
  for (const name of dedupe('sources')) {
    const t = typed('sources', name);
    if (!t) continue;
    const label = `${a}.sources.${name}`;
    const comp = `sources.${name}`;
    const chKey = t.keys.get('channels');
    if (!chKey) {
      const first = t.type;
      issue('warning', 'SOURCE_NO_CHANNELS', `${label}.channels is missing; source removed`, first, `${label}.channels`, comp);
      continue;
    }
    const channels: string[] = [];
    for (const c of listOf(chKey)) {
      if (activeChannels.has(c)) channels.push(c);
      else issue('warning', 'CHANNEL_NOT_ACTIVE', `${label}.channels: channel "${c}" is not an active channel; ignored`, chKey, `${label}.channels`, comp);
    }
    if (channels.length === 0) {
      issue('warning', 'SOURCE_NO_CHANNELS', `${label}.channels: none of the channels is active; source removed`, chKey, `${label}.channels`, comp);
      continue;
    }
    const selectorKeys = subKeys(t.keys, 'selector');
    const selType = selectorKeys.get('type')?.value ?? 'replicating';
    const selRes = resolve('selector', selType);
    if (selRes !== 'found') {
      const at = selectorKeys.get('type')!;
      issue('warning', selRes === 'unsupported' ? 'UNSUPPORTED_TYPE' : 'UNKNOWN_SELECTOR',
        `${label}.selector.type: selector "${selType}" is ${selRes === 'unsupported' ? 'not supported by Sluice' : 'unknown'}; source removed`, at, `${label}.selector.type`, comp);
      continue;
    }
    const interceptorList = t.keys.get('interceptors');
    const interceptors: PlannedSub[] = [];
    let interceptorsOk = true;
    for (const iname of listOf(interceptorList)) {
      const ikeys = subKeys(t.keys, `interceptors.${iname}`);
      const itype = ikeys.get('type');
      if (!itype) {
        issue('warning', 'INTERCEPTOR_NO_TYPE', `${label}.interceptors.${iname}.type is missing; source removed`, interceptorList, `${label}.interceptors.${iname}.type`, comp);
        interceptorsOk = false;
        break;
      }
      const ir = resolve('interceptor', itype.value);
      if (ir !== 'found') {
        issue('warning', ir === 'unsupported' ? 'UNSUPPORTED_TYPE' : 'UNKNOWN_INTERCEPTOR',
          `${label}.interceptors.${iname}.type: interceptor "${itype.value}" is ${ir === 'unsupported' ? 'not supported by Sluice' : 'unknown'}; source removed`,
          itype, `${label}.interceptors.${iname}.type`, comp);
        interceptorsOk = false;
        break;
      }
      interceptors.push({ name: iname, type: itype.value, keys: ikeys });
    }
    if (!interceptorsOk) continue;
    const keys = new Map<string, LocatedValue>();
    for (const [k, v] of t.keys) {
      if (k === 'type' || k === 'channels' || k === 'interceptors' || k.startsWith('selector.') || k.startsWith('interceptors.')) continue;
      keys.set(k, v);
    }
    plan.sources.push({ name, type: t.type, keys, channels, selector: { name: 'selector', type: selType, keys: selectorKeys }, interceptors });
  }

  // Sinks.
  for (const name of dedupe('sinks')) {
    const t = typed('sinks', name);
    if (!t) continue;
    const label = `${a}.sinks.${name}`;
    const ch = t.keys.get('channel');
    if (!ch) {
      issue('warning', 'SINK_NO_CHANNEL', `${label}.channel is missing; sink removed`, t.type, `${label}.channel`, `sinks.${name}`);
      continue;
    }
    if (!activeChannels.has(ch.value)) {
      issue('warning', 'CHANNEL_NOT_ACTIVE', `${label}.channel: Channel ${ch.value} not in active set; sink removed`, ch, `${label}.channel`, `sinks.${name}`);
      continue;
    }
    const keys = new Map(t.keys);
    keys.delete('type');
    keys.delete('channel');
    plan.sinks.push({ name, type: t.type, keys, channel: ch.value });
  }

  // Sink groups.
  const grouped = new Map<string, string>();
  const validSinks = new Set(plan.sinks.map((s) => s.name));
  for (const name of dedupe('sinkgroups')) {
    const t = typed('sinkgroups', name);
    if (!t) continue;
    const label = `${a}.sinkgroups.${name}`;
    const comp = `sinkgroups.${name}`;
    const sinksKey = t.keys.get('sinks');
    const members: string[] = [];
    for (const s of listOf(sinksKey)) {
      const other = grouped.get(s);
      if (!validSinks.has(s)) issue('warning', 'GROUP_SINK_INACTIVE', `${label}.sinks: sink "${s}" is not an active sink; dropped from the group`, sinksKey, `${label}.sinks`, comp);
      else if (other !== undefined) issue('warning', 'SINK_IN_TWO_GROUPS', `${label}.sinks: sink "${s}" is already in sink group ${other}; dropped from ${name}`, sinksKey, `${label}.sinks`, comp);
      else if (members.includes(s)) continue;
      else members.push(s);
    }
    if (members.length === 0) {
      issue('warning', 'GROUP_EMPTY', `${label}: sink group has no valid sinks; removed`, sinksKey ?? t.type, `${label}.sinks`, comp);
      continue;
    }
    const pkeys = subKeys(t.keys, 'processor');
    const ptype = pkeys.get('type')?.value ?? 'default';
    const pr = resolve('processor', ptype);
    if (pr !== 'found') {
      issue('warning', pr === 'unsupported' ? 'UNSUPPORTED_TYPE' : 'UNKNOWN_PROCESSOR',
        `${label}.processor.type: processor "${ptype}" is ${pr === 'unsupported' ? 'not supported by Sluice' : 'unknown'}; group removed`, pkeys.get('type')!, `${label}.processor.type`, comp);
      continue;
    }
    for (const [k, v] of t.keys) {
      if (k !== 'sinks' && !k.startsWith('processor.')) issue('warning', 'UNKNOWN_KEY', `${label}.${k}: unknown sink group key (expected sinks or processor.*)`, v, `${label}.${k}`, comp);
    }
    for (const s of members) grouped.set(s, name);
    plan.sinkgroups.push({ name, sinks: members, processor: { name: 'processor', type: ptype, keys: pkeys } });
  }

  pruneUnconnectedChannels(plan);
  checkRunnable(plan);
  return plan;
}

/** Removes channels no source or sink uses (warning "has no components connected"). */
export function pruneUnconnectedChannels(plan: AgentPlan): void {
  const used = new Set<string>();
  for (const s of plan.sources) for (const c of s.channels) used.add(c);
  for (const k of plan.sinks) used.add(k.channel);
  plan.channels = plan.channels.filter((c) => {
    if (used.has(c.name)) return true;
    plan.issues.push({
      severity: 'warning', code: 'CHANNEL_UNCONNECTED',
      message: `${c.type.file}:${c.type.line}: ${plan.agentName}.channels.${c.name}: Channel ${c.name} has no components connected and has been removed`,
      file: c.type.file, line: c.type.line, key: `${plan.agentName}.channels.${c.name}.type`, component: `channels.${c.name}`,
    });
    return false;
  });
}

/** Adds an error when nothing can run (no channel, or neither a source nor a sink). */
export function checkRunnable(plan: AgentPlan): void {
  if (plan.idle || hasErrors(plan.issues)) return;
  if (plan.channels.length === 0 || (plan.sources.length === 0 && plan.sinks.length === 0)) {
    plan.issues.push({
      severity: 'error', code: 'NOTHING_TO_RUN',
      message: `agent ${plan.agentName}: no valid source and no valid sink remain; nothing can run`,
    });
  }
}
