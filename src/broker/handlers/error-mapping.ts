/**
 * Maps thrown errors to Kafka error codes for per-topic/partition answers.
 *
 * A KafkaProtocolError carries its code; a SluiceError whose `code` is a Kafka error
 * name (OFFSET_OUT_OF_RANGE, KAFKA_STORAGE_ERROR, CORRUPT_MESSAGE, …, the convention
 * used by storage and record-batch validation) maps by name; anything else is
 * UNKNOWN_SERVER_ERROR (-1) and is logged by the caller, never swallowed.
 */
import { SluiceError } from '../../errors.js';
import { ErrorCode, KafkaProtocolError } from '../../protocol/errors.js';

const BY_NAME: ReadonlyMap<string, number> = new Map(Object.entries(ErrorCode as Record<string, number>));

/** Extra Sluice codes that mean a Kafka error of another name. */
const ALIASES: Readonly<Record<string, string>> = {
  INVALID_TOPIC: 'INVALID_TOPIC_EXCEPTION',
  INVALID_TOPIC_NAME: 'INVALID_TOPIC_EXCEPTION',
  TOPIC_EXISTS: 'TOPIC_ALREADY_EXISTS',
  UNKNOWN_TOPIC: 'UNKNOWN_TOPIC_OR_PARTITION',
  STORAGE_ERROR: 'KAFKA_STORAGE_ERROR',
};

export function kafkaErrorCode(err: unknown): number {
  if (err instanceof KafkaProtocolError) return err.errorCode;
  if (err instanceof SluiceError) {
    const direct = BY_NAME.get(err.code);
    if (direct !== undefined) return direct;
    const alias = ALIASES[err.code];
    if (alias !== undefined) return BY_NAME.get(alias) ?? -1;
    if (err.code.startsWith('CONFIG_')) return BY_NAME.get('INVALID_CONFIG') ?? 40;
  }
  return -1;
}

/** True when `kafkaErrorCode(err)` is UNKNOWN_SERVER_ERROR, i.e. worth a log line. */
export function isUnexpected(err: unknown): boolean {
  return kafkaErrorCode(err) === -1;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
