/**
 * A recorded session's step k written as a notebook of one's own (issue
 * #13, "Open as notebook at step k"): pure rules that make the nbformat 4
 * document, its Trail metadata and its file name. The panel writes what
 * they return through the contents manager; the replayer reads the
 * metadata back.
 *
 * Two forms:
 * - *as executed*: every execution 1..k as its own code cell, in execution
 *   order, with its recorded outputs: what really built the kernel state;
 * - *as it stood*: the notebook reconstructed at step k (markdown and raw
 *   cells included, deleted cells left out), each code cell with the
 *   outputs of its latest run up to k.
 *
 * Metadata (contract 4 of #13): the notebook's `metadata.trail.source`
 * names the session and step; every code cell that holds recorded code has
 * `metadata.trail.sourceExecution = { id, seq, step }`. The first cell is a
 * markdown note naming the source and the data files the steps read; it is
 * marked `metadata.trail.note = "source"` so a replayer can skip it.
 *
 * The document carries no trust signature: JupyterLab shows its recorded
 * outputs as untrusted until the user trusts the notebook.
 */
import type { Output } from '../schema';
import type { Substitution } from './lineage';

/** The two forms a step opens as. */
export type NotebookForm = 'as-executed' | 'as-it-stood';

/** `metadata.trail.source` of a notebook opened from a recorded session. */
export interface ReplaySource {
  /** "fork" for a forked notebook (#14); absent (or "replay") otherwise. */
  kind?: 'replay' | 'fork';
  sessionId: string;
  step: number;
  form: NotebookForm;
  /** The recorded notebook's path (on its author's server). */
  notebookPath: string;
  /** Who recorded it (display name or login), when known. */
  author?: string;
  /** The Trail server it was read from, when known. */
  server?: string;
  /** A fork's inputs: each recorded path and the file read in its place. */
  substitutions?: Substitution[];
}

/** `metadata.trail.sourceExecution` of a cell holding recorded code. */
export interface SourceExecution {
  id: string;
  seq: number;
  step: number;
}

/** One recorded execution as a cell gets it (outputs already resolved). */
export interface RecordedRun {
  id: string;
  seq: number;
  /** Its step in the session (1..total). */
  step: number;
  code: string;
  executionCount: number | null;
  /** Recorded outputs with blob references replaced by their values. */
  outputs: Output[];
}

/** One cell of the notebook as it stood at step k. */
export interface StoodCell {
  cellId: string | null;
  cellType: 'code' | 'markdown' | 'raw';
  state: 'ran' | 'not-run' | 'deleted';
  /** The cell's source at step k, when known. */
  source?: string;
  /** Its latest run up to step k. */
  execution?: RecordedRun;
}

/** A data file the steps read (the inputs rule's answer). */
export interface NotebookInputFile {
  path: string;
  sha256?: string | null;
  /** The first step that read it. */
  step: number;
}

/** What every form is written with. */
export interface ReplayNotebookOptions {
  source: Omit<ReplaySource, 'form'>;
  /** The session's step count, for the note ("step 12 of 40"). */
  total?: number;
  /** The recorded kernel, for `kernelspec` and `language_info`. */
  kernel?: { name: string; displayName?: string; language?: string };
  /** The data files steps 1..k read. */
  inputs: readonly NotebookInputFile[];
  /**
   * A fork (#14): the source becomes `kind: "fork"` with these
   * substitutions, which the note lists.
   */
  fork?: { substitutions: readonly Substitution[] };
}

/** An nbformat 4 cell as written. */
export interface NotebookCell {
  id: string;
  cell_type: 'code' | 'markdown' | 'raw';
  metadata: Record<string, unknown>;
  source: string;
  outputs?: Record<string, unknown>[];
  execution_count?: number | null;
}

/** An nbformat 4.5 document as written. */
export interface NotebookDocument {
  nbformat: 4;
  nbformat_minor: 5;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

/**
 * Every execution 1..k as its own code cell, in execution order.
 */
export function notebookAsExecuted(
  runs: readonly RecordedRun[],
  options: ReplayNotebookOptions
): NotebookDocument {
  const ordered = [...runs].sort((a, b) => a.seq - b.seq);
  const cells = ordered.map(run =>
    codeCell(`step-${run.step}`, run.code, run, true)
  );
  return document('as-executed', cells, options);
}

/**
 * The notebook as it stood at step k: deleted cells left out. A code cell
 * edited after its last run keeps its edited source and the outputs of
 * that run (as the notebook showed them) but no `sourceExecution`: it does
 * not hold the code that ran.
 */
export function notebookAsItStood(
  cells: readonly StoodCell[],
  options: ReplayNotebookOptions
): NotebookDocument {
  const ids = new CellIds();
  const written: NotebookCell[] = [];
  cells.forEach((cell, index) => {
    if (cell.state === 'deleted') {
      return;
    }
    const id = ids.take(cell.cellId, index);
    const run = cell.execution;
    if (cell.cellType !== 'code') {
      written.push({
        id,
        cell_type: cell.cellType,
        metadata: {},
        source: cell.source ?? ''
      });
      return;
    }
    const source = cell.source ?? run?.code ?? '';
    written.push(codeCell(id, source, run, run?.code === source));
  });
  return document('as-it-stood', written, options);
}

/**
 * The name of the notebook of step k: `<source name>-step<k>.ipynb`, or
 * with `-1`, `-2`... when `taken` says a name is used (never overwrite).
 */
export function stepNotebookName(
  notebookPath: string,
  step: number,
  taken: (name: string) => boolean
): string {
  const base = notebookPath.split('/').pop() || 'notebook';
  const stem = base.replace(/\.ipynb$/i, '') || 'notebook';
  const first = `${stem}-step${step}`;
  let name = `${first}.ipynb`;
  for (let n = 1; taken(name); n++) {
    name = `${first}-${n}.ipynb`;
  }
  return name;
}

/**
 * The first cell: which session and step the notebook comes from, and the
 * data files the steps read (what a re-run needs beside the code).
 */
export function sourceNote(
  source: ReplaySource,
  options: Pick<ReplayNotebookOptions, 'total' | 'inputs'>
): string {
  const of = options.total ? ` of ${options.total}` : '';
  const by = source.author ? ` recorded by ${source.author}` : '';
  const form =
    source.form === 'as-executed'
      ? 'every execution of steps 1–' +
        `${source.step} as its own cell, in the order they ran`
      : `the notebook as it stood at step ${source.step}`;
  const lines = [
    `# ${inlineCode(baseName(source.notebookPath))} at step ${source.step}`,
    '',
    `Opened from the Trail session ${inlineCode(source.sessionId)}${by}` +
      `, at step ${source.step}${of}: ${form}.`,
    `Outputs are the recorded ones, shown untrusted.`,
    ''
  ];
  if (source.kind === 'fork') {
    lines.push(
      '**A fork**: the same code reads these files in place of the recorded ones.',
      '',
      '| Recorded | Read instead |',
      '| --- | --- |'
    );
    for (const sub of source.substitutions ?? []) {
      lines.push(
        `| ${tableText(inlineCode(sub.recorded))} | ${tableText(inlineCode(sub.path))} |`
      );
    }
    lines.push('');
  }
  if (options.inputs.length === 0) {
    lines.push('No data file was recorded as read by these steps.');
  } else {
    lines.push(
      `**Data files read by steps 1–${source.step}**`,
      '',
      '| File | sha256 | First read at step |',
      '| --- | --- | --- |'
    );
    for (const file of options.inputs) {
      const hash = file.sha256 ? inlineCode(file.sha256.slice(0, 12)) : '—';
      lines.push(
        `| ${tableText(inlineCode(file.path))} | ${hash} | ${file.step} |`
      );
    }
  }
  return lines.join('\n');
}

/**
 * Recorded outputs as nbformat 4 outputs: multiline strings joined, only
 * the fields nbformat allows (`transient` and extras dropped), and values
 * that are not text (an unresolved blob reference) left out.
 */
export function toNotebookOutputs(
  outputs: readonly Output[],
  executionCount: number | null
): Record<string, unknown>[] {
  return outputs.map(output => {
    switch (output.output_type) {
      case 'stream':
        return {
          output_type: 'stream',
          name: output.name,
          text: joinLines(output.text)
        };
      case 'error':
        return {
          output_type: 'error',
          ename: output.ename,
          evalue: output.evalue,
          traceback: [...output.traceback]
        };
      default: {
        const written: Record<string, unknown> = {
          output_type: output.output_type,
          data: mimeBundle(output.data ?? {}),
          metadata: { ...(output.metadata ?? {}) }
        };
        if (output.output_type === 'execute_result') {
          written.execution_count =
            typeof output.execution_count === 'number'
              ? output.execution_count
              : executionCount;
        }
        return written;
      }
    }
  });
}

function codeCell(
  id: string,
  source: string,
  run: RecordedRun | undefined,
  holdsRecordedCode: boolean
): NotebookCell {
  const trail: Record<string, unknown> = {};
  if (run && holdsRecordedCode) {
    const origin: SourceExecution = {
      id: run.id,
      seq: run.seq,
      step: run.step
    };
    trail.sourceExecution = origin;
  }
  const count = run ? run.executionCount : null;
  return {
    id,
    cell_type: 'code',
    metadata: Object.keys(trail).length ? { trail } : {},
    source,
    execution_count: count,
    outputs: run ? toNotebookOutputs(run.outputs, count) : []
  };
}

function document(
  form: NotebookForm,
  cells: NotebookCell[],
  options: ReplayNotebookOptions
): NotebookDocument {
  const source: ReplaySource = { ...options.source, form };
  delete source.kind;
  delete source.substitutions;
  if (options.fork) {
    source.kind = 'fork';
    source.substitutions = options.fork.substitutions.map(sub => ({ ...sub }));
  }
  for (const key of ['author', 'server'] as const) {
    if (source[key] === undefined) {
      delete source[key];
    }
  }
  const metadata: Record<string, unknown> = { trail: { source } };
  const kernel = options.kernel;
  if (kernel) {
    metadata.kernelspec = {
      name: kernel.name,
      display_name: kernel.displayName || kernel.name,
      ...(kernel.language ? { language: kernel.language } : {})
    };
    if (kernel.language) {
      metadata.language_info = { name: kernel.language };
    }
  }
  const note: NotebookCell = {
    id: 'trail-source',
    cell_type: 'markdown',
    metadata: { trail: { note: 'source' } },
    source: sourceNote(source, options)
  };
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata,
    cells: [note, ...cells]
  };
}

/** nbformat 4.5 cell ids: 1-64 of [a-zA-Z0-9-_], unique in the notebook. */
class CellIds {
  take(wanted: string | null, index: number): string {
    let id =
      wanted && /^[a-zA-Z0-9_-]{1,64}$/.test(wanted) ? wanted : `cell-${index}`;
    for (let n = 1; this._used.has(id) || id === 'trail-source'; n++) {
      id = `cell-${index}-${n}`;
    }
    this._used.add(id);
    return id;
  }

  private _used = new Set<string>(['trail-source']);
}

function mimeBundle(data: Record<string, unknown>): Record<string, unknown> {
  const bundle: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(data)) {
    if (mime === 'application/json' || /\+json$/.test(mime)) {
      bundle[mime] = value;
    } else if (typeof value === 'string' || isLines(value)) {
      bundle[mime] = joinLines(value);
    }
  }
  if (Object.keys(bundle).length === 0) {
    bundle['text/plain'] = '[recorded output not available]';
  }
  return bundle;
}

function isLines(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(line => typeof line === 'string');
}

function joinLines(value: unknown): string {
  return isLines(value) ? value.join('') : String(value ?? '');
}

function baseName(path: string): string {
  return path.split('/').pop() || path;
}

/** Text as markdown inline code, whatever backticks it holds. */
function inlineCode(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map(run => run.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function tableText(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
