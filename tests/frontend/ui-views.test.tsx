/**
 * The view registry: a view added by another extension shows in the panel,
 * names its crumb, is read again with the rest, and opens in the main area.
 */
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import { LoadableModel, TrailBrowserModel, TrailPlace } from '../../src/model';
import type { ITrailView } from '../../src/tokens';
import {
  builtinViewRegistry,
  mainAreaCommand,
  TrailSidebar
} from '../../src/ui';
import { FakeReader } from './model-fake-reader';
import { waitFor } from './ui-wait';

/** A model that counts its reads. */
class CountingModel extends LoadableModel {
  reads = 0;
  refresh(): Promise<void> {
    this.reads++;
    return Promise.resolve();
  }
}

interface NotesPlace extends TrailPlace {
  view: 'notes';
  topic: string;
}

function notesView(): ITrailView<NotesPlace, CountingModel> {
  return {
    level: { view: 'notes', create: () => ({ model: new CountingModel() }) },
    label: level => ({ label: `Notes on ${level.place.topic}` }),
    createPanelView: () => {
      const widget = new Widget();
      widget.addClass('jp-Test-NotesView');
      return widget;
    },
    mainArea: {
      commandId: 'test:open-notes',
      label: 'Open Notes',
      createWidget: (_, args) => {
        const widget = new Widget();
        widget.id = `notes-${String(args.topic)}`;
        return widget;
      }
    }
  };
}

describe('the view registry', () => {
  it('shows a view registered after the panel was made, with its crumb', async () => {
    const views = builtinViewRegistry();
    const model = new TrailBrowserModel({
      reader: new FakeReader(),
      levels: views
    });
    const sidebar = new TrailSidebar({
      model,
      views,
      rendermime: new RenderMimeRegistry({
        initialFactories: standardRendererFactories
      })
    });
    Widget.attach(sidebar, document.body);
    views.add(notesView() as unknown as ITrailView);
    await model.open({ view: 'notes', topic: 'loss' } as NotesPlace);
    await waitFor(() => sidebar.node.dataset.view === 'notes');
    const notes = sidebar.node.querySelector('.jp-Test-NotesView')!;
    expect(notes.classList).not.toContain('lm-mod-hidden');
    await waitFor(() =>
      Boolean(sidebar.node.textContent?.includes('Notes on loss'))
    );
    const level = model.level!;
    const counting = level.model as CountingModel;
    expect(counting.reads).toBeGreaterThan(0);
    const before = counting.reads;
    await model.refreshNow();
    expect(counting.reads).toBe(before + 1);
    model.back();
    await waitFor(() => sidebar.node.dataset.view === 'sessions');
    expect(level.model.isDisposed).toBe(true);
    sidebar.dispose();
    model.dispose();
  });

  it('refuses a second view of the same kind', () => {
    const views = builtinViewRegistry();
    expect(() => views.add(views.get('timeline')!)).toThrow(/timeline/);
  });

  it('opens a view in the main area with its command', async () => {
    const commands = new CommandRegistry();
    const shown: Widget[] = [];
    const view = notesView();
    commands.addCommand(
      view.mainArea!.commandId,
      mainAreaCommand(view.mainArea!, {
        viewOptions: {} as never,
        show: widget => shown.push(widget)
      })
    );
    expect(commands.label('test:open-notes')).toBe('Open Notes');
    await commands.execute('test:open-notes', { topic: 'loss' });
    expect(shown.map(widget => widget.id)).toEqual(['notes-loss']);
  });
});
