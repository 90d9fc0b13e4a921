/**
 * Syslog message → Flume event, following Flume's SyslogUtils (RFC 5424 tried first, then
 * RFC 3164), on raw bytes. Pure functions; no I/O, no shared mutable state.
 *
 * `splitMessage(msg, eventSize, udp)` cuts one framed message (no delimiter) as Flume's
 * byte state machine does: pieces of at most eventSize bytes; a piece that reaches
 * eventSize is `Incomplete` and the rest starts a new event (which, not starting with
 * '<', is `Invalid`). UDP keeps only the first piece (Flume reads one event per datagram).
 *
 * `parseSyslog(piece, opts)`:
 * - PRI: '<' 1–3 digits '>' → headers Facility = pri/8, Severity = pri%8 (no range check,
 *   as Flume). Otherwise the event is Invalid: Facility 0, Severity 0, body = all bytes.
 * - Then the RFC 5424 / RFC 3164 patterns (Flume's) on the whole message; on a match the
 *   headers get `priority`, `version` (5424), `timestamp` (epoch ms, when it parses) and
 *   `host`; the body is the MSG part. No match (or an empty MSG) → body = all bytes.
 * - keepFields: none → body = MSG; all → body = the whole message; a list of
 *   priority/version/timestamp/hostname → those fields are put back in front of MSG as
 *   Flume's addFieldsToBody does ("<pri>" version timestamp hostname MSG; a missing
 *   hostname is written "null", as Java's string concatenation does).
 * - `flume.syslog.status`: Invalid (bad PRI) or Incomplete (cut at eventSize).
 * Bodies are byte slices of the input (no transcoding). Matching is on a latin1 view so
 * string indices are byte offsets; Java's `$` (also before a final line terminator) is
 * emulated. Deviations from Flume (documented): RFC 5424 timestamps honour their zone
 * and fraction (Flume's first format ignores the zone when a fraction is present), and
 * the priority/version of a previous event never leak into an Invalid one.
 */
import type { Headers } from '../../agent/event-batch.js';

export type KeepFields = 'none' | 'all' | ReadonlySet<'priority' | 'version' | 'timestamp' | 'hostname'>;

export const STATUS_HEADER = 'flume.syslog.status';
export const MIN_EVENT_SIZE = 10;

/** Flume's chooseFieldsToKeep. */
export function parseKeepFields(raw: string | undefined): KeepFields {
  if (raw === undefined) return 'none';
  const v = raw.trim().toLowerCase();
  if (v === 'false' || v === 'none') return 'none';
  if (v === 'true' || v === 'all') return 'all';
  const set = new Set<'priority' | 'version' | 'timestamp' | 'hostname'>();
  for (const f of ['priority', 'version', 'timestamp', 'hostname'] as const) if (v.includes(f)) set.add(f);
  return set;
}

// Flume's patterns (SYSLOG_MSG_RFC5424_0 / RFC3164_0) with Java's `$` made explicit.
const END = '(?:\\r\\n|[\\n\\r\\u0085\\u2028\\u2029])?$';
const RFC5424 = new RegExp(
  '^(?:<(\\d{1,3})>)(?:(\\d?)\\s?)(?:(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?(?:[+-]\\d{2}:\\d{2}|Z)?)|-)\\s(?:([\\w][\\w\\d.@-]*)|-)\\s([^\\n\\r\\u0085\\u2028\\u2029]*)' + END,
  'd',
);
const RFC3164 = new RegExp('^(?:<(\\d{1,3})>)(?:(\\d)?\\s?)([A-Z][a-z][a-z]\\s{1,2}\\d{1,2}\\s\\d{2}:\\d{2}:\\d{2})\\s([\\w][\\w\\d.@-]*)\\s([^\\n\\r\\u0085\\u2028\\u2029]*)' + END, 'd');
const MONTHS: Readonly<Record<string, number>> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** RFC 5424 timestamp → epoch ms (local time when it has no zone, as Java's formats). */
export function parseRfc5424Time(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})?$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se, frac, zone] = m;
  // Java's 'S' after truncation to 3 digits reads the digits as milliseconds.
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3));
  if (zone === undefined) return new Date(+y!, +mo! - 1, +d!, +h!, +mi!, +se!, ms).getTime();
  let t = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +se!, ms);
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    t -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return t;
}

/** RFC 3164 "MMM d HH:mm:ss" in local time, year chosen in Flume's 11-months-back / 1-month-ahead window. */
export function parseRfc3164Time(s: string, now: number): number | undefined {
  const m = /^([A-Z][a-z][a-z])\s{1,2}(\d{1,2})\s(\d{2}):(\d{2}):(\d{2})$/.exec(s);
  if (!m) return undefined;
  const mon = MONTHS[m[1]!];
  if (mon === undefined) return undefined;
  const year = new Date(now).getUTCFullYear();
  const at = (y: number): Date => new Date(y, mon, +m[2]!, +m[3]!, +m[4]!, +m[5]!);
  let d = at(year);
  const minusOne = new Date(d);
  minusOne.setMonth(minusOne.getMonth() - 1);
  const plusEleven = new Date(d);
  plusEleven.setMonth(plusEleven.getMonth() + 11);
  if (d.getTime() > now && minusOne.getTime() > now) d = at(year - 1);
  else if (d.getTime() < now && plusEleven.getTime() < now) d = at(year + 1);
  return d.getTime();
}

export interface ParseOptions {
  readonly keepFields: KeepFields;
  readonly now: number;
}

export interface ParsedSyslog {
  readonly headers: Headers;
  readonly body: Buffer;
}

/** Cuts a framed message into event pieces (see the header). */
export function splitMessage(msg: Buffer, eventSize: number, udp: boolean): { piece: Buffer; incomplete: boolean }[] {
  const size = Math.max(eventSize, MIN_EVENT_SIZE);
  const out: { piece: Buffer; incomplete: boolean }[] = [];
  let pos = 0;
  while (pos < msg.length) {
    const take = Math.min(size, msg.length - pos);
    out.push({ piece: msg.subarray(pos, pos + take), incomplete: take === size });
    pos += take;
    if (udp) break;
  }
  return out;
}

export function parseSyslog(piece: Buffer, incomplete: boolean, opts: ParseOptions): ParsedSyslog {
  // PRI
  let i = 1;
  let bad = piece.length === 0 || piece[0] !== 0x3c;
  if (!bad) {
    while (i < piece.length && i <= 4 && piece[i]! >= 0x30 && piece[i]! <= 0x39) i++;
    bad = i === 1 || i > 4 || i >= piece.length || piece[i] !== 0x3e;
  }
  if (bad) return { headers: { Facility: '0', Severity: '0', [STATUS_HEADER]: 'Invalid' }, body: piece };
  const pri = Number(piece.toString('latin1', 1, i));
  const headers: Headers = { Facility: String(Math.floor(pri / 8)), Severity: String(pri % 8) };
  const text = piece.toString('latin1');
  let body: Buffer = piece;
  let m = RFC5424.exec(text);
  let is5424 = true;
  if (!m) {
    m = RFC3164.exec(text);
    is5424 = false;
  }
  if (m) {
    const [, prio, version, stamp, host, msg] = m;
    if (prio) headers.priority = prio;
    if (version) headers.version = version;
    if (stamp) {
      const t = is5424 ? parseRfc5424Time(stamp) : parseRfc3164Time(stamp.replace('  ', ' '), opts.now);
      if (t !== undefined && Number.isFinite(t)) headers.timestamp = String(t);
    }
    if (host) headers.host = host;
    const msgStart = m.indices![5]![0];
    const msgBytes = piece.subarray(msgStart, msgStart + msg!.length);
    const kf = opts.keepFields;
    if (kf === 'all') body = piece;
    else if (kf === 'none') body = msgBytes.length > 0 ? msgBytes : piece;
    else {
      let prefix = '';
      if (kf.has('priority')) prefix += `<${prio}>`;
      if (kf.has('version') && version) prefix += `${version} `;
      if (kf.has('timestamp')) prefix += `${stamp ?? 'null'} `;
      if (kf.has('hostname')) prefix += `${host ?? 'null'} `;
      body = prefix === '' && msgBytes.length === 0 ? piece : Buffer.concat([Buffer.from(prefix, 'latin1'), msgBytes]);
    }
  }
  if (incomplete) headers[STATUS_HEADER] = 'Incomplete';
  return { headers, body };
}
