import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  InputDialog,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { describeError, TrailResponseError } from '../client/errors';
import {
  defaultExportFolder,
  describeTarget,
  ExportModel,
  VerifyModel,
  folderState
} from '../model/export';
import type { ExportTarget } from '../model/export';
import { serverVerifier } from './exportVerifier';
import { CommandIDs, ITrailConnection } from '../tokens';
import { ExportDialogBody, ExportWidget } from '../ui/export';
import { baseName } from '../ui/format';
import { trailIcon } from '../ui/icons';
import { executionIdFrom } from '../ui/permalink';

/** What the export command is given. */
interface IExportArgs {
  sessionId?: string;
  executionId?: string;
  step?: number;
  file?: string;
  metric?: string;
}

function argsOf(args: Record<string, unknown>): IExportArgs {
  const text = (key: string) =>
    typeof args[key] === 'string' && (args[key] as string) !== ''
      ? (args[key] as string)
      : undefined;
  return {
    sessionId: text('sessionId'),
    executionId: text('executionId'),
    step: typeof args.step === 'number' ? args.step : undefined,
    file: text('file'),
    metric: text('metric')
  };
}

/**
 * Export a recorded run as a pipeline (issue #15): `trail:export-pipeline`
 * on a session (the whole run), an execution (up to it), or a file or
 * metric of an execution ("what produced this?"). A dialog asks for the
 * workspace folder, the server cuts the run and writes the files, and the
 * report opens in the main area while they are written.
 */
export const exportPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-trail:export',
  description:
    'Exports a recorded run as a pipeline (script, params, pinned requirements, DVC, MLflow, Docker) into the workspace.',
  autoStart: true,
  requires: [ITrailConnection],
  optional: [ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    connection: ITrailConnection,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab-trail');
    const { commands } = app;
    const contents = app.serviceManager.contents;
    const reports = new Map<string, ExportWidget>();

    const fail = (message: string) =>
      Notification.error(message, { autoClose: 8000 });

    /** Ask for a session id or a link when the command was given neither. */
    const ask = async (): Promise<IExportArgs | null> => {
      const answer = await InputDialog.getText({
        title: trans.__('Export as Pipeline'),
        label: trans.__('A session id, or a Trail link to an execution'),
        placeholder: 'https://…?trail-execution=…'
      });
      const text = answer.value?.trim() ?? '';
      if (!answer.button.accept || !text) {
        return null;
      }
      if (/^[a-z]+:\/\//i.test(text)) {
        const executionId = executionIdFrom(text);
        if (!executionId) {
          fail(trans.__('“%1” is not a Trail link.', text));
          return null;
        }
        return { executionId };
      }
      return { sessionId: text };
    };

    const exportPipeline = async (
      given: IExportArgs
    ): Promise<ExportWidget | null> => {
      const client = connection.client;
      if (!client) {
        fail(
          connection.error ??
            trans.__('Trail has no server to read the recorded session from.')
        );
        return null;
      }
      let args: IExportArgs | null = given;
      if (!args.sessionId && !args.executionId) {
        args = await ask();
        if (!args) {
          return null;
        }
      }
      let { sessionId, step: upto } = args;
      let notebookPath: string;
      try {
        if (args.executionId) {
          const execution = await client.getExecution(args.executionId);
          sessionId = execution.sessionId;
          const steps = await client.getSteps(sessionId);
          upto = steps.steps.find(
            entry => entry.executionId === args!.executionId
          )?.step;
        }
        const session = await client.getSession(sessionId!);
        notebookPath = session.notebookPath;
      } catch (reason) {
        fail(
          reason instanceof TrailResponseError && reason.status === 404
            ? trans.__(
                'Trail knows no %1 %2 you may read.',
                args.executionId ? trans.__('execution') : trans.__('session'),
                args.executionId ?? sessionId ?? ''
              )
            : trans.__(
                'Could not read the recorded session: %1',
                describeError(reason)
              )
        );
        return null;
      }
      const target: ExportTarget = args.file
        ? { kind: 'file', path: args.file }
        : args.metric
          ? { kind: 'metric', name: args.metric }
          : { kind: 'session' };

      // The folder.
      const body = new ExportDialogBody({
        trans,
        summary: `${baseName(notebookPath)} · ${describeTarget(target, upto)}`,
        folder: defaultExportFolder(notebookPath)
      });
      const answer = await showDialog({
        title: trans.__('Export as pipeline'),
        body,
        buttons: [
          Dialog.cancelButton({ label: trans.__('Cancel') }),
          Dialog.okButton({ label: trans.__('Export') })
        ],
        focusNodeSelector: 'input'
      });
      const folder = answer.value ?? '';
      if (!answer.button.accept || !folder) {
        return null;
      }
      let replace = false;
      try {
        const state = await folderState(contents, folder);
        if (state.kind === 'file') {
          fail(trans.__('“%1” is a file, not a folder.', folder));
          return null;
        }
        if (state.kind === 'full') {
          const confirm = await showDialog({
            title: trans.__('Replace the folder?'),
            body: trans._n(
              '“%2” is not empty (%1 item). Replace it as a whole with the pipeline?',
              '“%2” is not empty (%1 items). Replace it as a whole with the pipeline?',
              state.items.length,
              folder
            ),
            buttons: [
              Dialog.cancelButton({ label: trans.__('Cancel') }),
              Dialog.warnButton({ label: trans.__('Replace') })
            ]
          });
          if (!confirm.button.accept) {
            return null;
          }
          replace = true;
        }
      } catch (reason) {
        fail(
          trans.__('Could not read “%1”: %2', folder, describeError(reason))
        );
        return null;
      }

      // The export and its report.
      const model = new ExportModel({
        sessionId: sessionId!,
        notebookPath,
        folder,
        upto,
        target,
        replace,
        exporter: client,
        contents
      });
      const widget = new ExportWidget({
        model,
        trans,
        onOpenFile: path => void commands.execute('docmanager:open', { path }),
        onOpenExecution: executionId =>
          void commands.execute(CommandIDs.openExecution, { executionId }),
        onShowFolder: path =>
          void commands.execute('filebrowser:go-to-path', {
            path,
            dontShowBrowser: false
          }),
        onRetry: () => void model.run(),
        verify: new VerifyModel({
          folder: model.folder,
          verifier: serverVerifier
        })
      });
      widget.id = `jp-trail-export-${Date.now().toString(36)}-${Math.random()
        .toString(36)
        .slice(2, 8)}`;
      widget.title.icon = trailIcon;
      // One report per folder: a new export into it replaces the old report.
      reports.get(model.folder)?.dispose();
      reports.set(model.folder, widget);
      widget.disposed.connect(() => {
        if (reports.get(model.folder) === widget) {
          reports.delete(model.folder);
        }
      });
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
      const written = await model.run();
      // The report says how it went; a notification only when it is not in view.
      if (!widget.isDisposed && !widget.isVisible) {
        if (written) {
          Notification.success(
            trans.__('Pipeline written to %1', model.folder),
            { autoClose: 5000 }
          );
        } else if (model.failure) {
          fail(model.failure.message);
        }
      }
      return widget;
    };

    commands.addCommand(CommandIDs.exportPipeline, {
      label: args =>
        args.file || args.metric
          ? trans.__('Trail: What Produced This? (Export as Pipeline)…')
          : args.executionId
            ? trans.__('Trail: Export up to This Step as Pipeline…')
            : trans.__('Trail: Export as Pipeline…'),
      caption: trans.__(
        'Write the code that produced a recorded result as a pipeline: script, params, pinned requirements, dvc.yaml, MLproject, Dockerfile'
      ),
      icon: args => (args.isPalette ? undefined : trailIcon),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            sessionId: { type: 'string', description: 'The session to export' },
            executionId: {
              type: 'string',
              description: 'Export up to the step of this execution'
            },
            step: { type: 'number', description: 'Export up to this step' },
            file: {
              type: 'string',
              description: 'Export what produced this written file'
            },
            metric: {
              type: 'string',
              description: 'Export what produced this metric'
            }
          }
        }
      },
      execute: args => exportPipeline(argsOf(args as Record<string, unknown>))
    });
    palette?.addItem({ command: CommandIDs.exportPipeline, category: 'Trail' });
  }
};
