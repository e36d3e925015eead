/**
 * Runs a replay's steps in the notebook itself: each step's cell through
 * the notebook's own cell executor (`NotebookActions.runCells`), so its
 * outputs show in the notebook and the recorder records it as the replay
 * session, with the lineage the notebook's `trail.source` gives.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import { NotebookActions } from '@jupyterlab/notebook';
import type { ITranslator } from '@jupyterlab/translation';
import type { ExecutionRecord, Output } from '../../records/schema';
import {
  cellRecordKey,
  IEventSource,
  IReplayStep,
  IStepExecutor,
  KernelDiedError,
  RecordCatcher,
  replayedRecordFrom,
  watchKernel
} from '../../model/replay-run';

type NotebookCell = NotebookPanel['content']['widgets'][number];

/** The CSS classes a step's cell wears while and after it is replayed. */
export const STEP_MARKS = {
  base: 'jp-Trail-ReplayStep',
  running: 'jp-Trail-ReplayStep-running',
  same: 'jp-Trail-ReplayStep-same',
  diverged: 'jp-Trail-ReplayStep-diverged',
  failed: 'jp-Trail-ReplayStep-failed'
} as const;

const MARK_CLASSES = Object.values(STEP_MARKS);

/**
 * The executor of a replay in one notebook panel.
 */
export class NotebookStepExecutor implements IStepExecutor {
  constructor(options: NotebookStepExecutor.IOptions) {
    this._panel = options.panel;
    this._translator = options.translator;
    this._catcher = new RecordCatcher(options.recorder ?? null);
  }

  /** The cell of a step, or null when it was deleted. */
  cellOf(step: IReplayStep): NotebookCell | null {
    return (
      this._panel.content.widgets.find(cell => cell.model.id === step.cellId) ??
      null
    );
  }

  async execute(step: IReplayStep): Promise<ExecutionRecord> {
    const panel = this._panel;
    const cell = this.cellOf(step);
    if (!cell || cell.model.type !== 'code') {
      throw new Error(`its cell (${step.cellId}) is no longer in the notebook`);
    }
    const kernel = panel.sessionContext.session?.kernel;
    if (!kernel || kernel.isDisposed || kernel.status === 'dead') {
      throw new KernelDiedError(
        `The notebook has no running kernel: step ${step.step} could not run.`
      );
    }
    const path = panel.sessionContext.path || panel.context.path;
    const key = cellRecordKey(path, cell.model.id);
    this._catcher.expect(key);
    const code = cell.model.sharedModel.getSource();
    const startedAt = new Date();
    const died = watchKernel(kernel, step);
    const replaced = watchKernelChange(panel, step);
    const ran = NotebookActions.runCells(
      panel.content,
      [cell],
      panel.sessionContext,
      undefined,
      this._translator
    );
    // When the kernel dies first, the run may never settle: nobody waits.
    ran.catch(() => undefined);
    try {
      await Promise.race([ran, died.died, replaced.changed]);
    } finally {
      died.dispose();
      replaced.dispose();
    }
    const record = await this._catcher.take(key);
    if (record) {
      return record;
    }
    const outputs = cell.model.type === 'code' ? codeOutputsOf(cell) : [];
    const failed = outputs.some(output => output.output_type === 'error');
    return replayedRecordFrom({
      msgId: `${key}:${startedAt.getTime()}`,
      cellId: cell.model.id,
      code,
      notebookPath: path,
      outputs,
      status: failed ? 'error' : 'ok',
      executionCount: executionCountOf(cell),
      startedAt,
      endedAt: new Date()
    });
  }

  reveal(
    step: IReplayStep,
    mark: 'running' | 'same' | 'diverged' | 'failed' | null
  ): void {
    const cell = this.cellOf(step);
    if (!cell) {
      return;
    }
    cell.removeClass(STEP_MARKS.running);
    cell.removeClass(STEP_MARKS.same);
    cell.removeClass(STEP_MARKS.diverged);
    cell.removeClass(STEP_MARKS.failed);
    if (mark === null) {
      cell.removeClass(STEP_MARKS.base);
      return;
    }
    cell.addClass(STEP_MARKS.base);
    cell.addClass(STEP_MARKS[mark]);
    if (mark !== 'same') {
      void this._panel.content.scrollToCell(cell).catch(() => undefined);
    }
  }

  /** Show a step's cell (from the results list). */
  focus(step: IReplayStep): void {
    const cell = this.cellOf(step);
    if (cell) {
      const index = this._panel.content.widgets.indexOf(cell);
      this._panel.content.activeCellIndex = index;
      void this._panel.content.scrollToCell(cell).catch(() => undefined);
    }
  }

  /** Take every replay mark off the notebook's cells. */
  clearMarks(): void {
    for (const cell of this._panel.content.widgets) {
      for (const name of MARK_CLASSES) {
        cell.removeClass(name);
      }
    }
  }

  /** Stop listening to the recorder. */
  dispose(): void {
    this._catcher.dispose();
  }

  private _catcher: RecordCatcher;
  private _panel: NotebookPanel;
  private _translator?: ITranslator;
}

/** The namespace for `NotebookStepExecutor` statics. */
export namespace NotebookStepExecutor {
  export interface IOptions {
    panel: NotebookPanel;
    /** The recorder, whose record of each run is what is compared. */
    recorder?: IEventSource | null;
    translator?: ITranslator;
  }
}

/** Rejects when the notebook's kernel is changed or shut down. */
function watchKernelChange(
  panel: NotebookPanel,
  step: IReplayStep
): { changed: Promise<never>; dispose: () => void } {
  let onChanged: () => void = () => undefined;
  const changed = new Promise<never>((_, reject) => {
    onChanged = () =>
      reject(
        new KernelDiedError(
          `The notebook's kernel was changed or shut down while step ${step.step} was running.`
        )
      );
  });
  changed.catch(() => undefined);
  panel.sessionContext.kernelChanged.connect(onChanged);
  return {
    changed,
    dispose: () => panel.sessionContext.kernelChanged.disconnect(onChanged)
  };
}

function codeOutputsOf(cell: NotebookCell): Output[] {
  const outputs = (
    cell.model as unknown as { outputs?: { toJSON(): unknown[] } }
  ).outputs;
  return (outputs?.toJSON() ?? []) as Output[];
}

function executionCountOf(cell: NotebookCell): number | null {
  const count = (cell.model as unknown as { executionCount?: number | null })
    .executionCount;
  return typeof count === 'number' ? count : null;
}
