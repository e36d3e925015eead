import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  InputDialog,
  MainAreaWidget,
  Notification,
  WidgetTracker
} from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { refreshIcon, ToolbarButton } from '@jupyterlab/ui-components';
import { ChangeFeed } from '../client';
import { ComparisonFollower } from '../model/fork/comparisonFollower';
import { ParentComparisonModel } from '../model/fork/comparison';
import { trailIcon } from '../ui/icons';
import { ParentComparisonView } from '../ui/fork/comparison';
import { CommandIDs, ITrailConnection } from '../tokens';

/** How long changes are gathered before a shown comparison is read again. */
const REFRESH_DELAY_MS = 800;

/**
 * The parent/fork comparison (#14 item 5) in the main area, opened by
 * `trail:compare-with-parent` (palette; the replays and forks listed under
 * a session; a replay or fork session's own view). A comparison shown
 * follows the change feed: a fork still running gets its new steps.
 */
export const forkComparisonPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-trail:fork-comparison',
  description:
    'Compares a fork or replay session with its parent: params, metrics, substituted inputs and the steps whose outputs differ.',
  autoStart: true,
  requires: [ITrailConnection],
  optional: [ICommandPalette, ILayoutRestorer, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    connection: ITrailConnection,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab-trail');
    const { commands } = app;
    const tracker = new WidgetTracker<MainAreaWidget<ParentComparisonView>>({
      namespace: 'jupyterlab-trail-lineage'
    });
    let me: string | null = null;
    const follower = new ComparisonFollower({
      createFeed: () =>
        connection.client
          ? new ChangeFeed({ source: connection.client })
          : null,
      delayMs: REFRESH_DELAY_MS
    });
    connection.changed.connect(() => {
      me = null;
      follower.restart();
    });

    const open = async (
      sessionId: string
    ): Promise<MainAreaWidget<ParentComparisonView> | null> => {
      const existing = tracker.find(
        widget => widget.content.model.sessionId === sessionId
      );
      if (existing) {
        app.shell.activateById(existing.id);
        void existing.content.model.refresh();
        return existing;
      }
      const client = connection.client;
      if (!client) {
        Notification.error(
          trans.__('No Trail server is configured: %1', connection.error ?? ''),
          { autoClose: 6000 }
        );
        return null;
      }
      if (me === null) {
        me = await client.getMe().then(
          person => person.id,
          () => null
        );
      }
      const model = new ParentComparisonModel({
        sessionId,
        reader: client
      });
      const view = new ParentComparisonView({
        model,
        trans,
        isMe: id => id === me,
        onOpenStep: executionId =>
          void commands.execute(CommandIDs.openReplay, { executionId })
      });
      const widget = new MainAreaWidget({ content: view });
      widget.id = `trail-lineage-${sessionId}`;
      widget.title.icon = trailIcon;
      widget.title.label = trans.__('Compare with parent');
      widget.title.closable = true;
      widget.addClass('jp-Trail-LineageWidget');
      widget.toolbar.addItem(
        'refresh',
        new ToolbarButton({
          icon: refreshIcon,
          tooltip: trans.__('Read the comparison again'),
          onClick: () => void model.refresh()
        })
      );
      model.changed.connect(() => {
        const comparison = model.comparison;
        const path = model.session?.notebookPath;
        if (comparison) {
          widget.title.label = trans.__(
            '%1 vs parent',
            path ? PathExt.basename(path) : sessionId
          );
          widget.title.caption = trans.__(
            '%1 compared with session %2 up to step %3',
            path ?? sessionId,
            comparison.parent.sessionId,
            comparison.parent.step
          );
        }
      });
      const followed = follower.follow(model);
      widget.disposed.connect(() => followed.dispose());
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
      // The view reads the comparison as it is attached.
      await tracker.add(widget);
      return widget;
    };

    commands.addCommand(CommandIDs.compareWithParent, {
      label: trans.__('Trail: Compare Fork with Parent…'),
      caption: trans.__(
        'Compare a fork or replay session with the session it came from: params, metrics, substituted inputs and the steps whose outputs differ'
      ),
      icon: args => (args.isPalette ? undefined : trailIcon),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            sessionId: {
              type: 'string',
              description: 'The fork or replay session'
            }
          }
        }
      },
      execute: async args => {
        let sessionId =
          typeof args.sessionId === 'string' ? args.sessionId.trim() : '';
        if (!sessionId) {
          const answer = await InputDialog.getText({
            title: trans.__('Compare Fork with Parent'),
            label: trans.__('The id of a fork or replay session')
          });
          if (!answer.button.accept || !answer.value?.trim()) {
            return;
          }
          sessionId = answer.value.trim();
        }
        return open(sessionId);
      }
    });
    palette?.addItem({
      command: CommandIDs.compareWithParent,
      category: 'Trail'
    });

    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.compareWithParent,
        args: widget => ({ sessionId: widget.content.model.sessionId }),
        name: widget => widget.content.model.sessionId
      });
    }
  }
};
