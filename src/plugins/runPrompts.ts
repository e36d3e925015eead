/**
 * The prompts before recorded steps run in a notebook's kernel, shared by
 * "Replay in my kernel" (replayRun.ts) and "Run fork" (fork.ts): the
 * kernel must be there, some cell must hold recorded code, and the user
 * says whether to restart the kernel first. The callers give the words.
 * Also the commands' `restart` argument, their toolbar buttons and where
 * their widgets go.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ToolbarButton } from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import type { Widget } from '@lumino/widgets';
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

/** The `describedBy` of a run command: its optional `restart` argument. */
export const RESTART_ARGS = {
  args: {
    type: 'object',
    properties: {
      restart: {
        type: 'boolean',
        description:
          'Restart the kernel first (true) or keep it (false); asked when absent'
      }
    }
  }
};

/** A run command's `restart` argument: null (ask) when absent. */
export function restartArg(args: ReadonlyPartialJSONObject): boolean | null {
  return typeof args.restart === 'boolean' ? args.restart : null;
}

/**
 * A toolbar button on every notebook, shown only where `hidden` says not
 * and following the notebook's metadata; `followed` is called each time.
 */
export function addNotebookButton(
  app: JupyterFrontEnd,
  options: {
    /** The toolbar item's name. */
    name: string;
    className: string;
    label: string;
    tooltip: string;
    onClick: (panel: NotebookPanel) => void;
    hidden: (panel: NotebookPanel) => boolean;
    followed: (panel: NotebookPanel) => void;
  }
): void {
  app.docRegistry.addWidgetExtension('Notebook', {
    createNew: (panel: NotebookPanel) => {
      const button = new ToolbarButton({
        className: options.className,
        label: options.label,
        tooltip: options.tooltip,
        onClick: () => options.onClick(panel)
      });
      const follow = () => {
        button.setHidden(options.hidden(panel));
        options.followed(panel);
      };
      button.setHidden(true);
      if (!panel.toolbar.insertAfter('cellType', options.name, button)) {
        panel.toolbar.addItem(options.name, button);
      }
      void panel.context.ready.then(() => {
        if (panel.isDisposed) {
          return;
        }
        follow();
        panel.model?.metadataChanged.connect(follow);
      });
      return button;
    }
  });
}

/**
 * Shows `widget` beside `panel`: as a tab after `sibling` when that is
 * open (a check and the run of one notebook share one area, as tabs: a
 * third column would squeeze the notebook and the run to a narrow strip
 * while the check, read already, kept half the width), else split to the
 * right of the notebook.
 */
export function showBeside(
  app: JupyterFrontEnd,
  panel: NotebookPanel,
  widget: Widget,
  sibling?: Widget
): void {
  if (!widget.isAttached) {
    if (sibling?.isAttached) {
      app.shell.add(widget, 'main', { mode: 'tab-after', ref: sibling.id });
    } else {
      app.shell.add(widget, 'main', { mode: 'split-right', ref: panel.id });
    }
  }
  app.shell.activateById(widget.id);
}
