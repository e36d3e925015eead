/**
 * Writes a fork notebook (issue #14 item 4, contract 4): the recorded
 * steps 1..k as executed, one code cell each with its recorded outputs,
 * and `metadata.trail.source = {kind: "fork", ..., substitutions}` so that
 * the notebook's preflight and run know what to check and redirect, and
 * the session recorded on it carries its lineage. Never overwrites a file.
 */
import { PathExt } from '@jupyterlab/coreutils';
import type { Contents } from '@jupyterlab/services';
import type { ForkMapping } from '../../records/fork/contract';
import type { InputFile } from '../../records/replay/inputs';
import {
  notebookAsExecuted,
  type NotebookDocument,
  type RecordedRun
} from '../../records/replay/notebook';
import type { ExecutionRecord, Output } from '../../records/schema';
import type { SessionSummary } from '../types';

/** How many executions are read at once. */
const PARALLEL_READS = 8;

/** One step of a session, as GET /sessions/{id}/steps lists it. */
export interface ForkStep {
  step: number;
  seq: number;
  executionId: string;
}

/** What writing a fork needs from the server (the Trail client). */
export interface IForkSource {
  getExecution(id: string): Promise<ExecutionRecord>;
  resolveOutputs(outputs: Output[]): Promise<Output[]>;
}

/** A fork notebook could not be written; nothing was. */
export class ForkNotebookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForkNotebookError';
  }
}

/**
 * The name of a fork of step k: `<source name>-fork-step<k>.ipynb`, or with
 * `-1`, `-2`... when `taken` says a name is used.
 */
export function forkNotebookName(
  notebookPath: string,
  step: number,
  taken: (name: string) => boolean
): string {
  const base = PathExt.basename(notebookPath) || 'notebook';
  const stem = base.replace(/\.ipynb$/i, '') || 'notebook';
  const first = `${stem}-fork-step${step}`;
  let name = `${first}.ipynb`;
  for (let n = 1; taken(name); n++) {
    name = `${first}-${n}.ipynb`;
  }
  return name;
}

/**
 * A path the user chose in the workspace (as the file browser names it),
 * as the fork's kernel resolves it: relative to the notebook's folder
 * (kernels start there), or as it is when absolute.
 */
export function pathFromNotebook(
  folder: string,
  workspacePath: string
): string {
  const path = workspacePath.trim();
  if (path.startsWith('/')) {
    return path;
  }
  const from = normaliseFolder(folder);
  const to = path.replace(/^\.\//, '').replace(/\/+$/, '');
  return PathExt.relative(from, to) || '.';
}

/** A folder as a contents path: no leading or trailing slash. */
export function normaliseFolder(folder: string): string {
  return folder.trim().replace(/^\/+|\/+$/g, '');
}

/**
 * Build the fork of steps 1..`step` (all of them read first: nothing is
 * written when one cannot be read).
 */
export async function buildForkNotebook(options: {
  source: IForkSource;
  session: SessionSummary;
  steps: readonly ForkStep[];
  total: number;
  step: number;
  inputs: readonly InputFile[];
  substitutions: readonly ForkMapping[];
  server?: string;
}): Promise<NotebookDocument> {
  const { source, session, step } = options;
  const upto = options.steps.filter(entry => entry.step <= step);
  const executions = await readAll(
    upto.map(entry => entry.executionId),
    async id => {
      const record = await source.getExecution(id);
      return {
        ...record,
        outputs: await source.resolveOutputs(record.outputs ?? [])
      };
    }
  );
  const stepOf = new Map(upto.map(entry => [entry.seq, entry.step]));
  const runs: RecordedRun[] = executions.map(record => ({
    id: record.id,
    seq: record.seq,
    step: stepOf.get(record.seq) ?? record.seq,
    code: record.code,
    executionCount: record.executionCount,
    outputs: record.outputs
  }));
  const author = session.author
    ? session.author.displayName || session.author.name
    : undefined;
  return notebookAsExecuted(runs, {
    source: {
      sessionId: session.id,
      step,
      notebookPath: session.notebookPath ?? '',
      ...(author ? { author } : {}),
      ...(options.server ? { server: options.server } : {})
    },
    total: options.total,
    kernel: session.kernel
      ? {
          name: session.kernel.name,
          displayName: session.kernel.displayName,
          language: session.kernel.language
        }
      : undefined,
    inputs: options.inputs,
    fork: {
      substitutions: options.substitutions.map(({ recorded, path }) => ({
        recorded,
        path
      }))
    }
  });
}

/**
 * Check `folder` (it exists, is a folder, is writable), then save
 * `build(folder)`'s document there under a name no file has.
 *
 * @returns the path written.
 */
export async function writeForkNotebook(options: {
  contents: Pick<Contents.IManager, 'get' | 'save'>;
  folder: string;
  notebookPath: string;
  step: number;
  build: (folder: string) => Promise<NotebookDocument>;
}): Promise<string> {
  const { contents } = options;
  const folder = normaliseFolder(options.folder);
  let listing: Contents.IModel;
  try {
    listing = await contents.get(folder, { content: true });
  } catch {
    throw new ForkNotebookError(
      `The folder “${folder || '/'}” does not exist.`
    );
  }
  if (listing.type !== 'directory') {
    throw new ForkNotebookError(`“${folder || '/'}” is not a folder.`);
  }
  if (listing.writable === false) {
    throw new ForkNotebookError(
      `The folder “${folder || '/'}” is not writable.`
    );
  }
  const document = await options.build(folder);
  const taken = new Set(
    ((listing.content as Contents.IModel[] | null) ?? []).map(item => item.name)
  );
  const name = forkNotebookName(options.notebookPath, options.step, n =>
    taken.has(n)
  );
  const path = folder ? `${folder}/${name}` : name;
  try {
    await contents.save(path, {
      type: 'notebook',
      format: 'json',
      content: document
    });
  } catch (reason) {
    throw new ForkNotebookError(
      `Could not write “${path}”: ${
        reason instanceof Error ? reason.message : String(reason)
      }`
    );
  }
  return path;
}

async function readAll<T>(
  ids: string[],
  read: (id: string) => Promise<T>
): Promise<T[]> {
  const results: T[] = new Array(ids.length);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const index = next++;
      results[index] = await read(ids[index]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_READS, ids.length) }, worker)
  );
  return results;
}
