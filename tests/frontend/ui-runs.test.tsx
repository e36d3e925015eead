/**
 * The leaderboard view (#16 item 2) over its model and a fake runs reader:
 * the table (columns, formatting, sticky columns, header sort), the filter
 * box (apply, completion, problems), the empty states, grouping, opening a
 * run and comparing the runs ticked.
 */
import { Time } from '@jupyterlab/coreutils';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { LeaderboardModel } from '../../src/model/runs';
import type { IFilterProblem } from '../../src/model/runs';
import { LeaderboardView } from '../../src/ui/runs';
import * as cells from '../../src/ui/runs/cells';
import type { ILeaderboardViewOptions } from '../../src/ui/runs';
import { FakeRuns, run } from './runs-support';
import { waitFor } from './ui-wait';

const trans = nullTranslator.load('jupyterlab-trail');
const alice = { id: 'user:alice', name: 'alice', displayName: 'Alice' };

/** Type into a React-controlled field. */
function type(input: HTMLInputElement, value: string): void {
  const setter = Object.getOwnPropertyDescriptor(
    HTMLInputElement.prototype,
    'value'
  )!.set!;
  setter.call(input, value);
  input.setSelectionRange(value.length, value.length);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

function press(target: Element, key: string): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
}

let view: LeaderboardView | null = null;
afterEach(() => {
  view?.dispose();
  view = null;
});

function mount(
  reader: FakeRuns,
  options: {
    model?: Partial<LeaderboardModel.IOptions>;
    view?: Partial<ILeaderboardViewOptions>;
  } = {}
): { model: LeaderboardModel; view: LeaderboardView } {
  const model = new LeaderboardModel({ reader, ...options.model });
  view = new LeaderboardView({
    model,
    trans,
    complete: null,
    onOpenRun: () => undefined,
    onCompare: null,
    ...options.view
  });
  Widget.attach(view, document.body);
  void model.start();
  return { model, view };
}

const $ = (selector: string) => view!.node.querySelector<HTMLElement>(selector);
const $$ = (selector: string) =>
  Array.from(view!.node.querySelectorAll<HTMLElement>(selector));

function cell(runId: string, column: string): HTMLElement {
  const row = $(`[data-run="${runId}"]`)!;
  const index = $$('.jp-Trail-RunsTable-head [role="columnheader"]').findIndex(
    header => header.dataset.column === column
  );
  return row.querySelectorAll<HTMLElement>('[role="gridcell"]')[index];
}

function threeRuns(): FakeRuns {
  const reader = new FakeRuns();
  reader.runs = [
    run('run-aaaa-1', {
      author: alice,
      accuracy: 0.9512346,
      params: { model: 'rf', lr: 0.01 }
    }),
    run('run-bbbb-2', {
      notebookPath: 'eval/eval.ipynb',
      accuracy: 0.8,
      status: 'failed',
      kind: 'fork',
      params: { model: 'svm' }
    }),
    run('run-cccc-3', { durationMs: null, endedAt: null, status: 'empty' })
  ];
  reader.names = {
    metrics: [{ name: 'accuracy', count: 2 }],
    params: [
      { name: 'model', count: 2 },
      { name: 'lr', count: 1 }
    ],
    tags: [],
    authors: ['alice']
  };
  return reader;
}

describe('the leaderboard table', () => {
  it('shows the runs with their columns, formatted, and the total', async () => {
    mount(threeRuns());
    await waitFor(() => $$('[data-run]').length === 3);
    await waitFor(() => $('[data-column="metrics.accuracy"]'));
    expect($('.jp-Trail-Leaderboard-total')!.textContent).toBe('3 runs');
    // Automatic columns: the metric, then the params most runs have.
    expect(
      $$('.jp-Trail-RunsTable-head [role="columnheader"]')
        .map(h => h.dataset.column)
        .filter(Boolean)
    ).toEqual([
      'notebook',
      'author',
      'metrics.accuracy',
      'params.model',
      'params.lr',
      'status',
      'kind',
      'started',
      'duration',
      'executions'
    ]);
    const accuracy = cell('run-aaaa-1', 'metrics.accuracy');
    expect(accuracy.textContent).toBe('0.951235');
    expect(accuracy.classList).toContain('jp-mod-number');
    // What a run lacks is an en dash.
    expect(cell('run-cccc-3', 'metrics.accuracy').textContent).toBe('–');
    expect(cell('run-bbbb-2', 'params.lr').textContent).toBe('–');
    expect(cell('run-cccc-3', 'duration').textContent).toBe('–');
    expect(cell('run-aaaa-1', 'params.model').textContent).toBe('rf');
    // A param holding a number aligns as one; text does not.
    expect(cell('run-aaaa-1', 'params.lr').textContent).toBe('0.01');
    expect(cell('run-aaaa-1', 'params.lr').classList).toContain(
      'jp-mod-number'
    );
    expect(cell('run-aaaa-1', 'params.model').classList).not.toContain(
      'jp-mod-number'
    );
    expect(cell('run-aaaa-1', 'author').textContent).toBe('Alice');
    expect(cell('run-bbbb-2', 'status').textContent).toBe('failed');
    expect(
      cell('run-bbbb-2', 'status').querySelector('.jp-mod-failed')
    ).not.toBeNull();
    expect(cell('run-bbbb-2', 'kind').textContent).toBe('fork');
    expect(cell('run-bbbb-2', 'notebook').textContent).toContain('eval.ipynb');
    // The run and its author stay in view while scrolling sideways.
    const notebook = cell('run-aaaa-1', 'notebook');
    const author = cell('run-aaaa-1', 'author');
    expect(notebook.classList).toContain('jp-mod-sticky');
    expect(author.classList).toContain('jp-mod-sticky');
    expect(Number.parseInt(author.style.left)).toBeGreaterThan(
      Number.parseInt(notebook.style.left)
    );
    expect(cell('run-aaaa-1', 'status').classList).not.toContain(
      'jp-mod-sticky'
    );
  });

  it('sorts on a header click, the other way on the second', async () => {
    const reader = threeRuns();
    const { model } = mount(reader);
    await waitFor(() => $('[data-column="metrics.accuracy"] button'));
    $('[data-column="metrics.accuracy"] button')!.click();
    await waitFor(() =>
      reader.queries.some(q => q.sort === '-metrics.accuracy')
    );
    // The table shows again (read with the new sort) with the arrow on.
    await waitFor(
      () =>
        model.loaded &&
        $('[data-column="metrics.accuracy"]')?.getAttribute('aria-sort') ===
          'descending'
    );
    expect($('.jp-Trail-Leaderboard-sort code')!.textContent).toBe(
      '-metrics.accuracy'
    );
    $('[data-column="metrics.accuracy"] button')!.click();
    await waitFor(() =>
      reader.queries.some(q => q.sort === 'metrics.accuracy')
    );
    await waitFor(
      () =>
        $('[data-column="metrics.accuracy"]')?.getAttribute('aria-sort') ===
        'ascending'
    );
  });

  it('groups runs by notebook under headers that collapse', async () => {
    mount(threeRuns());
    await waitFor(() => $$('[data-run]').length === 3);
    const group = $('.jp-Trail-Leaderboard-group input') as HTMLInputElement;
    group.click();
    await waitFor(
      () => $$('.jp-Trail-RunsTable-row.jp-mod-group').length === 2
    );
    const headers = $$('.jp-Trail-RunsTable-row.jp-mod-group');
    expect(headers[0].textContent).toContain('train.ipynb');
    expect(headers[0].textContent).toContain('2 runs');
    expect(headers[1].textContent).toContain('eval/eval.ipynb');
    headers[0].click();
    await waitFor(() => $$('[data-run]').length === 1);
    expect(
      $('.jp-Trail-RunsTable-row.jp-mod-group')!.getAttribute('aria-expanded')
    ).toBe('false');
  });

  it('opens a run from its row; ticks pick runs to compare', async () => {
    const opened: string[] = [];
    const compared: string[][] = [];
    mount(threeRuns(), {
      view: {
        onOpenRun: id => opened.push(id),
        onCompare: ids => compared.push(ids)
      }
    });
    await waitFor(() => $$('[data-run]').length === 3);
    $('[data-run="run-bbbb-2"]')!.click();
    expect(opened).toEqual(['run-bbbb-2']);
    const compare = $('.jp-Trail-Leaderboard-compare') as HTMLButtonElement;
    expect(compare.disabled).toBe(true);
    ($('[data-run="run-aaaa-1"] input') as HTMLInputElement).click();
    ($('[data-run="run-cccc-3"] input') as HTMLInputElement).click();
    // Ticking does not open.
    expect(opened).toEqual(['run-bbbb-2']);
    await waitFor(() => !compare.disabled);
    expect(compare.textContent).toBe('Compare (2)');
    compare.click();
    expect(compared).toEqual([['run-aaaa-1', 'run-cccc-3']]);
  });

  it('disables Compare with a reason while no compare view is installed', async () => {
    mount(threeRuns());
    await waitFor(() => $$('[data-run]').length === 3);
    ($('[data-run="run-aaaa-1"] input') as HTMLInputElement).click();
    ($('[data-run="run-bbbb-2"] input') as HTMLInputElement).click();
    await waitFor(
      () => $('.jp-Trail-Leaderboard-compare')!.textContent === 'Compare (2)'
    );
    const compare = $('.jp-Trail-Leaderboard-compare') as HTMLButtonElement;
    expect(compare.disabled).toBe(true);
    expect(compare.title).toContain('not installed');
  });

  it('picks columns from the runs’ params and metrics, and back to automatic', async () => {
    const reader = threeRuns();
    const remembered: string[][] = [];
    const { model } = mount(reader);
    model.preferencesChanged.connect((_, p) => remembered.push(p.columns));
    await waitFor(() => $('[data-column="params.lr"]'));
    ($('.jp-Trail-ColumnPicker-toggle') as HTMLButtonElement).click();
    const popup = await waitFor(() => $('.jp-Trail-ColumnPicker-popup'));
    const items = () =>
      Array.from(
        popup.querySelectorAll<HTMLLabelElement>('.jp-Trail-ColumnPicker-item')
      );
    expect(items().map(item => item.textContent)).toEqual([
      'accuracy2',
      'model2',
      'lr1'
    ]);
    // Untick lr: the automatic choice becomes a picked one, without it.
    items()[2].querySelector('input')!.click();
    await waitFor(() => !$('[data-column="params.lr"]'));
    expect(remembered[remembered.length - 1]).toEqual([
      'metrics.accuracy',
      'params.model'
    ]);
    await waitFor(() => !model.loading);
    expect(reader.queries[reader.queries.length - 1].columns).toBe(
      'metrics.accuracy,params.model'
    );
    // Finding narrows the lists.
    const search = popup.querySelector<HTMLInputElement>(
      'input[type="search"]'
    )!;
    type(search, 'mod');
    await waitFor(() => items().length === 1);
    ($('.jp-Trail-ColumnPicker-footer button') as HTMLButtonElement).click();
    await waitFor(() => $('[data-column="params.lr"]'));
    expect(remembered[remembered.length - 1]).toEqual([]);
  });

  it('asks the next page as the end of the rows comes into view', async () => {
    const reader = new FakeRuns();
    reader.runs = Array.from({ length: 30 }, (_, i) => run(`run-${1000 + i}`));
    mount(reader, { model: { pageSize: 10 } });
    // The fallback height shows every row: reading on until the end.
    await waitFor(() => $$('[data-run]').length === 30);
    expect(reader.queries.map(q => q.cursor)).toEqual([undefined, '10', '20']);
  });
});

describe('the leaderboard table while it scrolls', () => {
  afterEach(() => jest.restoreAllMocks());

  function thirtyRuns(startedAt: (i: number) => string): FakeRuns {
    const reader = new FakeRuns();
    reader.runs = Array.from({ length: 30 }, (_, i) =>
      run(`run-${2000 + i}`, { startedAt: startedAt(i) })
    );
    return reader;
  }

  it('renders a row already shown only once as more pages arrive', async () => {
    const renders = jest.spyOn(cells, 'RunCell');
    const reader = thirtyRuns(
      i => `2026-12-01T10:${String(i).padStart(2, '0')}:00.000Z`
    );
    mount(reader, { model: { pageSize: 10 } });
    await waitFor(() => $$('[data-run]').length === 30);
    // Three pages, the table rendered again for each: the rows already in
    // it were not (memoized), each cell rendered once.
    expect(reader.queries).toHaveLength(3);
    const columns = $$('.jp-Trail-RunsTable-head [data-column]').length;
    expect(columns).toBeGreaterThan(3);
    expect(renders).toHaveBeenCalledTimes(30 * columns);
  });

  it('formats a start once however many rows show it', async () => {
    const formatHuman = jest.spyOn(Time, 'formatHuman');
    mount(
      thirtyRuns(() => '2026-12-02T09:00:00.000Z'),
      {
        model: { pageSize: 10 }
      }
    );
    await waitFor(() => $$('[data-run]').length === 30);
    expect(formatHuman).toHaveBeenCalledTimes(1);
    expect(cell('run-2029', 'started').textContent).toBe(
      cell('run-2000', 'started').textContent
    );
  });
});

describe('the filter box', () => {
  it('applies on Enter and says when nothing matches', async () => {
    const reader = threeRuns();
    mount(reader);
    await waitFor(() => $$('[data-run]').length === 3);
    reader.runs = [];
    const input = $('.jp-Trail-FilterBox-input') as HTMLInputElement;
    type(input, 'metrics.accuracy > 0.99');
    press(input, 'Enter');
    await waitFor(() => $('.jp-Trail-Empty'));
    expect(reader.queries[reader.queries.length - 1].filter).toBe(
      'metrics.accuracy > 0.99'
    );
    expect($('.jp-Trail-Empty')!.textContent).toBe(
      'No runs match `metrics.accuracy > 0.99`'
    );
    expect($('.jp-Trail-Leaderboard-total')!.textContent).toBe('0 runs match');
  });

  it('says how to get runs when there is none at all', async () => {
    mount(new FakeRuns());
    await waitFor(() => $('.jp-Trail-Empty'));
    expect($('.jp-Trail-Empty')!.textContent).toBe(
      'No runs yet: run a notebook with trail.log_metric(...)'
    );
  });

  it('shows a filter that does not parse under the box, its position marked', async () => {
    const reader = threeRuns();
    const validateFilter = (text: string): IFilterProblem | null =>
      text.includes('>>')
        ? {
            message: `at ${text.indexOf('>>') + 1}: expected a value but found ">"`,
            position: text.indexOf('>>') + 1
          }
        : null;
    mount(reader, { model: { validateFilter } });
    await waitFor(() => $$('[data-run]').length === 3);
    const input = $('.jp-Trail-FilterBox-input') as HTMLInputElement;
    type(input, 'metrics.accuracy >> 1');
    press(input, 'Enter');
    await waitFor(() => $('.jp-Trail-FilterBox-problem'));
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect($('.jp-Trail-FilterBox-message')!.textContent).toBe(
      'at 18: expected a value but found ">"'
    );
    expect($('.jp-Trail-FilterBox-echo')!.textContent).toBe(
      'metrics.accuracy >> 1'
    );
    expect($('.jp-Trail-FilterBox-mark')!.textContent).toBe('>');
    // The runs shown stay those of the last filter that parsed.
    expect($$('[data-run]')).toHaveLength(3);
    type(input, 'metrics.accuracy > 1');
    press(input, 'Enter');
    await waitFor(() => !$('.jp-Trail-FilterBox-problem'));
  });

  it('completes at the caret; arrows and Enter accept an option', async () => {
    const asked: [string, number][] = [];
    mount(threeRuns(), {
      view: {
        complete: (text, offset) => {
          asked.push([text, offset]);
          const from = text.lastIndexOf(' ') + 1;
          return {
            from,
            to: offset,
            options: [
              { label: 'metrics.accuracy', detail: 'metric · 2 runs' },
              { label: 'params.model', detail: 'param · 2 runs' }
            ]
          };
        }
      }
    });
    await waitFor(() => $$('[data-run]').length === 3);
    const input = $('.jp-Trail-FilterBox-input') as HTMLInputElement;
    input.focus();
    type(input, 'tag = "x" and par');
    const list = await waitFor(() => $('.jp-Trail-FilterBox-completions'));
    expect(asked[asked.length - 1]).toEqual(['tag = "x" and par', 17]);
    expect(list.textContent).toContain('metric · 2 runs');
    press(input, 'ArrowDown');
    press(input, 'ArrowDown');
    await waitFor(
      () =>
        $$('.jp-Trail-FilterBox-completions [role="option"]')[1]?.getAttribute(
          'aria-selected'
        ) === 'true'
    );
    press(input, 'Enter');
    await waitFor(() => input.value === 'tag = "x" and params.model');
  });
});
