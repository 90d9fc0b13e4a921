import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { parseKeepFields, parseRfc3164Time, parseRfc5424Time, parseSyslog, splitMessage } from '../../../src/sources/syslog/syslog-parser.js';
import { SyslogFramer } from '../../../src/sources/syslog/syslog-framing.js';
import {
  multiportSyslogTcpSourceFactory, syslogSourceConfig, syslogTcpSourceFactory, syslogUdpSourceFactory, type SyslogTcpSource, type SyslogUdpSource,
} from '../../../src/sources/syslog/syslog-sources.js';
import { FakeOutput, sourceContext } from '../../interceptors/test-context.js';
import { TransactionCapacityError } from '../../../src/channels/channel-errors.js';

const run = promisify(execFile);
const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

const opts = { keepFields: 'none' as const, now: Date.UTC(2026, 5, 15) };
const parse = (s: string | Buffer, o: Partial<typeof opts> | { keepFields: ReturnType<typeof parseKeepFields> } = {}) => {
  const b = Buffer.isBuffer(s) ? s : Buffer.from(s);
  return parseSyslog(b, false, { ...opts, ...o });
};

describe('syslog parser', () => {
  it('parses RFC 5424 with Flume headers and body', () => {
    const e = parse('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [x@1 a="b"] An application event');
    expect(e.headers).toEqual({ Facility: '20', Severity: '5', priority: '165', version: '1', timestamp: String(Date.UTC(2003, 9, 11, 22, 14, 15, 3)), host: 'mymachine.example.com' });
    expect(e.body.toString()).toBe('evntslog - ID47 [x@1 a="b"] An application event');
    expect(parseRfc5424Time('2003-08-24T05:14:15.000003-07:00')).toBe(Date.UTC(2003, 7, 24, 12, 14, 15, 0));
    expect(parseRfc5424Time('2003-08-24T05:14:15+02:00')).toBe(Date.UTC(2003, 7, 24, 3, 14, 15));
  });

  it('parses RFC 3164 with the year inferred in Flume\'s window', () => {
    const e = parse('<34>Oct 11 22:14:15 mymachine su: \'su root\' failed');
    expect(e.headers.Facility).toBe('4');
    expect(e.headers.Severity).toBe('2');
    expect(e.headers.host).toBe('mymachine');
    expect(e.headers.timestamp).toBe(String(new Date(2025, 9, 11, 22, 14, 15).getTime()));
    expect(e.body.toString()).toBe("su: 'su root' failed");
    expect(parseRfc3164Time('Jul  1 00:00:00', opts.now)).toBe(new Date(2026, 6, 1).getTime());
    expect(parse('<13>Feb  5 17:32:18 host1 x').headers.timestamp).toBe(String(new Date(2026, 1, 5, 17, 32, 18).getTime()));
  });

  it('marks a bad priority Invalid with Facility/Severity 0 and the raw bytes as body', () => {
    for (const s of ['no pri here', '<>x', '<1234>x', '<1a>x', '<12']) {
      const e = parse(s);
      expect(e.headers).toEqual({ Facility: '0', Severity: '0', 'flume.syslog.status': 'Invalid' });
      expect(e.body.toString()).toBe(s);
    }
  });

  it('keeps the whole message when no pattern matches, and honours keepFields', () => {
    expect(parse('<13>free text').body.toString()).toBe('<13>free text');
    const m = '<13>1 2020-01-01T00:00:00Z h app - - - msg';
    expect(parse(m, { keepFields: parseKeepFields('all') }).body.toString()).toBe(m);
    expect(parse(m, { keepFields: parseKeepFields('true') }).body.toString()).toBe(m);
    expect(parse(m, { keepFields: parseKeepFields('hostname priority') }).body.toString()).toBe('<13>h app - - - msg');
    expect(parse(m, { keepFields: parseKeepFields('priority version timestamp hostname') }).body.toString()).toBe(
      '<13>1 2020-01-01T00:00:00Z h app - - - msg',
    );
    expect(parseKeepFields('none')).toBe('none');
    expect(parseKeepFields(undefined)).toBe('none');
  });

  it('strips a trailing CR as Java\'s $ allows, and keeps raw non-UTF-8 body bytes', () => {
    expect(parse('<13>Feb  5 17:32:18 host1 body\r').body.toString()).toBe('body');
    const raw = Buffer.concat([Buffer.from('<13>Feb  5 17:32:18 host1 '), Buffer.from([0xff, 0xfe, 0x41])]);
    expect(parse(raw).body).toEqual(Buffer.from([0xff, 0xfe, 0x41]));
  });

  it('cuts at eventSize as Flume: Incomplete piece, then the rest (Invalid); UDP keeps the first piece', () => {
    const msg = Buffer.from(`<13>${'x'.repeat(30)}`);
    const pieces = splitMessage(msg, 20, false);
    expect(pieces.map((p) => [p.piece.length, p.incomplete])).toEqual([[20, true], [14, false]]);
    expect(parseSyslog(pieces[0]!.piece, true, opts).headers['flume.syslog.status']).toBe('Incomplete');
    expect(parseSyslog(pieces[1]!.piece, false, opts).headers['flume.syslog.status']).toBe('Invalid');
    expect(splitMessage(msg, 20, true)).toHaveLength(1);
    expect(splitMessage(msg, 3, false)[0]!.piece.length).toBe(10); // minimum event size 10
  });
});

describe('syslog framing', () => {
  it('splits newline and octet-counted frames across arbitrary chunks', () => {
    const stream = Buffer.from('<1>a\n\n11 <2>b\nc d ef<3>g\r\n5 <4>hi');
    for (const step of [1, 2, 5, 100]) {
      const f = new SyslogFramer(2500, 1 << 20);
      const out: string[] = [];
      for (let i = 0; i < stream.length; i += step) out.push(...f.push(stream.subarray(i, i + step)).map((b) => b.toString()));
      expect(out, `step ${step}`).toEqual(['<1>a', '<2>b\nc d ef', '<3>g\r', '<4>hi']);
      expect(f.end()).toBeUndefined();
    }
  });

  it('releases over-long unframed data in eventSize pieces and reports malformed counts', () => {
    const f = new SyslogFramer(10, 100);
    expect(f.push(Buffer.from('<1>0123456789abc')).map(String)).toEqual(['<1>0123456']);
    expect(f.push(Buffer.from('\n')).map(String)).toEqual(['789abc']); // the continuation, in newline mode
    expect(() => new SyslogFramer(10, 100).push(Buffer.from('12x'))).toThrow(/malformed octet count/);
    expect(() => new SyslogFramer(10, 100).push(Buffer.from('999 '))).toThrow(/exceeds/);
    const g = new SyslogFramer(10, 100);
    g.push(Buffer.from('<1>tail'));
    expect(g.end()?.toString()).toBe('<1>tail');
  });
});

describe('syslog config', () => {
  it("has Flume's defaults and keys", () => {
    const c = syslogSourceConfig(sourceContext({ port: 5140 }, new FakeOutput()), 'tcp');
    expect(c).toMatchObject({ host: undefined, ports: [5140], eventSize: 2500, keepFields: 'none' });
    const m = syslogSourceConfig(sourceContext({ ports: '10001 10002', 'charset.port.10002': 'ISO-8859-1', portHeader: 'port' }, new FakeOutput()), 'multiport');
    expect(m).toMatchObject({ ports: [10001, 10002], batchSize: 100, readBufferBytes: 1024, portHeader: 'port' });
    expect(m.charsets.get(10001)).toBe('UTF-8');
    expect(m.charsets.get(10002)).toBe('ISO-8859-1');
    expect(() => syslogSourceConfig(sourceContext({}, new FakeOutput()), 'tcp')).toThrow(/"port"/);
    expect(() => syslogSourceConfig(sourceContext({ ports: '1', 'charset.default': 'EBCDIC-X' }, new FakeOutput()), 'multiport')).toThrow(/charset/);
  });
});

async function startTcp(props: Record<string, string | number>, multiport = false, out = new FakeOutput()) {
  const f = multiport ? multiportSyslogTcpSourceFactory : syslogTcpSourceFactory;
  const src = f.create(sourceContext({ host: '127.0.0.1', ...(multiport ? {} : { port: 0 }), ...props }, out)) as SyslogTcpSource;
  await src.start();
  running.push(src);
  return { src, out, ports: src.addresses().map((a) => a.port) };
}

describe('syslog sources with logger(1)', () => {
  it('syslogtcp: RFC 5424 and RFC 3164, newline and octet-counted, client headers', async () => {
    const { out, ports } = await startTcp({ clientIPHeader: 'ip', clientHostnameHeader: 'hn' });
    const port = String(ports[0]);
    await run('logger', ['--tcp', '-n', '127.0.0.1', '-P', port, '--rfc5424', '-t', 'app', '-p', 'local3.warning', 'hello 5424']);
    await run('logger', ['--tcp', '-n', '127.0.0.1', '-P', port, '--rfc3164', '-t', 'app', '-p', 'user.err', 'hello 3164']);
    await run('logger', ['--tcp', '-n', '127.0.0.1', '-P', port, '--rfc5424', '--octet-count', 'counted msg']);
    await out.until(() => out.events().length >= 3);
    const ev = out.events();
    expect(ev[0]!.headers).toMatchObject({ Facility: '19', Severity: '4', version: '1', ip: '127.0.0.1' });
    expect(ev[0]!.headers.hn).toBeTruthy();
    expect(Number(ev[0]!.headers.timestamp)).toBeGreaterThan(Date.now() - 60_000);
    expect(ev[0]!.body.toString()).toMatch(/^app .*hello 5424$/);
    expect(ev[1]!.headers).toMatchObject({ Facility: '1', Severity: '3' });
    expect(ev[1]!.headers.host).toBeTruthy();
    expect(ev[1]!.body.toString()).toMatch(/hello 3164$/);
    expect(ev[2]!.body.toString()).toMatch(/counted msg$/);
    for (const e of ev) expect(e.headers['flume.syslog.status']).toBeUndefined();
  });

  it('syslogudp: one datagram per event, oversize datagrams are Incomplete', async () => {
    const out = new FakeOutput();
    const src = syslogUdpSourceFactory.create(sourceContext({ host: '127.0.0.1', port: 0, eventSize: 50 }, out)) as SyslogUdpSource;
    await src.start();
    running.push(src);
    const port = String(src.address().port);
    await run('logger', ['--udp', '-n', '127.0.0.1', '-P', port, '--rfc3164', '-t', 'u', 'udp hello']);
    await run('logger', ['--udp', '-n', '127.0.0.1', '-P', port, '--rfc5424', 'x'.repeat(200)]);
    await out.until(() => out.events().length >= 2);
    const ev = out.events();
    expect(ev[0]!.body.toString()).toMatch(/udp hello$/);
    expect(ev[1]!.headers['flume.syslog.status']).toBe('Incomplete');
    expect(ev[1]!.body.length).toBeLessThanOrEqual(50);
  });

  it('multiport_syslogtcp: several ports, portHeader, batchSize', async () => {
    const { out, ports } = await startTcp({ ports: '0 0', portHeader: 'port', batchSize: 2 }, true);
    expect(ports).toHaveLength(2);
    for (const p of ports) await run('logger', ['--tcp', '-n', '127.0.0.1', '-P', String(p), '--rfc3164', `to ${p}`]);
    const sock = connect(ports[0]!, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.end('<13>Feb  5 17:32:18 h a\n<13>Feb  5 17:32:18 h b\n<13>Feb  5 17:32:18 h c\n');
    await out.until(() => out.events().length >= 5);
    const ev = out.events();
    expect(ev[0]!.headers.port).toBe(String(ports[0]));
    expect(ev[1]!.headers.port).toBe(String(ports[1]));
    expect(out.batches.every((b) => b.count <= 2)).toBe(true);
    expect(ev.slice(2).map((e) => e.body.toString())).toEqual(['a', 'b', 'c']);
  });

  it('keepFields all keeps the whole message as the body (source level)', async () => {
    const { out, ports } = await startTcp({ keepFields: 'all' });
    await run('logger', ['--tcp', '-n', '127.0.0.1', '-P', String(ports[0]), '--rfc3164', '-p', 'daemon.info', '-t', 'kf', 'kept']);
    await out.until(() => out.events().length >= 1);
    const e = out.events()[0]!;
    expect(e.body.toString()).toMatch(/^<30>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ kf.*kept$/);
    expect(e.headers).toMatchObject({ Facility: '3', Severity: '6' });
  });

  it('handles malformed, oversize and unterminated messages on TCP', async () => {
    const { out, ports } = await startTcp({ eventSize: 20 });
    const sock = connect(ports[0]!, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.end(`garbage line\n<13>${'y'.repeat(40)}\n<14>last`);
    await out.until(() => out.events().length >= 5);
    const ev = out.events();
    expect(ev[0]!.headers['flume.syslog.status']).toBe('Invalid');
    expect(ev[0]!.body.toString()).toBe('garbage line');
    expect(ev[1]!.headers['flume.syslog.status']).toBe('Incomplete');
    expect(ev[1]!.body.length).toBe(20);
    expect(ev[2]!.headers['flume.syslog.status']).toBe('Invalid'); // the cut-off rest: no PRI
    expect(ev[3]!.headers['flume.syslog.status']).toBe('Invalid');
    expect(ev[4]!.body.toString()).toBe('<14>last'); // unterminated at close: still an event
    expect(ev[4]!.headers.Facility).toBe('1');
  });

  it('retries while the channel is full (back-pressure), losing nothing', async () => {
    const out = new FakeOutput();
    out.rejectNext = 1;
    const { ports } = await startTcp({}, false, out);
    await run('logger', ['--tcp', '-n', '127.0.0.1', '-P', String(ports[0]), '--rfc3164', 'retried']);
    await out.until(() => out.events().length >= 1, 10_000);
    expect(out.rejected).toBe(1);
    expect(out.bodies()[0]).toMatch(/retried$/);
  });

  it('splits a read larger than the channel transactionCapacity instead of dropping it', async () => {
    const out = new FakeOutput();
    const orig = out.send.bind(out);
    out.send = async (b) => {
      if (b.count > 2) throw new TransactionCapacityError('c1', 'Put queue for MemoryTransaction of capacity 2 full');
      return orig(b);
    };
    const { ports } = await startTcp({}, false, out);
    const sock = connect(ports[0]!, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.end(['a', 'b', 'c', 'd', 'e'].map((x) => `<13>Feb  5 17:32:18 h ${x}\n`).join(''));
    await out.until(() => out.bodies().length >= 5);
    expect(out.bodies()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(out.batches.every((b) => b.count <= 2)).toBe(true);
  });

  it('survives random bytes (fuzz) on TCP and UDP: no crash, every connection handled', async () => {
    let seed = 1234;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const { out, ports } = await startTcp({ eventSize: 100 });
    for (let c = 0; c < 20; c++) {
      const sock = connect(ports[0]!, '127.0.0.1');
      sock.on('error', () => {});
      await new Promise<void>((r) => sock.once('connect', () => r()));
      const bytes = Buffer.alloc(200 + rnd(2000));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rnd(256);
      if (c % 3 === 0) bytes[0] = 0x3c; // look like a PRI
      await new Promise<void>((r) => sock.end(bytes, () => r()));
      await new Promise<void>((r) => sock.once('close', () => r()));
    }
    const udpOut = new FakeOutput();
    const udp = syslogUdpSourceFactory.create(sourceContext({ host: '127.0.0.1', port: 0 }, udpOut)) as SyslogUdpSource;
    await udp.start();
    running.push(udp);
    const client = createSocket('udp4');
    for (let i = 0; i < 50; i++) {
      const b = Buffer.alloc(1 + rnd(3000));
      for (let j = 0; j < b.length; j++) b[j] = rnd(256);
      await new Promise<void>((r) => client.send(b, udp.address().port, '127.0.0.1', () => r()));
    }
    client.close();
    await udpOut.until(() => udpOut.events().length >= 45, 5000).catch(() => undefined);
    expect(udpOut.events().length).toBeGreaterThan(0);
    // The TCP source still works after the fuzz.
    await run('logger', ['--tcp', '-n', '127.0.0.1', '-P', String(ports[0]), '--rfc3164', 'still alive']);
    await out.until(() => out.bodies().some((b) => b.endsWith('still alive')));
    for (const e of out.events()) expect(e.headers.Facility).toMatch(/^\d+$/);
  });
});
