import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { describeError } from '../client';
import type { DeliveryQueue } from '../client';
import { DeliveryStatus } from '../ui';
import {
  CommandIDs,
  ITrailConnection,
  ITrailDelivery,
  SETTINGS_ID
} from '../tokens';
import {
  isNotebookOptedOut,
  NOTEBOOK_METADATA_KEY,
  notebookVisibility
} from './recorder';

/**
 * Recording controls: the status-bar item and the commands that pause and
 * resume recording, send now, and opt the current notebook out.
 */
export const statusPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-trail:status',
  description: 'Recording status and controls.',
  autoStart: true,
  requires: [ITrailDelivery, ITrailConnection, ISettingRegistry],
  optional: [IStatusBar, ICommandPalette, INotebookTracker, ITranslator],
  activate: async (
    app: JupyterFrontEnd,
    delivery: DeliveryQueue,
    connection: ITrailConnection,
    registry: ISettingRegistry,
    statusBar: IStatusBar | null,
    palette: ICommandPalette | null,
    tracker: INotebookTracker | null,
    translator: ITranslator | null
  ): Promise<void> => {
    const trans = (translator ?? nullTranslator).load('jupyterlab-trail');
    const settings = await registry.load(SETTINGS_ID);
    const changed = new Signal<unknown, void>({});
    delivery.stateChanged.connect(() => changed.emit());
    settings.changed.connect(() => changed.emit());
    connection.changed.connect(() => changed.emit());

    const recording = () => settings.composite.recording as boolean;
    app.commands.addCommand(CommandIDs.toggleRecording, {
      label: () =>
        recording()
          ? trans.__('Trail: Pause Recording')
          : trans.__('Trail: Resume Recording'),
      caption: trans.__('Pause or resume recording of cell executions'),
      isToggled: recording,
      execute: () => settings.set('recording', !recording())
    });
    app.commands.addCommand(CommandIDs.flush, {
      label: trans.__('Trail: Send Waiting Events Now'),
      execute: () => delivery.flush()
    });
    app.commands.addCommand(CommandIDs.toggleNotebook, {
      label: trans.__('Trail: Record This Notebook'),
      caption: trans.__(
        'When off, executions of this notebook are not recorded (saved in the notebook metadata)'
      ),
      isEnabled: () => !!tracker?.currentWidget,
      isToggled: () =>
        !!tracker?.currentWidget && !isNotebookOptedOut(tracker.currentWidget),
      execute: () => {
        const panel = tracker?.currentWidget;
        if (!panel?.model) {
          return;
        }
        const meta =
          (panel.model.getMetadata(NOTEBOOK_METADATA_KEY) as object) ?? {};
        panel.model.setMetadata(NOTEBOOK_METADATA_KEY, {
          ...meta,
          record: isNotebookOptedOut(panel)
        });
      }
    });
    app.commands.addCommand(CommandIDs.toggleNotebookPrivate, {
      label: trans.__('Trail: Keep This Notebook Private'),
      caption: trans.__(
        'Only you can see the recorded sessions of this notebook (saved in the notebook metadata, and applied to the sessions already recorded)'
      ),
      isEnabled: () => !!tracker?.currentWidget,
      isToggled: () =>
        !!tracker?.currentWidget &&
        notebookVisibility(tracker.currentWidget) === 'private',
      execute: async () => {
        const panel = tracker?.currentWidget;
        if (!panel?.model) {
          return;
        }
        const next =
          notebookVisibility(panel) === 'private' ? 'team' : 'private';
        const meta = {
          ...((panel.model.getMetadata(NOTEBOOK_METADATA_KEY) as object) ?? {})
        } as Record<string, unknown>;
        if (next === 'private') {
          meta.visibility = 'private';
        } else {
          delete meta.visibility;
        }
        // New sessions follow the metadata from now on.
        panel.model.setMetadata(NOTEBOOK_METADATA_KEY, meta);
        const client = connection.client;
        if (!client) {
          return;
        }
        const path = panel.sessionContext.path || panel.context.path;
        try {
          await client.setNotebookVisibility(path, next);
          Notification.success(
            next === 'private'
              ? trans.__('Only you can see the sessions of %1 now.', path)
              : trans.__('Your team can see the sessions of %1 now.', path),
            { autoClose: 4000 }
          );
        } catch (reason) {
          Notification.warning(
            trans.__(
              'Saved in the notebook for new sessions, but the Trail server did not change the sessions already recorded: %1',
              describeError(reason)
            ),
            { autoClose: 10000 }
          );
        }
      }
    });
    const capturing = () => settings.composite.kernelCapture as boolean;
    app.commands.addCommand(CommandIDs.toggleKernelCapture, {
      label: trans.__(
        'Trail: Capture Files, Params and Environment in Python Kernels'
      ),
      caption: trans.__(
        'Load the Trail helper into Python kernels to record the files each execution reads and writes, its params and metrics, and the environment'
      ),
      isToggled: capturing,
      execute: () => settings.set('kernelCapture', !capturing())
    });
    for (const command of [
      CommandIDs.toggleRecording,
      CommandIDs.flush,
      CommandIDs.toggleNotebook,
      CommandIDs.toggleNotebookPrivate,
      CommandIDs.toggleKernelCapture
    ]) {
      palette?.addItem({ command, category: 'Trail' });
    }

    if (statusBar) {
      const item = new DeliveryStatus({
        getState: () => ({
          recording: recording(),
          configured: !!connection.client,
          ...delivery.state,
          lastError:
            delivery.state.lastError ??
            (connection.client ? null : connection.error)
        }),
        changed,
        onClick: () => void app.commands.execute(CommandIDs.toggleRecording)
      });
      statusBar.registerStatusItem('jupyterlab-trail:status', {
        item,
        align: 'left',
        rank: 900
      });
    }
  }
};
