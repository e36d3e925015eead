import type { CommandRegistry } from '@lumino/commands';
import type { Widget } from '@lumino/widgets';
import type { IPanelViewOptions, IMainAreaView } from '../tokens';

/**
 * The command that opens a view in the main area: it makes the view's
 * main-area widget with the panel's view options and the command's args.
 */
export function mainAreaCommand(
  mainArea: IMainAreaView,
  options: {
    /** What the view is made with (the panel's). */
    viewOptions: IPanelViewOptions;
    /** Adds the widget to the main area and shows it. */
    show: (widget: Widget) => void;
  }
): CommandRegistry.ICommandOptions {
  return {
    label: mainArea.label,
    caption: mainArea.caption,
    execute: args => {
      options.show(mainArea.createWidget(options.viewOptions, args));
    }
  };
}
