/**
 * Record-batch compression codecs (attributes bits 0-2), whole-blob and synchronous.
 *
 *   0 none   — identity
 *   1 gzip   — node:zlib (RFC 1952 gzip member)
 *   2 snappy — Kafka's Java clients write the xerial snappy-java stream framing:
 *                8-byte magic 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00, int32 BE version (1),
 *                int32 BE min-compatible version (1), then blocks of [int32 BE length][raw snappy block].
 *              We write that framing (32 KiB input per block, as snappy-java does) and read
 *              both the framing and a bare raw-snappy block (librdkafka and kafkajs variants).
 *   3 lz4    — LZ4 *frame* format (KafkaLZ4BlockOutputStream since magic 1 fixed its header checksum),
 *              via lz4-napi's frame API.
 *   4 zstd   — decompress via fzstd; compressing zstd is not available here (no maintained
 *              Node 20 compressor is installed) → UNSUPPORTED_COMPRESSION_TYPE.
 *
 * Errors: an unknown codec or zstd compression → SluiceError `UNSUPPORTED_COMPRESSION_TYPE`
 * (Kafka error 76); undecodable compressed bytes → `CORRUPT_MESSAGE` (Kafka error 2).
 * Pure functions; inputs are never mutated.
 */
import { createRequire } from 'node:module';
import { gunzipSync, gzipSync } from 'node:zlib';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { decompress as zstdDecompress } from 'fzstd';
import { SluiceError, describeError } from '../errors.js';
import { CompressionCodec } from './record-batch-layout.js';

interface SnappyJs {
  compress(input: Buffer): Buffer;
  uncompress(input: Buffer, maxLength?: number): Buffer;
}
// snappyjs is CommonJS without type declarations.
const snappy = createRequire(import.meta.url)('snappyjs') as SnappyJs;

const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

/** Kafka's name for a codec id ('none', 'gzip', …), or `unknown(<id>)`. */
export function codecName(codec: number): string {
  return CODEC_NAMES[codec] ?? `unknown(${codec})`;
}

/** True when `decompress` handles the codec. */
export function canDecompress(codec: number): boolean {
  return codec >= 0 && codec <= 4;
}

/** True when `compress` handles the codec. */
export function canCompress(codec: number): boolean {
  return codec >= 0 && codec <= 3;
}

function unsupported(codec: number, what: string): SluiceError {
  return new SluiceError(
    'UNSUPPORTED_COMPRESSION_TYPE',
    `${what} with compression codec ${codecName(codec)} (${codec}) is not supported`,
    { details: { codec } },
  );
}

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_BLOCK = 32 * 1024;

function snappyFramedCompress(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  parts.push(header);
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK) {
    const block = snappy.compress(data.subarray(pos, Math.min(pos + XERIAL_BLOCK, data.length)));
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

function snappyDecompress(data: Buffer): Buffer {
  if (data.length >= XERIAL_HEADER_SIZE && data.subarray(0, 8).equals(XERIAL_MAGIC)) {
    const parts: Buffer[] = [];
    let pos = XERIAL_HEADER_SIZE;
    while (pos < data.length) {
      if (pos + 4 > data.length) throw new Error(`truncated xerial block length at ${pos}`);
      const len = data.readInt32BE(pos);
      pos += 4;
      if (len < 0 || pos + len > data.length) throw new Error(`xerial block at ${pos - 4} overruns the data`);
      parts.push(snappy.uncompress(data.subarray(pos, pos + len)));
      pos += len;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
  return snappy.uncompress(data);
}

/** Compresses `data` with `codec`; codec 0 returns `data` itself. */
export function compress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case CompressionCodec.None:
      return data;
    case CompressionCodec.Gzip:
      return gzipSync(data);
    case CompressionCodec.Snappy:
      return snappyFramedCompress(data);
    case CompressionCodec.Lz4:
      return compressFrameSync(data);
    default:
      throw unsupported(codec, 'compression');
  }
}

/** Decompresses `data` written with `codec`; codec 0 returns `data` itself. */
export function decompress(codec: number, data: Buffer): Buffer {
  if (codec === CompressionCodec.None) return data;
  if (!canDecompress(codec)) throw unsupported(codec, 'decompression');
  try {
    switch (codec) {
      case CompressionCodec.Gzip:
        return gunzipSync(data);
      case CompressionCodec.Snappy:
        return snappyDecompress(data);
      case CompressionCodec.Lz4:
        return decompressFrameSync(data);
      default: {
        const out = zstdDecompress(data);
        return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
      }
    }
  } catch (err) {
    throw new SluiceError('CORRUPT_MESSAGE', `cannot decompress ${codecName(codec)} data: ${describeError(err)}`, {
      cause: err,
      details: { codec },
    });
  }
}
