/**
 * TCP syslog framing for one connection: octet counting (RFC 6587 §3.4.1, "LEN SP MSG")
 * and newline framing (§3.4.2, messages end at LF), detected per message: a message
 * that starts with a digit is octet-counted (a syslog message itself starts with '<').
 *
 * `push(chunk)` returns the complete messages (views into the connection's buffer,
 * without their delimiter); bytes of an unfinished message are kept. Newline-framed
 * data longer than `maxUnframed` without a LF is released in pieces of that size (the
 * parser marks them Incomplete; the continuation is read in newline mode, as Flume
 * treats it as data). Empty lines are skipped (Flume ignores LF at a message start).
 * An octet count above `maxFrame` or a malformed count is a FramingError; the caller
 * closes the connection. `end()` returns an unterminated last message, if any.
 * One instance per connection; not shared.
 */
import { SluiceError } from '../../errors.js';

export class FramingError extends SluiceError {
  constructor(message: string) {
    super('SYSLOG_FRAMING', message);
  }
}

export class SyslogFramer {
  private buf: Buffer = Buffer.alloc(0);
  private continuation = false;

  constructor(
    private readonly maxUnframed: number,
    private readonly maxFrame: number,
  ) {}

  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Buffer[] = [];
    let pos = 0;
    const buf = this.buf;
    for (;;) {
      if (!this.continuation) {
        while (pos < buf.length && buf[pos] === 0x0a) pos++;
        if (pos >= buf.length) break;
        const c = buf[pos]!;
        if (c >= 0x30 && c <= 0x39) {
          let j = pos;
          let n = 0;
          while (j < buf.length && j - pos < 11 && buf[j]! >= 0x30 && buf[j]! <= 0x39) n = n * 10 + (buf[j++]! - 0x30);
          if (j >= buf.length) break; // need more bytes of the count
          if (buf[j] !== 0x20 || j - pos > 10) throw new FramingError(`malformed octet count "${buf.toString('latin1', pos, Math.min(j + 1, pos + 12))}"`);
          if (n > this.maxFrame) throw new FramingError(`octet count ${n} exceeds the largest accepted frame (${this.maxFrame} bytes)`);
          if (buf.length - (j + 1) < n) break;
          out.push(buf.subarray(j + 1, j + 1 + n));
          pos = j + 1 + n;
          continue;
        }
      }
      const lf = buf.indexOf(0x0a, pos);
      if (lf === -1) {
        if (buf.length - pos >= this.maxUnframed) {
          out.push(buf.subarray(pos, pos + this.maxUnframed));
          pos += this.maxUnframed;
          this.continuation = true;
          continue;
        }
        break;
      }
      out.push(buf.subarray(pos, lf));
      pos = lf + 1;
      this.continuation = false;
    }
    this.buf = pos >= buf.length ? Buffer.alloc(0) : buf.subarray(pos);
    return out;
  }

  end(): Buffer | undefined {
    const rest = this.buf;
    this.buf = Buffer.alloc(0);
    return rest.length > 0 ? rest : undefined;
  }
}
