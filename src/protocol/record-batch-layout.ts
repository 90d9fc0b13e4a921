/**
 * Byte layout of Kafka's record batch v2 header (magic 2), big-endian.
 * Source: DefaultRecordBatch.java. The CRC covers [ATTRIBUTES, end of batch).
 *
 *   off  field                 type
 *   0    baseOffset            int64   (broker assigns)
 *   8    batchLength           int32   (bytes after this field; total = batchLength + 12)
 *   12   partitionLeaderEpoch  int32   (broker sets; not covered by the CRC)
 *   16   magic                 int8    (= 2)
 *   17   crc                   uint32  (CRC-32C over bytes 21..end)
 *   21   attributes            int16   (bits 0-2 codec, 3 timestampType, 4 transactional, 5 control, 6 deleteHorizon)
 *   23   lastOffsetDelta       int32
 *   27   baseTimestamp         int64
 *   35   maxTimestamp          int64
 *   43   producerId            int64
 *   51   producerEpoch         int16
 *   53   baseSequence          int32
 *   57   recordsCount          int32
 *   61   records…
 */
export const BATCH = {
  BASE_OFFSET: 0,
  BATCH_LENGTH: 8,
  PARTITION_LEADER_EPOCH: 12,
  MAGIC: 16,
  CRC: 17,
  ATTRIBUTES: 21,
  LAST_OFFSET_DELTA: 23,
  BASE_TIMESTAMP: 27,
  MAX_TIMESTAMP: 35,
  PRODUCER_ID: 43,
  PRODUCER_EPOCH: 51,
  BASE_SEQUENCE: 53,
  RECORDS_COUNT: 57,
  RECORDS: 61,
  /** Bytes before batchLength's coverage starts (baseOffset + batchLength). */
  LOG_OVERHEAD: 12,
  HEADER_SIZE: 61,
} as const;

export const ATTR = {
  COMPRESSION_MASK: 0x07,
  TIMESTAMP_TYPE_LOG_APPEND: 0x08,
  TRANSACTIONAL: 0x10,
  CONTROL: 0x20,
  DELETE_HORIZON: 0x40,
} as const;

export const enum CompressionCodec {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

export const MAGIC_V2 = 2;
