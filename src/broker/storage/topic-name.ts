/**
 * Kafka's topic-name rule (org.apache.kafka.common.internals.Topic.validate):
 * 1–249 characters from [a-zA-Z0-9._-], and not "." or "..". Topic names become
 * directory names (`<topic>-<partition>`), so this is also what keeps every
 * partition directory inside its log dir.
 */
import { SluiceError } from '../../errors.js';

export const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Returns the reason the name is invalid, or null if it is valid. */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return 'topic name is empty';
  if (name === '.' || name === '..') return `topic name cannot be "${name}"`;
  if (name.length > MAX_TOPIC_NAME_LENGTH) return `topic name is ${name.length} characters; the limit is ${MAX_TOPIC_NAME_LENGTH}`;
  if (!LEGAL.test(name)) return `topic name "${name}" has characters outside [a-zA-Z0-9._-]`;
  return null;
}

/** Throws INVALID_TOPIC_EXCEPTION (Kafka error 17) when the name is illegal. */
export function validateTopicName(name: string): void {
  const problem = topicNameProblem(name);
  if (problem) throw new SluiceError('INVALID_TOPIC_EXCEPTION', problem, { details: { topic: name } });
}

/** Kafka's warning case: names that differ only in '.' vs '_' collide in metric names. */
export function collisionKey(name: string): string {
  return name.replace(/\./g, '_');
}

export const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state']);
