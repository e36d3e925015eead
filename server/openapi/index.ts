/**
 * The OpenAPI 3.1 description of the API, served at /api/v1/openapi.json.
 *
 * Every body is described by a schema file: the records' (schema/records)
 * and the API envelopes' (schema/api, the pages, health, version, error
 * body, ...), the same files the server validates with and the client's
 * validators and types are generated from. They are placed under
 * components.schemas by title, with every `$ref` between them rewritten to
 * a pointer into this document (`session.schema.json#/definitions/id`
 * becomes `#/components/schemas/SessionRecord/definitions/id`) and their
 * `$id`s dropped: tools that read the document alone (schemathesis,
 * generators) resolve every reference without fetching anything.
 */
import {
  MAX_BODY_MEMBERS,
  MAX_JSON_DEPTH,
  MAX_OBJECT_MEMBERS
} from '../http/json-limits';
import {
  loadApiSchemas,
  recordIdPattern,
  type JsonSchemaDocument
} from '../schemas';
import { SERVER_INFO } from '../version';
import { exportPaths } from './export-paths';
import { fingerprintPaths } from './fingerprint-paths';
import { forkPaths } from './fork-paths';
import { historyPaths } from './history-paths';
import { ref } from './parts';
import { replayPaths } from './replay-paths';
import { runPaths } from './run-paths';
import { stepPaths } from './step-paths';
import { teamPaths } from './team-paths';

/**
 * A copy of the schema `file` whose `$ref`s point into the document:
 * `<folder>/<file>#<pointer>` (or `#<pointer>` within the same file) to
 * `#/components/schemas/<title of file><pointer>`.
 */
function inlineRefs(
  value: unknown,
  file: string,
  titleOf: (file: string) => string
): unknown {
  if (Array.isArray(value)) {
    return value.map(v => inlineRefs(v, file, titleOf));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$ref' && typeof v === 'string') {
      const hash = v.indexOf('#');
      const target = hash < 0 ? v : v.slice(0, hash);
      const pointer = hash < 0 ? '' : v.slice(hash + 1);
      const name =
        target === '' ? file : target.slice(target.lastIndexOf('/') + 1);
      copy.$ref = `#/components/schemas/${titleOf(name)}${pointer}`;
    } else if (key !== '$id' && key !== '$schema') {
      copy[key] = inlineRefs(v, file, titleOf);
    }
  }
  return copy;
}

/**
 * Builds the document from the record schemas and the API's envelope
 * schemas (each keyed by file name; no file name in both).
 */
export function buildOpenApiDocument(
  recordSchemas: Record<string, JsonSchemaDocument>,
  apiSchemas: Record<string, JsonSchemaDocument> = loadApiSchemas()
): object {
  for (const file of Object.keys(apiSchemas)) {
    if (file in recordSchemas) {
      throw new Error(`${file} is both a record and an API schema`);
    }
  }
  const schemas = { ...recordSchemas, ...apiSchemas };
  const titleOf = (file: string): string => {
    const title = schemas[file]?.title;
    if (typeof title !== 'string') {
      throw new Error(`no schema ${file} with a title`);
    }
    return title;
  };
  const components: Record<string, object> = {};
  for (const [file, schema] of Object.entries(schemas)) {
    components[titleOf(file)] = inlineRefs(schema, file, titleOf) as object;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Trail server API',
      version: SERVER_INFO.version,
      description:
        'Records of notebook cell executions. Every route except health, version and this document needs `Authorization: Bearer <token>`. Errors have the body ErrorBody. ' +
        `JSON bodies may nest at most ${MAX_JSON_DEPTH} levels deep (400 invalid_request) and hold at most ${MAX_OBJECT_MEMBERS} members in one object and ${MAX_BODY_MEMBERS} in all (413 payload_too_large). ` +
        'A known path asked with another method answers 405 method_not_allowed with Allow.'
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    paths: {
      ...historyPaths(recordIdPattern(recordSchemas).source),
      ...teamPaths(),
      ...stepPaths(recordIdPattern(recordSchemas).source),
      ...replayPaths(recordIdPattern(recordSchemas).source),
      ...forkPaths(recordIdPattern(recordSchemas).source),
      ...fingerprintPaths(recordIdPattern(recordSchemas).source),
      ...exportPaths(recordIdPattern(recordSchemas).source),
      ...runPaths(recordIdPattern(recordSchemas).source)
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        ...components,
        BlobRef: ref('Output/definitions/blobRef')
      }
    }
  };
}
