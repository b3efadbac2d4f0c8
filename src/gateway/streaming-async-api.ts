import { GatewayExplorer } from './gateway.explorer.js';
import {
  buildAsyncApiDocument,
  type AsyncApiDocument,
  type AsyncApiInfo,
  type JsonSchema,
} from './async-api-document.js';

/** What the document needs of the application: `app` or a `ModuleRef`. */
export interface ProviderLookup {
  get<T>(type: abstract new (...args: never[]) => T, options: { strict: false }): T;
}

interface JsonSchemaLibrary {
  validationMetadatasToSchemas(options?: { refPointerPrefix?: string }): Record<string, JsonSchema>;
}

const SCHEMA_PREFIX = '#/components/schemas/';

/** Loads `class-validator-jsonschema` when it is installed (it is optional). */
async function loadSchemas(): Promise<Record<string, JsonSchema>> {
  try {
    const library = (await import('class-validator-jsonschema')) as unknown as JsonSchemaLibrary;
    return library.validationMetadatasToSchemas({ refPointerPrefix: SCHEMA_PREFIX });
  } catch {
    return {};
  }
}

/**
 * The AsyncAPI 3.0 document of an application's event gateways. Payload schemas come from the
 * `class-validator` decorators of the DTO classes (through `class-validator-jsonschema`, an
 * optional package: without it payloads are left unspecified).
 */
export const StreamingAsyncApi = {
  async document(app: ProviderLookup, info: AsyncApiInfo = {}): Promise<AsyncApiDocument> {
    const gateways = app.get(GatewayExplorer, { strict: false }).explore();
    const schemas = await loadSchemas();
    const lookup = (type: unknown): JsonSchema | undefined => {
      if (typeof type !== 'function' || !(type.name in schemas)) return undefined;
      return { $ref: `${SCHEMA_PREFIX}${type.name}` };
    };
    return buildAsyncApiDocument(gateways, lookup, info, schemas);
  },
};
