import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Clipboard,
  ICommandPalette,
  MainAreaWidget,
  Notification,
  WidgetTracker
} from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { refreshIcon, ToolbarButton } from '@jupyterlab/ui-components';
import { ChangeFeed } from '../client';
import { LeaderboardModel } from '../model/runs';
import type { ILeaderboardPreferences, RunNames } from '../model/runs';
import { trailIcon } from '../ui/icons';
import {
  LeaderboardView,
  leaderboardLink,
  takeLeaderboardLinkFromUrl
} from '../ui/runs';
import type { FilterCompleter } from '../ui/runs';
import { CommandIDs, ITrailConnection } from '../tokens';
import { filterCompleter, filterValidator } from './leaderboardFilter';
import { loadTrailSettings } from './settings';

/** The compare view's command (#16 contract 5), made by its own plugin. */
const COMPARE_RUNS = 'trail:compare-runs';

/** The settings the leaderboard remembers, by preference. */
const SETTING_KEYS: Record<keyof ILeaderboardPreferences, string> = {
  columns: 'leaderboardColumns',
  sort: 'leaderboardSort',
  groupByNotebook: 'leaderboardGroupByNotebook'
};

/**
 * The leaderboard (#16 item 2) in the main area, opened by
 * `trail:open-leaderboard` (palette, the Trail panel's toolbar, a
 * `?trail-runs=` link). Its columns, sort and grouping are remembered in
 * the settings; it follows the change feed while it shows.
 */
export const leaderboardPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-trail:leaderboard',
  description:
    'The leaderboard of the team’s runs: filtered, sorted by any param or metric, grouped by notebook, compared.',
  autoStart: true,
  requires: [ITrailConnection],
  optional: [ICommandPalette, ILayoutRestorer, ISettingRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    connection: ITrailConnection,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    registry: ISettingRegistry | null,
    translator: ITranslator | null
  ): void => {
    // Read before anything can change the address bar.
    const linked = takeLeaderboardLinkFromUrl();
    const trans = (translator ?? nullTranslator).load('jupyterlab-trail');
    const { commands } = app;
    const tracker = new WidgetTracker<MainAreaWidget<LeaderboardView>>({
      namespace: 'jupyterlab-trail-leaderboard'
    });
    const settingsReady = loadTrailSettings(registry);
    const validateFilter = filterValidator();

    const preferences = (
      settings: ISettingRegistry.ISettings | null
    ): ILeaderboardPreferences => ({
      columns: (settings?.composite[SETTING_KEYS.columns] as string[]) ?? [],
      sort: (settings?.composite[SETTING_KEYS.sort] as string) ?? '',
      groupByNotebook:
        (settings?.composite[SETTING_KEYS.groupByNotebook] as boolean) ?? false
    });

    // The compare view also gets the filter: its parallel coordinates and
    // scatter draw the runs of the leaderboard it came from.
    const compareRuns = (model: LeaderboardModel) =>
      commands.hasCommand(COMPARE_RUNS)
        ? (runIds: string[]) =>
            void commands.execute(COMPARE_RUNS, {
              ids: runIds,
              ...(model.filter ? { filter: model.filter } : {})
            })
        : null;

    const open = async (
      args: { filter?: string; sort?: string } = {}
    ): Promise<MainAreaWidget<LeaderboardView>> => {
      const existing = tracker.currentWidget ?? tracker.find(() => true);
      if (existing) {
        const model = existing.content.model;
        if (args.sort !== undefined) {
          model.setSort(args.sort);
        }
        if (args.filter !== undefined) {
          model.applyFilter(args.filter);
        }
        app.shell.activateById(existing.id);
        return existing;
      }
      const settings = await settingsReady;
      const remembered = preferences(settings);
      const client = connection.client;
      let feed = client ? new ChangeFeed({ source: client }) : null;
      const model = new LeaderboardModel({
        reader: client,
        feed,
        validateFilter,
        filter: args.filter ?? '',
        sort: args.sort ?? remembered.sort,
        columns: remembered.columns,
        groupByNotebook: remembered.groupByNotebook
      });
      const complete: FilterCompleter = (text, offset) =>
        filterCompleter(model.names ?? EMPTY_NAMES)(text, offset);
      const view = new LeaderboardView({
        model,
        trans,
        complete,
        onOpenRun: runId =>
          void commands.execute(CommandIDs.openSession, { sessionId: runId }),
        onCompare: compareRuns(model),
        onCopyLink: () => {
          Clipboard.copyToSystem(
            leaderboardLink({ filter: model.filter, sort: model.sort })
          );
          Notification.success(trans.__('Link to this leaderboard copied'), {
            autoClose: 3000
          });
        },
        configurationError: connection.error
      });

      // Remembered as the user changes them; changed in the Settings
      // Editor, applied.
      model.preferencesChanged.connect((_, chosen) => {
        if (!settings) {
          return;
        }
        const known = preferences(settings);
        for (const key of Object.keys(SETTING_KEYS) as Array<
          keyof ILeaderboardPreferences
        >) {
          if (JSON.stringify(known[key]) !== JSON.stringify(chosen[key])) {
            void settings
              .set(SETTING_KEYS[key], chosen[key])
              .catch(reason =>
                console.warn(
                  'Trail: the leaderboard setting was not saved',
                  reason
                )
              );
          }
        }
      });
      const onSettings = () => model.setPreferences(preferences(settings));
      settings?.changed.connect(onSettings);

      const onConnection = () => {
        feed?.dispose();
        const next = connection.client;
        feed = next ? new ChangeFeed({ source: next }) : null;
        model.feed = feed;
        model.reader = next;
        view.setOptions({ configurationError: connection.error });
      };
      connection.changed.connect(onConnection);
      const onCommands = (_: unknown, change: { id?: string }) => {
        if (change.id === COMPARE_RUNS || change.id === undefined) {
          view.setOptions({ onCompare: compareRuns(model) });
        }
      };
      commands.commandChanged.connect(onCommands);

      const widget = new MainAreaWidget({ content: view });
      widget.id = 'trail-leaderboard';
      widget.title.icon = trailIcon;
      widget.title.label = trans.__('Leaderboard');
      widget.title.caption = trans.__('The team’s runs, ranked');
      widget.title.closable = true;
      widget.addClass('jp-Trail-LeaderboardWidget');
      widget.toolbar.addItem(
        'refresh',
        new ToolbarButton({
          icon: refreshIcon,
          tooltip: trans.__('Read the runs again'),
          onClick: () => {
            void model.refresh();
            void model.loadNames();
          }
        })
      );
      widget.disposed.connect(() => {
        settings?.changed.disconnect(onSettings);
        connection.changed.disconnect(onConnection);
        commands.commandChanged.disconnect(onCommands);
        feed?.dispose();
      });
      // Read at once; the tracker (restorer state) need not hold it up.
      void model.start();
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
      await tracker.add(widget);
      return widget;
    };

    commands.addCommand(CommandIDs.openLeaderboard, {
      label: trans.__('Trail: Open Leaderboard'),
      caption: trans.__(
        'The team’s runs ranked by their metrics and params: filter, sort, group by notebook, compare'
      ),
      icon: args => (args.isPalette ? undefined : trailIcon),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            filter: {
              type: 'string',
              description:
                'A filter, e.g. metrics.accuracy > 0.9 and params.model = "rf"'
            },
            sort: {
              type: 'string',
              description: 'Sort keys, e.g. -metrics.accuracy,params.lr'
            }
          }
        }
      },
      execute: args =>
        open({
          filter: typeof args.filter === 'string' ? args.filter : undefined,
          sort: typeof args.sort === 'string' ? args.sort : undefined
        })
    });
    palette?.addItem({
      command: CommandIDs.openLeaderboard,
      category: 'Trail'
    });

    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.openLeaderboard,
        args: widget => ({
          filter: widget.content.model.filter,
          sort: widget.content.model.sort
        }),
        name: () => 'leaderboard'
      });
    }

    if (linked) {
      void app.restored.then(() =>
        commands.execute(CommandIDs.openLeaderboard, { ...linked })
      );
    }
  }
};

const EMPTY_NAMES: RunNames = {
  params: [],
  metrics: [],
  tags: [],
  authors: []
};
