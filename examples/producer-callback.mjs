// A producer with a delivery callback: for each record it prints the partition and the
// offset the broker assigned (Java's send(record, callback) → kafkajs's send().then()).
// A failed send is reported with its error instead of an offset.
//
//   SLUICE_BROKERS (default 127.0.0.1:9092)   TOPIC (default first)   MESSAGES (default 10)
import { Kafka, Partitioners, logLevel } from 'kafkajs';

const brokers = (process.env.SLUICE_BROKERS ?? '127.0.0.1:9092').split(',');
const topic = process.env.TOPIC ?? 'first';
const count = Number(process.env.MESSAGES ?? 10);

const kafka = new Kafka({ clientId: 'example-producer-callback', brokers, logLevel: logLevel.WARN });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });

function onDelivery(value, err, metadata) {
  if (err) console.log(`failed value=${value}: ${err.message}`);
  else console.log(`delivered value=${value} partition=${metadata.partition} offset=${metadata.baseOffset}`);
}

await producer.connect();
const inFlight = [];
for (let i = 0; i < count; i++) {
  const value = `message-${i}`;
  // Keyed records: the same key always lands on the same partition.
  inFlight.push(
    producer
      .send({ topic, acks: -1, messages: [{ key: `key-${i % 3}`, value }] })
      .then(([metadata]) => onDelivery(value, null, metadata), (err) => onDelivery(value, err)),
  );
}
await Promise.all(inFlight);
await producer.disconnect();
