// Bad input closes only the offending connection, with one log line naming the client
// and the reason; other connections keep working. Runs both in memory and over TCP.
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { rootLogger, setRootLogger } from '../../src/logger.js';
import { encodeRequest } from '../../src/protocol/codec.js';
import { startTestBroker, TestClient, waitFor, type TestBroker } from './broker-test-kit.js';

type Body = Record<string, any>;

const lines: Record<string, unknown>[] = [];
const previous = rootLogger();
let tb: TestBroker;

beforeAll(async () => {
  setRootLogger(
    pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
          cb();
        },
      }),
    ),
  );
  tb = await startTestBroker(['socket.request.max.bytes=1048576']);
});
afterAll(async () => {
  await tb.close();
  setRootLogger(previous);
});

function sized(frame: Buffer): Buffer {
  const s = Buffer.alloc(4);
  s.writeInt32BE(frame.length);
  return Buffer.concat([s, frame]);
}

const cases: [string, (c: TestClient) => void, RegExp][] = [
  ['a truncated frame', (c) => c.sendRaw(sized(Buffer.from([0, 18, 0]))), /truncated frame/],
  ['a 2 GB length prefix', (c) => c.sendRaw(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3])), /request size 2147483647/],
  ['a negative length prefix', (c) => c.sendRaw(Buffer.from([0xff, 0xff, 0xff, 0xfe])), /request size/],
  ['an unknown API key', (c) => c.sendRaw(sized(Buffer.from([0x03, 0xe7, 0, 0, 0, 0, 0, 1, 0, 0]))), /unknown API key 999/],
  ['an unsupported Produce version', (c) => c.sendRaw(sized(Buffer.from([0, 0, 0, 2, 0, 0, 0, 1, 0, 0]))), /unsupported Produce version 2/],
  ['an unsupported Fetch version', (c) => c.sendRaw(sized(Buffer.from([0, 1, 0, 99, 0, 0, 0, 1, 0, 0]))), /unsupported Fetch version 99/],
  ['garbage bytes', (c) => c.sendRaw(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')), /request size/],
  [
    'a body that stops early',
    (c) => {
      const full = encodeRequest(3, 4, 1, 'x', { topics: [{ name: 'some-topic' }], allowAutoTopicCreation: true });
      const cut = full.subarray(4, full.length - 6);
      c.sendRaw(sized(cut));
    },
    /malformed Metadata v4 request/,
  ],
  [
    'a request that stops halfway',
    (c) => {
      const full = encodeRequest(18, 2, 1, 'x', {});
      c.sendRaw(full.subarray(0, full.length - 3));
      c.end();
    },
    /ended in the middle of a request/,
  ],
];

describe.each([['memory'], ['tcp']])('bad input over %s', (transport) => {
  let port = 0;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    if (transport === 'tcp') {
      // Bind a real listener on an ephemeral port through the in-memory broker's connection handler.
      const { createServer } = await import('node:net');
      const server = createServer((s) => tb.broker.handleConnection(s, `${s.remoteAddress}:${s.remotePort}`));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      port = (server.address() as { port: number }).port;
      sockets.push({ destroy: () => server.close() } as unknown as Socket);
    }
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
  });
  const open = async (): Promise<TestClient> => {
    if (transport === 'memory') return tb.connect();
    const s = connect(port, '127.0.0.1');
    await new Promise<void>((r) => s.once('connect', () => r()));
    return new TestClient(s);
  };

  it.each(cases)('%s closes that connection only, with one log line', async (_name, act, reason) => {
    const bystander = await open();
    const before = await bystander.request<Body>(18, 2, {});
    expect(before.errorCode).toBe(0);
    const victim = await open();
    const mark = lines.length;
    act(victim);
    await victim.closedPromise;
    const closingLines = (): Record<string, unknown>[] => lines.slice(mark).filter((l) => String(l['msg']).startsWith('closing connection'));
    await waitFor(() => closingLines().length > 0, 5000, 'log line');
    const closing = closingLines();
    expect(closing).toHaveLength(1);
    expect(String(closing[0]!['reason'])).toMatch(reason);
    expect(String(closing[0]!['msg'])).toContain('closing connection from ');
    // everyone else still served
    const after = await bystander.request<Body>(3, 1, { topics: null });
    expect(Array.isArray(after.topics)).toBe(true);
    bystander.end();
  });
});
