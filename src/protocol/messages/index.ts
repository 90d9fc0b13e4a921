/**
 * Registry of every API the codec implements: API key → request/response MessageSpec,
 * the version range Sluice implements and tests (min..max, a subset of Kafka's
 * validVersions), and the typed body of each request and response.
 *
 * Contract: immutable; adding an API = one import and one row here plus its table file.
 * The broker advertises from SUPPORTED_APIS (it may narrow ranges, never widen them).
 */
import type { MessageSpec } from '../schema/types.js';
import { ApiVersionsRequest, ApiVersionsResponse, type ApiVersionsRequestData, type ApiVersionsResponseData } from './api-versions.js';
import { MetadataRequest, MetadataResponse, type MetadataRequestData, type MetadataResponseData } from './metadata.js';
import { ProduceRequest, ProduceResponse, type ProduceRequestData, type ProduceResponseData } from './produce.js';
import { FetchRequest, FetchResponse, type FetchRequestData, type FetchResponseData } from './fetch.js';
import { ListOffsetsRequest, ListOffsetsResponse, type ListOffsetsRequestData, type ListOffsetsResponseData } from './list-offsets.js';
import { CreateTopicsRequest, CreateTopicsResponse, type CreateTopicsRequestData, type CreateTopicsResponseData } from './create-topics.js';
import { DeleteTopicsRequest, DeleteTopicsResponse, type DeleteTopicsRequestData, type DeleteTopicsResponseData } from './delete-topics.js';
import { CreatePartitionsRequest, CreatePartitionsResponse, type CreatePartitionsRequestData, type CreatePartitionsResponseData } from './create-partitions.js';
import { DescribeConfigsRequest, DescribeConfigsResponse, type DescribeConfigsRequestData, type DescribeConfigsResponseData } from './describe-configs.js';
import { AlterConfigsRequest, AlterConfigsResponse, type AlterConfigsRequestData, type AlterConfigsResponseData } from './alter-configs.js';
import { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse, type IncrementalAlterConfigsRequestData, type IncrementalAlterConfigsResponseData } from './incremental-alter-configs.js';
import { FindCoordinatorRequest, FindCoordinatorResponse, type FindCoordinatorRequestData, type FindCoordinatorResponseData } from './find-coordinator.js';
import { JoinGroupRequest, JoinGroupResponse, type JoinGroupRequestData, type JoinGroupResponseData } from './join-group.js';
import { SyncGroupRequest, SyncGroupResponse, type SyncGroupRequestData, type SyncGroupResponseData } from './sync-group.js';
import { HeartbeatRequest, HeartbeatResponse, type HeartbeatRequestData, type HeartbeatResponseData } from './heartbeat.js';
import { LeaveGroupRequest, LeaveGroupResponse, type LeaveGroupRequestData, type LeaveGroupResponseData } from './leave-group.js';
import { OffsetCommitRequest, OffsetCommitResponse, type OffsetCommitRequestData, type OffsetCommitResponseData } from './offset-commit.js';
import { OffsetFetchRequest, OffsetFetchResponse, type OffsetFetchRequestData, type OffsetFetchResponseData } from './offset-fetch.js';
import { DescribeGroupsRequest, DescribeGroupsResponse, type DescribeGroupsRequestData, type DescribeGroupsResponseData } from './describe-groups.js';
import { ListGroupsRequest, ListGroupsResponse, type ListGroupsRequestData, type ListGroupsResponseData } from './list-groups.js';
import { DeleteGroupsRequest, DeleteGroupsResponse, type DeleteGroupsRequestData, type DeleteGroupsResponseData } from './delete-groups.js';
import { InitProducerIdRequest, InitProducerIdResponse, type InitProducerIdRequestData, type InitProducerIdResponseData } from './init-producer-id.js';
import { SaslHandshakeRequest, SaslHandshakeResponse, type SaslHandshakeRequestData, type SaslHandshakeResponseData } from './sasl-handshake.js';
import { SaslAuthenticateRequest, SaslAuthenticateResponse, type SaslAuthenticateRequestData, type SaslAuthenticateResponseData } from './sasl-authenticate.js';

export interface ApiEntry {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly request: MessageSpec;
  readonly response: MessageSpec;
}

function entry(name: string, request: MessageSpec, response: MessageSpec, minVersion: number, maxVersion: number): ApiEntry {
  return { apiKey: request.apiKey!, name, minVersion, maxVersion, request, response };
}

/** Per API key: the specs and the versions the codec implements (round-trip tested). */
export const API_TABLE: ReadonlyMap<number, ApiEntry> = new Map(
  [
    entry('ApiVersions', ApiVersionsRequest, ApiVersionsResponse, 0, 3),
    entry('Metadata', MetadataRequest, MetadataResponse, 0, 12),
    entry('Produce', ProduceRequest, ProduceResponse, 0, 9),
    entry('Fetch', FetchRequest, FetchResponse, 0, 17),
    entry('ListOffsets', ListOffsetsRequest, ListOffsetsResponse, 0, 7),
    entry('CreateTopics', CreateTopicsRequest, CreateTopicsResponse, 0, 7),
    entry('DeleteTopics', DeleteTopicsRequest, DeleteTopicsResponse, 0, 6),
    entry('CreatePartitions', CreatePartitionsRequest, CreatePartitionsResponse, 0, 3),
    entry('DescribeConfigs', DescribeConfigsRequest, DescribeConfigsResponse, 0, 4),
    entry('AlterConfigs', AlterConfigsRequest, AlterConfigsResponse, 0, 2),
    entry('IncrementalAlterConfigs', IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse, 0, 1),
    entry('FindCoordinator', FindCoordinatorRequest, FindCoordinatorResponse, 0, 4),
    entry('JoinGroup', JoinGroupRequest, JoinGroupResponse, 0, 7),
    entry('SyncGroup', SyncGroupRequest, SyncGroupResponse, 0, 5),
    entry('Heartbeat', HeartbeatRequest, HeartbeatResponse, 0, 4),
    entry('LeaveGroup', LeaveGroupRequest, LeaveGroupResponse, 0, 4),
    entry('OffsetCommit', OffsetCommitRequest, OffsetCommitResponse, 0, 8),
    entry('OffsetFetch', OffsetFetchRequest, OffsetFetchResponse, 0, 8),
    entry('DescribeGroups', DescribeGroupsRequest, DescribeGroupsResponse, 0, 5),
    entry('ListGroups', ListGroupsRequest, ListGroupsResponse, 0, 4),
    entry('DeleteGroups', DeleteGroupsRequest, DeleteGroupsResponse, 0, 2),
    entry('InitProducerId', InitProducerIdRequest, InitProducerIdResponse, 0, 4),
    entry('SaslHandshake', SaslHandshakeRequest, SaslHandshakeResponse, 0, 1),
    entry('SaslAuthenticate', SaslAuthenticateRequest, SaslAuthenticateResponse, 0, 2),
  ].map((e) => [e.apiKey, e]),
);

/** Decoded request body per API key. */
export interface RequestBodies {
  0: ProduceRequestData;
  1: FetchRequestData;
  2: ListOffsetsRequestData;
  3: MetadataRequestData;
  8: OffsetCommitRequestData;
  9: OffsetFetchRequestData;
  10: FindCoordinatorRequestData;
  11: JoinGroupRequestData;
  12: HeartbeatRequestData;
  13: LeaveGroupRequestData;
  14: SyncGroupRequestData;
  15: DescribeGroupsRequestData;
  16: ListGroupsRequestData;
  17: SaslHandshakeRequestData;
  18: ApiVersionsRequestData;
  19: CreateTopicsRequestData;
  20: DeleteTopicsRequestData;
  22: InitProducerIdRequestData;
  32: DescribeConfigsRequestData;
  33: AlterConfigsRequestData;
  36: SaslAuthenticateRequestData;
  37: CreatePartitionsRequestData;
  42: DeleteGroupsRequestData;
  44: IncrementalAlterConfigsRequestData;
}

/** Decoded response body per API key. */
export interface ResponseBodies {
  0: ProduceResponseData;
  1: FetchResponseData;
  2: ListOffsetsResponseData;
  3: MetadataResponseData;
  8: OffsetCommitResponseData;
  9: OffsetFetchResponseData;
  10: FindCoordinatorResponseData;
  11: JoinGroupResponseData;
  12: HeartbeatResponseData;
  13: LeaveGroupResponseData;
  14: SyncGroupResponseData;
  15: DescribeGroupsResponseData;
  16: ListGroupsResponseData;
  17: SaslHandshakeResponseData;
  18: ApiVersionsResponseData;
  19: CreateTopicsResponseData;
  20: DeleteTopicsResponseData;
  22: InitProducerIdResponseData;
  32: DescribeConfigsResponseData;
  33: AlterConfigsResponseData;
  36: SaslAuthenticateResponseData;
  37: CreatePartitionsResponseData;
  42: DeleteGroupsResponseData;
  44: IncrementalAlterConfigsResponseData;
}
