/**
 * A strict parser for the Prometheus text exposition format 0.0.4, for tests only
 * (no parser package is installed; see the monitor report). Checks what the spec
 * requires and throws on any violation with the line number:
 * - `# HELP name text` / `# TYPE name type` at most once per family, TYPE before samples;
 * - metric and label names match [a-zA-Z_:][a-zA-Z0-9_:]* / [a-zA-Z_][a-zA-Z0-9_]*;
 * - label values are quoted with only \\ \" \n escapes; values are floats, NaN, ±Inf;
 * - a family's samples are contiguous; no series appears twice;
 * - histogram: _bucket with `le`, cumulative non-decreasing, a +Inf bucket equal to _count.
 */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface PromFamily {
  readonly name: string;
  type: string;
  help: string;
  readonly samples: PromSample[];
}

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(s: string, line: number): number {
  if (s === 'NaN') return NaN;
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`line ${line}: bad value '${s}'`);
  return Number(s);
}

function familyOf(name: string, families: Map<string, PromFamily>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const f = families.get(base);
      if (f && (f.type === 'histogram' || f.type === 'summary')) return base;
    }
  }
  return name;
}

export function parsePrometheusText(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const closed = new Set<string>();
  const seen = new Set<string>();
  let current: string | undefined;
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const lines = text.split('\n').slice(0, -1);
  lines.forEach((raw, i) => {
    const ln = i + 1;
    if (raw.trim() === '') return;
    const fam = (name: string): PromFamily => {
      let f = families.get(name);
      if (!f) families.set(name, (f = { name, type: 'untyped', help: '', samples: [] }));
      return f;
    };
    const switchTo = (name: string): void => {
      if (current !== name) {
        if (closed.has(name)) throw new Error(`line ${ln}: family ${name} is not contiguous`);
        if (current) closed.add(current);
        current = name;
      }
    };
    if (raw.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
      if (!m) return; // other comments are allowed
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!METRIC.test(name)) throw new Error(`line ${ln}: bad metric name ${name}`);
      switchTo(name);
      const f = fam(name);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`line ${ln}: bad type ${rest}`);
        if (f.samples.length > 0) throw new Error(`line ${ln}: TYPE after samples of ${name}`);
        f.type = rest;
      } else {
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) throw new Error(`line ${ln}: bad escape in HELP`);
        f.help = rest;
      }
      return;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(raw);
    if (!m) throw new Error(`line ${ln}: not a sample: ${raw}`);
    const name = m[1]!;
    const labels: Record<string, string> = {};
    const body = m[3] ?? '';
    let pos = 0;
    while (pos < body.length) {
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(body.slice(pos));
      if (!lm || !LABEL.test(lm[1]!)) throw new Error(`line ${ln}: bad label at ${body.slice(pos)}`);
      pos += lm[0].length;
      let v = '';
      for (;;) {
        const c = body[pos];
        if (c === undefined) throw new Error(`line ${ln}: unterminated label value`);
        if (c === '"') break;
        if (c === '\\') {
          const e = body[pos + 1];
          if (e === '\\') v += '\\';
          else if (e === '"') v += '"';
          else if (e === 'n') v += '\n';
          else throw new Error(`line ${ln}: bad escape \\${e ?? ''}`);
          pos += 2;
          continue;
        }
        if (c === '\n') throw new Error(`line ${ln}: raw newline in label`);
        v += c;
        pos++;
      }
      pos++;
      if (lm[1]! in labels) throw new Error(`line ${ln}: duplicate label ${lm[1]}`);
      labels[lm[1]!] = v;
      if (body[pos] === ',') pos++;
      else if (pos !== body.length) throw new Error(`line ${ln}: expected , in labels`);
    }
    const value = parseValue(m[4]!, ln);
    const base = familyOf(name, families);
    switchTo(base);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`line ${ln}: duplicate series ${key}`);
    seen.add(key);
    fam(base).samples.push({ name, labels, value });
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function checkHistogram(f: PromFamily): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number; sum?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const k = JSON.stringify(Object.entries(rest).sort());
    let e = series.get(k);
    if (!e) series.set(k, (e = { buckets: [] }));
    if (s.name === `${f.name}_bucket`) {
      if (le === undefined) throw new Error(`${f.name}: bucket without le`);
      e.buckets.push([parseValue(le, 0), s.value]);
    } else if (s.name === `${f.name}_count`) e.count = s.value;
    else if (s.name === `${f.name}_sum`) e.sum = s.value;
    else throw new Error(`${f.name}: unexpected sample ${s.name}`);
  }
  for (const [k, e] of series) {
    if (e.count === undefined || e.sum === undefined) throw new Error(`${f.name}${k}: missing _count or _sum`);
    for (let i = 1; i < e.buckets.length; i++) {
      if (e.buckets[i]![0] <= e.buckets[i - 1]![0] || e.buckets[i]![1] < e.buckets[i - 1]![1]) throw new Error(`${f.name}${k}: buckets not ascending/cumulative`);
    }
    const last = e.buckets[e.buckets.length - 1];
    if (!last || last[0] !== Infinity || last[1] !== e.count) throw new Error(`${f.name}${k}: +Inf bucket must equal _count`);
  }
}

/** The value of one series (exact label match), or undefined. */
export function sampleValue(fams: Map<string, PromFamily>, name: string, labels: Record<string, string>): number | undefined {
  for (const f of fams.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      const a = Object.entries(s.labels).sort();
      const b = Object.entries(labels).sort();
      if (JSON.stringify(a) === JSON.stringify(b)) return s.value;
    }
  }
  return undefined;
}
