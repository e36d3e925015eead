/**
 * The prompts before recorded steps run in a notebook's kernel, shared by
 * "Replay in my kernel" (replayRun.ts) and "Run fork" (fork.ts): the
 * kernel must be there, some cell must hold recorded code, and the user
 * says whether to restart the kernel first. The callers give the words.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import {
  replayStepsOf,
  TRAIL_METADATA_KEY,
  type IReplayStep
} from '../model/replay-run';

/**
 * The recorded steps 1..upto of `panel`'s cells, once its kernel is
 * ready; null (the user told why) without a kernel or without a step.
 */
export async function stepsToRun(
  panel: NotebookPanel,
  upto: number,
  trans: TranslationBundle,
  texts: { noKernel: string; noSteps: string }
): Promise<IReplayStep[] | null> {
  await panel.sessionContext.ready;
  if (!panel.sessionContext.session?.kernel) {
    Notification.error(texts.noKernel, {
      autoClose: false,
      actions: [
        {
          label: trans.__('Start the kernel'),
          callback: () => void panel.sessionContext.startKernel()
        }
      ]
    });
    return null;
  }
  const cells = panel.content.widgets.map(cell => ({
    id: cell.model.id,
    cellType: cell.model.type,
    trail: cell.model.getMetadata(TRAIL_METADATA_KEY)
  }));
  const steps = replayStepsOf(cells, upto);
  if (steps.length === 0) {
    Notification.warning(texts.noSteps, { autoClose: 6000 });
    return null;
  }
  return steps;
}

/**
 * Asks whether to restart the kernel before the steps run: true to
 * restart, false to keep it, null when the user cancelled.
 */
export async function askRestart(
  trans: TranslationBundle,
  texts: { title: string; body: string; keepAria: string; restart: string }
): Promise<boolean | null> {
  const answer = await showDialog({
    title: texts.title,
    body: texts.body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({
        label: trans.__('Keep the kernel'),
        displayType: 'default',
        ariaLabel: texts.keepAria
      }),
      Dialog.okButton({ label: texts.restart })
    ],
    defaultButton: 2
  });
  if (!answer.button.accept) {
    return null;
  }
  return answer.button.label === texts.restart;
}
