// A producer interceptor for Sluice's Kafka sink that prefixes every value with the time
// it was sent, "<epoch ms>,<value>" (the study note's TimeInterceptor).
//
// Load it with:  a1.sinks.k1.kafka.producer.interceptor.classes = ./examples/interceptors/time-interceptor.mjs
// The module's default export is a class constructed with no arguments. onSend runs once
// per record before the sink picks the partition; keep it cheap and leave topic and
// partition alone, or partitioning changes under you.
export default class TimeInterceptor {
  configure(_configs) {}

  onSend(record) {
    const prefix = Buffer.from(`${Date.now()},`);
    record.value = record.value === null ? prefix : Buffer.concat([prefix, record.value]);
    return record;
  }

  onAcknowledgement(_metadata, _error) {}

  close() {}
}
