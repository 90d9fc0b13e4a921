#!/usr/bin/env node
// Fetch path benchmark (issue 3 "Benchmarks / Fetch"; ARCHITECTURE.md §3 "Zero copy").
//
// A hot segment file (page cache) goes over loopback to a receiver that discards it:
//   - Node ConnectionWriter, sendfile mode (native addon)
//   - Node ConnectionWriter, copy mode (fs.read + socket.write, the fallback)
//   - the limit: a raw os.sendfile loop in Python on the same file, outside Node
// The Node paths send Fetch-shaped responses (a header Buffer, one FileSlice of
// SLUICE_BENCH_FETCH_MB, a trailer Buffer), up to 4 queued, as a broker would.
// The receiver is a separate Python process (recv_into a 4 MiB buffer), so its CPU is
// not counted; sender CPU is process.cpuUsage() (Node) or os.times() (Python).
// Goal: sendfile ≥ 80% of the raw loop's GB/s, and less CPU/GB than the fallback.
//
// Env: SLUICE_BENCH_BIG=1 → 1 GiB file (default 256 MiB); SLUICE_BENCH_MB=N overrides;
//      SLUICE_BENCH_ROUNDS (default 3, best round reported); SLUICE_BENCH_FETCH_MB (default 4;
//      fractions allowed: responses ≤ 64 KiB, e.g. 0.03125, take the writer's inline path —
//      one pread and one writev per response — in both modes, so both rows measure that path).
// Needs `npm run build` (dist/) and the built addon; python3 on PATH.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnectionWriter } from '../dist/broker/zero-copy/connection-writer.js';
import { loadNativeAddon } from '../dist/broker/zero-copy/addon.js';

const MiB = 1 << 20;
const sizeMiB = Number(process.env.SLUICE_BENCH_MB ?? (process.env.SLUICE_BENCH_BIG === '1' ? 1024 : 256));
const rounds = Number(process.env.SLUICE_BENCH_ROUNDS ?? 3);
const fetchBytes = Number(process.env.SLUICE_BENCH_FETCH_MB ?? 4) * MiB;
const python = process.env.SLUICE_BENCH_PYTHON ?? 'python3';
const fileBytes = sizeMiB * MiB;
const HEADER = Buffer.alloc(64, 1);
const TRAILER = Buffer.alloc(8, 2);

const RECEIVER_PY = `
import socket, sys
port, expected = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(('127.0.0.1', port))
buf = bytearray(4 << 20); view = memoryview(buf); got = 0
while got < expected:
    n = s.recv_into(view)
    if n == 0: break
    got += n
s.close()
print(got)
`;

const RAW_SENDER_PY = `
import os, socket, sys, time, json
path, size = sys.argv[1], int(sys.argv[2])
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
fd = os.open(path, os.O_RDONLY)
t0 = time.perf_counter(); c0 = os.times()
off = 0
while off < size:
    n = os.sendfile(conn.fileno(), fd, off, size - off)
    if n == 0: break
    off += n
conn.shutdown(socket.SHUT_WR)
conn.recv(1)  # the receiver closes after reading everything
t1 = time.perf_counter(); c1 = os.times()
print(json.dumps({"bytes": off, "seconds": t1 - t0, "cpu": (c1.user - c0.user) + (c1.system - c0.system)}), flush=True)
`;

function runReceiver(port, expected) {
  const child = spawn(python, ['-c', RECEIVER_PY, String(port), String(expected)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`receiver exited ${code}`))));
  });
}

function benchFile(path, fd) {
  return { path, fd, retain() {}, release() {} };
}

async function runNode(file, forceCopy) {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const responses = Math.ceil(fileBytes / fetchBytes);
  const wireBytes = fileBytes + responses * (HEADER.length + TRAILER.length);
  const accepted = new Promise((r) => server.once('connection', r));
  const receiver = runReceiver(server.address().port, wireBytes);
  const socket = await accepted;
  const closed = new Promise((r) => socket.once('close', r));
  socket.on('error', () => {});
  socket.resume(); // the receiver closes after reading; see the FIN
  const writer = createConnectionWriter(socket, { forceCopy });
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let next = 0;
  const sendOne = () => {
    const position = next * fetchBytes;
    next++;
    return writer.write([HEADER, { file, position, length: Math.min(fetchBytes, fileBytes - position) }, TRAILER]);
  };
  const inflight = new Set();
  while (next < responses) {
    while (inflight.size < 4 && next < responses) {
      const p = sendOne().finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.race(inflight);
  }
  await Promise.all(inflight);
  socket.end();
  await closed;
  const cpu = process.cpuUsage(c0);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const got = await receiver;
  server.close();
  if (got !== wireBytes) throw new Error(`receiver got ${got} of ${wireBytes} bytes`);
  return { mode: writer.mode, bytes: fileBytes, seconds, cpu: (cpu.user + cpu.system) / 1e6 };
}

async function runRawPython(path) {
  const child = spawn(python, ['-c', RAW_SENDER_PY, path, String(fileBytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = [];
  let buf = '';
  let onLine;
  child.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
      onLine?.();
    }
  });
  const nextLine = () =>
    new Promise((resolve, reject) => {
      const check = () => (lines.length > 0 ? resolve(lines.shift()) : undefined);
      onLine = check;
      child.once('close', (code) => reject(new Error(`python sender exited ${code}`)));
      check();
    });
  const port = Number(await nextLine());
  const receiver = runReceiver(port, fileBytes);
  const result = JSON.parse(await nextLine());
  const got = await receiver;
  if (got !== fileBytes) throw new Error(`receiver got ${got} of ${fileBytes} bytes`);
  return { mode: 'raw', bytes: result.bytes, seconds: result.seconds, cpu: result.cpu };
}

function makeHotFile(dir) {
  const path = join(dir, '00000000000000000000.log');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(8 * MiB);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 2654435761) >>> 24;
  for (let written = 0; written < fileBytes; written += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, fileBytes - written));
  closeSync(fd);
  // Read it once so every path starts from the page cache.
  const rfd = openSync(path, 'r');
  while (readSync(rfd, chunk, 0, chunk.length, null) > 0);
  closeSync(rfd);
  return path;
}

const gbps = (r) => r.bytes / r.seconds / 1e9;
const cpuPerGB = (r) => r.cpu / (r.bytes / 1e9);

async function main() {
  if (!loadNativeAddon()) console.log('note: native addon not loaded; the "sendfile" row falls back to copy mode (run npm run build:native)');
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-fetch-'));
  try {
    const path = makeHotFile(dir);
    const fd = openSync(path, 'r');
    const file = benchFile(path, fd);
    const best = { sendfile: null, copy: null, raw: null };
    const keep = (key, r) => {
      if (!best[key] || gbps(r) > gbps(best[key])) best[key] = r;
    };
    for (let i = 0; i < rounds; i++) {
      keep('raw', await runRawPython(path));
      keep('sendfile', await runNode(file, false));
      keep('copy', await runNode(file, true));
    }
    closeSync(fd);
    const raw = best.raw;
    const rows = [
      ['python os.sendfile loop (limit)', raw],
      [`Node ConnectionWriter, ${best.sendfile.mode}`, best.sendfile],
      ['Node ConnectionWriter, copy (fallback)', best.copy],
    ];
    console.log(`file ${sizeMiB} MiB (hot), fetch responses of ${fetchBytes / MiB} MiB, best of ${rounds} rounds; receiver: separate python process`);
    console.log('| path | GB/s | % of raw loop | sender CPU s/GB |');
    console.log('|---|---|---|---|');
    for (const [name, r] of rows) {
      console.log(`| ${name} | ${gbps(r).toFixed(2)} | ${((100 * gbps(r)) / gbps(raw)).toFixed(0)}% | ${cpuPerGB(r).toFixed(3)} |`);
    }
    const okSpeed = gbps(best.sendfile) >= 0.8 * gbps(raw);
    const okCpu = cpuPerGB(best.sendfile) < cpuPerGB(best.copy);
    console.log(`goal ≥80% of raw GB/s: ${okSpeed ? 'met' : 'NOT met'}; less CPU/GB than the fallback: ${okCpu ? 'met' : 'NOT met'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
