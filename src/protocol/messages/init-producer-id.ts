/**
 * InitProducerId (API key 22): request and response schemas. Sluice implements v0-4.
 *
 * Field tables transcribed from Apache Kafka 3.9.0 (this mirror has tag 3.9.0-rc3, not 3.9.0)
 * clients/src/main/resources/common/message/InitProducerIdRequest.json and InitProducerIdResponse.json; validVersions 0-5, flexible 2+.
 * Data only: the generic reader/writer in src/protocol/schema interprets them. Immutable; edit only
 * to track Kafka's definitions. Field names are Kafka's; decoded objects use them in lowerCamelCase.
 *
 * Request grammar (all versions; "?" = nullable, vN = versions present):
 *   TransactionalId string? v0+
 *   TransactionTimeoutMs int32 v0+
 *   ProducerId int64 v3+
 *   ProducerEpoch int16 v3+
 *
 * Response grammar (all versions; "?" = nullable, vN = versions present):
 *   ThrottleTimeMs int32 v0+
 *   ErrorCode int16 v0+
 *   ProducerId int64 v0+
 *   ProducerEpoch int16 v0+
 *
 */
import type { MessageSpec } from '../schema/types.js';

export const InitProducerIdRequest: MessageSpec = {
  name: 'InitProducerIdRequest', type: 'request', apiKey: 22, validVersions: '0-5', flexibleVersions: '2+',
  fields: [
    { name: 'TransactionalId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'TransactionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'ProducerId', type: 'int64', versions: '3+', default: '-1' },
    { name: 'ProducerEpoch', type: 'int16', versions: '3+', default: '-1' },
  ],
};

export const InitProducerIdResponse: MessageSpec = {
  name: 'InitProducerIdResponse', type: 'response', apiKey: 22, validVersions: '0-5', flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ProducerId', type: 'int64', versions: '0+', default: -1 },
    { name: 'ProducerEpoch', type: 'int16', versions: '0+' },
  ],
};

export interface InitProducerIdRequestData {
  transactionalId: string | null;
  transactionTimeoutMs: number;
  producerId: bigint;
  producerEpoch: number;
}

export interface InitProducerIdResponseData {
  throttleTimeMs: number;
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}
