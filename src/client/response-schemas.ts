/**
 * The check of every answer of the Trail server against its schema
 * (schema/api, and the record schemas some answers are), with validators
 * generated at build time (scripts/build-response-validators.mjs): a wrong
 * server, or a proxy's page, is caught at the door with a message that says
 * what was expected and where the answer departs from it, instead of a
 * TypeError deep inside the panel.
 */
import * as generated from '../_generated/response-validators';
import type {
  EnvironmentSnapshot,
  ExecutionRecord,
  HistoryChanges,
  IngestResult,
  SessionSummary,
  TeamMember
} from '../records/schema';
import type {
  ContractReport,
  ExecutionPage,
  ExportResult,
  FingerprintLookupResult,
  HealthStatus,
  IdenticalExecutions,
  IdenticalPrefix,
  InputList,
  LineageComparison,
  NotebookAtStep,
  NotebookPage,
  NotebookVisibilityResult,
  PreflightReport,
  PreviousExecution,
  RunMetrics,
  RunNames,
  RunPage,
  RunSummary,
  SearchPage,
  ServerVersion,
  SessionPage,
  StepList,
  TeamMemberList
} from './api-schema';
import type { BlobRef } from './types';

/**
 * Each answer the client checks, by its schema's title, and the type a
 * value has once it passed the check.
 */
export interface ResponseBodies {
  IngestResult: IngestResult;
  SessionSummary: SessionSummary;
  ExecutionRecord: ExecutionRecord;
  EnvironmentSnapshot: EnvironmentSnapshot;
  TeamMember: TeamMember;
  HistoryChanges: HistoryChanges;
  BlobRef: BlobRef;
  SessionPage: SessionPage;
  ExecutionPage: ExecutionPage;
  NotebookPage: NotebookPage;
  SearchPage: SearchPage;
  TeamMemberList: TeamMemberList;
  PreviousExecution: PreviousExecution;
  StepList: StepList;
  NotebookAtStep: NotebookAtStep;
  InputList: InputList;
  PreflightReport: PreflightReport;
  ContractReport: ContractReport;
  LineageComparison: LineageComparison;
  ExportResult: ExportResult;
  NotebookVisibilityResult: NotebookVisibilityResult;
  ServerVersion: ServerVersion;
  HealthStatus: HealthStatus;
  RunSummary: RunSummary;
  RunPage: RunPage;
  RunNames: RunNames;
  RunMetrics: RunMetrics;
  IdenticalExecutions: IdenticalExecutions;
  FingerprintLookupResult: FingerprintLookupResult;
  IdenticalPrefix: IdenticalPrefix;
}

/** The name of an answer's schema (its title). */
export type ResponseName = keyof ResponseBodies;

/** One error of a generated validator: Ajv's ErrorObject without a message. */
interface ValidationError {
  instancePath: string;
  keyword: string;
  params: Record<string, any>;
}

/** A generated validator: false when the value does not fit, with why in `errors`. */
interface GeneratedValidator {
  (value: unknown): boolean;
  errors?: ValidationError[] | null;
}

const validators = generated as unknown as Record<string, GeneratedValidator>;
const expectations = generated.EXPECTED as Record<string, string>;

/**
 * What an answer should look like, in words, e.g.
 * `an object with "items" and "nextCursor"`.
 */
export function expectedAnswer(name: ResponseName): string {
  return expectations[name];
}

/**
 * Null when `value` fits the schema `name`; otherwise where and how it
 * departs from it, e.g. `/items/0/startedAt must be a date-time`.
 */
export function answerProblem(
  name: ResponseName,
  value: unknown
): string | null {
  const validate = validators[name];
  if (typeof validate !== 'function') {
    // Only a generator out of step with ResponseBodies gets here.
    throw new Error(
      `No generated validator for ${name}: run jlpm build:schema`
    );
  }
  if (validate(value)) {
    return null;
  }
  return describeErrors(validate.errors ?? [], value);
}

/** Whether `value` fits the schema `name`. */
export function fitsAnswer<K extends ResponseName>(
  name: K,
  value: unknown
): value is ResponseBodies[K] {
  return answerProblem(name, value) === null;
}

/**
 * Whether a mime bundle value is a BlobRef that stands for the real value.
 */
export function isBlobRef(value: unknown): value is BlobRef {
  return fitsAnswer('BlobRef', value);
}

/**
 * The error that failed the value, in words. Ajv stops at the first
 * failure; a `oneOf` that matched no branch comes last, after what each
 * branch found, and the first branch's finding says the most.
 */
function describeErrors(errors: ValidationError[], value: unknown): string {
  const last = errors[errors.length - 1];
  if (!last) {
    return 'the body is invalid';
  }
  const problem = describeError(last, value);
  if (last.keyword === 'oneOf' && errors.length > 1) {
    return `${problem} (${describeError(errors[0], value)})`;
  }
  return problem;
}

function describeError(error: ValidationError, root: unknown): string {
  const at = error.instancePath || 'the body';
  const params = error.params;
  switch (error.keyword) {
    case 'required':
      return `${at} has no ${JSON.stringify(params.missingProperty)}`;
    case 'type': {
      const types = ([] as string[]).concat(params.type).join(' or ');
      const got = kindOf(valueAt(root, error.instancePath));
      return `${at} must be ${article(types)} (got ${article(got)})`;
    }
    case 'enum':
      return `${at} must be one of ${params.allowedValues
        .map((v: unknown) => JSON.stringify(v))
        .join(', ')}`;
    case 'const':
      return `${at} must be ${JSON.stringify(params.allowedValue)}`;
    case 'pattern':
      return `${at} must match ${params.pattern}`;
    case 'format':
      return `${at} must be ${article(params.format)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${at} must be ${params.comparison} ${params.limit}`;
    case 'minLength':
      return `${at} must have at least ${params.limit} character(s)`;
    case 'minItems':
      return `${at} must have at least ${params.limit} item(s)`;
    case 'maxItems':
      return `${at} must have at most ${params.limit} item(s)`;
    case 'oneOf':
      return params.passingSchemas
        ? `${at} matches more than one of its allowed shapes`
        : `${at} matches none of its allowed shapes`;
  }
  return `${at} fails its schema's "${error.keyword}" ${JSON.stringify(params)}`;
}

/** The value a JSON Pointer (as Ajv writes instancePath) names. */
function valueAt(root: unknown, pointer: string): unknown {
  let at = root;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    at = (at as Record<string, unknown> | null)?.[key];
  }
  return at;
}

function kindOf(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  return typeof value;
}

function article(word: string): string {
  if (word === 'null' || word.includes(' or ')) {
    return word;
  }
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}
