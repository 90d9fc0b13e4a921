/**
 * Incremental reader of Flume's JSONHandler body format: a JSON array of
 * `{"headers": {"k": "v", …}, "body": "text"}` objects.
 *
 * Text is fed as it arrives (`write(text)`) to stream-json's tokenizer, in slices of at
 * most SLICE characters, so that a syntax error is located to within one slice (the
 * tokenizer itself does not report positions): errors say "at or before character N
 * (line L)". Events are collected as {headers, body string}; the caller encodes bodies.
 *
 * Mapping (as Gson maps into JSONEvent): unknown keys are ignored (their values skipped,
 * nested or not); header values that are strings, numbers or booleans become strings,
 * null header values are dropped; `body` may be a string, a number/boolean (its text), or
 * null/absent (empty body); anything else (top level not an array, an element that is not
 * an object, an object/array as a header value or body) is a JsonEventError.
 * An empty or all-whitespace body is zero events (a GET without a body answers 200).
 * One reader per request; not reusable.
 */
import { jsonParser } from 'stream-json/parser.js';
import { none } from 'stream-chain/defs.js';
import { SluiceError } from '../../errors.js';

const SLICE = 256;

export class JsonEventError extends SluiceError {
  /** Character offset (0-based, in decoded text) at or before which the problem was seen. */
  readonly position: number;
  constructor(message: string, position: number, line: number) {
    super('HTTP_BAD_JSON', `${message} at or before character ${position} (line ${line}) of the request body`, { details: { position, line } });
    this.position = position;
  }
}

export interface RawJsonEvent {
  headers: Record<string, string>;
  body: string;
}

type Token = { name: string; value?: unknown };
type Mode = 'top' | 'array' | 'event' | 'headers' | 'done';

export class JsonEventReader {
  private readonly parse = jsonParser({ packValues: true, streamValues: false });
  readonly events: RawJsonEvent[] = [];
  private mode: Mode = 'top';
  private key: string | undefined;
  private headerKey: string | undefined;
  private current: RawJsonEvent | undefined;
  /** >0 while skipping an ignored value: nesting depth. */
  private skip = 0;
  private skipping = false;
  private chars = 0;
  /** Whether any non-whitespace character arrived (an empty body is not an error). */
  private sawText = false;
  private lines = 1;

  /** Characters consumed so far. */
  get position(): number {
    return this.chars;
  }

  write(text: string): void {
    if (!this.sawText && /\S/.test(text)) this.sawText = true;
    for (let i = 0; i < text.length; i += SLICE) {
      const piece = i === 0 && text.length <= SLICE ? text : text.slice(i, i + SLICE);
      this.chars += piece.length;
      for (let j = piece.indexOf('\n'); j !== -1; j = piece.indexOf('\n', j + 1)) this.lines++;
      this.feed(piece);
    }
  }

  /** Ends the input; throws if the JSON is incomplete. Returns the events. */
  end(): RawJsonEvent[] {
    // An empty (or all-whitespace) body is no events, not an error.
    if (this.mode === 'top' && !this.sawText) return this.events;
    this.feed(none);
    if (this.mode !== 'done') throw this.fail('Incomplete JSON: the array is not closed');
    return this.events;
  }

  private feed(input: string | typeof none): void {
    let out: unknown;
    try {
      out = (this.parse as unknown as (x: unknown) => unknown)(input);
    } catch (err) {
      throw this.fail((err as Error).message.replace(/^Parser /, 'JSON parser '));
    }
    const values = (out as { values?: Token[] } | undefined)?.values;
    if (values) for (const t of values) this.token(t);
    else if (out && typeof out === 'object' && 'name' in (out as object)) this.token(out as Token);
  }

  private fail(msg: string): JsonEventError {
    return new JsonEventError(msg, this.chars, this.lines);
  }

  private token(t: Token): void {
    if (this.skipping) {
      if (t.name === 'startObject' || t.name === 'startArray') this.skip++;
      else if (t.name === 'endObject' || t.name === 'endArray') this.skip--;
      if (this.skip === 0) this.skipping = false;
      return;
    }
    switch (this.mode) {
      case 'top':
        if (t.name !== 'startArray') throw this.fail('Expected a JSON array of events');
        this.mode = 'array';
        return;
      case 'array':
        if (t.name === 'endArray') {
          this.mode = 'done';
          return;
        }
        if (t.name !== 'startObject') throw this.fail('Expected an event object {"headers": {...}, "body": "..."}');
        this.current = { headers: {}, body: '' };
        this.mode = 'event';
        this.key = undefined;
        return;
      case 'event':
        if (this.key === undefined) {
          if (t.name === 'endObject') {
            this.events.push(this.current!);
            this.current = undefined;
            this.mode = 'array';
            return;
          }
          if (t.name === 'keyValue') this.key = t.value as string;
          return;
        }
        this.eventValue(this.key, t);
        return;
      case 'headers':
        if (this.headerKey === undefined) {
          if (t.name === 'endObject') {
            this.mode = 'event';
            return;
          }
          if (t.name === 'keyValue') this.headerKey = t.value as string;
          return;
        }
        if (t.name === 'startObject' || t.name === 'startArray') throw this.fail(`Header "${this.headerKey}" must be a string`);
        if (t.name !== 'nullValue') this.current!.headers[this.headerKey] = String(t.value);
        this.headerKey = undefined;
        return;
      case 'done':
        throw this.fail('Unexpected data after the array');
    }
  }

  private eventValue(key: string, t: Token): void {
    this.key = undefined;
    if (key === 'headers') {
      if (t.name === 'nullValue') return;
      if (t.name !== 'startObject') throw this.fail('"headers" must be an object of strings');
      this.mode = 'headers';
      this.headerKey = undefined;
      return;
    }
    if (key === 'body') {
      if (t.name === 'nullValue') return;
      if (t.name === 'startObject' || t.name === 'startArray') throw this.fail('"body" must be a string');
      this.current!.body = String(t.value);
      return;
    }
    if (t.name === 'startObject' || t.name === 'startArray') {
      this.skipping = true;
      this.skip = 1;
    }
  }
}
