/**
 * The dispatch table: API key → handler. ApiVersions advertises exactly the APIs and
 * version ranges found here (kafka.md 3a: advertise only what is implemented), so a
 * new API (the group coordinator's, InitProducerId, SASL) becomes visible to clients
 * the moment its handler is registered — pass extra handlers to `createDispatchTable`
 * (the Broker's `extraHandlers` option) rather than editing this list.
 *
 * The table is built once per broker and never mutated afterwards.
 */
import { alterConfigsHandler, incrementalAlterConfigsHandler } from './alter-configs.js';
import { apiVersionsHandler } from './api-versions.js';
import { createPartitionsHandler } from './create-partitions.js';
import { createTopicsHandler } from './create-topics.js';
import { deleteTopicsHandler } from './delete-topics.js';
import { describeConfigsHandler } from './describe-configs.js';
import { fetchHandler } from './fetch.js';
import { listOffsetsHandler } from './list-offsets.js';
import { metadataHandler } from './metadata.js';
import { produceHandler } from './produce.js';
import type { ApiHandler } from './types.js';
import { GROUP_HANDLERS } from './group-handlers.js';

export type { ApiHandler, BrokerServices, BrokerSettings, MessageBody, RequestContext } from './types.js';

export const BUILTIN_HANDLERS: readonly ApiHandler[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  apiVersionsHandler,
  createTopicsHandler,
  deleteTopicsHandler,
  describeConfigsHandler,
  alterConfigsHandler,
  createPartitionsHandler,
  incrementalAlterConfigsHandler,
  ...GROUP_HANDLERS,
];

export interface DispatchTable {
  get(apiKey: number): ApiHandler | undefined;
  /** Sorted by API key, for ApiVersions. */
  readonly advertised: readonly { apiKey: number; minVersion: number; maxVersion: number }[];
}

/**
 * Builds the table from the built-in handlers plus `extra` (a later entry for the same
 * key replaces an earlier one). `codecRange(apiKey)` clamps each range to what the codec
 * can encode and decode; an API the codec lacks is left out.
 */
export function createDispatchTable(
  extra: readonly ApiHandler[] = [],
  codecRange?: (apiKey: number) => { min: number; max: number } | undefined,
): DispatchTable {
  const map = new Map<number, ApiHandler>();
  for (const h of [...BUILTIN_HANDLERS, ...extra]) map.set(h.apiKey, h);
  const advertised: { apiKey: number; minVersion: number; maxVersion: number }[] = [];
  for (const h of [...map.values()].sort((a, b) => a.apiKey - b.apiKey)) {
    let min = h.minVersion;
    let max = h.maxVersion;
    if (codecRange) {
      const c = codecRange(h.apiKey);
      if (!c) {
        map.delete(h.apiKey);
        continue;
      }
      min = Math.max(min, c.min);
      max = Math.min(max, c.max);
      if (min > max) {
        map.delete(h.apiKey);
        continue;
      }
    }
    advertised.push({ apiKey: h.apiKey, minVersion: min, maxVersion: max });
  }
  return { get: (k) => map.get(k), advertised };
}
