/**
 * What forking a session needs, as a person sees it (issue #14): the
 * data-contract check of the files a fork would read in place of the
 * recorded inputs (src/records/fork: checkContract), and a replay or fork
 * compared with its parent (compareWithParent). Read through the access
 * layer like every other read: a session the caller may not read is a 404
 * with the body of an unknown one, and so is a comparison whose parent
 * they may not read (the fork's lineage must not reveal more of it than
 * its id).
 */
import type {
  ContractReport,
  ContractRequest,
  LineageComparison
} from '../../src/client/api-schema';
import { checkContract } from '../../src/records/fork/contract';
import {
  compareWithParent,
  type ComparedExecution
} from '../../src/records/fork/comparison';
import type {
  ExecutionRecord,
  Output,
  SessionSummary
} from '../../src/records/schema';
import { AppError } from '../errors';
import type { HistoryService } from '../services/history';
import type { BlobStore } from '../store/types';
import type { RecordValidator } from '../validation';
import type { Principal } from './directory';
import { readableSession } from './readable-session';
import { readableSteps, recordedInputs } from './session-inputs';
import type { TeamAccess } from './team';

/** The schema of the contract body (schema/api). */
export const CONTRACT_REQUEST_SCHEMA =
  'https://trail.dev/schema/api/contract-request.schema.json';

/** Stored output values up to this size are read back to be compared as text. */
const RESOLVED_BLOB_BYTES = 1 << 20;

/** See the module comment. */
export class TeamForks {
  constructor(
    private readonly history: HistoryService,
    private readonly access: TeamAccess,
    private readonly validator: RecordValidator
  ) {}

  /** POST /sessions/:id/contract {upto, map, files}. */
  async contract(
    principal: Principal,
    id: string,
    body: unknown
  ): Promise<ContractReport> {
    // The session first: a body sent for a session one may not read says
    // nothing about it.
    const session = await readableSession(
      this.history,
      this.access,
      principal,
      id
    );
    this.validator.assertBody<ContractRequest>(
      CONTRACT_REQUEST_SCHEMA,
      body,
      'The contract request'
    );
    const { inputs } = await recordedInputs(
      this.access,
      principal,
      session,
      id,
      body.upto
    );
    return checkContract(inputs, body.map, body.files);
  }

  /** GET /sessions/:id/parent-comparison. */
  async parentComparison(
    principal: Principal,
    id: string
  ): Promise<LineageComparison> {
    const session = await readableSession(
      this.history,
      this.access,
      principal,
      id
    );
    const lineage = session.lineage;
    if (!lineage) {
      throw new AppError(
        404,
        'not_found',
        `Session "${id}" has no parent: it is not a replay or a fork.`
      );
    }
    // A parent the caller may not read is a 404 as for an unknown one.
    const parent = await readableSession(
      this.history,
      this.access,
      principal,
      lineage.sessionId
    );
    const parentSteps = (
      await readableSteps(this.access, principal, parent)
    ).slice(0, lineage.step);
    const forkSteps = await readableSteps(this.access, principal, session);
    const [parentRuns, forkRuns] = await Promise.all([
      this.executions(parentSteps.map(s => s.executionId)),
      this.executions(forkSteps.map(s => s.executionId))
    ]);
    const compared = compareWithParent(parentRuns, forkRuns, lineage);
    const shown = this.access.decorate(parent);
    return {
      sessionId: id,
      ...compared,
      parent: {
        ...compared.parent,
        notebookPath: shown.notebookPath,
        ...authorOf(shown)
      },
      steps: compared.steps.map(s => ({
        ...s,
        parentExecutionId: this.access.publicId(s.parentExecutionId),
        ...(s.forkExecutionId
          ? { forkExecutionId: this.access.publicId(s.forkExecutionId) }
          : {})
      }))
    };
  }

  /** The executions of these ids with their outputs, small blobs read back. */
  private async executions(
    ids: readonly string[]
  ): Promise<ComparedExecution[]> {
    const store = this.access.store;
    const found: ComparedExecution[] = [];
    for (const id of ids) {
      const record = await store.getExecution(id);
      if (record) {
        found.push(await withResolvedOutputs(record, store.blobs));
      }
    }
    return found;
  }
}

function authorOf(session: SessionSummary): { author?: string } {
  const author = session.author?.displayName || session.author?.name;
  return author ? { author } : {};
}

/**
 * An execution whose output values stored as blobs (up to 1 MiB) are read
 * back, so the divergence rules compare their text (clock noise and all)
 * rather than their hashes; larger ones stay references, compared by hash.
 */
async function withResolvedOutputs(
  record: ExecutionRecord,
  blobs: BlobStore
): Promise<ExecutionRecord> {
  const outputs: Output[] = [];
  for (const output of record.outputs) {
    if (!('data' in output) || !output.data) {
      outputs.push(output);
      continue;
    }
    const data: Record<string, unknown> = {};
    for (const [mime, value] of Object.entries(output.data)) {
      data[mime] = await resolved(value, blobs);
    }
    outputs.push({ ...output, data } as Output);
  }
  return { ...record, outputs };
}

async function resolved(value: unknown, blobs: BlobStore): Promise<unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return value;
  }
  const ref = value as { $blob?: unknown; size?: unknown; encoding?: unknown };
  if (
    typeof ref.$blob !== 'string' ||
    typeof ref.size !== 'number' ||
    ref.size > RESOLVED_BLOB_BYTES
  ) {
    return value;
  }
  const content = await blobs.get(ref.$blob);
  if (!content) {
    return value;
  }
  const text = content.toString('utf8');
  if (ref.encoding !== 'json') {
    return text;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return value;
  }
}
