// A consumer that keeps its offsets itself, in a JSON file, instead of committing them to
// the group. The group is still used to share the partitions between members; the file
// says where each partition's reading continues.
//
// Why the group join matters: the partitions a member owns change on every rebalance (a
// member joins, leaves or crashes; the topic gains partitions). After each rebalance the
// member must look up, for the partitions it now owns, the positions saved by whoever
// owned them before, and seek there before it fetches — kafkajs announces the new
// assignment with the GROUP_JOIN event. And it must have saved its own positions before it
// gives partitions up, which this example does by saving after every batch.
//
// The file is replaced atomically (write a temp file, fsync, rename), so a crash leaves
// either the old or the new positions, never a torn file. Layout:
//   { "<topic>": { "<partition>": "<next offset to read>" } }
//
//   SLUICE_BROKERS (default 127.0.0.1:9092)  TOPIC (first)  GROUP (example-custom)
//   OFFSETS_FILE (default ./offsets.json)  MAX_MESSAGES
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';

const brokers = (process.env.SLUICE_BROKERS ?? '127.0.0.1:9092').split(',');
const topic = process.env.TOPIC ?? 'first';
const groupId = process.env.GROUP ?? 'example-custom';
const file = process.env.OFFSETS_FILE ?? './offsets.json';
const max = Number(process.env.MAX_MESSAGES ?? Infinity);

function loadOffsets() {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    if (err.code === 'ENOENT') return {};
    throw new Error(`cannot read offsets file ${file}: ${err.message}`);
  }
}

function saveOffsets(offsets) {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(offsets, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file); // atomic replace on POSIX file systems
}

const offsets = loadOffsets();
const kafka = new Kafka({ clientId: 'example-custom-offsets', brokers, logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId });

// After every rebalance: seek each partition we now own to the position in the file.
consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
  const saved = loadOffsets(); // another member may have advanced partitions we take over
  for (const [t, partitions] of Object.entries(payload.memberAssignment)) {
    for (const partition of partitions) {
      const next = saved[t]?.[partition];
      if (next === undefined) {
        console.log(`assigned partition=${partition}: no saved offset, starting from the beginning`);
        continue;
      }
      (offsets[t] ??= {})[partition] = next;
      console.log(`assigned partition=${partition}: seeking to saved offset ${next}`);
      consumer.seek({ topic: t, partition, offset: next });
    }
  }
});

let seen = 0;
let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await consumer.disconnect();
  console.log(`consumed ${seen} records`);
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
await consumer.run({
  autoCommit: false, // the group keeps no offsets for us
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset }) => {
    let processed = 0;
    for (const message of batch.messages) {
      if (seen >= max || stopping) break;
      seen++;
      processed++;
      console.log(`partition=${batch.partition} offset=${message.offset} value=${message.value}`);
      (offsets[batch.topic] ??= {})[batch.partition] = (BigInt(message.offset) + 1n).toString();
      resolveOffset(message.offset);
    }
    if (processed > 0) saveOffsets(offsets); // positions saved before anything else can happen
    if (seen >= max) setImmediate(stop);
  },
});
