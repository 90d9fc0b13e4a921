/**
 * Dead-letter file of a Kafka sink: records that can never be written (larger than the
 * target's message.max.bytes, refused by a producer interceptor, a bad partition header,
 * a permanent broker refusal) go here so the rest flows on and the sink never wedges.
 *
 * File: `<agent data dir>/dead-letter/<sink>.jsonl` (see docs/exactly-once.md), one JSON
 * object per line, appended:
 *   {"time":<epoch ms>,"sink":"k1","topic":"t","partition":0|null,"code":"MESSAGE_TOO_LARGE",
 *    "reason":"…","headers":{…},"body":"<utf8>"}  — or "bodyBase64" when not valid UTF-8.
 * Each write is one appendFile of all the batch's lines. Counter `DeadLetterCount` and one
 * warn log line per write. Owned by one sink.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../../logger.js';
import type { CounterGroup } from '../../agent/metrics.js';

export interface DeadLetter {
  readonly topic: string | null;
  readonly partition: number | null;
  readonly code: string;
  readonly reason: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export class DeadLetterFile {
  private count = 0;
  constructor(readonly path: string, private readonly sink: string, private readonly log: Logger, private readonly counters: CounterGroup) {}

  get written(): number {
    return this.count;
  }

  async write(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const now = Date.now();
    let text = '';
    for (const l of letters) {
      const utf8 = l.body.toString('utf8');
      const valid = Buffer.byteLength(utf8, 'utf8') === l.body.length && !utf8.includes('\uFFFD');
      text += JSON.stringify({
        time: now, sink: this.sink, topic: l.topic, partition: l.partition, code: l.code, reason: l.reason, headers: l.headers,
        ...(valid ? { body: utf8 } : { bodyBase64: l.body.toString('base64') }),
      }) + '\n';
    }
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, text);
    this.count += letters.length;
    this.counters.increment('DeadLetterCount', letters.length);
    const first = letters[0]!;
    this.log.warn({ file: this.path, events: letters.length, code: first.code, reason: first.reason }, `${letters.length} event(s) can never be written; sent to the dead-letter file ${this.path}`);
  }
}
