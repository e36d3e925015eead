/**
 * Validation of request bodies against the record schemas, with error
 * details that name the offending field.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { EventBatch } from '../src/records/schema';
import { AppError, type ErrorDetail } from './errors';
import type { JsonSchemaDocument } from './schemas';

const BATCH_SCHEMA = 'batch.schema.json';

interface Discriminated {
  propertyName: string;
  values: unknown[];
}

/**
 * Finds the property that tells the branches of a root `oneOf` apart (each
 * branch requires it and fixes it with `const`), e.g. `kind` for events.
 */
function findDiscriminator(schema: JsonSchemaDocument): Discriminated | null {
  const branches = schema.oneOf as Record<string, any>[] | undefined;
  if (!Array.isArray(branches) || branches.length === 0) {
    return null;
  }
  const candidates = (branches[0].required ?? []) as string[];
  for (const name of candidates) {
    const values = branches.map(b =>
      b.required?.includes(name) &&
      b.properties?.[name] &&
      'const' in b.properties[name]
        ? b.properties[name].const
        : undefined
    );
    if (values.every(v => v !== undefined)) {
      return { propertyName: name, values };
    }
  }
  return null;
}

/** Escapes one JSON Pointer token (RFC 6901). */
function pointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Checks event batches against schema/records/batch.schema.json.
 *
 * A root `oneOf` whose branches are told apart by a constant property
 * (TrailEvent by `kind`, Output by `output_type`) is validated with Ajv's
 * `discriminator` keyword, added here in memory: it accepts exactly what the
 * `oneOf` accepts, but reports the error inside the branch the value chose
 * (`/events/0/execution/status`) instead of "must match exactly one schema".
 */
export class RecordValidator {
  private readonly validateBatchFn: ValidateFunction<EventBatch>;
  private readonly tagValues = new Map<string, unknown[]>();

  private readonly ajv: Ajv;

  /**
   * @param schemas the record schemas (schema/records).
   * @param apiSchemas request schemas of schema/api to check bodies with
   *   ({@link assertBody}); they may `$ref` the record schemas.
   */
  constructor(
    schemas: Record<string, JsonSchemaDocument>,
    apiSchemas: Record<string, JsonSchemaDocument> = {}
  ) {
    const ajv = new Ajv({
      allErrors: false,
      discriminator: true,
      strict: true,
      // The schemas state `required` at the root of a oneOf whose branches
      // define the property: valid JSON Schema that these two checks flag.
      strictRequired: false,
      strictTypes: false
    });
    addFormats(ajv);
    for (const schema of Object.values(schemas)) {
      const discriminated = findDiscriminator(schema);
      if (discriminated) {
        this.tagValues.set(discriminated.propertyName, discriminated.values);
        // Ajv applies `discriminator` to objects only and then skips the
        // `oneOf`, so without `type` a non-object (`[]`, `null`, `7`) would
        // pass. Every branch is an object, so this accepts nothing less.
        ajv.addSchema({
          ...schema,
          type: 'object',
          discriminator: { propertyName: discriminated.propertyName }
        });
      } else {
        ajv.addSchema(schema);
      }
    }
    for (const schema of Object.values(apiSchemas)) {
      ajv.addSchema(schema);
    }
    this.ajv = ajv;
    const batch = schemas[BATCH_SCHEMA];
    if (!batch) {
      throw new Error(`${BATCH_SCHEMA} is missing from the record schemas`);
    }
    this.validateBatchFn = ajv.getSchema<EventBatch>(batch.$id)!;
  }

  /**
   * Throws a 400 `invalid_request` AppError unless `body` fits the schema
   * with `$id` `schemaId` (an API request body: schema/api, given to the
   * constructor); details name the field from `/body`.
   */
  assertBody<T>(
    schemaId: string,
    body: unknown,
    what: string
  ): asserts body is T {
    const validate = this.ajv.getSchema(schemaId);
    if (!validate) {
      throw new Error(`no schema ${schemaId} was given to the validator`);
    }
    if (validate(body)) {
      return;
    }
    const details = this.describe(validate.errors ?? []).map(d => ({
      ...d,
      path: `/body${d.path}`
    }));
    const first = details[0];
    throw new AppError(
      400,
      'invalid_request',
      `${what} is invalid: ${first.path} ${first.message}.`,
      details
    );
  }

  /**
   * Throws a 400 `invalid_request` AppError unless a request's query
   * parameters fit the schema with `$id` `schemaId` (schema/api); details
   * name the parameter from `/query`.
   */
  assertQuery<T>(
    schemaId: string,
    query: unknown,
    what: string
  ): asserts query is T {
    const validate = this.ajv.getSchema(schemaId);
    if (!validate) {
      throw new Error(`no schema ${schemaId} was given to the validator`);
    }
    if (validate(query)) {
      return;
    }
    const details = this.describe(validate.errors ?? []).map(d => ({
      ...d,
      path: `/query${d.path}`
    }));
    const first = details[0];
    throw new AppError(
      400,
      'invalid_request',
      `${what}: the query parameter ${first.path.slice('/query/'.length) || 'set'} ${first.message}.`,
      details
    );
  }

  /** Throws a 400 `invalid_request` AppError unless `body` is an EventBatch. */
  assertBatch(body: unknown): asserts body is EventBatch {
    if (this.validateBatchFn(body)) {
      return;
    }
    const details = this.describe(this.validateBatchFn.errors ?? []);
    const first = details[0];
    throw new AppError(
      400,
      'invalid_request',
      first
        ? `The event batch is invalid: ${first.path || 'the body'} ${first.message}.`
        : 'The event batch is invalid.',
      details
    );
  }

  private describe(errors: ErrorObject[]): ErrorDetail[] {
    const seen = new Set<string>();
    const details: ErrorDetail[] = [];
    for (const error of errors) {
      if (error.keyword === 'propertyNames' && errors.length > 1) {
        // Ajv follows the precise error about the name with this vague one.
        continue;
      }
      const detail = this.detailOf(error);
      const key = `${detail.path}\n${detail.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        details.push(detail);
      }
    }
    return details;
  }

  private detailOf(error: ErrorObject): ErrorDetail {
    const at = error.instancePath;
    const params = error.params as Record<string, any>;
    switch (error.keyword) {
      case 'required':
        return {
          path: `${at}/${pointerToken(params.missingProperty)}`,
          message: 'is required'
        };
      case 'additionalProperties':
        return {
          path: `${at}/${pointerToken(params.additionalProperty)}`,
          message: 'is not an allowed property'
        };
      case 'enum':
        return {
          path: at,
          message: `must be one of ${listValues(params.allowedValues)}`
        };
      case 'const':
        return {
          path: at,
          message: `must be ${JSON.stringify(params.allowedValue)}`
        };
      case 'discriminator': {
        const tag = params.tag as string;
        const allowed = this.tagValues.get(tag) ?? [];
        return {
          path: `${at}/${pointerToken(tag)}`,
          message:
            params.error === 'tag'
              ? `is required and must be one of ${listValues(allowed)}`
              : `must be one of ${listValues(allowed)}`
        };
      }
    }
    if (error.propertyName !== undefined) {
      return {
        path: `${at}/${pointerToken(error.propertyName)}`,
        message: `is not a valid property name (${error.message})`
      };
    }
    return { path: at, message: error.message ?? 'is invalid' };
  }
}

function listValues(values: unknown[]): string {
  return values.map(v => JSON.stringify(v)).join(', ');
}
