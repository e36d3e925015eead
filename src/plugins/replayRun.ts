import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import type { Widget } from '@lumino/widgets';
import {
  PreflightModel,
  ReplayRunModel,
  replaySourceOf,
  runProbe,
  TRAIL_METADATA_KEY
} from '../model/replay-run';
import type { ReplaySource } from '../model/replay-run';
import { forkSourceOf } from '../model/fork/source';
import { compareExecutions } from '../records/replay/compare';
import type { TrailRecorder } from '../recorder';
import { CommandIDs, ITrailConnection, ITrailRecorder } from '../tokens';
import { recordedOutputRendermime } from '../ui/sandbox';
import {
  NotebookStepExecutor,
  PreflightWidget,
  ReplayRunWidget
} from '../ui/replay-run';
import {
  addNotebookButton,
  askRestart,
  RESTART_ARGS,
  restartArg,
  showBeside,
  stepsToRun
} from './runPrompts';
import { loadTrailSettings } from './settings';

/** The replay settings (schema/settings/plugin.json `replayRun`). */
interface IReplayRunSettings {
  strict: boolean;
  pauseOnDivergence: boolean;
}

/** The notebook's `trail.source`, when it was opened from a recorded session. */
export function replaySourceOfPanel(
  panel: NotebookPanel | null | undefined
): ReplaySource | null {
  return panel?.model
    ? replaySourceOf(panel.model.getMetadata(TRAIL_METADATA_KEY))
    : null;
}

/**
 * Preflight and "Replay in my kernel" for a notebook opened from a
 * recorded session (its metadata has `trail.source`): a toolbar button on
 * such notebooks, two palette commands, and the results beside the
 * notebook.
 */
export const replayRunPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-trail:replay-run',
  description:
    'Checks and replays a notebook opened from a recorded session in your own kernel, comparing each step with the recording.',
  autoStart: true,
  requires: [INotebookTracker, ITrailConnection, IRenderMimeRegistry],
  optional: [
    ITrailRecorder,
    ISettingRegistry,
    ICommandPalette,
    ITranslator,
    IEditorLanguageRegistry
  ],
  activate: async (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    connection: ITrailConnection,
    rendermime: IRenderMimeRegistry,
    recorder: TrailRecorder | null,
    registry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null,
    languages: IEditorLanguageRegistry | null
  ): Promise<void> => {
    const trans = (translator ?? nullTranslator).load('jupyterlab-trail');
    const recorded = recordedOutputRendermime(rendermime);
    const settings = await loadTrailSettings(registry);
    const replaySettings = (): Partial<IReplayRunSettings> =>
      (settings?.composite.replayRun as Partial<IReplayRunSettings>) ?? {};
    const runs = new Map<NotebookPanel, ReplayRunWidget>();
    const preflights = new Map<NotebookPanel, PreflightWidget>();
    // A run under way follows a change of "pause on divergence" (strict
    // has its own checkbox on the run).
    settings?.changed.connect(() => {
      const pause = replaySettings().pauseOnDivergence;
      if (typeof pause === 'boolean') {
        for (const run of runs.values()) {
          run.model.pauseOnDivergence = pause;
        }
      }
    });

    // A fork notebook runs through the fork's check and run (its inputs
    // redirected): a plain replay of it would read the recorded files.
    const isFork = (panel: NotebookPanel) =>
      forkSourceOf(panel.model?.getMetadata(TRAIL_METADATA_KEY)) !== null;
    const target = (_args: { [key: string]: unknown }) => {
      const panel = tracker.currentWidget;
      return panel && replaySourceOfPanel(panel) && !isFork(panel)
        ? panel
        : null;
    };
    // The preflight and the run of a notebook share one area beside it.
    const beside = (panel: NotebookPanel, widget: Widget, sibling?: Widget) =>
      showBeside(app, panel, widget, sibling);
    const noClient = () =>
      Notification.error(
        connection.error ??
          trans.__('Trail has no server to read the recorded session from.'),
        { autoClose: 8000 }
      );

    const openPreflight = (panel: NotebookPanel) => {
      const source = replaySourceOfPanel(panel);
      const client = connection.client;
      if (!source) {
        return;
      }
      if (!client) {
        noClient();
        return;
      }
      preflights.get(panel)?.dispose();
      const model = new PreflightModel({
        sessionId: source.sessionId,
        step: source.step,
        server: client,
        probe: paths => runProbe(panel.sessionContext.session?.kernel, paths)
      });
      const widget = new PreflightWidget({
        model,
        trans,
        notebookName: panel.context.localPath.split('/').pop() ?? '',
        author: source.author,
        onStartKernel: () =>
          void panel.sessionContext
            .startKernel()
            .then(() => panel.sessionContext.ready)
            .then(() => model.run()),
        onReplay: () => void app.commands.execute(CommandIDs.replayInKernel, {})
      });
      widget.id = `jp-trail-preflight-${panel.id}`;
      preflights.set(panel, widget);
      widget.disposed.connect(() => {
        if (preflights.get(panel) === widget) {
          preflights.delete(panel);
        }
      });
      beside(panel, widget, runs.get(panel));
      void panel.sessionContext.ready.then(() => model.run());
    };

    const replay = async (panel: NotebookPanel, restart: boolean | null) => {
      const source = replaySourceOfPanel(panel);
      const client = connection.client;
      if (!source) {
        return;
      }
      if (!client) {
        noClient();
        return;
      }
      const running = runs.get(panel);
      if (
        running &&
        (running.model.state === 'running' || running.model.state === 'paused')
      ) {
        app.shell.activateById(running.id);
        return;
      }
      const steps = await stepsToRun(panel, source.step, trans, {
        noKernel: trans.__('The notebook has no kernel to replay in.'),
        noSteps: trans.__(
          'No cell of this notebook holds recorded code of steps 1–%1: nothing to replay.',
          source.step
        )
      });
      if (!steps) {
        return;
      }
      if (restart === null) {
        restart = await askRestart(trans, {
          title: trans.__('Replay in my kernel'),
          body: trans.__(
            'Replay runs the %1 recorded steps of this notebook one by one in its kernel and compares each with the recording. Restart the kernel first, so the steps run from a clean state as they were recorded?',
            steps.length
          ),
          keepAria: trans.__('Replay in the running kernel'),
          restart: trans.__('Restart and replay')
        });
        if (restart === null) {
          return;
        }
      }
      if (restart) {
        await panel.sessionContext.restartKernel();
        await panel.sessionContext.ready;
      }
      const executor = new NotebookStepExecutor({
        panel,
        recorder,
        translator: translator ?? undefined
      });
      executor.clearMarks();
      const options = replaySettings();
      const model = new ReplayRunModel({
        sessionId: source.sessionId,
        upto: source.step,
        steps,
        executor,
        recorded: client,
        compare: compareExecutions,
        strict: options.strict,
        pauseOnDivergence: options.pauseOnDivergence
      });
      running?.dispose();
      const widget = new ReplayRunWidget({
        model,
        notebookName: panel.context.localPath.split('/').pop() ?? '',
        rendermime: recorded,
        languages,
        translator: translator ?? undefined,
        onFocusStep: step => executor.focus(step),
        onRerun: () => void app.commands.execute(CommandIDs.replayInKernel, {})
      });
      widget.id = `jp-trail-replay-run-${panel.id}`;
      runs.set(panel, widget);
      widget.disposed.connect(() => {
        executor.dispose();
        if (runs.get(panel) === widget) {
          runs.delete(panel);
        }
      });
      panel.disposed.connect(() => widget.dispose());
      beside(panel, widget, preflights.get(panel));
      await model.start();
      if (widget.isDisposed) {
        return;
      }
      const first = model.firstDivergence;
      if (model.state === 'failed') {
        Notification.error(
          model.message ?? trans.__('The replay could not go on.'),
          { autoClose: 10000 }
        );
      } else if (model.state === 'finished') {
        if (first) {
          Notification.warning(
            trans.__(
              'Replay finished: the first divergence is at step %1.',
              first.step.step
            ),
            { autoClose: 6000 }
          );
        } else {
          Notification.success(
            trans._n(
              'Replay finished: the step reproduced.',
              'Replay finished: all %1 steps reproduced.',
              steps.length
            ),
            { autoClose: 5000 }
          );
        }
      }
    };

    const { commands } = app;
    commands.addCommand(CommandIDs.replayPreflight, {
      label: trans.__('Trail: Check Before Replaying (Preflight)'),
      caption: trans.__(
        'Compare the recorded packages, Python and data files of this notebook’s steps with your kernel’s'
      ),
      isEnabled: args => target(args) !== null,
      execute: args => {
        const panel = target(args);
        if (panel) {
          openPreflight(panel);
        }
      }
    });
    commands.addCommand(CommandIDs.replayInKernel, {
      label: trans.__('Trail: Replay in My Kernel'),
      caption: trans.__(
        'Run the recorded steps of this notebook one by one in its kernel and compare each with the recording'
      ),
      describedBy: RESTART_ARGS,
      isEnabled: args => target(args) !== null,
      execute: async args => {
        const panel = target(args);
        if (panel) {
          await replay(panel, restartArg(args));
        }
      }
    });
    for (const command of [
      CommandIDs.replayPreflight,
      CommandIDs.replayInKernel
    ]) {
      palette?.addItem({ command, category: 'Trail' });
    }
    const refresh = () => {
      commands.notifyCommandChanged(CommandIDs.replayPreflight);
      commands.notifyCommandChanged(CommandIDs.replayInKernel);
    };
    tracker.currentChanged.connect(refresh);

    // The toolbar button shows only on notebooks opened from a recorded
    // session, and follows their metadata.
    addNotebookButton(app, {
      name: 'trail-replay',
      className: 'jp-Trail-ReplayButton',
      label: trans.__('Replay…'),
      tooltip: trans.__(
        'Check this notebook’s recorded steps against your kernel, then replay them (Trail)'
      ),
      onClick: openPreflight,
      hidden: panel => replaySourceOfPanel(panel) === null || isFork(panel),
      followed: panel => {
        if (panel === tracker.currentWidget) {
          refresh();
        }
      }
    });
  }
};
