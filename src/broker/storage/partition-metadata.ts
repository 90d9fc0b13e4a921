/**
 * Per-partition-directory metadata files.
 *
 * - `partition.metadata` (Kafka's PartitionMetadataFile):
 *     version: 0\ntopic_id: <Uuid base64url, 22 chars>\n
 * - `sluice-topic-config.properties` (Sluice's own): the topic's config overrides
 *   as Java properties, one `key=value` per line; the same content is written to
 *   every partition directory of the topic so any one of them restores it.
 * Both are written atomically (tmp + fsync + rename).
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { parseProperties } from '../../config/properties.js';
import { writeFileAtomic } from './checkpoint-file.js';
import { uuidFromString, uuidToString } from './log-dir.js';

export const PARTITION_METADATA_FILE = 'partition.metadata';
export const TOPIC_CONFIG_FILE = 'sluice-topic-config.properties';

export function writePartitionMetadata(dir: string, topicId: Buffer): void {
  writeFileAtomic(join(dir, PARTITION_METADATA_FILE), `version: 0\ntopic_id: ${uuidToString(topicId)}\n`);
}

/** The topic id, or null if the file is missing or malformed. */
export function readPartitionMetadata(dir: string): Buffer | null {
  let text: string;
  try {
    text = fs.readFileSync(join(dir, PARTITION_METADATA_FILE), 'utf8');
  } catch {
    return null;
  }
  const m = /^version: 0\ntopic_id: (\S+)\n?$/.exec(text);
  return m ? uuidFromString(m[1]!) : null;
}

function escapeProp(s: string, isKey: boolean): string {
  let out = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  out = out.replace(/^[ ]/, '\\ ').replace(/^([#!])/, '\\$1');
  if (isKey) out = out.replace(/([=: ])/g, '\\$1');
  return out;
}

export function writeTopicConfig(dir: string, configs: Readonly<Record<string, string>>): void {
  let text = '# Sluice per-topic config overrides\n';
  for (const [k, v] of Object.entries(configs).sort(([a], [b]) => a.localeCompare(b))) text += `${escapeProp(k, true)}=${escapeProp(v, false)}\n`;
  writeFileAtomic(join(dir, TOPIC_CONFIG_FILE), text);
}

export function readTopicConfig(dir: string): Record<string, string> | null {
  const path = join(dir, TOPIC_CONFIG_FILE);
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const out: Record<string, string> = {};
  for (const e of parseProperties(text, path)) out[e.key] = e.value;
  return out;
}
