/**
 * "Who already computed this?" (#16 item 4): when a cell of a recorded
 * notebook starts running, a notification names who already ran the same
 * code after the same steps on the same data and environment, with "Open
 * Alice's step" and "Don't tell me for this notebook"; once recorded, the
 * cell gets a small mark "identical to Alice's step 12". Off with the
 * tellIdenticalRuns setting.
 */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import type { IdenticalMatch } from '../client/api-schema';
import { IdenticalRuns } from '../model/identical/identicalRuns';
import type { TrailRecorder } from '../recorder';
import type { Person } from '../records/schema';
import { CommandIDs, ITrailConnection, ITrailRecorder } from '../tokens';
import {
  identicalMessage,
  markCellNode,
  markText,
  openStepLabel,
  type IWhoIsMe
} from '../ui/identical';
import { loadTrailSettings } from './settings';

/** How long a notice stays (ms): long enough to read and choose. */
const NOTICE_MS = 20_000;

/** See the module comment. */
export const identicalPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-trail:identical',
  description:
    'Tells the user when a teammate (or they) already ran the cell that just started, on the same data and environment after the same steps.',
  autoStart: true,
  requires: [ITrailRecorder, ITrailConnection, INotebookTracker],
  optional: [ISettingRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    recorder: TrailRecorder,
    connection: ITrailConnection,
    notebooks: INotebookTracker,
    registry: ISettingRegistry | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load('jupyterlab-trail');
    let settings: ISettingRegistry.ISettings | null = null;
    void loadTrailSettings(registry).then(loaded => (settings = loaded));
    const mutedList = (): string[] => {
      const value = settings?.composite.identicalRunsMutedNotebooks;
      return Array.isArray(value) ? (value as string[]) : [];
    };
    const me = whoIsMe(connection);
    const openStep = (match: IdenticalMatch) =>
      void app.commands.execute(CommandIDs.openReplay, {
        sessionId: match.sessionId,
        executionId: match.executionId,
        step: match.step
      });

    const model = new IdenticalRuns({
      client: () => connection.client,
      enabled: () => settings?.composite.tellIdenticalRuns !== false,
      minDurationMs: () => {
        const seconds = settings?.composite.tellIdenticalRunsMinSeconds;
        return 1000 * (typeof seconds === 'number' ? seconds : 2);
      },
      muted: path => mutedList().includes(path),
      notify: ({ start, match, count }) => {
        Notification.info(identicalMessage(match, count, me, trans), {
          autoClose: NOTICE_MS,
          actions: [
            {
              label: openStepLabel(match, me, trans),
              caption: trans.__('Open that step in the replay viewer'),
              callback: () => openStep(match)
            },
            {
              label: trans.__('Don’t tell me for this notebook'),
              displayType: 'link',
              callback: () => {
                const list = mutedList();
                if (settings && !list.includes(start.notebookPath)) {
                  void settings.set('identicalRunsMutedNotebooks', [
                    ...list,
                    start.notebookPath
                  ]);
                }
              }
            }
          ]
        });
      },
      mark: ({ cellId, match, count }) => {
        if (!cellId) {
          return;
        }
        notebooks.forEach(panel => {
          const cell = panel.content.widgets.find(c => c.model.id === cellId);
          if (cell) {
            markCellNode(
              cell.node,
              markText(match, me, trans),
              identicalMessage(match, count, me, trans),
              () => openStep(match)
            );
          }
        });
      }
    });
    recorder.executionStarted.connect((_, start) => void model.started(start));
    recorder.eventRecorded.connect((_, event) => {
      if (event.kind === 'execution.completed') {
        const x = event.execution;
        void model.recorded({
          id: x.id,
          notebookPath: x.notebookPath,
          cellId: x.cellId
        });
      }
    });
  }
};

/**
 * Who "me" is, asked of the server once a client is known (and again
 * when the connection changes): the user's own runs read "You".
 */
function whoIsMe(connection: ITrailConnection): IWhoIsMe {
  let id: string | null = null;
  const ask = () => {
    id = null;
    void connection.client
      ?.getMe()
      .then(person => (id = person.id))
      .catch(() => undefined);
  };
  connection.changed.connect(ask);
  ask();
  return {
    isMe: (person: Person | undefined) =>
      person !== undefined && id !== null && person.id === id
  };
}
