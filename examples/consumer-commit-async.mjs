// Manual, asynchronous commit: autoCommit is off, and after each batch the consumer asks
// for a commit but does NOT wait for it (Java's commitAsync(callback)). It keeps consuming
// at full speed; a failed commit is only reported in the callback and never retried
// (a retry could overwrite a newer commit that succeeded meanwhile). Before leaving, one
// last commit is awaited so the final position is not lost.
//
//   SLUICE_BROKERS (default 127.0.0.1:9092)  TOPIC (first)  GROUP (example-async)  MAX_MESSAGES
import { Kafka, logLevel } from 'kafkajs';

const brokers = (process.env.SLUICE_BROKERS ?? '127.0.0.1:9092').split(',');
const topic = process.env.TOPIC ?? 'first';
const groupId = process.env.GROUP ?? 'example-async';
const max = Number(process.env.MAX_MESSAGES ?? Infinity);

const kafka = new Kafka({ clientId: 'example-commit-async', brokers, logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId });

const positions = new Map(); // partition → next offset to read
let seen = 0;
let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  // The final commit is synchronous (awaited): nothing would retry it later.
  await consumer.commitOffsets([...positions].map(([partition, offset]) => ({ topic, partition, offset })));
  await consumer.disconnect();
  console.log(`consumed ${seen} records`);
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

function onCommit(err, offsets) {
  if (err) console.log(`async commit failed (not retried): ${err.message}`);
  else for (const o of offsets) console.log(`committed partition=${o.partition} offset=${o.offset}`);
}

await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachMessage: async ({ partition, message }) => {
    if (seen >= max || stopping) return;
    seen++;
    console.log(`partition=${partition} offset=${message.offset} value=${message.value}`);
    const next = (BigInt(message.offset) + 1n).toString();
    positions.set(partition, next);
    const offsets = [{ topic, partition, offset: next }];
    consumer.commitOffsets(offsets).then(() => onCommit(null, offsets), (err) => onCommit(err, offsets)); // not awaited
    if (seen === max) setImmediate(stop);
  },
});
