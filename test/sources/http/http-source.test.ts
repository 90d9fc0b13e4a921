import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpSource, httpSourceConfig, httpSourceFactory, DEFAULT_MAX_BODY_BYTES } from '../../../src/sources/http/http-source.js';
import { JsonEventReader } from '../../../src/sources/http/json-event-reader.js';
import { encodeBody, createTextDecoder } from '../../../src/sources/http/json-charset.js';
import { FakeOutput, sourceContext } from '../../interceptors/test-context.js';

const running: HttpSource[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function start(props: Record<string, string | number> = {}, out = new FakeOutput()) {
  const src = httpSourceFactory.create(sourceContext({ bind: '127.0.0.1', port: 0, ...props }, out)) as HttpSource;
  await src.start();
  running.push(src);
  return { src, out, port: src.address().port };
}

function post(port: number, body: Buffer | string, headers: Record<string, string> = {}, path = '/'): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'Content-Type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('http source config', () => {
  it("uses Flume's defaults and accepts the JSONHandler class name", () => {
    const c = httpSourceConfig(sourceContext({ port: 5140, handler: 'org.apache.flume.source.http.JSONHandler' }, new FakeOutput()));
    expect(c).toEqual({ bind: '0.0.0.0', port: 5140, maxBodyBytes: DEFAULT_MAX_BODY_BYTES });
    expect(() => httpSourceConfig(sourceContext({}, new FakeOutput()))).toThrow(/"port"/);
    expect(() => httpSourceConfig(sourceContext({ port: 1, handler: 'com.example.Blob' }, new FakeOutput()))).toThrow(/handler/);
    expect(() => httpSourceConfig(sourceContext({ port: 1, enableSSL: 'true' }, new FakeOutput()))).toThrow(/SSL/);
  });
});

describe('json event reader', () => {
  it('reads events across arbitrary splits, ignoring unknown keys and coercing scalars', () => {
    const text = '[{"headers":{"a":"b","n":1,"t":true,"z":null},"body":"hello","extra":{"x":[1,{"y":2}]}},{"body":null},{"headers":null,"body":42}]';
    for (const step of [1, 3, 7, 1000]) {
      const r = new JsonEventReader();
      for (let i = 0; i < text.length; i += step) r.write(text.slice(i, i + step));
      expect(r.end()).toEqual([
        { headers: { a: 'b', n: '1', t: 'true' }, body: 'hello' },
        { headers: {}, body: '' },
        { headers: {}, body: '42' },
      ]);
    }
  });

  it('locates a syntax error to within one slice', () => {
    const good = JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ headers: {}, body: `line ${i}` })));
    const bad = `${good.slice(0, 600)}@@${good.slice(600)}`;
    const r = new JsonEventReader();
    let err: unknown;
    try {
      r.write(bad);
      r.end();
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'HTTP_BAD_JSON' });
    const pos = (err as { position: number }).position;
    expect(pos).toBeGreaterThanOrEqual(601);
    expect(pos - 601).toBeLessThanOrEqual(256);
    expect(String((err as Error).message)).toMatch(/at or before character \d+ \(line 1\)/);
  });

  it('rejects non-array input, non-object elements and object bodies', () => {
    for (const t of ['{"body":"x"}', '["x"]', '[{"body":{"a":1}}]', '[{"headers":{"a":{}}}]', '[{"body":"x"}', '[] []']) {
      const r = new JsonEventReader();
      expect(() => {
        r.write(t);
        r.end();
      }, t).toThrow(/request body/);
    }
  });

  it('encodes bodies as Java getBytes does and decodes UTF-16/32 with and without BOM', () => {
    expect(encodeBody('utf-16', 'hi').toString('hex')).toBe('feff00680069');
    expect(encodeBody('utf-32', 'h').toString('hex')).toBe('00000068');
    expect(encodeBody('utf-8', 'é').toString('hex')).toBe('c3a9');
    const d16 = createTextDecoder('utf-16');
    expect(d16.write(Buffer.from([0xff])) + d16.write(Buffer.from([0xfe, 0x68, 0x00])) + d16.end()).toBe('h');
    const d32 = createTextDecoder('utf-32');
    expect(d32.write(Buffer.from([0, 0, 0])) + d32.write(Buffer.from([0x68, 0, 1, 0xf6, 0x00])) + d32.end()).toBe('h\u{1f600}');
  });
});

describe('http source', () => {
  it('accepts a JSON array on any path as one batch and answers 200', async () => {
    const { out, port } = await start();
    const r = await post(port, JSON.stringify([{ headers: { h: '1' }, body: 'a' }, { headers: {}, body: 'b' }]), {}, '/any/path?x=1');
    expect(r.status).toBe(200);
    expect(out.batches).toHaveLength(1);
    expect(out.events()).toEqual([{ headers: { h: '1' }, body: Buffer.from('a') }, { headers: {}, body: Buffer.from('b') }]);
  });

  it('honours the Content-Type charset (UTF-16, UTF-32) and re-encodes bodies in it', async () => {
    const { out, port } = await start();
    const json = '[{"headers":{"k":"ü"},"body":"hé"}]';
    const utf16 = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(json, 'utf16le').swap16()]);
    expect((await post(port, utf16, { 'Content-Type': 'application/json; charset=UTF-16' })).status).toBe(200);
    const utf32 = Buffer.alloc(json.length * 4);
    Array.from(json).forEach((c, i) => utf32.writeUInt32BE(c.codePointAt(0)!, i * 4));
    expect((await post(port, utf32, { 'Content-Type': 'application/json;charset=utf-32' })).status).toBe(200);
    const ev = out.events();
    expect(ev[0]!.headers).toEqual({ k: 'ü' });
    expect(ev[0]!.body.toString('hex')).toBe('feff006800e9');
    expect(ev[1]!.body.toString('hex')).toBe('00000068000000e9');
    expect((await post(port, '[]', { 'Content-Type': 'application/json; charset=koi8-r' })).status).toBe(415);
  });

  it('answers 400 with the error position for bad JSON, and accepts nothing', async () => {
    const { out, port } = await start();
    const r = await post(port, '[{"headers":{},"body":"ok"},{"body": tru}]');
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/^Bad request from client\. .* at or before character \d+ \(line 1\) of the request body/);
    expect(out.batches).toHaveLength(0);
    const r2 = await post(port, '[{"body":"x"}');
    expect(r2.status).toBe(400);
    expect(r2.text).toMatch(/character 13 /);
  });

  it('answers 200 to an empty body without sending anything', async () => {
    const { out, port } = await start();
    expect((await post(port, '')).status).toBe(200);
    expect((await post(port, ' \n')).status).toBe(200);
    expect((await post(port, '[]')).status).toBe(200);
    expect(out.batches).toHaveLength(0);
  });

  it('answers 503 when the channel is full', async () => {
    const out = new FakeOutput();
    out.rejectNext = 1;
    const { port } = await start({}, out);
    const r = await post(port, '[{"body":"x"}]');
    expect(r.status).toBe(503);
    expect(r.text).toMatch(/Channel might be full/);
    expect((await post(port, '[{"body":"x"}]')).status).toBe(200);
  });

  it('answers 413 for a declared or streamed body over maxBodyBytes', async () => {
    const { out, port } = await start({ maxBodyBytes: 1000 });
    const big = JSON.stringify(Array.from({ length: 100 }, () => ({ body: 'xxxxxxxxxxxxxxxxxxxx' })));
    expect((await post(port, big)).status).toBe(413);
    // Chunked: no Content-Length, the limit trips while streaming.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.write(big.slice(0, 600));
      setImmediate(() => req.end(big.slice(600)));
    });
    expect(status).toBe(413);
    expect(out.batches).toHaveLength(0);
  });

  it('streams a huge body (many MB) without holding it whole and accepts it', async () => {
    const { out, port } = await start({ maxBodyBytes: 64 << 20 });
    const n = 50_000;
    const one = JSON.stringify({ headers: { i: 'x' }, body: 'y'.repeat(100) });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      let i = 0;
      const pump = (): void => {
        while (i < n) {
          const piece = (i === 0 ? '[' : ',') + one + (i === n - 1 ? ']' : '');
          i++;
          if (!req.write(piece)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(200);
    expect(out.batches[0]!.count).toBe(n);
    expect(out.batches[0]!.body(n - 1).toString()).toBe('y'.repeat(100));
  });

  it('serves a slow client that trickles its body byte by byte', async () => {
    const { out, port } = await start();
    const body = '[{"headers":{"a":"b"},"body":"slow"}]';
    const sock = connect(port, '127.0.0.1');
    let resp = '';
    sock.on('data', (d) => (resp += d.toString()));
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write(`POST /slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    for (const ch of body) {
      sock.write(ch);
      await new Promise((r) => setImmediate(r));
    }
    const deadline = Date.now() + 5000;
    while (!resp.includes('\r\n\r\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    sock.destroy();
    expect(resp).toMatch(/^HTTP\/1\.1 200/);
    expect(out.bodies()).toEqual(['slow']);
  });

  it('handles concurrent load: every accepted request lands exactly once', async () => {
    const { out, port } = await start();
    const reqs = 200;
    const results = await Promise.all(
      Array.from({ length: reqs }, (_, r) => post(port, JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ headers: { r: String(r) }, body: `${r}-${i}` }))))),
    );
    expect(results.every((x) => x.status === 200)).toBe(true);
    expect(out.batches).toHaveLength(reqs);
    const bodies = new Set(out.bodies());
    expect(bodies.size).toBe(reqs * 10);
  });
});
