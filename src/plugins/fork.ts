import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  InputDialog,
  Notification
} from '@jupyterlab/apputils';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { PathExt } from '@jupyterlab/coreutils';
import { FileDialog, IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import type { Widget } from '@lumino/widgets';
import { TrailResponseError } from '../client/errors';
import {
  ForkCheckModel,
  ForkModel,
  ForkRunModel,
  forkSourceOf,
  mappingsOf,
  RedirectKeeper
} from '../model/fork';
import type { ForkSource } from '../model/fork';
import {
  installRedirects,
  runProbe,
  TRAIL_METADATA_KEY
} from '../model/replay-run';
import { compareExecutions } from '../records/replay/compare';
import type { TrailRecorder } from '../recorder';
import { CommandIDs, ITrailConnection, ITrailRecorder } from '../tokens';
import { ForkCheckWidget, ForkWidget } from '../ui/fork';
import { executionIdFrom } from '../ui/permalink';
import { trailIcon } from '../ui/icons';
import { NotebookStepExecutor, ReplayRunWidget } from '../ui/replay-run';
import { recordedOutputRendermime } from '../ui/sandbox';
import {
  addNotebookButton,
  askRestart,
  RESTART_ARGS,
  restartArg,
  showBeside,
  stepsToRun
} from './runPrompts';
import { loadTrailSettings } from './settings';

/** The notebook's fork source, when it is a fork notebook. */
export function forkSourceOfPanel(
  panel: NotebookPanel | null | undefined
): ForkSource | null {
  return panel?.model
    ? forkSourceOf(panel.model.getMetadata(TRAIL_METADATA_KEY))
    : null;
}

/**
 * Forking a recorded experiment onto one's own data (issue #14): the Fork
 * widget (`trail:fork-session`, from a session or execution of the panel
 * or the palette) writes a fork notebook; on that notebook "Run fork…"
 * checks the new files against the recorded contract and the environment
 * (`trail:fork-check`), then runs the steps with the kernel's redirects in
 * place (`trail:run-fork`).
 */
export const forkPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-trail:fork',
  description:
    'Forks a recorded experiment onto your own data: maps its inputs to your files, checks them against the recorded ones, and runs it.',
  autoStart: true,
  requires: [INotebookTracker, ITrailConnection, IRenderMimeRegistry],
  optional: [
    ITrailRecorder,
    ISettingRegistry,
    ICommandPalette,
    ITranslator,
    IEditorLanguageRegistry,
    IDefaultFileBrowser
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
    languages: IEditorLanguageRegistry | null,
    fileBrowser: IDefaultFileBrowser | null
  ): Promise<void> => {
    const trans = (translator ?? nullTranslator).load('jupyterlab-trail');
    const recorded = recordedOutputRendermime(rendermime);
    const settings = await loadTrailSettings(registry);
    const replaySettings = (): {
      strict?: boolean;
      pauseOnDivergence?: boolean;
    } => (settings?.composite.replayRun as { strict?: boolean }) ?? {};
    const checks = new Map<NotebookPanel, ForkCheckWidget>();
    const runs = new Map<NotebookPanel, ReplayRunWidget>();
    const keepers = new Map<NotebookPanel, RedirectKeeper>();
    const { commands } = app;

    const noClient = () =>
      Notification.error(
        connection.error ??
          trans.__('Trail has no server to read the recorded session from.'),
        { autoClose: 8000 }
      );
    const defaultFolder = (): string => {
      const notebook = tracker.currentWidget;
      if (notebook) {
        return PathExt.dirname(notebook.context.path);
      }
      return fileBrowser?.model.path ?? '';
    };
    const target = () => {
      const panel = tracker.currentWidget;
      return panel && forkSourceOfPanel(panel) ? panel : null;
    };
    const beside = (panel: NotebookPanel, widget: Widget, sibling?: Widget) =>
      showBeside(app, panel, widget, sibling);

    // The Fork widget.
    const openFork = async (args: {
      sessionId?: string;
      executionId?: string;
      step?: number;
    }): Promise<ForkWidget | null> => {
      const client = connection.client;
      if (!client) {
        noClient();
        return null;
      }
      let { sessionId } = args;
      const { executionId } = args;
      if (!sessionId && executionId) {
        try {
          sessionId = (await client.getExecution(executionId)).sessionId;
        } catch (reason) {
          Notification.error(
            reason instanceof TrailResponseError && reason.status === 404
              ? trans.__(
                  'Trail knows no execution %1 you may read.',
                  executionId
                )
              : trans.__(
                  'Could not read execution %1: %2',
                  executionId,
                  String(reason)
                ),
            { autoClose: 8000 }
          );
          return null;
        }
      }
      if (!sessionId) {
        return null;
      }
      const model = new ForkModel({
        sessionId,
        executionId,
        step: args.step,
        reader: client,
        folder: defaultFolder(),
        server: client.baseUrl
      });
      const manager = fileBrowser?.model.manager;
      const widget = new ForkWidget({
        model,
        trans,
        onBrowse: manager
          ? async row => {
              const answer = await FileDialog.getOpenFiles({
                manager,
                // Where the fork notebook goes: its data is usually near.
                defaultPath: model.folder.trim() || undefined,
                title: trans.__('Your data for %1', row.input.path),
                label: trans.__(
                  'Pick a file, or open a folder and press Select with nothing selected to take the folder.'
                ),
                translator: translator ?? undefined
              });
              const picked = answer.button.accept ? answer.value?.[0] : null;
              return picked ? picked.path : null;
            }
          : undefined,
        onCreate: () => void create(model)
      });
      widget.id = `jp-trail-fork-${Date.now().toString(36)}-${Math.random()
        .toString(36)
        .slice(2, 8)}`;
      widget.title.icon = trailIcon;
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
      void model.open();
      return widget;
    };

    const create = async (model: ForkModel) => {
      const path = await model.create(app.serviceManager.contents);
      if (!path) {
        return;
      }
      Notification.success(
        trans.__('Fork notebook written: %1. Checking your files…', path),
        { autoClose: 5000 }
      );
      const opened = (await commands.execute('docmanager:open', {
        path
      })) as NotebookPanel | undefined;
      if (opened && tracker.has(opened)) {
        await opened.context.ready;
        openCheck(opened);
      }
    };

    // The check beside a fork notebook.
    const openCheck = (panel: NotebookPanel) => {
      const source = forkSourceOfPanel(panel);
      const client = connection.client;
      if (!source) {
        return;
      }
      if (!client) {
        noClient();
        return;
      }
      checks.get(panel)?.dispose();
      const model = new ForkCheckModel({
        sessionId: source.sessionId,
        step: source.step,
        substitutions: mappingsOf(source),
        server: client,
        probe: (paths, options) =>
          runProbe(panel.sessionContext.session?.kernel, paths, options)
      });
      const widget = new ForkCheckWidget({
        model,
        trans,
        notebookName: panel.context.localPath.split('/').pop() ?? '',
        author: source.author,
        onStartKernel: () =>
          void panel.sessionContext
            .startKernel()
            .then(() => panel.sessionContext.ready)
            .then(() => model.run()),
        onRun: () => void commands.execute(CommandIDs.runFork, {})
      });
      widget.id = `jp-trail-fork-check-${panel.id}`;
      checks.set(panel, widget);
      widget.disposed.connect(() => {
        if (checks.get(panel) === widget) {
          checks.delete(panel);
        }
      });
      panel.disposed.connect(() => widget.dispose());
      beside(panel, widget, runs.get(panel));
      void panel.sessionContext.ready.then(() => model.run());
    };

    const keeperOf = (panel: NotebookPanel, source: ForkSource) => {
      let keeper = keepers.get(panel);
      if (!keeper) {
        keeper = new RedirectKeeper({
          host: panel.sessionContext,
          map: mappingsOf(source),
          install: installRedirects
        });
        keepers.set(panel, keeper);
        panel.disposed.connect(() => {
          keeper?.dispose();
          keepers.delete(panel);
        });
      }
      return keeper;
    };

    // The run.
    const runFork = async (panel: NotebookPanel, restart: boolean | null) => {
      const source = forkSourceOfPanel(panel);
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
      const check = checks.get(panel);
      if (!check || !check.model.canRun) {
        // Nothing runs before the contract was read and is clean (or forced).
        if (!check || check.model.phase !== 'ready') {
          openCheck(panel);
        } else {
          app.shell.activateById(check.id);
        }
        Notification.warning(
          trans.__(
            'The fork runs once the check of your files has no error (or you tick “Run anyway”).'
          ),
          { autoClose: 6000 }
        );
        return;
      }
      const steps = await stepsToRun(panel, source.step, trans, {
        noKernel: trans.__('The notebook has no kernel to run in.'),
        noSteps: trans.__(
          'No cell of this notebook holds recorded code of steps 1–%1: nothing to run.',
          source.step
        )
      });
      if (!steps) {
        return;
      }
      if (restart === null) {
        restart = await askRestart(trans, {
          title: trans.__('Run fork'),
          body: trans.__(
            'The %1 recorded steps run one by one in this notebook’s kernel, reading your files in place of the recorded ones. Restart the kernel first, so they run from a clean state?',
            steps.length
          ),
          keepAria: trans.__('Run in the running kernel'),
          restart: trans.__('Restart and run')
        });
        if (restart === null) {
          return;
        }
      }
      const keeper = keeperOf(panel, source);
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
      const model = new ForkRunModel({
        sessionId: source.sessionId,
        upto: source.step,
        steps,
        executor,
        recorded: client,
        compare: compareExecutions,
        strict: options.strict,
        pauseOnDivergence: options.pauseOnDivergence,
        substitutions: mappingsOf(source),
        contract: check.model.contract,
        forced: check.model.forced,
        installRedirects: () => keeper.install()
      });
      running?.dispose();
      const widget = new ReplayRunWidget({
        model,
        notebookName: panel.context.localPath.split('/').pop() ?? '',
        rendermime: recorded,
        languages,
        translator: translator ?? undefined,
        onFocusStep: step => executor.focus(step),
        onRerun: () => void commands.execute(CommandIDs.runFork, {})
      });
      widget.id = `jp-trail-fork-run-${panel.id}`;
      runs.set(panel, widget);
      widget.disposed.connect(() => {
        executor.dispose();
        if (runs.get(panel) === widget) {
          runs.delete(panel);
        }
      });
      panel.disposed.connect(() => widget.dispose());
      beside(panel, widget, checks.get(panel));
      await model.start();
      if (widget.isDisposed) {
        return;
      }
      const errors = model.results.filter(
        result => result.comparison?.verdict === 'new-error'
      ).length;
      if (model.state === 'failed') {
        Notification.error(
          model.message ?? trans.__('The fork could not go on.'),
          { autoClose: 10000 }
        );
      } else if (model.state === 'finished') {
        if (errors > 0) {
          Notification.warning(
            trans.__(
              'Fork finished: step %1 raised an error the parent did not.',
              model.firstDivergence?.step.step ?? '?'
            ),
            { autoClose: 8000 }
          );
        } else {
          Notification.success(
            trans._n(
              'Fork finished: the step ran on your data.',
              'Fork finished: all %1 steps ran on your data.',
              steps.length
            ),
            { autoClose: 5000 }
          );
        }
      }
    };

    commands.addCommand(CommandIDs.forkSession, {
      label: args =>
        args.executionId
          ? trans.__('Trail: Fork up to This Step…')
          : trans.__('Trail: Fork onto My Data…'),
      caption: trans.__(
        'Run a recorded experiment on your own files: map its inputs to yours, check them, run'
      ),
      icon: args => (args.isPalette ? undefined : trailIcon),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            sessionId: { type: 'string', description: 'The session to fork' },
            executionId: {
              type: 'string',
              description: 'Fork up to the step of this execution'
            },
            step: { type: 'number', description: 'Fork up to this step' }
          }
        }
      },
      execute: async args => {
        let sessionId =
          typeof args.sessionId === 'string' ? args.sessionId : undefined;
        let executionId =
          typeof args.executionId === 'string' ? args.executionId : undefined;
        const step = typeof args.step === 'number' ? args.step : undefined;
        if (!sessionId && !executionId) {
          const answer = await InputDialog.getText({
            title: trans.__('Fork onto My Data'),
            label: trans.__('A session id, or a Trail link to an execution'),
            placeholder: 'https://…?trail-execution=…'
          });
          const text = answer.value?.trim() ?? '';
          if (!answer.button.accept || !text) {
            return;
          }
          if (/^[a-z]+:\/\//i.test(text)) {
            executionId = executionIdFrom(text) ?? undefined;
            if (!executionId) {
              Notification.error(trans.__('“%1” is not a Trail link.', text), {
                autoClose: 6000
              });
              return;
            }
          } else {
            sessionId = text;
          }
        }
        return openFork({ sessionId, executionId, step });
      }
    });
    commands.addCommand(CommandIDs.forkCheck, {
      label: trans.__('Trail: Check Fork Data (Contract)'),
      caption: trans.__(
        'Check the files this fork notebook reads against the recorded ones, and the environment'
      ),
      isEnabled: () => target() !== null,
      execute: () => {
        const panel = target();
        if (panel) {
          openCheck(panel);
        }
      }
    });
    commands.addCommand(CommandIDs.runFork, {
      label: trans.__('Trail: Run Fork'),
      caption: trans.__(
        'Run the recorded steps of this fork notebook on your files, once their check has no error'
      ),
      describedBy: RESTART_ARGS,
      isEnabled: () => target() !== null,
      execute: async args => {
        const panel = target();
        if (panel) {
          await runFork(panel, restartArg(args));
        }
      }
    });
    for (const command of [
      CommandIDs.forkSession,
      CommandIDs.forkCheck,
      CommandIDs.runFork
    ]) {
      palette?.addItem({ command, category: 'Trail' });
    }
    const refresh = () => {
      commands.notifyCommandChanged(CommandIDs.forkCheck);
      commands.notifyCommandChanged(CommandIDs.runFork);
    };
    tracker.currentChanged.connect(refresh);

    // "Run fork…" on fork notebooks only (the replay's button hides there).
    addNotebookButton(app, {
      name: 'trail-fork',
      className: 'jp-Trail-RunForkToolbarButton',
      label: trans.__('Run fork…'),
      tooltip: trans.__(
        'Check your files against the recorded ones, then run this fork (Trail)'
      ),
      onClick: openCheck,
      hidden: panel => forkSourceOfPanel(panel) === null,
      followed: panel => {
        if (panel === tracker.currentWidget) {
          refresh();
        }
      }
    });
  }
};
