import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Clipboard,
  ICommandPalette,
  InputDialog,
  Notification
} from '@jupyterlab/apputils';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { listIcon, ToolbarButton } from '@jupyterlab/ui-components';
import { ChangeFeed, DeliveryQueue } from '../client';
import { TrailBrowserModel } from '../model';
import {
  builtinViewRegistry,
  executionIdFrom,
  executionLink,
  mainAreaCommand,
  takeLinkFromUrl,
  TrailSidebar
} from '../ui';
import {
  CommandIDs,
  ITrailConnection,
  ITrailDelivery,
  ITrailView,
  IViewRegistry
} from '../tokens';

/**
 * The Trail side panel: my sessions, the team, search, and what they lead
 * to. It follows the server live (a long poll of its changes) and after
 * each of this JupyterLab's own deliveries. Its views are registered in
 * the `IViewRegistry` it provides; another extension adds its own there.
 */
export const panelPlugin: JupyterFrontEndPlugin<IViewRegistry> = {
  id: 'jupyterlab-trail:panel',
  description: 'The Trail side panel.',
  autoStart: true,
  provides: IViewRegistry,
  requires: [ITrailConnection, IRenderMimeRegistry],
  optional: [
    ITrailDelivery,
    ILayoutRestorer,
    ICommandPalette,
    ITranslator,
    ILabShell,
    IEditorLanguageRegistry
  ],
  activate: (
    app: JupyterFrontEnd,
    connection: ITrailConnection,
    rendermime: IRenderMimeRegistry,
    delivery: DeliveryQueue | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null,
    labShell: ILabShell | null,
    languages: IEditorLanguageRegistry | null
  ): IViewRegistry => {
    const trans = (translator ?? nullTranslator).load('jupyterlab-trail');
    // Read before anything can change the address bar.
    const linked = takeLinkFromUrl();
    const views = builtinViewRegistry();
    const model = new TrailBrowserModel({ levels: views });

    // Live updates: a teammate's work shows up as soon as it is stored.
    let feed: ChangeFeed | null = null;
    const sync = () => {
      feed?.dispose();
      feed = connection.client
        ? new ChangeFeed({ source: connection.client })
        : null;
      // The model refreshes on changes and pauses the feed while hidden.
      // Given first, so that the reader's first load waits for the feed
      // to know where "now" is.
      model.feed = feed;
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

    const copyLink = (executionId: string) => {
      const link = executionLink(executionId);
      Clipboard.copyToSystem(link);
      Notification.success(trans.__('Link to this execution copied'), {
        autoClose: 3000
      });
      return link;
    };

    const sidebar = new TrailSidebar({
      model,
      views,
      rendermime,
      translator: translator ?? undefined,
      languages,
      onReconnect: () => void connection.reload(),
      onCopyLink: id => void copyLink(id),
      onOpenReplay: target => {
        if (app.commands.hasCommand(CommandIDs.openReplay)) {
          void app.commands.execute(CommandIDs.openReplay, target);
        }
      },
      onCompareWithParent: sessionId => {
        if (app.commands.hasCommand(CommandIDs.compareWithParent)) {
          void app.commands.execute(CommandIDs.compareWithParent, {
            sessionId
          });
        }
      },
      onFork: target => {
        if (app.commands.hasCommand(CommandIDs.forkSession)) {
          void app.commands.execute(CommandIDs.forkSession, target);
        }
      },
      onExport: target => {
        if (app.commands.hasCommand(CommandIDs.exportPipeline)) {
          void app.commands.execute(CommandIDs.exportPipeline, { ...target });
        }
      }
    });
    // The leaderboard (#16) opens from the panel too, once it is installed.
    sidebar.toolbar.insertBefore(
      'refresh',
      'leaderboard',
      new ToolbarButton({
        icon: listIcon,
        className: 'jp-Trail-LeaderboardButton',
        tooltip: trans.__('Open the leaderboard of the team’s runs'),
        onClick: () => {
          if (app.commands.hasCommand(CommandIDs.openLeaderboard)) {
            void app.commands.execute(CommandIDs.openLeaderboard);
          }
        }
      })
    );
    app.shell.add(sidebar, 'left', { rank: 850 });
    restorer?.add(sidebar, 'jupyterlab-trail-sidebar');

    const { commands } = app;
    commands.addCommand(CommandIDs.openPanel, {
      label: trans.__('Trail: Show Recorded History'),
      caption: trans.__('Open the Trail panel'),
      execute: () => app.shell.activateById(sidebar.id)
    });
    commands.addCommand(CommandIDs.openSession, {
      label: trans.__('Trail: Open Session'),
      caption: trans.__('Show a session’s timeline in the Trail panel'),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            sessionId: { type: 'string', description: 'The session id' }
          }
        }
      },
      execute: async args => {
        const id = typeof args.sessionId === 'string' ? args.sessionId : '';
        if (!id) {
          return;
        }
        app.shell.activateById(sidebar.id);
        await sidebar.openSession(id);
      }
    });
    commands.addCommand(CommandIDs.refresh, {
      label: trans.__('Trail: Refresh History'),
      execute: () => model.refreshNow()
    });
    commands.addCommand(CommandIDs.showTeam, {
      label: trans.__('Trail: Show Team'),
      caption: trans.__('Browse what your teammates ran, person by person'),
      execute: () => {
        model.area = 'team';
        app.shell.activateById(sidebar.id);
      }
    });
    commands.addCommand(CommandIDs.search, {
      label: trans.__('Trail: Search History'),
      caption: trans.__('Search the code and outputs of the team’s history'),
      execute: () => {
        model.area = 'search';
        app.shell.activateById(sidebar.id);
        requestAnimationFrame(() => sidebar.focusSearch());
      }
    });
    commands.addCommand(CommandIDs.openExecution, {
      label: args =>
        args.executionId
          ? trans.__('Trail: Open Execution %1', String(args.executionId))
          : trans.__('Trail: Open Execution from Link…'),
      caption: trans.__('Open one execution in the Trail panel, by id or link'),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            executionId: {
              type: 'string',
              description: 'The execution id, or a Trail link to it'
            }
          }
        }
      },
      execute: async args => {
        let text = typeof args.executionId === 'string' ? args.executionId : '';
        if (!text) {
          const answer = await InputDialog.getText({
            title: trans.__('Open Execution'),
            label: trans.__('A Trail link or an execution id'),
            placeholder: 'https://…?trail-execution=…'
          });
          if (!answer.button.accept || !answer.value) {
            return;
          }
          text = answer.value;
        }
        const id = executionIdFrom(text);
        if (!id) {
          Notification.error(
            trans.__('“%1” is not a Trail link or execution id.', text),
            { autoClose: 6000 }
          );
          return;
        }
        app.shell.activateById(sidebar.id);
        await model.openExecution(id);
      }
    });
    commands.addCommand(CommandIDs.copyLink, {
      label: trans.__('Trail: Copy Link to Execution'),
      caption: trans.__(
        'Copy a link that opens the execution shown in the Trail panel'
      ),
      isEnabled: args =>
        typeof args.executionId === 'string' ||
        model.selectedExecutionId !== null,
      execute: args => {
        const id =
          typeof args.executionId === 'string'
            ? args.executionId
            : model.selectedExecutionId;
        return id ? copyLink(id) : undefined;
      }
    });
    commands.addCommand(CommandIDs.showCellHistory, {
      label: trans.__('Trail: History of This Cell'),
      caption: trans.__(
        'Every run of the cell of the execution shown, across sessions and people'
      ),
      isEnabled: () =>
        model.detail?.record !== null &&
        model.detail?.record?.cellId !== null &&
        model.detail?.record?.cellId !== undefined,
      execute: async () => {
        app.shell.activateById(sidebar.id);
        await model.openCellHistory();
      }
    });
    commands.addCommand(CommandIDs.showEnvironment, {
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
        while (model.view !== 'timeline' && model.levels.length > 1) {
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
      CommandIDs.showTeam,
      CommandIDs.search,
      CommandIDs.openExecution,
      CommandIDs.copyLink,
      CommandIDs.showCellHistory,
      CommandIDs.showEnvironment
    ]) {
      palette?.addItem({ command, category: 'Trail' });
    }
    model.changed.connect(() => {
      for (const id of [
        CommandIDs.copyLink,
        CommandIDs.showCellHistory,
        CommandIDs.showEnvironment
      ]) {
        commands.notifyCommandChanged(id);
      }
    });

    // Views that also open in the main area get their command there.
    const addMainArea = (view: ITrailView) => {
      if (!view.mainArea) {
        return;
      }
      commands.addCommand(
        view.mainArea.commandId,
        mainAreaCommand(view.mainArea, {
          viewOptions: sidebar.viewOptions,
          show: widget => {
            app.shell.add(widget, 'main');
            app.shell.activateById(widget.id);
          }
        })
      );
      palette?.addItem({ command: view.mainArea.commandId, category: 'Trail' });
    };
    views.views.forEach(addMainArea);
    views.added.connect((_, view) => addMainArea(view));

    if (linked) {
      void app.restored.then(() => {
        if (
          linked.view === 'replay' &&
          commands.hasCommand(CommandIDs.openReplay)
        ) {
          return commands.execute(CommandIDs.openReplay, {
            executionId: linked.executionId
          });
        }
        app.shell.activateById(sidebar.id);
        return model.openExecution(linked.executionId);
      });
    }
    return views;
  }
};
