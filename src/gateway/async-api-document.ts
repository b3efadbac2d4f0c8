import { readGatewayParams } from '../decorators/gateway-metadata.js';
import { joinPaths } from '../routing/route-paths.js';
import type { DiscoveredGateway } from './gateway.explorer.js';

/** A JSON Schema object, as AsyncAPI embeds it. */
export type JsonSchema = Record<string, unknown>;

/** An AsyncAPI 3.0 document (plain JSON). */
export interface AsyncApiDocument {
  readonly asyncapi: '3.0.0';
  readonly info: {
    readonly title: string;
    readonly version: string;
    readonly description?: string;
  };
  readonly channels: Record<string, unknown>;
  readonly operations: Record<string, unknown>;
  readonly components: {
    readonly messages: Record<string, unknown>;
    readonly schemas: Record<string, JsonSchema>;
  };
}

/** Title, version and description of the document. */
export interface AsyncApiInfo {
  title?: string;
  version?: string;
  description?: string;
}

/** Gives the schema reference of a DTO class, or undefined when it has none. */
export type SchemaLookup = (type: unknown) => JsonSchema | undefined;

const ID_SCHEMA: JsonSchema = {
  oneOf: [{ type: 'number' }, { type: 'string', minLength: 1, maxLength: 128 }],
  description: 'Asks for one reply with the same id',
};

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['status', 'code', 'message'],
  properties: {
    status: { type: 'integer' },
    code: { type: 'string' },
    message: { type: 'string' },
    details: {},
  },
};

/** A component key AsyncAPI accepts (`[A-Za-z0-9_.-]`). */
function key(value: string): string {
  return value.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** `/ws/rooms/:room` → address `/ws/rooms/{room}` and its parameter names. */
function channelAddress(path: string): { address: string; parameters: string[] } {
  const parameters: string[] = [];
  const address = path.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => {
    parameters.push(name);
    return `{${name}}`;
  });
  return { address, parameters };
}

/** The schema of the `@MessageBody()` parameter of a handler (the whole `data`), if typed. */
function bodySchema(instance: object, methodName: string, lookup: SchemaLookup): JsonSchema {
  const method = (instance as Record<string, object>)[methodName];
  const body = readGatewayParams(method).find(
    (param) => param.kind === 'body' && param.key === undefined,
  );
  if (!body) return {};
  const types = Reflect.getMetadata('design:paramtypes', instance, methodName) as
    unknown[] | undefined;
  return lookup(types?.[body.index]) ?? {};
}

function envelopeSchema(event: string, data: JsonSchema, withId: boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = { event: { const: event }, data };
  if (withId) properties.id = ID_SCHEMA;
  return { type: 'object', required: ['event'], properties };
}

/**
 * Builds the AsyncAPI 3.0 document of the gateways: one channel per gateway path (with its
 * parameters), a `receive` operation per `@OnMessage` event (payload: the envelope with the
 * `@MessageBody` DTO's schema as `data`), a `send` operation per declared `emits` event and one
 * for `$error`.
 */
export function buildAsyncApiDocument(
  gateways: readonly DiscoveredGateway[],
  lookup: SchemaLookup,
  info: AsyncApiInfo = {},
  schemas: Record<string, JsonSchema> = {},
): AsyncApiDocument {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const gateway of gateways) {
    const channelId = key(gateway.instance.constructor.name);
    const { address, parameters } = channelAddress(joinPaths(gateway.metadata.path));
    const channelMessages: Record<string, unknown> = {};
    const addMessage = (
      event: string,
      action: 'receive' | 'send',
      payload: JsonSchema,
      summary: string,
    ) => {
      const messageId = key(`${channelId}.${action}.${event}`);
      messages[messageId] = { name: event, title: event, summary, payload };
      channelMessages[messageId] = { $ref: `#/components/messages/${messageId}` };
      operations[key(`${channelId}.${action}.${event}`)] = {
        action,
        channel: { $ref: `#/channels/${channelId}` },
        messages: [{ $ref: `#/channels/${channelId}/messages/${messageId}` }],
      };
    };
    for (const entry of gateway.handlers) {
      if (entry.kind !== 'message' || entry.event === undefined) continue;
      const data = bodySchema(gateway.instance, entry.methodName, lookup);
      addMessage(
        entry.event,
        'receive',
        envelopeSchema(entry.event, data, true),
        `Handled by ${gateway.instance.constructor.name}.${entry.methodName}`,
      );
    }
    for (const [event, type] of Object.entries(gateway.metadata.options.emits ?? {})) {
      addMessage(
        event,
        'send',
        envelopeSchema(event, (type && lookup(type)) ?? {}, false),
        'Sent by the server',
      );
    }
    addMessage(
      '$error',
      'send',
      {
        type: 'object',
        required: ['event', 'error'],
        properties: { event: { const: '$error' }, error: ERROR_SCHEMA },
      },
      'An error not tied to a request',
    );
    channels[channelId] = {
      address,
      title: gateway.instance.constructor.name,
      messages: channelMessages,
      ...(parameters.length > 0
        ? { parameters: Object.fromEntries(parameters.map((name) => [name, {}])) }
        : {}),
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: info.title ?? 'Event gateways',
      version: info.version ?? '1.0.0',
      ...(info.description ? { description: info.description } : {}),
    },
    channels,
    operations,
    components: { messages, schemas },
  };
}
