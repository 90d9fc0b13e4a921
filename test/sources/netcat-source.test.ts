import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Source } from '../../src/agent/component.js';
import { ConfigError } from '../../src/errors.js';
import { NetcatSource, netcatSourceConfig, netcatSourceFactory } from '../../src/sources/netcat-source.js';
import { NetcatUdpSource, netcatUdpSourceFactory } from '../../src/sources/netcat-udp-source.js';
import { FakeOutput, sourceContext } from '../interceptors/test-context.js';

const running: Source[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function startNetcat(props: Record<string, string | number | boolean> = {}, out = new FakeOutput()) {
  const src = netcatSourceFactory.create(sourceContext({ bind: '127.0.0.1', port: 0, ...props }, out)) as NetcatSource;
  await src.start();
  running.push(src);
  return { src, out, port: src.address().port };
}

/** A client that collects everything the server replies, until it closes. */
function client(port: number) {
  const sock: Socket = connect(port, '127.0.0.1');
  let received = '';
  let closed = false;
  sock.on('data', (d: Buffer) => (received += d.toString('utf8')));
  const closedP = new Promise<void>((resolve) => sock.on('close', () => { closed = true; resolve(); }));
  sock.on('error', () => {});
  return {
    sock,
    get received() { return received; },
    get closed() { return closed; },
    closedP,
    async until(pred: (r: string) => boolean, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!pred(received)) {
        if (Date.now() > deadline) throw new Error(`timed out; received ${JSON.stringify(received)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

describe('netcat config', () => {
  it("has Flume's defaults and required keys", () => {
    const cfg = netcatSourceConfig(sourceContext({ bind: '0.0.0.0', port: 44444 }, new FakeOutput()));
    expect(cfg).toMatchObject({ bind: '0.0.0.0', port: 44444, maxLineLength: 512, ackEveryEvent: true, encoding: 'utf8' });
    expect(() => netcatSourceConfig(sourceContext({ port: 1 }, new FakeOutput()))).toThrow(/"bind"/);
    expect(() => netcatSourceConfig(sourceContext({ bind: 'x' }, new FakeOutput()))).toThrow(/"port"/);
    expect(() => netcatSourceConfig(sourceContext({ bind: 'x', port: 70000 }, new FakeOutput()))).toThrow(ConfigError);
    expect(() => netcatSourceConfig(sourceContext({ bind: 'x', port: 1, 'max-line-length': -1 }, new FakeOutput()))).toThrow(/max-line-length/);
  });
});

describe('netcat source', () => {
  it('turns each line into an event and replies OK per event; \\r is kept', async () => {
    const { out, port } = await startNetcat();
    const c = client(port);
    c.sock.write('hello\nwor');
    c.sock.write('ld\r\n');
    await c.until((r) => r === 'OK\nOK\n');
    expect(out.bodies()).toEqual(['hello', 'world\r']);
    c.sock.end();
  });

  it('with ack-every-event=false sends no OK but still takes the events', async () => {
    const { out, port } = await startNetcat({ 'ack-every-event': false });
    const c = client(port);
    c.sock.write('a\nb\nunterminated');
    await out.until(() => out.bodies().length === 2);
    c.sock.end();
    await c.closedP;
    expect(c.received).toBe('');
    expect(out.bodies()).toEqual(['a', 'b']);
  });

  it('answers an over-long line with FAILED and closes, after handling earlier lines', async () => {
    const { out, port } = await startNetcat({ 'max-line-length': 10 });
    const c = client(port);
    c.sock.write(`${'x'.repeat(9)}\n${'y'.repeat(10)}\nnever\n`);
    await c.closedP;
    expect(c.received).toBe('OK\nFAILED: Event exceeds the maximum length (10 chars, including newline)\n');
    expect(out.bodies()).toEqual(['x'.repeat(9)]);
  });

  it('detects an over-long line before its newline arrives', async () => {
    const { port, src } = await startNetcat({ 'max-line-length': 8 });
    const c = client(port);
    c.sock.write('z'.repeat(100));
    await c.closedP;
    expect(c.received).toBe('FAILED: Event exceeds the maximum length (8 chars, including newline)\n');
    expect(src['ctx'].metrics.get('EventReadFail')).toBe(1);
  });

  it('counts characters, not bytes, for multi-byte UTF-8', async () => {
    const { out, port } = await startNetcat({ 'max-line-length': 4 });
    const c = client(port);
    c.sock.write('ééé\n');
    await c.until((r) => r === 'OK\n');
    expect(out.bodies()).toEqual(['ééé']);
    c.sock.end();
  });

  it('rejects binary garbage that is not UTF-8', async () => {
    const { out, port } = await startNetcat();
    const c = client(port);
    c.sock.write(Buffer.concat([Buffer.from('fine\n'), Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x0a])]));
    await c.closedP;
    expect(c.received).toBe('OK\nFAILED: Malformed input for charset utf-8\n');
    expect(out.bodies()).toEqual(['fine']);
  });

  it('replies FAILED: <reason> when the channel rejects, and OK again afterwards', async () => {
    const out = new FakeOutput();
    out.rejectNext = 1;
    const { port, src } = await startNetcat({}, out);
    const c = client(port);
    c.sock.write('first\n');
    await c.until((r) => r.includes('\n'));
    expect(c.received).toMatch(/^FAILED: channel c1: Space for commit to queue couldn't be acquired\. .*\n$/);
    c.sock.write('second\n');
    await c.until((r) => r.endsWith('OK\n'));
    expect(out.bodies()).toEqual(['second']);
    expect(src['ctx'].metrics.get('ChannelWriteFail')).toBe(1);
    c.sock.end();
  });

  it('serves many concurrent clients without losing or mixing lines', async () => {
    const { out, port, src } = await startNetcat();
    const clients = 25;
    const lines = 200;
    const cs = Array.from({ length: clients }, () => client(port));
    cs.forEach((c, k) => {
      let payload = '';
      for (let i = 0; i < lines; i++) payload += `c${k}-${i}\n`;
      // Write in odd-sized pieces to cross line boundaries.
      for (let p = 0; p < payload.length; p += 37) c.sock.write(payload.slice(p, p + 37));
    });
    await Promise.all(cs.map((c) => c.until((r) => r.length === 3 * lines)));
    expect(cs.every((c) => c.received === 'OK\n'.repeat(lines))).toBe(true);
    const bodies = out.bodies();
    expect(bodies.length).toBe(clients * lines);
    for (let k = 0; k < clients; k++) {
      const mine = bodies.filter((b) => b.startsWith(`c${k}-`));
      expect(mine).toEqual(Array.from({ length: lines }, (_, i) => `c${k}-${i}`));
    }
    expect(src['ctx'].metrics.get('EventAcceptedCount')).toBe(clients * lines);
    for (const c of cs) c.sock.end();
    await Promise.all(cs.map((c) => c.closedP));
  });

  it('transcodes ISO-8859-1 input to UTF-8 bodies', async () => {
    const { out, port } = await startNetcat({ encoding: 'ISO-8859-1' });
    const c = client(port);
    c.sock.write(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    await c.until((r) => r === 'OK\n');
    expect(out.bodies()).toEqual(['café']);
    c.sock.end();
  });
});

describe('netcatudp source', () => {
  it('turns each datagram (up to its first newline) into an event with the sender header', async () => {
    const out = new FakeOutput();
    const src = netcatUdpSourceFactory.create(sourceContext({ bind: '127.0.0.1', port: 0 }, out)) as NetcatUdpSource;
    await src.start();
    running.push(src);
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const { port } = src.address();
    sock.send('one\nignored', port, '127.0.0.1');
    sock.send('two', port, '127.0.0.1');
    await out.until(() => out.bodies().length === 2);
    const evs = out.events();
    expect(evs.map((e) => e.body.toString())).toEqual(['one', 'two']);
    expect(evs[0]!.headers).toEqual({ REMOTE_ADDRESS: `/127.0.0.1:${sock.address().port}` });
    sock.close();
  });

  it('drops and counts a batch the channel rejects', async () => {
    const out = new FakeOutput();
    out.rejectNext = 1;
    const src = netcatUdpSourceFactory.create(sourceContext({ port: 0, bind: '127.0.0.1', remoteAddress: 'from' }, out)) as NetcatUdpSource;
    await src.start();
    running.push(src);
    const sock = createSocket('udp4');
    sock.send('lost', src.address().port, '127.0.0.1');
    await out.until(() => out.rejected === 1);
    sock.send('kept', src.address().port, '127.0.0.1');
    await out.until(() => out.bodies().length === 1);
    expect(out.events()[0]!.headers).toHaveProperty('from');
    expect(src['ctx'].metrics.get('ChannelWriteFail')).toBe(1);
    sock.close();
  });
});
