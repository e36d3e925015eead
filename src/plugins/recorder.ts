import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import type { ICellModel } from '@jupyterlab/cells';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { loadTrailSettings } from './settings';
import { Kernel } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { PACKAGE_VERSION } from '../_generated/version';
import {
  IRedactionOptions,
  TrailRecorder,
  type NotebookStructure
} from '../recorder';
import { lineageFromSource, type Lineage } from '../records/replay/lineage';
import { ITrailRecorder } from '../tokens';

/** Notebook metadata key that holds Trail's per-notebook options. */
export const NOTEBOOK_METADATA_KEY = 'trail';

/** Whether a notebook has opted out of recording (metadata `trail.record: false`). */
export function isNotebookOptedOut(panel: NotebookPanel): boolean {
  const meta = panel.model?.getMetadata(NOTEBOOK_METADATA_KEY) as
    { record?: boolean } | undefined;
  return meta?.record === false;
}

/**
 * Who may read a notebook's new sessions, as its metadata asks
 * (`trail.visibility: "private"`); undefined for the server's default.
 */
export function notebookVisibility(
  panel: NotebookPanel
): 'private' | 'team' | undefined {
  const meta = panel.model?.getMetadata(NOTEBOOK_METADATA_KEY) as
    { visibility?: unknown } | undefined;
  return meta?.visibility === 'private' || meta?.visibility === 'team'
    ? meta.visibility
    : undefined;
}

/**
 * The session and step a notebook opened from a recorded session replays
 * (its metadata `trail.source`); undefined for any other notebook.
 */
export function notebookLineage(panel: NotebookPanel): Lineage | undefined {
  const meta = panel.model?.getMetadata(NOTEBOOK_METADATA_KEY) as
    { source?: unknown } | undefined;
  return lineageFromSource(meta?.source);
}

/**
 * A notebook's cells in order (id, type, source), for the structure the
 * recorder sends before an execution when it changed.
 */
export function notebookStructure(
  panel: NotebookPanel
): NotebookStructure | undefined {
  const cells = panel.model?.cells;
  if (!cells) {
    return undefined;
  }
  const out: NotebookStructure['cells'][number][] = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    const type = cell.type;
    out.push({
      id: cell.id,
      cellType: type === 'markdown' || type === 'raw' ? type : 'code',
      source: cell.sharedModel.getSource()
    });
  }
  return { cells: out };
}

/** The ids of a notebook's cells that carry one of the tags. */
export function taggedCellIds(
  panel: NotebookPanel,
  tags: ReadonlySet<string>
): string[] {
  const ids: string[] = [];
  const cells = panel.model?.cells;
  if (!cells || tags.size === 0) {
    return ids;
  }
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    const cellTags = cell.getMetadata('tags');
    if (
      Array.isArray(cellTags) &&
      cellTags.some(tag => typeof tag === 'string' && tags.has(tag))
    ) {
      ids.push(cell.id);
    }
  }
  return ids;
}

/**
 * Follows every notebook's kernel and hands it to the recorder: notebooks
 * opened before or after Trail starts, kernel changes and restarts. The
 * kernel helper's configuration follows the notebook's opt-out and its
 * cells' tags.
 */
function trackNotebook(recorder: TrailRecorder, panel: NotebookPanel): void {
  let observation: IDisposable | null = null;
  const attach = (kernel: Kernel.IKernelConnection | null) => {
    observation?.dispose();
    observation = kernel
      ? recorder.observe(kernel, {
          notebookPath: () => panel.sessionContext.path || panel.context.path,
          shouldRecord: () => !isNotebookOptedOut(panel),
          kernelDisplayName: () => panel.sessionContext.kernelDisplayName,
          kernelSpec: () =>
            panel.sessionContext.specsManager.specs?.kernelspecs[kernel.name],
          skipCells: tags => taggedCellIds(panel, tags),
          visibility: () => notebookVisibility(panel),
          structure: () => notebookStructure(panel),
          lineage: () => notebookLineage(panel)
        })
      : null;
  };
  // Metadata edits come in bursts (typing tags): push the config once.
  let timer: ReturnType<typeof setTimeout> | null = null;
  const configChanged = () => {
    if (timer === null) {
      timer = setTimeout(() => {
        timer = null;
        recorder.refreshHelperConfig();
      }, 100);
    }
  };
  void panel.context.ready.then(() => {
    const model = panel.model;
    if (!model || panel.isDisposed) {
      return;
    }
    model.metadataChanged.connect(configChanged);
    const followCell = (cell: ICellModel) =>
      cell.metadataChanged.connect(configChanged);
    for (let i = 0; i < model.cells.length; i++) {
      followCell(model.cells.get(i));
    }
    model.cells.changed.connect((_, change) => {
      if (change.type === 'add') {
        change.newValues.forEach(followCell);
      }
      configChanged();
    });
  });
  attach(panel.sessionContext.session?.kernel ?? null);
  panel.sessionContext.kernelChanged.connect((_, args) =>
    attach(args.newValue)
  );
  panel.disposed.connect(() => {
    observation?.dispose();
    observation = null;
    if (timer !== null) {
      clearTimeout(timer);
    }
  });
}

/**
 * The recorder: observes the kernel of every notebook.
 */
export const recorderPlugin: JupyterFrontEndPlugin<TrailRecorder> = {
  id: 'jupyterlab-trail:recorder',
  description: 'Records every notebook cell execution.',
  autoStart: true,
  provides: ITrailRecorder,
  requires: [INotebookTracker],
  optional: [ISettingRegistry],
  activate: async (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    registry: ISettingRegistry | null
  ): Promise<TrailRecorder> => {
    const settings = await loadTrailSettings(registry);
    const recorder = new TrailRecorder({
      client: { name: 'jupyterlab-trail', version: PACKAGE_VERSION },
      // Without settings, the schema's defaults: capture and redaction on.
      injectHelper: true
    });
    if (settings) {
      const apply = () => {
        const composite = settings.composite;
        recorder.enabled = composite.recording as boolean;
        recorder.excludeTags = composite.excludeTags as string[];
        recorder.injectHelper = composite.kernelCapture as boolean;
        const redaction = composite.redaction as IRedactionOptions;
        if (JSON.stringify(redaction) !== JSON.stringify(recorder.redaction)) {
          recorder.redaction = redaction;
        }
      };
      apply();
      settings.changed.connect(apply);
    }
    // Diagnostics: the recorder's main-thread time per execution (read by
    // bench/recorder-mainthread.mjs); `samples: true` adds every figure,
    // `reset: true` starts a new sample, `trace: true|false` turns the
    // handlers' trace marks on or off (see ExecutionCostSamples.traced).
    app.commands.addCommand('trail:recorder-cost', {
      label: 'Trail: Recorder Main-Thread Cost',
      describedBy: {
        args: {
          type: 'object',
          properties: {
            reset: { type: 'boolean' },
            samples: { type: 'boolean' },
            trace: { type: 'boolean' }
          }
        }
      },
      execute: args => {
        const summary = args.samples
          ? { ...recorder.costs.summary(), samples: recorder.costs.values() }
          : recorder.costs.summary();
        if (args.reset) {
          recorder.costs.clear();
        }
        if (typeof args.trace === 'boolean') {
          recorder.costs.traced = args.trace;
        }
        return summary;
      }
    });
    tracker.forEach(panel => trackNotebook(recorder, panel));
    tracker.widgetAdded.connect((_, panel) => trackNotebook(recorder, panel));
    return recorder;
  }
};
