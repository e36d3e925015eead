import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Clipboard,
  ICommandPalette,
  InputDialog,
  IThemeManager,
  MainAreaWidget,
  Notification,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import {
  linkIcon,
  refreshIcon,
  ToolbarButton
} from '@jupyterlab/ui-components';
import { ChangeFeed } from '../client';
import type { TrailClient } from '../client';
import { CompareModel } from '../model/compare';
import type { ICompareReader, MetricDirection } from '../model/compare';
import {
  compareIdsFrom,
  compareLink,
  CompareView,
  takeCompareLinkFromUrl
} from '../ui/compare';
import { trailIcon } from '../ui/icons';
import { CommandIDs, ITrailConnection } from '../tokens';
import { loadTrailSettings } from './settings';

/** How long a comparison waits for the Trail server to be known. */
const CLIENT_WAIT_MS = 10000;

/** The setting that remembers which way each metric is better. */
const DIRECTIONS = 'metricDirections';

/** The directions a setting value holds (anything else left out). */
function directionsIn(value: unknown): Record<string, MetricDirection> {
  const out: Record<string, MetricDirection> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [name, direction] of Object.entries(value)) {
      if (direction === 'higher' || direction === 'lower') {
        Object.defineProperty(out, name, {
          value: direction,
          enumerable: true,
          writable: true,
          configurable: true
        });
      }
    }
  }
  return out;
}

/**
 * Runs compared side by side (#16 item 3) in the main area, opened by
 * `trail:compare-runs` with `{ids, filter?}` (the leaderboard's Compare,
 * the palette, a `?trail-compare=id1,id2` link). The plots themselves load
 * plotly only when the first is shown.
 */
export const comparePlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-trail:compare',
  description:
    'Compares two to ten runs side by side: params, metrics, input data, environment, code and lineage, with plots.',
  autoStart: true,
  requires: [ITrailConnection],
  optional: [
    ICommandPalette,
    ILayoutRestorer,
    IThemeManager,
    IEditorLanguageRegistry,
    ISettingRegistry,
    ITranslator
  ],
  activate: (
    app: JupyterFrontEnd,
    connection: ITrailConnection,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    themes: IThemeManager | null,
    languages: IEditorLanguageRegistry | null,
    registry: ISettingRegistry | null,
    translator: ITranslator | null
  ): void => {
    // Read before anything can change the address bar.
    const linked = takeCompareLinkFromUrl();
    const trans = (translator ?? nullTranslator).load('jupyterlab-trail');
    const { commands } = app;
    const tracker = new WidgetTracker<MainAreaWidget<CompareView>>({
      namespace: 'jupyterlab-trail-compare'
    });
    let counter = 0;
    // Which way metrics are better, as said in any comparison: remembered
    // in the settings, and every open comparison follows a change.
    let settings: ISettingRegistry.ISettings | null = null;
    const settingsReady = loadTrailSettings(registry).then(loaded => {
      settings = loaded;
      loaded?.changed.connect(() => {
        const directions = directionsIn(loaded.composite[DIRECTIONS]);
        tracker.forEach(widget =>
          widget.content.model.useDirections(directions)
        );
      });
    });
    const rememberDirection = (metric: string, direction: MetricDirection) => {
      if (!settings) {
        return;
      }
      // A spread, not an assignment: a metric may be named __proto__.
      const directions = {
        ...directionsIn(settings.composite[DIRECTIONS]),
        [metric]: direction
      };
      void settings.set(DIRECTIONS, directions).catch(reason => {
        console.warn('Trail: could not remember a metric direction', reason);
      });
    };

    // A link opened as JupyterLab starts may come before the server is known.
    const clientReady = (): Promise<TrailClient | null> =>
      connection.client
        ? Promise.resolve(connection.client)
        : new Promise(resolve => {
            const done = () => {
              window.clearTimeout(timer);
              connection.changed.disconnect(done);
              resolve(connection.client);
            };
            const timer = window.setTimeout(done, CLIENT_WAIT_MS);
            connection.changed.connect(done);
          });

    const open = async (
      ids: string[],
      filter: string | null
    ): Promise<MainAreaWidget<CompareView> | null> => {
      const key = ids.join(',');
      const existing = tracker.find(
        widget =>
          widget.content.model.ids.join(',') === key &&
          widget.content.model.filter === filter
      );
      if (existing) {
        app.shell.activateById(existing.id);
        void existing.content.model.refresh();
        return existing;
      }
      const client = await clientReady();
      if (!client) {
        Notification.error(
          trans.__('No Trail server is configured: %1', connection.error ?? ''),
          { autoClose: 6000 }
        );
        return null;
      }
      await settingsReady;
      // A run still recording is followed: the feed reports its changes.
      const feed = new ChangeFeed({ source: client });
      const model = new CompareModel({
        ids,
        filter,
        reader: compareReaderOf(client),
        directions: directionsIn(settings?.composite[DIRECTIONS]),
        onDirectionSet: rememberDirection,
        feed
      });
      const view = new CompareView({
        model,
        trans,
        languages,
        themeChanged: themes?.themeChanged ?? null,
        onOpenRun: sessionId =>
          void commands.execute(CommandIDs.openSession, { sessionId }),
        onOpenStep: executionId =>
          void commands.execute(CommandIDs.openReplay, { executionId })
      });
      const widget = new MainAreaWidget({ content: view });
      widget.id = `trail-compare-${++counter}`;
      widget.title.icon = trailIcon;
      widget.title.label = trans.__('Compare %1 runs', model.ids.length);
      widget.title.caption = trans.__('Runs %1 compared', model.ids.join(', '));
      widget.title.closable = true;
      widget.addClass('jp-Trail-CompareWidget');
      widget.toolbar.addItem(
        'refresh',
        new ToolbarButton({
          icon: refreshIcon,
          tooltip: trans.__('Read the runs again'),
          onClick: () => void model.refresh()
        })
      );
      widget.toolbar.addItem(
        'link',
        new ToolbarButton({
          icon: linkIcon,
          tooltip: trans.__('Copy a link to this comparison'),
          onClick: () => {
            Clipboard.copyToSystem(compareLink(model.ids));
            Notification.success(trans.__('Link to this comparison copied'), {
              autoClose: 3000
            });
          }
        })
      );
      // The model stops following as the view disposes it.
      widget.disposed.connect(() => feed.dispose());
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
      void tracker.add(widget);
      return widget;
    };

    commands.addCommand(CommandIDs.compareRuns, {
      label: trans.__('Trail: Compare Runs…'),
      caption: trans.__(
        'Compare two to ten runs side by side: params, metrics, input data, environment, code, lineage and plots'
      ),
      icon: args => (args.isPalette ? undefined : trailIcon),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            ids: {
              type: 'array',
              items: { type: 'string' },
              description:
                'The runs (session ids) to compare; the first is the base'
            },
            filter: {
              type: 'string',
              description:
                'The leaderboard filter whose runs the parallel coordinates and the scatter draw'
            }
          }
        }
      },
      execute: async args => {
        let ids = Array.isArray(args.ids)
          ? (args.ids as unknown[]).filter(
              (id): id is string => typeof id === 'string'
            )
          : typeof args.ids === 'string'
            ? compareIdsFrom(args.ids)
            : null;
        if (ids === null) {
          const answer = await InputDialog.getText({
            title: trans.__('Compare Runs'),
            label: trans.__('The ids of two to ten runs, separated by commas')
          });
          if (!answer.button.accept || !answer.value?.trim()) {
            return;
          }
          ids = compareIdsFrom(answer.value);
        }
        return open(ids, typeof args.filter === 'string' ? args.filter : null);
      }
    });
    palette?.addItem({ command: CommandIDs.compareRuns, category: 'Trail' });

    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.compareRuns,
        args: widget => ({
          ids: [...widget.content.model.ids],
          ...(widget.content.model.filter !== null
            ? { filter: widget.content.model.filter }
            : {})
        }),
        name: widget =>
          `${widget.content.model.ids.join(',')}\u0000${widget.content.model.filter ?? ''}`
      });
    }

    if (linked) {
      void app.restored.then(() =>
        commands.execute(CommandIDs.compareRuns, { ids: linked })
      );
    }
  }
};

/** The runs and sessions API of a client, as the compare model reads it. */
function compareReaderOf(client: TrailClient): ICompareReader {
  return {
    getRun: id => client.getRun(id),
    runMetrics: (id, names) => client.runMetrics(id, names),
    getInputs: (id, upto) => client.getInputs(id, upto),
    getStep: (id, k) => client.getStep(id, k),
    listRuns: query => client.listRuns(query)
  };
}
