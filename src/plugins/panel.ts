import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import type { DeliveryQueue } from '../client';
import { TrailBrowserModel } from '../model';
import { TrailSidebar } from '../ui';
import { CommandIDs, ITrailConnection, ITrailDelivery } from '../tokens';

/**
 * The Trail side panel: sessions, a session's timeline and one execution's
 * outputs. It refreshes whenever the delivery queue delivers events.
 */
export const panelPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-trail:panel',
  description: 'The Trail side panel.',
  autoStart: true,
  requires: [ITrailConnection, IRenderMimeRegistry],
  optional: [
    ITrailDelivery,
    ILayoutRestorer,
    ICommandPalette,
    ITranslator,
    ILabShell
  ],
  activate: (
    app: JupyterFrontEnd,
    connection: ITrailConnection,
    rendermime: IRenderMimeRegistry,
    delivery: DeliveryQueue | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab-trail');
    const model = new TrailBrowserModel();
    const sync = () => {
      model.reader = connection.client;
      model.configurationError = connection.client ? null : connection.error;
    };
    sync();
    connection.changed.connect(sync);

    let lastDelivered: string | null = null;
    delivery?.stateChanged.connect((_, state) => {
      if (state.lastDeliveredAt && state.lastDeliveredAt !== lastDelivered) {
        lastDelivered = state.lastDeliveredAt;
        model.refresh();
      }
    });

    const sidebar = new TrailSidebar({
      model,
      rendermime,
      translator: translator ?? undefined,
      onReconnect: () => void connection.reload()
    });
    app.shell.add(sidebar, 'left', { rank: 850 });
    restorer?.add(sidebar, 'jupyterlab-trail-sidebar');

    app.commands.addCommand(CommandIDs.openPanel, {
      label: trans.__('Trail: Show Recorded History'),
      caption: trans.__('Open the Trail panel'),
      execute: () => app.shell.activateById(sidebar.id)
    });
    app.commands.addCommand(CommandIDs.refresh, {
      label: trans.__('Trail: Refresh History'),
      execute: () => model.refresh()
    });
    app.commands.addCommand(CommandIDs.showEnvironment, {
      label: trans.__('Trail: Show Session Environment'),
      caption: trans.__(
        'Show the packages, platform and git state of the session open in the Trail panel'
      ),
      isEnabled: () => model.environment !== null,
      execute: async () => {
        const environment = model.environment;
        if (!environment) {
          return;
        }
        if (model.view === 'execution') {
          // Up to the session, where the environment is shown.
          model.back();
        }
        app.shell.activateById(sidebar.id);
        if (!environment.expanded) {
          await environment.toggle();
        }
      }
    });
    for (const command of [
      CommandIDs.openPanel,
      CommandIDs.refresh,
      CommandIDs.showEnvironment
    ]) {
      palette?.addItem({ command, category: 'Trail' });
    }
  }
};
