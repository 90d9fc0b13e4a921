// A producer interceptor for Sluice's Kafka sink that counts acknowledged and failed
// records and prints both when the sink closes (the study note's CountInterceptor).
//
// Load it after the time interceptor; the chain runs in the listed order:
//   a1.sinks.k1.kafka.producer.interceptor.classes = ./examples/interceptors/time-interceptor.mjs,./examples/interceptors/count-interceptor.mjs
// onAcknowledgement is called once per record with (metadata, null) on success or
// (metadata, error) on failure; it runs on the sink's completion path, so it only counts.
export default class CountInterceptor {
  success = 0;
  failure = 0;

  configure(_configs) {}

  onSend(record) {
    return record;
  }

  onAcknowledgement(_metadata, error) {
    if (error === null) this.success++;
    else this.failure++;
  }

  close() {
    console.log(`count-interceptor: sent successfully: ${this.success} records`);
    console.log(`count-interceptor: failed: ${this.failure} records`);
  }
}
