// A consumer group member whose offsets are committed automatically (Java's
// enable.auto.commit / auto.commit.interval.ms → kafkajs's autoCommit / autoCommitInterval).
// kafkajs commits the offsets of processed messages at most every autoCommitInterval ms
// (and when the consumer stops); a crash in between means those messages are read again.
//
//   SLUICE_BROKERS (default 127.0.0.1:9092)  TOPIC (first)  GROUP (example-auto)
//   MAX_MESSAGES: stop after this many (default: run until Ctrl-C)
import { Kafka, logLevel } from 'kafkajs';

const brokers = (process.env.SLUICE_BROKERS ?? '127.0.0.1:9092').split(',');
const topic = process.env.TOPIC ?? 'first';
const groupId = process.env.GROUP ?? 'example-auto';
const max = Number(process.env.MAX_MESSAGES ?? Infinity);

const kafka = new Kafka({ clientId: 'example-auto-commit', brokers, logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId });

let seen = 0;
let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await consumer.disconnect(); // commits what was processed, then leaves the group
  console.log(`consumed ${seen} records`);
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
await consumer.run({
  autoCommit: true,
  autoCommitInterval: 1000, // ms
  eachMessage: async ({ partition, message }) => {
    if (seen >= max) return;
    seen++;
    console.log(`partition=${partition} offset=${message.offset} value=${message.value}`);
    if (seen === max) setImmediate(stop);
  },
});
