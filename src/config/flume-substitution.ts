/**
 * ${} substitution in Flume config values (never keys), as Flume 1.10+ does with
 * Commons-Text's StringSubstitutor (node/MapResolver.java):
 *   ${env:X}  environment variable X
 *   ${sys:X}  system property X (Sluice: the -Dk=v arguments of `sluice agent`)
 *   ${key}    the value of another config key (full key, e.g. ${a1.sinks.k1.kafka.topic})
 *   ${X}      when no config key X exists: environment variable X (EnvVarResolverProperties)
 *   ${name:-fallback}  Commons-Text's default-value form, for any of the above
 * Resolved values are substituted again (nested references), up to a depth limit and with
 * cycle detection. Anything unresolved stays literal, `${...}` included. `$${x}` escapes to
 * a literal `${x}`. Pure function of its inputs.
 */

export interface SubstitutionSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly sys: Readonly<Record<string, string | undefined>>;
  /** Raw (unsubstituted) config values by full key. */
  readonly keys: ReadonlyMap<string, string>;
}

const MAX_DEPTH = 16;

export function substitute(value: string, sources: SubstitutionSources, seen: ReadonlySet<string> = new Set(), depth = 0): string {
  if (!value.includes('${')) return value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf('${', i);
    if (start < 0) {
      out += value.slice(i);
      break;
    }
    if (start > 0 && value[start - 1] === '$') {
      // `$${x}` → literal `${x}`
      out += value.slice(i, start - 1) + '${';
      i = start + 2;
      continue;
    }
    const end = findClose(value, start + 2);
    if (end < 0) {
      out += value.slice(i);
      break;
    }
    out += value.slice(i, start);
    const expr = value.slice(start + 2, end);
    const resolved = resolveExpr(expr, sources, seen, depth);
    out += resolved ?? value.slice(start, end + 1);
    i = end + 1;
  }
  return out;
}

/** Index of the `}` closing a `${` whose body starts at `from`, honouring nesting. */
function findClose(s: string, from: number): number {
  let level = 1;
  for (let i = from; i < s.length; i++) {
    if (s[i] === '$' && s[i + 1] === '{') {
      level++;
      i++;
    } else if (s[i] === '}') {
      level--;
      if (level === 0) return i;
    }
  }
  return -1;
}

function resolveExpr(rawExpr: string, src: SubstitutionSources, seen: ReadonlySet<string>, depth: number): string | undefined {
  if (depth >= MAX_DEPTH) return undefined;
  // The name itself may contain references: ${env:${which}}
  const expr = substitute(rawExpr, src, seen, depth + 1);
  let name = expr;
  let fallback: string | undefined;
  const dflt = expr.indexOf(':-');
  if (dflt >= 0) {
    name = expr.slice(0, dflt);
    fallback = expr.slice(dflt + 2);
  }
  if (seen.has(name)) return fallback;
  const nextSeen = new Set(seen).add(name);
  let raw: string | undefined;
  if (name.startsWith('env:')) raw = src.env[name.slice(4)];
  else if (name.startsWith('sys:')) raw = src.sys[name.slice(4)];
  else raw = src.keys.get(name) ?? src.env[name];
  if (raw === undefined) return fallback;
  return substitute(raw, src, nextSeen, depth + 1);
}
