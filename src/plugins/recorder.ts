import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { loadTrailSettings } from './settings';
import { Kernel } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { TrailRecorder } from '../recorder';
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
 * Follows every notebook's kernel and hands it to the recorder: notebooks
 * opened before or after Trail starts, kernel changes and restarts.
 */
function trackNotebook(recorder: TrailRecorder, panel: NotebookPanel): void {
  let observation: IDisposable | null = null;
  const attach = (kernel: Kernel.IKernelConnection | null) => {
    observation?.dispose();
    observation = kernel
      ? recorder.observe(kernel, {
          notebookPath: () => panel.sessionContext.path || panel.context.path,
          shouldRecord: () => !isNotebookOptedOut(panel),
          kernelDisplayName: () => panel.sessionContext.kernelDisplayName
        })
      : null;
  };
  attach(panel.sessionContext.session?.kernel ?? null);
  panel.sessionContext.kernelChanged.connect((_, args) =>
    attach(args.newValue)
  );
  panel.disposed.connect(() => {
    observation?.dispose();
    observation = null;
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
    const recorder = new TrailRecorder({
      client: { name: 'jupyterlab-trail', version: PACKAGE_VERSION }
    });
    const settings = await loadTrailSettings(registry);
    if (settings) {
      const apply = () => {
        recorder.enabled = settings.composite.recording as boolean;
        recorder.excludeTags = settings.composite.excludeTags as string[];
      };
      apply();
      settings.changed.connect(apply);
    }
    // Diagnostics: the recorder's main-thread time per execution (read by
    // bench/recorder-mainthread.mjs); `reset: true` starts a new sample.
    app.commands.addCommand('trail:recorder-cost', {
      label: 'Trail: Recorder Main-Thread Cost',
      describedBy: {
        args: {
          type: 'object',
          properties: { reset: { type: 'boolean' } }
        }
      },
      execute: args => {
        const summary = recorder.costs.summary();
        if (args.reset) {
          recorder.costs.clear();
        }
        return summary;
      }
    });
    tracker.forEach(panel => trackNotebook(recorder, panel));
    tracker.widgetAdded.connect((_, panel) => trackNotebook(recorder, panel));
    return recorder;
  }
};

/** The extension's version, for the records' `client` field. */
const PACKAGE_VERSION = '0.1.0';
