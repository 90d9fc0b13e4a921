// A producer that sends and does not look at the result ("send without a callback").
// kafkajs's send() always returns a promise; here we only await it so that disconnect()
// does not cut off in-flight requests, and ignore the record metadata it resolves with.
//
//   SLUICE_BROKERS   broker list (default 127.0.0.1:9092)
//   TOPIC            topic (default first)
//   MESSAGES         how many records (default 10)
import { Kafka, Partitioners, logLevel } from 'kafkajs';

const brokers = (process.env.SLUICE_BROKERS ?? '127.0.0.1:9092').split(',');
const topic = process.env.TOPIC ?? 'first';
const count = Number(process.env.MESSAGES ?? 10);

const kafka = new Kafka({ clientId: 'example-producer', brokers, logLevel: logLevel.WARN });
const producer = kafka.producer({
  createPartitioner: Partitioners.DefaultPartitioner, // Java's murmur2 placement for keyed records
  allowAutoTopicCreation: true,
});

await producer.connect();
for (let i = 0; i < count; i++) {
  // acks: -1 waits for the in-sync replicas ("all"); 1 for the leader only; 0 for nothing.
  await producer.send({ topic, acks: -1, messages: [{ value: `message-${i}` }] });
}
await producer.disconnect();
console.log(`sent ${count} records to ${topic}`);
