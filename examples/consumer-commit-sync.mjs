// Manual, synchronous commit: autoCommit is off, and after processing each batch the
// consumer commits and WAITS for the broker to confirm before it goes on (Java's
// commitSync(), which retries until it succeeds or fails for good). Slower, but a commit
// is never silently lost.
//
//   SLUICE_BROKERS (default 127.0.0.1:9092)  TOPIC (first)  GROUP (example-sync)  MAX_MESSAGES
import { Kafka, logLevel } from 'kafkajs';

const brokers = (process.env.SLUICE_BROKERS ?? '127.0.0.1:9092').split(',');
const topic = process.env.TOPIC ?? 'first';
const groupId = process.env.GROUP ?? 'example-sync';
const max = Number(process.env.MAX_MESSAGES ?? Infinity);

const kafka = new Kafka({ clientId: 'example-commit-sync', brokers, logLevel: logLevel.WARN, retry: { retries: 5 } });
const consumer = kafka.consumer({ groupId });

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
  autoCommit: false,
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    let last = null;
    for (const message of batch.messages) {
      if (seen >= max || stopping) break;
      seen++;
      console.log(`partition=${batch.partition} offset=${message.offset} value=${message.value}`);
      resolveOffset(message.offset);
      last = message.offset;
    }
    if (last === null) return;
    // The committed offset is the NEXT one to read: last processed + 1.
    const next = (BigInt(last) + 1n).toString();
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
    console.log(`committed partition=${batch.partition} offset=${next}`);
    await heartbeat();
    if (seen >= max) setImmediate(stop);
  },
});
