import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Clipboard,
  Dialog,
  ICommandPalette,
  MainAreaWidget,
  Notification,
  showDialog,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { PathExt } from '@jupyterlab/coreutils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import {
  linkIcon,
  notebookIcon,
  ToolbarButton
} from '@jupyterlab/ui-components';
import { ReplayModel } from '../model/replay';
import {
  executionLink,
  OpenAsNotebookError,
  OpenAsNotebookForm,
  recordedOutputRendermime,
  ReplayViewer,
  trailIcon,
  writeStepNotebook
} from '../ui';
import { CommandIDs, ITrailConnection } from '../tokens';

/**
 * The replay viewer (#13): a recorded session's notebook as it stood at
 * each step, in the main area, and "open step k as a notebook". Opened by
 * `trail:open-replay` (palette, the panel's session and execution views,
 * a permalink with `trail-view=replay`).
 */
export const replayPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-trail:replay',
  description: 'The replay viewer: step through a recorded session.',
  autoStart: true,
  requires: [ITrailConnection, IRenderMimeRegistry],
  optional: [
    ICommandPalette,
    ILayoutRestorer,
    ITranslator,
    IEditorLanguageRegistry,
    INotebookTracker,
    IDefaultFileBrowser
  ],
  activate: (
    app: JupyterFrontEnd,
    connection: ITrailConnection,
    rendermime: IRenderMimeRegistry,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null,
    languages: IEditorLanguageRegistry | null,
    notebooks: INotebookTracker | null,
    fileBrowser: IDefaultFileBrowser | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab-trail');
    // Recorded outputs and markdown may come from a teammate: sandboxed.
    const recorded = recordedOutputRendermime(rendermime);
    const tracker = new WidgetTracker<MainAreaWidget<ReplayViewer>>({
      namespace: 'jupyterlab-trail-replay'
    });
    const { commands } = app;

    const defaultFolder = (): string => {
      const notebook = notebooks?.currentWidget;
      if (notebook) {
        return PathExt.dirname(notebook.context.path);
      }
      return fileBrowser?.model.path ?? '';
    };

    const openAsNotebook = async (viewer: ReplayViewer): Promise<void> => {
      const model = viewer.model;
      const step = model.step;
      if (model.state !== 'ready' || step < 1) {
        return;
      }
      const form = new OpenAsNotebookForm({
        step,
        folder: defaultFolder(),
        trans
      });
      const answer = await showDialog({
        title: trans.__('Open Step %1 as a Notebook', step),
        body: form,
        buttons: [
          Dialog.cancelButton(),
          Dialog.okButton({ label: trans.__('Open') })
        ]
      });
      if (!answer.button.accept || !answer.value) {
        return;
      }
      try {
        const path = await writeStepNotebook({
          model,
          step,
          choice: answer.value,
          contents: app.serviceManager.contents,
          trans,
          server: connection.client?.baseUrl
        });
        await commands.execute('docmanager:open', { path });
      } catch (reason) {
        const message =
          reason instanceof OpenAsNotebookError
            ? reason.message
            : trans.__(
                'Could not open step %1 as a notebook: %2',
                step,
                reason instanceof Error ? reason.message : String(reason)
              );
        console.error('Trail: open as notebook failed', reason);
        Notification.error(message, { autoClose: false });
      }
    };

    const open = (args: {
      sessionId?: string;
      executionId?: string;
      step?: number;
    }): MainAreaWidget<ReplayViewer> | null => {
      const client = connection.client;
      if (!client) {
        Notification.error(
          trans.__('No Trail server is configured: %1', connection.error ?? ''),
          { autoClose: 6000 }
        );
        return null;
      }
      const model = new ReplayModel({ reader: client, ...args });
      const viewer = new ReplayViewer({
        model,
        rendermime: recorded,
        trans,
        translator: translator ?? undefined,
        languages
      });
      const widget = new MainAreaWidget({ content: viewer });
      widget.id = `trail-replay-${Date.now().toString(36)}-${Math.random()
        .toString(36)
        .slice(2, 8)}`;
      widget.title.icon = trailIcon;
      widget.title.label = trans.__('Replay');
      widget.title.closable = true;
      widget.addClass('jp-Trail-ReplayWidget');
      widget.toolbar.addItem(
        'open-as-notebook',
        new ToolbarButton({
          icon: notebookIcon,
          label: trans.__('Open as Notebook…'),
          className: 'jp-Trail-OpenAsNotebookButton',
          tooltip: trans.__(
            'Write the notebook at this step into your workspace and open it'
          ),
          onClick: () => void openAsNotebook(viewer)
        })
      );
      if (commands.hasCommand(CommandIDs.forkSession)) {
        widget.toolbar.addItem(
          'fork',
          new ToolbarButton({
            label: trans.__('Fork…'),
            className: 'jp-Trail-ForkStepButton',
            tooltip: trans.__(
              'Run the steps up to this one on your own files (Trail fork)'
            ),
            onClick: () => {
              if (model.sessionId && model.step >= 1) {
                void commands.execute(CommandIDs.forkSession, {
                  sessionId: model.sessionId,
                  step: model.step
                });
              }
            }
          })
        );
      }
      widget.toolbar.addItem(
        'copy-step-link',
        new ToolbarButton({
          icon: linkIcon,
          className: 'jp-Trail-CopyStepLinkButton',
          tooltip: trans.__('Copy a link that opens the viewer at this step'),
          onClick: () => {
            const current = model.currentStep;
            if (current) {
              Clipboard.copyToSystem(
                executionLink(current.executionId, undefined, 'replay')
              );
              Notification.success(trans.__('Link to this step copied'), {
                autoClose: 3000
              });
            }
          }
        })
      );
      const retitle = () => {
        const path = model.session?.notebookPath;
        const name = path ? PathExt.basename(path) : trans.__('Replay');
        widget.title.label =
          model.total > 0
            ? trans.__('%1 · step %2/%3', name, model.step, model.total)
            : name;
        widget.title.caption = trans.__('Replay of %1', path ?? '');
        // Saved with the layout: a reload reopens the same step.
        if (model.sessionId && tracker.has(widget)) {
          void tracker.save(widget);
        }
        commands.notifyCommandChanged(CommandIDs.openStepAsNotebook);
      };
      model.changed.connect(retitle);
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
      void tracker.add(widget);
      void model.open();
      return widget;
    };

    commands.addCommand(CommandIDs.openReplay, {
      label: args =>
        args.executionId
          ? trans.__('Trail: Open Replay Viewer at This Step')
          : trans.__('Trail: Open Replay Viewer…'),
      caption: trans.__(
        'Step through a recorded session: the notebook as it stood at each step'
      ),
      icon: args => (args.isPalette ? undefined : trailIcon),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            sessionId: { type: 'string', description: 'The session to replay' },
            executionId: {
              type: 'string',
              description: 'Open at the step of this execution'
            },
            step: { type: 'number', description: 'Open at this step' }
          }
        }
      },
      execute: async args => {
        let sessionId =
          typeof args.sessionId === 'string' ? args.sessionId : undefined;
        const executionId =
          typeof args.executionId === 'string' ? args.executionId : undefined;
        const step = typeof args.step === 'number' ? args.step : undefined;
        if (!sessionId && !executionId) {
          const { InputDialog } = await import('@jupyterlab/apputils');
          const answer = await InputDialog.getText({
            title: trans.__('Open Replay Viewer'),
            label: trans.__('A session id')
          });
          if (!answer.button.accept || !answer.value?.trim()) {
            return;
          }
          sessionId = answer.value.trim();
        }
        return open({ sessionId, executionId, step });
      }
    });
    commands.addCommand(CommandIDs.openStepAsNotebook, {
      label: trans.__('Trail: Open Replay Step as Notebook…'),
      caption: trans.__(
        'Write the notebook at the step shown in the replay viewer into your workspace'
      ),
      isEnabled: () => tracker.currentWidget?.content.model.state === 'ready',
      execute: () => {
        const widget = tracker.currentWidget;
        return widget ? openAsNotebook(widget.content) : undefined;
      }
    });
    for (const command of [
      CommandIDs.openReplay,
      CommandIDs.openStepAsNotebook
    ]) {
      palette?.addItem({ command, category: 'Trail' });
    }
    tracker.currentChanged.connect(() =>
      commands.notifyCommandChanged(CommandIDs.openStepAsNotebook)
    );

    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.openReplay,
        args: widget => ({
          sessionId: widget.content.model.sessionId ?? '',
          step: widget.content.model.step || 1
        }),
        name: widget =>
          `${widget.content.model.sessionId ?? ''}:${widget.content.model.step}`
      });
    }
  }
};
