/**
 * `exec` source (org.apache.flume.source.ExecSource): runs a command and turns each
 * line of its stdout into one event.
 *
 * Properties (Flume's code defaults): `command` (required; without `shell` it is split
 * on `\s+` with no quote handling), `shell` (e.g. `/bin/sh -c`; split on `\s+`, the
 * command is appended as one argument), `restart` false, `restartThrottle` 10000 ms,
 * `logStdErr` false (stderr is otherwise read and discarded), `batchSize` 20,
 * `batchTimeout` 3000 ms, `charset` UTF-8 (ASCII-compatible charsets only).
 *
 * Lines: terminated by `\n`, `\r\n` or a lone `\r` (Java's readLine); the body is the
 * raw bytes without the terminator. A last line without a terminator is emitted when
 * stdout ends. Lines are copied once into a per-batch accumulator buffer (no per-line
 * string or object). A batch is sent when it reaches batchSize, when batchTimeout has
 * passed since the last send (checked every batchTimeout ms, as Flume's timed flush),
 * and when stdout ends.
 *
 * Backpressure and failures — honest about the guarantees, as Flume's docs are
 * ("absolutely zero guarantee of event delivery"):
 * - While a send is pending, stdout is not read, so a slow channel blocks the command
 *   on its pipe instead of growing memory.
 * - When a send fails (channel full after keep-alive, or any error), the batch is
 *   DROPPED: logged at error, counted in ChannelWriteFail, and the command is killed as
 *   Flume does. It is run again only with restart=true (after restartThrottle), and a
 *   `tail -F` will then re-emit its last lines (duplicates). Flume keeps the events of a
 *   failed *timed* flush for the next attempt; Sluice drops them as for any failed send.
 * - A command that exits (or cannot be started) is restarted only when restart=true.
 * Counters: EventReceivedCount (lines read), EventAcceptedCount (lines committed),
 * AppendBatchAcceptedCount, ChannelWriteFail, GenericProcessingFail (spawn errors).
 *
 * Concurrency: one run loop per source; sends are serialized through one promise chain
 * so batches reach the channel in stdout order. stop() kills the command (SIGTERM, then
 * SIGKILL after 5 s), sends what was read, and waits for the loop to end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Source, SourceContext, SourceFactory } from '../agent/component.js';
import { EventBatch } from '../agent/event-batch.js';
import { describeError } from '../errors.js';
import { isAsciiCompatible, nodeEncoding } from '../interceptors/java-charset.js';

export interface ExecSourceConfig {
  readonly command: string;
  readonly shell: string | undefined;
  readonly restart: boolean;
  readonly restartThrottle: number;
  readonly logStdErr: boolean;
  readonly batchSize: number;
  readonly batchTimeout: number;
  readonly charset: string;
}

export function execSourceConfig(ctx: Pick<SourceContext, 'props'>): ExecSourceConfig {
  const p = ctx.props;
  const charset = p.getString('charset', 'UTF-8');
  const enc = nodeEncoding(charset);
  if (enc === undefined || !isAsciiCompatible(enc)) throw p.invalid('charset', undefined, 'an ASCII-compatible charset (UTF-8, ISO-8859-1, US-ASCII)');
  return {
    command: p.requireString('command'),
    shell: p.getString('shell'),
    restart: p.getBoolean('restart', false),
    restartThrottle: p.getInt('restartThrottle', 10_000, { min: 0 }),
    logStdErr: p.getBoolean('logStdErr', false),
    batchSize: p.getInt('batchSize', 20, { min: 1 }),
    batchTimeout: p.getInt('batchTimeout', 3000, { min: 1 }),
    charset,
  };
}

/** argv for the command, as Flume builds it. */
export function execArgv(cfg: Pick<ExecSourceConfig, 'command' | 'shell'>): string[] {
  if (cfg.shell !== undefined && cfg.shell !== '') return [...cfg.shell.trim().split(/\s+/), cfg.command];
  return cfg.command.trim().split(/\s+/);
}

/**
 * Accumulates lines from stdout chunks into one growing buffer with start/end offsets.
 * Single owner (the run loop); `take()` hands the batch over and starts a fresh one.
 */
export class LineAccumulator {
  private buf: Buffer;
  private len = 0;
  private starts = new Uint32Array(256);
  private ends = new Uint32Array(256);
  /** Lines recorded; lines [head, n) are complete and not taken yet. */
  private n = 0;
  private head = 0;
  /** Start offset in `buf` of the current unterminated line. */
  private lineStart = 0;
  /** The previous chunk ended with '\r': a leading '\n' completes that terminator. */
  private skipLf = false;

  constructor(initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** Complete lines accumulated and not taken yet. */
  get count(): number {
    return this.n - this.head;
  }

  private append(chunk: Buffer, from: number, to: number): void {
    const need = this.len + (to - from);
    if (need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    this.len += chunk.copy(this.buf, this.len, from, to);
  }

  private endLine(): void {
    if (this.n === this.starts.length) {
      const s = new Uint32Array(this.n * 2);
      s.set(this.starts);
      this.starts = s;
      const e = new Uint32Array(this.n * 2);
      e.set(this.ends);
      this.ends = e;
    }
    this.starts[this.n] = this.lineStart;
    this.ends[this.n] = this.len;
    this.n++;
    this.lineStart = this.len;
  }

  /** Drops the taken lines: moves untaken lines and the partial line to the front. */
  private compact(): void {
    const h = this.head;
    const from = h < this.n ? this.starts[h]! : this.lineStart;
    this.buf.copy(this.buf, 0, from, this.len);
    for (let i = h; i < this.n; i++) {
      this.starts[i - h] = this.starts[i]! - from;
      this.ends[i - h] = this.ends[i]! - from;
    }
    this.n -= h;
    this.head = 0;
    this.len -= from;
    this.lineStart -= from;
  }

  /** Adds a chunk; returns the number of lines completed by it. */
  push(chunk: Buffer): number {
    if (this.head > 0) this.compact();
    const before = this.n;
    let pos = 0;
    if (this.skipLf) {
      this.skipLf = false;
      if (chunk.length > 0 && chunk[0] === 0x0a) pos = 1;
    }
    let cr = chunk.indexOf(0x0d, pos);
    while (pos < chunk.length) {
      let nl = chunk.indexOf(0x0a, pos);
      if (cr !== -1 && cr < pos) cr = chunk.indexOf(0x0d, pos);
      let termLen = 1;
      if (cr !== -1 && (nl === -1 || cr < nl)) {
        nl = cr;
        if (cr + 1 < chunk.length) {
          if (chunk[cr + 1] === 0x0a) termLen = 2;
        } else {
          this.skipLf = true;
        }
      }
      if (nl === -1) {
        this.append(chunk, pos, chunk.length);
        break;
      }
      this.append(chunk, pos, nl);
      this.endLine();
      pos = nl + termLen;
    }
    return this.n - before;
  }

  /** Ends the stream: an unterminated last line becomes a line. */
  finish(): number {
    if (this.len > this.lineStart) {
      this.endLine();
      return 1;
    }
    return 0;
  }

  /** Hands over up to `max` complete lines as a batch (bodies copied once); the rest stays. */
  take(max = Infinity): EventBatch {
    const k = Math.min(max, this.n - this.head);
    const h = this.head;
    const base = k > 0 ? this.starts[h]! : 0;
    const end = k > 0 ? this.ends[h + k - 1]! : 0;
    const data = Buffer.allocUnsafe(end - base);
    this.buf.copy(data, 0, base, end);
    const starts = this.starts.slice(h, h + k);
    const ends = this.ends.slice(h, h + k);
    for (let i = 0; i < k; i++) {
      starts[i] = starts[i]! - base;
      ends[i] = ends[i]! - base;
    }
    this.head += k;
    if (this.head === this.n) {
      // Everything complete was taken: move the partial line to the front.
      this.buf.copy(this.buf, 0, this.lineStart, this.len);
      this.len -= this.lineStart;
      this.lineStart = 0;
      this.n = 0;
      this.head = 0;
    }
    return new EventBatch({ data, starts, ends });
  }
}

export class ExecSource implements Source {
  readonly name: string;
  /** Events per channel transaction (checked against transactionCapacity at load). */
  readonly batchSize: number;
  readonly config: ExecSourceConfig;
  private readonly ctx: SourceContext;
  private stopping = false;
  private child: ChildProcess | undefined;
  private loop: Promise<void> | undefined;
  private sendChain: Promise<void> = Promise.resolve();
  private lastPush = Date.now();
  private wakeSleep: (() => void) | undefined;
  /** How many times the command was started (for tests and logs). */
  runs = 0;

  constructor(ctx: SourceContext) {
    this.ctx = ctx;
    this.name = ctx.name;
    this.config = execSourceConfig(ctx);
    this.batchSize = this.config.batchSize;
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  async start(): Promise<void> {
    this.ctx.metrics.start();
    this.stopping = false;
    this.loop = this.runLoop().catch((err: unknown) => {
      this.ctx.logger.error({ err: describeError(err) }, 'exec source loop failed');
    });
  }

  async stop(): Promise<void> {
    if (this.stopping) {
      await this.loop;
      return;
    }
    this.stopping = true;
    this.wakeSleep?.();
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      t.unref();
      await this.loop;
      clearTimeout(t);
    } else {
      await this.loop;
    }
    this.ctx.metrics.stop();
  }

  /** Resolves when the run loop has ended (the command exited without restart, or stop()). */
  finished(): Promise<void> {
    return this.loop ?? Promise.resolve();
  }

  private async runLoop(): Promise<void> {
    const { restart, restartThrottle, command } = this.config;
    do {
      const exit = await this.runOnce();
      if (this.stopping) break;
      if (restart) {
        this.ctx.logger.info({ command, exit }, `Restarting in ${restartThrottle}ms, exit code ${exit}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, restartThrottle);
          this.wakeSleep = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wakeSleep = undefined;
      } else {
        this.ctx.logger.info({ command, exit }, `Command [${command}] exited with ${exit}`);
      }
    } while (restart && !this.stopping);
  }

  /** Runs the command once; resolves with its exit code (or signal name). */
  private async runOnce(): Promise<string> {
    const cfg = this.config;
    const argv = execArgv(cfg);
    this.runs++;
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const exited = new Promise<string>((resolve) => {
      child.once('close', (code, signal) => resolve(code !== null ? String(code) : String(signal)));
      child.once('error', (err) => {
        this.ctx.metrics.increment('GenericProcessingFail');
        this.ctx.logger.error({ err: describeError(err), command: cfg.command }, `Failed while running command: ${cfg.command}`);
        // 'close' may not follow a spawn failure.
        if (child.pid === undefined) resolve('unknown');
      });
    });
    this.drainStderr(child);

    const acc = new LineAccumulator();
    this.lastPush = Date.now();
    let failed = false;
    const timer = setInterval(() => {
      if (acc.count > 0 && Date.now() - this.lastPush >= cfg.batchTimeout) {
        void this.flush(acc).then((ok) => {
          if (!ok) failed = true;
        });
      }
    }, cfg.batchTimeout);
    try {
      if (child.stdout) {
        for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
          const n = acc.push(chunk);
          if (n > 0) this.ctx.metrics.increment('EventReceivedCount', n);
          while (!failed && (acc.count >= cfg.batchSize || (acc.count > 0 && Date.now() - this.lastPush >= cfg.batchTimeout))) {
            if (!(await this.flush(acc))) failed = true;
          }
          if (failed) break;
        }
      }
      if (!failed) {
        const n = acc.finish();
        if (n > 0) this.ctx.metrics.increment('EventReceivedCount', n);
        while (acc.count > 0) {
          if (!(await this.flush(acc))) break;
        }
      }
    } catch (err) {
      this.ctx.logger.error({ err: describeError(err), command: cfg.command }, `Failed while running command: ${cfg.command}`);
    } finally {
      clearInterval(timer);
      await this.sendChain;
    }
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill('SIGTERM');
    return exited;
  }

  private drainStderr(child: ChildProcess): void {
    if (!child.stderr) return;
    if (!this.config.logStdErr) {
      child.stderr.resume();
      return;
    }
    let i = 0;
    const rl = createInterface({ input: child.stderr, crlfDelay: Infinity });
    rl.on('line', (line) => this.ctx.logger.info({ command: this.config.command }, `StderrLogger[${++i}] = '${line}'`));
  }

  /** Sends the accumulated lines; resolves false when the send failed (batch dropped). */
  private flush(acc: LineAccumulator): Promise<boolean> {
    const batch = acc.take(this.config.batchSize);
    this.lastPush = Date.now();
    const result = this.sendChain.then(async () => {
      if (batch.count === 0) return true;
      try {
        await this.ctx.output.send(batch);
        this.ctx.metrics.increment('EventAcceptedCount', batch.count);
        this.ctx.metrics.increment('AppendBatchAcceptedCount');
        this.lastPush = Date.now();
        return true;
      } catch (err) {
        this.ctx.metrics.increment('ChannelWriteFail');
        this.ctx.logger.error(
          { err: describeError(err), command: this.config.command, dropped: batch.count },
          `exec source ${this.name}: could not write ${batch.count} events to the channel; they are dropped and the command is stopped${this.config.restart ? ' (it will be restarted)' : ''}`,
        );
        const child = this.child;
        if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        return false;
      }
    });
    this.sendChain = result.then(() => undefined);
    return result;
  }
}

export const execSourceFactory: SourceFactory = {
  kind: 'source',
  aliases: ['exec'],
  classNames: ['org.apache.flume.source.ExecSource'],
  create: (ctx) => new ExecSource(ctx),
};
