import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { ReplayModel } from '../../model/replay';
import type { ExecutionRecord } from '../../records/schema';
import { inputsOf } from '../../records/replay/inputs';
import {
  NotebookDocument,
  NotebookForm,
  NotebookInputFile,
  notebookAsExecuted,
  notebookAsItStood,
  RecordedRun,
  ReplayNotebookOptions,
  stepNotebookName
} from '../../records/replay/notebook';

/** How many executions are read at once while building "as executed". */
const PARALLEL_READS = 8;

/** What the dialog asks. */
export interface IOpenAsNotebookChoice {
  form: NotebookForm;
  folder: string;
}

/**
 * The dialog's body: the form (as executed by default) and the folder.
 */
export class OpenAsNotebookForm extends Widget {
  constructor(options: {
    step: number;
    folder: string;
    trans: TranslationBundle;
  }) {
    super();
    const { trans, step } = options;
    this.addClass('jp-Trail-OpenAsNotebook');
    const forms: [NotebookForm, string, string][] = [
      [
        'as-executed',
        trans.__('As executed'),
        trans.__(
          'Every execution of steps 1–%1 as its own cell, in the order they ran: what built the kernel state (best for re-running).',
          step
        )
      ],
      [
        'as-it-stood',
        trans.__('As it stood'),
        trans.__(
          'The notebook as it stood at step %1, markdown included, deleted cells left out.',
          step
        )
      ]
    ];
    const fieldset = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = trans.__('Form');
    fieldset.append(legend);
    for (const [value, label, help] of forms) {
      const row = document.createElement('label');
      row.className = 'jp-Trail-OpenAsNotebook-form';
      const radio = document.createElement('input');
      radio.type = 'radio';
      radio.name = 'trail-notebook-form';
      radio.value = value;
      radio.checked = value === 'as-executed';
      const text = document.createElement('span');
      const strong = document.createElement('strong');
      strong.textContent = label;
      const small = document.createElement('small');
      small.textContent = help;
      text.append(strong, small);
      row.append(radio, text);
      fieldset.append(row);
    }
    const folderLabel = document.createElement('label');
    folderLabel.className = 'jp-Trail-OpenAsNotebook-folder';
    folderLabel.textContent = trans.__('Folder (in your workspace)');
    this._folder = document.createElement('input');
    this._folder.type = 'text';
    this._folder.className = 'jp-mod-styled';
    this._folder.value = options.folder;
    this._folder.placeholder = trans.__('(the workspace root)');
    folderLabel.append(this._folder);
    this.node.append(fieldset, folderLabel);
  }

  getValue(): IOpenAsNotebookChoice {
    const checked = this.node.querySelector<HTMLInputElement>(
      'input[name="trail-notebook-form"]:checked'
    );
    return {
      form: (checked?.value as NotebookForm) ?? 'as-executed',
      folder: this._folder.value
    };
  }

  private _folder: HTMLInputElement;
}

/** A failure the user is told about as it is (nothing was written). */
export class OpenAsNotebookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpenAsNotebookError';
  }
}

/**
 * Write step k of the model's session as a notebook in `folder`: checked
 * first (it exists, is a folder, is writable), the whole document built
 * before anything is written, then saved once under a name no file has.
 *
 * @returns the path written.
 */
export async function writeStepNotebook(options: {
  model: ReplayModel;
  step: number;
  choice: IOpenAsNotebookChoice;
  contents: Contents.IManager;
  trans: TranslationBundle;
  /** The Trail server's URL, for the metadata. */
  server?: string;
}): Promise<string> {
  const { model, step, choice, contents, trans } = options;
  const folder = normaliseFolder(choice.folder);
  let listing: Contents.IModel;
  try {
    listing = await contents.get(folder, { content: true });
  } catch {
    throw new OpenAsNotebookError(
      trans.__('The folder “%1” does not exist.', folder || '/')
    );
  }
  if (listing.type !== 'directory') {
    throw new OpenAsNotebookError(
      trans.__('“%1” is not a folder.', folder || '/')
    );
  }
  if (listing.writable === false) {
    throw new OpenAsNotebookError(
      trans.__('The folder “%1” is not writable.', folder || '/')
    );
  }
  const document = await buildStepNotebook(model, step, choice.form, {
    server: options.server
  });
  const taken = new Set(
    ((listing.content as Contents.IModel[] | null) ?? []).map(item => item.name)
  );
  const notebookPath = model.session?.notebookPath ?? '';
  const name = stepNotebookName(notebookPath, step, n => taken.has(n));
  const path = folder ? `${folder}/${name}` : name;
  try {
    await contents.save(path, {
      type: 'notebook',
      format: 'json',
      content: document
    });
  } catch (reason) {
    throw new OpenAsNotebookError(
      trans.__(
        'Could not write “%1”: %2',
        path,
        reason instanceof Error ? reason.message : String(reason)
      )
    );
  }
  return path;
}

/**
 * The notebook of step k in the form asked for, with the inputs of the
 * steps (from the server, else from the executions' captures).
 */
export async function buildStepNotebook(
  model: ReplayModel,
  step: number,
  form: NotebookForm,
  extra: { server?: string } = {}
): Promise<NotebookDocument> {
  const steps = model.steps;
  const session = model.session;
  if (!steps || !model.sessionId) {
    throw new OpenAsNotebookError('The session is not loaded.');
  }
  const stepOf = new Map(steps.steps.map(entry => [entry.seq, entry.step]));
  const run = (record: ExecutionRecord): RecordedRun => ({
    id: record.id,
    seq: record.seq,
    step: stepOf.get(record.seq) ?? record.seq,
    code: record.code,
    executionCount: record.executionCount,
    outputs: record.outputs
  });
  const upto = steps.steps.slice(0, step);
  const reader = model.reader;
  let executions: ExecutionRecord[] | null = null;
  if (form === 'as-executed') {
    executions = await readAll(
      upto.map(entry => entry.executionId),
      id => model.execution(id)
    );
  }
  let inputs: NotebookInputFile[];
  try {
    if (!reader.getInputs) {
      throw new Error('no inputs endpoint');
    }
    inputs = (await reader.getInputs(model.sessionId, step)).inputs;
  } catch {
    executions ??= await readAll(
      upto.map(entry => entry.executionId),
      id => model.execution(id)
    );
    inputs = inputsOf(executions, step);
  }
  const author = session?.author;
  const options: ReplayNotebookOptions = {
    source: {
      sessionId: model.sessionId,
      step,
      notebookPath: session?.notebookPath ?? '',
      ...(author ? { author: author.displayName || author.name } : {}),
      ...(extra.server ? { server: extra.server } : {})
    },
    total: steps.total,
    kernel: session?.kernel
      ? {
          name: session.kernel.name,
          displayName: session.kernel.displayName,
          language: session.kernel.language
        }
      : undefined,
    inputs
  };
  if (form === 'as-executed') {
    return notebookAsExecuted(executions!.map(run), options);
  }
  const notebook = await model.cache.get(step);
  return notebookAsItStood(
    notebook.cells.map(cell => ({
      cellId: cell.cellId,
      cellType: cell.cellType,
      state: cell.state,
      source: cell.source,
      execution: cell.execution ? run(cell.execution) : undefined
    })),
    options
  );
}

/** The folder as a contents path: no leading or trailing slash. */
export function normaliseFolder(folder: string): string {
  return folder.trim().replace(/^\/+|\/+$/g, '');
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
