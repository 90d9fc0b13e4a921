/**
 * A small parser for Joda-Time / SimpleDateFormat patterns, enough for Flume's
 * RegexExtractorInterceptorMillisSerializer (`pattern` → epoch milliseconds).
 *
 * Supported letters: y/Y (year), M (month: 1–2 digits, MMM short name, MMMM long
 * name), d (day of month), H (0–23), k (1–24), K (0–11), h (1–12), a (AM/PM), m, s,
 * S (fraction of second, scaled as Joda does: "5" = 500 ms for S, "005" for SSS), E
 * (day name, checked loosely and ignored), Z (offset `+0100`, `ZZ` `+01:00`, or `Z`
 * meaning UTC), quoted literals `'…'` and `''`. Anything else is a ConfigError at load
 * (e.g. `z` zone names, `w` week fields). Without Z the local time zone applies, as
 * the JVM default zone does in Flume. Numeric fields accept variable digit counts on
 * parse, as Joda's parser does. A value that does not match the whole pattern throws
 * SluiceError INTERCEPTOR_BAD_DATE (Flume throws IllegalArgumentException).
 * The compiled parser is immutable and reentrant.
 */
import { SluiceError } from '../errors.js';

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

type Field = 'year' | 'month' | 'monthName' | 'day' | 'hour24' | 'hour24k' | 'hour12K' | 'hour12h' | 'ampm' | 'minute' | 'second' | 'fraction' | 'dayName' | 'offset';

export type DateParser = (value: string) => number;

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** Compiles a Joda pattern; `invalid(reason)` builds the error to throw at load. */
export function compileJodaPattern(pattern: string, invalid: (reason: string) => Error): DateParser {
  let re = '';
  const fields: Field[] = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        re += "'";
        i += 2;
        continue;
      }
      if (end < 0) throw invalid(`unterminated quote at index ${i}`);
      re += escapeLiteral(pattern.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      re += escapeLiteral(c);
      i++;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    i += n;
    const num = (f: Field, max = 9) => {
      re += `(\\d{1,${Math.max(n, max)}})`;
      fields.push(f);
    };
    switch (c) {
      case 'y':
      case 'Y':
        num('year', n === 2 ? 2 : 9);
        break;
      case 'M':
        if (n >= 3) {
          re += '([A-Za-z]+\\.?)';
          fields.push('monthName');
        } else num('month', 2);
        break;
      case 'd': num('day', 2); break;
      case 'H': num('hour24', 2); break;
      case 'k': num('hour24k', 2); break;
      case 'K': num('hour12K', 2); break;
      case 'h': num('hour12h', 2); break;
      case 'm': num('minute', 2); break;
      case 's': num('second', 2); break;
      case 'S': num('fraction', 9); break;
      case 'a':
        re += '([AaPp][Mm])';
        fields.push('ampm');
        break;
      case 'E':
        re += '([A-Za-z]+\\.?)';
        fields.push('dayName');
        break;
      case 'Z':
        re += n === 1 ? '(Z|[+-]\\d{2}:?\\d{2})' : '(Z|[+-]\\d{2}:?\\d{2})';
        fields.push('offset');
        break;
      default:
        throw invalid(`pattern letter '${c}' is not supported by Sluice's date parser`);
    }
  }
  const matcher = new RegExp(`^${re}$`);
  return (value: string): number => {
    const m = matcher.exec(value);
    if (!m) throw new SluiceError('INTERCEPTOR_BAD_DATE', `Invalid format: "${value}" does not match date pattern "${pattern}"`);
    let year = 1970;
    let month = 1;
    let day = 1;
    let hour = 0;
    let pm: boolean | undefined;
    let hour12 = false;
    let minute = 0;
    let second = 0;
    let ms = 0;
    let offsetMin: number | undefined;
    fields.forEach((f, k) => {
      const s = m[k + 1]!;
      switch (f) {
        case 'year': year = s.length === 2 ? 2000 + Number(s) - (Number(s) >= 70 ? 100 : 0) : Number(s); break;
        case 'month': month = Number(s); break;
        case 'monthName': {
          const lower = s.toLowerCase().replace(/\.$/, '');
          const idx = MONTHS.findIndex((name) => name === lower || name.slice(0, 3) === lower);
          if (idx < 0) throw new SluiceError('INTERCEPTOR_BAD_DATE', `Invalid format: "${value}": unknown month "${s}"`);
          month = idx + 1;
          break;
        }
        case 'day': day = Number(s); break;
        case 'hour24': hour = Number(s); break;
        case 'hour24k': hour = Number(s) % 24; break;
        case 'hour12K': hour = Number(s); hour12 = true; break;
        case 'hour12h': hour = Number(s) % 12; hour12 = true; break;
        case 'ampm': pm = s.toLowerCase() === 'pm'; break;
        case 'minute': minute = Number(s); break;
        case 'second': second = Number(s); break;
        case 'fraction': ms = Math.floor(Number(`0.${s}`) * 1000); break;
        case 'dayName': break;
        case 'offset': {
          if (s === 'Z') offsetMin = 0;
          else {
            const sign = s[0] === '-' ? -1 : 1;
            const digits = s.slice(1).replace(':', '');
            offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
          }
          break;
        }
      }
    });
    if (hour12 && pm) hour += 12;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
      throw new SluiceError('INTERCEPTOR_BAD_DATE', `Cannot parse "${value}": Value out of range for pattern "${pattern}"`);
    }
    if (offsetMin !== undefined) return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60_000;
    const d = new Date(year, month - 1, day, hour, minute, second, ms);
    if (year < 100) d.setFullYear(year);
    return d.getTime();
  };
}
