/**
 * AlterConfigs (key 33), versions 0–2, and IncrementalAlterConfigs (key 44), versions
 * 0–1 (KIP-339), for topic resources.
 *
 * AlterConfigs request: Resources[ResourceType, ResourceName, Configs[Name, Value?]],
 *   ValidateOnly. It REPLACES the topic's overrides with the given set.
 * IncrementalAlterConfigs request: Resources[ResourceType, ResourceName, Configs[Name,
 *   ConfigOperation i8 (0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT), Value?]], ValidateOnly.
 * Both respond: ThrottleTimeMs, Responses[ErrorCode, ErrorMessage?, ResourceType,
 *   ResourceName].
 *
 * Errors per resource: UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG (unknown name, bad
 * value as the log manager judges it, bad operation), INVALID_REQUEST for broker
 * resources (Sluice's broker configs are static) and other types.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { errorMessage, kafkaErrorCode } from './error-mapping.js';
import { topicConfigProblem } from './topic-configs.js';
import type { ApiHandler, MessageBody, RequestContext } from './types.js';

const RESOURCE_TOPIC = 2;

interface AlterResource {
  readonly resourceType: number;
  readonly resourceName: string;
  readonly configs: readonly { name: string; value: string | null; configOperation?: number }[];
}
interface AlterRequest {
  readonly resources: readonly AlterResource[];
  readonly validateOnly: boolean;
}

type Changes = Record<string, string | null>;

function fullReplacement(current: Readonly<Record<string, string>>, r: AlterResource): Changes | string {
  const changes: Changes = {};
  for (const k of Object.keys(current)) changes[k] = null;
  for (const c of r.configs) changes[c.name] = c.value;
  return changes;
}

function incremental(current: Readonly<Record<string, string>>, r: AlterResource): Changes | string {
  const changes: Changes = {};
  for (const c of r.configs) {
    const op = c.configOperation ?? 0;
    const list = (v: string | undefined): string[] => (v === undefined || v === '' ? [] : v.split(','));
    if (op === 0) changes[c.name] = c.value;
    else if (op === 1) changes[c.name] = null;
    else if (op === 2 || op === 3) {
      const now = list(changes[c.name] ?? current[c.name]);
      const items = list(c.value ?? '');
      const next = op === 2 ? [...now, ...items.filter((i) => !now.includes(i))] : now.filter((i) => !items.includes(i));
      changes[c.name] = next.join(',');
    } else return `config '${c.name}': unknown operation ${op}`;
  }
  return changes;
}

function makeHandler(apiKey: number, name: string, maxVersion: number, plan: typeof incremental): ApiHandler {
  return {
    apiKey,
    name,
    minVersion: 0,
    maxVersion,
    async handle(ctx: RequestContext, body: MessageBody): Promise<MessageBody> {
      const req = body as unknown as AlterRequest;
      const { logs } = ctx.services;
      const responses: MessageBody[] = [];
      for (const r of req.resources) {
        const answer = (errorCode: number, msg: string | null): void => {
          responses.push({ errorCode, errorMessage: msg, resourceType: r.resourceType, resourceName: r.resourceName });
        };
        if (r.resourceType !== RESOURCE_TOPIC) {
          answer(ErrorCode.INVALID_REQUEST, `resource type ${r.resourceType} cannot be altered (broker configs are static)`);
          continue;
        }
        const desc = logs.describeTopic(r.resourceName);
        if (!desc) {
          answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic '${r.resourceName}'`);
          continue;
        }
        const changes = plan(desc.configs, r);
        if (typeof changes === 'string') {
          answer(ErrorCode.INVALID_CONFIG, changes);
          continue;
        }
        const problem = topicConfigProblem(r.resourceName, changes);
        if (problem !== null) {
          answer(ErrorCode.INVALID_CONFIG, problem);
          continue;
        }
        if (req.validateOnly) {
          answer(0, null);
          continue;
        }
        try {
          await logs.alterTopicConfig(r.resourceName, changes);
          answer(0, null);
        } catch (err) {
          const code = kafkaErrorCode(err);
          answer(code === -1 ? ErrorCode.INVALID_CONFIG : code, errorMessage(err));
        }
      }
      return { throttleTimeMs: 0, responses };
    },
  };
}

export const alterConfigsHandler: ApiHandler = makeHandler(33, 'AlterConfigs', 2, fullReplacement);
export const incrementalAlterConfigsHandler: ApiHandler = makeHandler(44, 'IncrementalAlterConfigs', 1, incremental);
