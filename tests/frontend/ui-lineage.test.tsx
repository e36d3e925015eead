/**
 * The lineage views (#14 item 5): the parent/fork comparison widget over
 * a comparison shaped like the server's answer, and a session's "Replays
 * and forks" with the inputs a fork replaced and "Compare with parent".
 */
import { nullTranslator } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import { readFileSync } from 'fs';
import { join } from 'path';
import * as React from 'react';
import {
  ILineageComparison,
  IParentComparisonReader,
  ParentComparisonModel
} from '../../src/model/fork/comparison';
import { SessionReplaysModel } from '../../src/model/replay-run/replays';
import type { SessionSummary } from '../../src/records/schema';
import { ParentComparisonView } from '../../src/ui/fork/comparison';
import { ReplaysSection } from '../../src/ui/replay-run/replaysSection';
import { waitFor } from './ui-wait';

const trans = nullTranslator.load('jupyterlab-trail');

const FIXTURE = readFileSync(
  join(__dirname, '..', 'fixtures', 'lineage', 'fork-comparison.json'),
  'utf8'
);
const fixture = (): ILineageComparison => JSON.parse(FIXTURE);

const bob = { id: 'user:bob', name: 'bob', displayName: 'Bob' };
const alice = { id: 'user:alice', name: 'alice', displayName: 'Alice' };

function session(id: string, partial: Partial<SessionSummary> = {}) {
  return {
    id,
    notebookPath: `${id}.ipynb`,
    startedAt: new Date().toISOString(),
    kernel: null,
    executionCount: 4,
    lastExecutionAt: null,
    ...partial
  } as SessionSummary;
}

function readerOf(
  answer: () => Promise<ILineageComparison>
): IParentComparisonReader & { asked: number } {
  const reader = {
    asked: 0,
    parentComparison: () => {
      reader.asked++;
      return answer();
    },
    getSession: async (id: string) =>
      id === 'fork-session-0001'
        ? session(id, { notebookPath: 'bob/train-fork.ipynb', author: bob })
        : session(id, { notebookPath: 'alice/train.ipynb', author: alice })
  };
  return reader;
}

function mount(
  reader: IParentComparisonReader,
  options: Partial<ParentComparisonView.IOptions> = {}
): ParentComparisonView {
  const model = new ParentComparisonModel({
    sessionId: 'fork-session-0001',
    reader
  });
  const view = new ParentComparisonView({ model, trans, ...options });
  Widget.attach(view, document.body);
  return view;
}

const $ = (root: Widget, selector: string) =>
  root.node.querySelector<HTMLElement>(selector);
const $$ = (root: Widget, selector: string) =>
  Array.from(root.node.querySelectorAll<HTMLElement>(selector));

describe('ParentComparisonView', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('reads the comparison when shown and names both sides', async () => {
    const reader = readerOf(async () => fixture());
    const view = mount(reader, { isMe: id => id === 'user:bob' });
    const parent = await waitFor(() =>
      $(view, '.jp-Trail-Lineage-side[data-side="parent"]')
    );
    expect(reader.asked).toBe(1);
    expect($(view, '.jp-Trail-Lineage-title')!.textContent).toBe(
      'Fork compared with its parent'
    );
    await waitFor(() => parent.textContent!.includes('Alice'));
    expect(parent.textContent).toContain('train.ipynb');
    expect(parent.textContent).toContain('steps 1–5');
    const fork = $(view, '.jp-Trail-Lineage-side[data-side="fork"]')!;
    expect(fork.textContent).toContain('train-fork.ipynb');
    // The user is "You", not their own name.
    expect(fork.textContent).toContain('You');
    expect($(view, '.jp-Trail-Lineage-summary')!.textContent).toBe(
      '3 of 5 steps differ from the parent · 1 not run · 2 params differ · 1 input replaced'
    );
    view.dispose();
  });

  it('marks the params that differ and shows each metric with its change', async () => {
    const view = mount(readerOf(async () => fixture()));
    await waitFor(() => $(view, '.jp-Trail-Lineage-params tbody'));
    const params = $$(view, '.jp-Trail-Lineage-params tbody tr');
    expect(
      params.map(row => [
        row.dataset.name,
        row.classList.contains('jp-mod-different'),
        Array.from(row.querySelectorAll('td')).map(td => td.textContent)
      ])
    ).toEqual([
      ['learning_rate', false, ['0.1', '0.1']],
      ['n_rows', true, ['120', '200']],
      // Logged by the parent only.
      ['model', true, ['ridge', '—']]
    ]);
    expect($(view, '.jp-Trail-Lineage-params h3')!.textContent).toContain(
      '2 differ'
    );
    const metrics = $$(view, '.jp-Trail-Lineage-metrics tbody tr').map(row =>
      Array.from(row.children).map(cell => cell.textContent)
    );
    expect(metrics).toEqual([
      ['accuracy', '0.82', '0.875', '+0.055'],
      ['loss', '0.41', '0.41', '0'],
      // NaN in the parent: no change to compute.
      ['rmse', 'NaN', '1.5', '']
    ]);
    view.dispose();
  });

  it('shows each substituted input with both hashes, sizes, rows and column changes', async () => {
    const view = mount(readerOf(async () => fixture()));
    const input = await waitFor(() =>
      $(view, '.jp-Trail-Lineage-input[data-recorded="data/train.csv"]')
    );
    const comparison = fixture();
    const [substituted] = comparison.inputs;
    expect($(view, '.jp-Trail-Lineage-mapping')!.textContent).toBe(
      'data/train.csv → /home/bob/data/my-train.csv'
    );
    const parentHash = input.querySelector<HTMLElement>(
      'tr[data-fact="sha256"] td[data-side="parent"] code'
    )!;
    const forkHash = input.querySelector<HTMLElement>(
      'tr[data-fact="sha256"] td[data-side="fork"] code'
    )!;
    expect(parentHash.textContent).toBe(
      substituted.parent.sha256!.slice(0, 12)
    );
    expect(parentHash.title).toBe(substituted.parent.sha256);
    expect(forkHash.textContent).toBe(substituted.fork.sha256!.slice(0, 12));
    expect(
      input
        .querySelector('tr[data-fact="sha256"]')!
        .classList.contains('jp-mod-different')
    ).toBe(true);
    expect(input.querySelector('tr[data-fact="size"]')!.textContent).toBe(
      'Size2.0 KB3.2 KB'
    );
    expect(input.querySelector('tr[data-fact="rows"]')!.textContent).toBe(
      'Rows120 rows200 rows'
    );
    expect(input.querySelector('[data-change="retyped"]')!.textContent).toBe(
      'Other type: y int64 → float64'
    );
    expect(input.querySelector('[data-change="added"]')!.textContent).toBe(
      'Only in the fork: weight (float64)'
    );
    expect(input.querySelector('[data-change="removed"]')).toBeNull();
    view.dispose();
  });

  it('leaves out rows when neither side knows them (a CSV is not counted when read)', async () => {
    const view = mount(
      readerOf(async () => {
        const comparison = fixture();
        delete comparison.inputs[0].parent.table!.rows;
        comparison.inputs[0].fork.table!.rows = null;
        return comparison;
      })
    );
    const input = await waitFor(() => $(view, '.jp-Trail-Lineage-input'));
    expect(input.querySelector('tr[data-fact="size"]')).not.toBeNull();
    expect(input.querySelector('tr[data-fact="rows"]')).toBeNull();
    view.dispose();
  });

  it('lists the steps that differ in fork words, with links into the replay viewer', async () => {
    const opened: string[] = [];
    const view = mount(
      readerOf(async () => fixture()),
      {
        onOpenStep: id => opened.push(id)
      }
    );
    await waitFor(() => $(view, '.jp-Trail-Lineage-step'));
    const steps = $$(view, '.jp-Trail-Lineage-step');
    expect(
      steps.map(step => [
        step.dataset.step,
        step.querySelector('.jp-Trail-Lineage-verdict')!.textContent
      ])
    ).toEqual([
      ['2', 'differs from parent'],
      ['3', 'new error'],
      ['4', 'error gone'],
      ['5', 'not run']
    ]);
    // A same step is not listed.
    expect($(view, '.jp-Trail-Lineage-step[data-step="1"]')).toBeNull();
    steps[0]
      .querySelector<HTMLButtonElement>('.jp-Trail-Lineage-openParent')!
      .click();
    steps[0]
      .querySelector<HTMLButtonElement>('.jp-Trail-Lineage-openFork')!
      .click();
    expect(opened).toEqual(['alice-exec-2', 'fork-exec-2']);
    // A step the fork did not run has nothing to open on its side.
    expect(steps[3].querySelector('.jp-Trail-Lineage-openFork')).toBeNull();
    view.dispose();
  });

  it('says when every step matches the parent', async () => {
    const view = mount(
      readerOf(async () => {
        const comparison = fixture();
        comparison.steps = comparison.steps.map(step => ({
          ...step,
          forkExecutionId: step.forkExecutionId ?? 'fork-exec-5',
          verdict: 'same'
        }));
        comparison.differing = 0;
        return comparison;
      })
    );
    const none = await waitFor(() =>
      $(view, '.jp-Trail-Lineage-steps .jp-Trail-Lineage-none')
    );
    expect(none.textContent).toBe('All 5 steps’ outputs are the parent’s.');
    expect($(view, '.jp-Trail-Lineage-summary')!.textContent).toMatch(
      /^No step’s outputs differ from the parent’s · /
    );
    view.dispose();
  });

  it('words a replay as a replay: its source, its column, its verdicts', async () => {
    const view = mount(
      readerOf(async () => {
        const comparison = fixture();
        comparison.parent.kind = 'replay';
        comparison.inputs = [];
        return comparison;
      })
    );
    await waitFor(() => $(view, '.jp-Trail-Lineage-step'));
    expect($(view, '.jp-Trail-Lineage-title')!.textContent).toBe(
      'Replay compared with its source'
    );
    expect(
      $$(view, '.jp-Trail-Lineage-params thead th').map(th => th.textContent)
    ).toEqual(['Name', 'Parent', 'Replay']);
    expect(
      $(
        view,
        '.jp-Trail-Lineage-step[data-step="2"] .jp-Trail-Lineage-verdict'
      )!.textContent
    ).toBe('differs');
    // A replay reads the recorded files: no substituted inputs section.
    expect($(view, '.jp-Trail-Lineage-inputs')).toBeNull();
    view.dispose();
  });

  it('words a run of an exported pipeline as a pipeline run', async () => {
    const view = mount(
      readerOf(async () => {
        const comparison = fixture();
        comparison.parent.kind = 'export';
        comparison.inputs = [];
        return comparison;
      })
    );
    await waitFor(() => $(view, '.jp-Trail-Lineage-step'));
    expect($(view, '.jp-Trail-Lineage-title')!.textContent).toBe(
      'Pipeline run compared with its source'
    );
    expect(
      $(view, '.jp-Trail-Lineage-side[data-side="fork"] h3')!.textContent
    ).toBe('Pipeline run');
    expect(
      $$(view, '.jp-Trail-Lineage-params thead th').map(th => th.textContent)
    ).toEqual(['Name', 'Parent', 'Pipeline run']);
    view.dispose();
  });

  it('explains a session without a readable parent (404), and offers nothing to retry', async () => {
    const view = mount(
      readerOf(async () => {
        throw Object.assign(new Error('Session not found'), {
          name: 'TrailResponseError',
          status: 404
        });
      })
    );
    const empty = await waitFor(() => $(view, '.jp-Trail-Empty'));
    expect(empty.textContent).toContain(
      'Session fork-session-0001 has no parent to compare with'
    );
    expect($(view, '.jp-Trail-RetryButton')).toBeNull();
    view.dispose();
  });

  it('shows a failed read with Retry, which reads again', async () => {
    let fail = true;
    const reader = readerOf(async () => {
      if (fail) {
        throw Object.assign(new Error('connect ECONNREFUSED'), {
          name: 'TrailNetworkError'
        });
      }
      return fixture();
    });
    const view = mount(reader);
    const retry = await waitFor(() =>
      $(view, '.jp-Trail-Error .jp-Trail-RetryButton')
    );
    expect($(view, '.jp-Trail-Error')!.textContent).toContain(
      'The Trail server is unreachable'
    );
    fail = false;
    retry.click();
    await waitFor(() => $(view, '.jp-Trail-Lineage-params'));
    expect(reader.asked).toBe(2);
    view.dispose();
  });
});

describe('ReplaysSection with forks', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  const fork = session('fork-1', {
    notebookPath: 'bob/train-fork.ipynb',
    author: bob,
    executionCount: 3,
    lineage: {
      kind: 'fork',
      sessionId: 'parent',
      step: 5,
      substitutions: [
        { recorded: 'data/train.csv', path: '/home/bob/train.csv' },
        { recorded: 'data/test.csv', path: '/home/bob/test.csv' }
      ]
    }
  } as Partial<SessionSummary>);
  const replay = session('replay-1', {
    author: alice,
    executionCount: 2,
    lineage: { kind: 'replay', sessionId: 'parent', step: 2 }
  });

  function mountSection(onCompare?: (session: SessionSummary) => void) {
    const model = new SessionReplaysModel({
      sessionId: 'parent',
      lister: {
        listReplays: async () => ({ items: [fork, replay], nextCursor: null })
      }
    });
    const widget = ReactWidget.create(
      <UseSignal signal={model.changed}>
        {() => (
          <ReplaysSection
            model={model}
            isMine={() => false}
            onOpen={() => undefined}
            onCompare={onCompare}
            trans={trans}
          />
        )}
      </UseSignal>
    );
    Widget.attach(widget, document.body);
    return widget;
  }

  it('lists forks beside replays, with the inputs a fork replaced', async () => {
    const widget = mountSection();
    const items = await waitFor(() => {
      const found = $$(widget, '.jp-Trail-ReplayItem');
      return found.length === 2 ? found : null;
    });
    expect($(widget, '.jp-Trail-Disclosure-title')!.textContent).toBe(
      'Replays and forks'
    );
    expect(items[0].dataset.kind).toBe('fork');
    expect(items[0].textContent).toContain('Bob forked up to step 5');
    expect(items[0].textContent).toContain('3 of 5 steps run');
    const replaced = items[0].querySelector<HTMLElement>(
      '.jp-Trail-ReplayItem-substitutions'
    )!;
    expect(replaced.textContent).toBe('2 inputs replaced');
    expect(replaced.title).toBe(
      'data/train.csv → /home/bob/train.csv\ndata/test.csv → /home/bob/test.csv'
    );
    expect(items[1].textContent).toContain('Alice replayed up to step 2');
    expect(
      items[1].querySelector('.jp-Trail-ReplayItem-substitutions')
    ).toBeNull();
    // Without a way to open a comparison, none is offered.
    expect($(widget, '.jp-Trail-CompareParentButton')).toBeNull();
    widget.dispose();
  });

  it('offers "Compare with parent" on each', async () => {
    const compared: string[] = [];
    const widget = mountSection(item => compared.push(item.id));
    const buttons = await waitFor(() => {
      const found = $$(widget, '.jp-Trail-CompareParentButton');
      return found.length === 2 ? found : null;
    });
    expect(buttons[0].textContent).toBe('Compare with parent');
    buttons[0].click();
    buttons[1].click();
    expect(compared).toEqual(['fork-1', 'replay-1']);
    widget.dispose();
  });
});
