/**
 * The replay viewer in jsdom: the notebook at a step drawn with its
 * states, unchanged cells kept across steps (their frames too), the keys,
 * "not found" for an unknown or private session, and the permalink that
 * opens the viewer. The reader is a fake at the model's seam; galata
 * drives the viewer against a real server (replay-viewer.spec.ts).
 */
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type {
  ExecutionRecord,
  Output,
  SessionSummary
} from '../../src/records/schema';
import type {
  IReplayReader,
  NotebookAtStep,
  StepList
} from '../../src/model/replay';
import { ReplayModel } from '../../src/model/replay';
import { ReplayViewer } from '../../src/ui/replay';
import { recordedOutputRendermime } from '../../src/ui/sandbox';
import { executionLink, takeLinkFromUrl } from '../../src/ui/permalink';
import { waitFor } from './ui-wait';

function run(
  seq: number,
  cellId: string,
  code: string,
  html?: string
): ExecutionRecord {
  return {
    id: `exec-${String(seq).padStart(6, '0')}`,
    sessionId: 'session-0001',
    seq,
    notebookPath: 'work/analysis.ipynb',
    cellId,
    code,
    executionCount: seq,
    status: 'ok',
    startedAt: '2026-03-01T10:00:00.000Z',
    endedAt: '2026-03-01T10:00:01.000Z',
    durationMs: 1000,
    timing: 'kernel',
    outputs: html
      ? [
          {
            output_type: 'display_data',
            data: { 'text/html': html },
            metadata: {}
          }
        ]
      : [{ output_type: 'stream', name: 'stdout', text: `${seq}\n` }]
  } as ExecutionRecord;
}

const A1 = run(
  1,
  'a',
  'x = 1',
  '<b class="from-a">A</b><script>parent.pwned=1</script>'
);
const B2 = run(2, 'b', 'print(x)');
const B3 = run(3, 'b', 'print(x + 1)');

const STEPS: NotebookAtStep[] = [
  {
    sessionId: 'session-0001',
    step: 1,
    total: 3,
    structured: true,
    cells: [
      {
        cellId: 'm',
        cellType: 'markdown',
        state: 'not-run',
        current: false,
        source: '# Title'
      },
      {
        cellId: 'a',
        cellType: 'code',
        state: 'ran',
        current: true,
        execution: A1,
        source: 'x = 1'
      },
      {
        cellId: 'b',
        cellType: 'code',
        state: 'not-run',
        current: false,
        source: 'print(x)'
      },
      {
        cellId: 'gone',
        cellType: 'code',
        state: 'deleted',
        current: false,
        source: 'old()'
      }
    ]
  },
  {
    sessionId: 'session-0001',
    step: 2,
    total: 3,
    structured: true,
    cells: [
      {
        cellId: 'm',
        cellType: 'markdown',
        state: 'not-run',
        current: false,
        source: '# Title'
      },
      {
        cellId: 'a',
        cellType: 'code',
        state: 'ran',
        current: false,
        execution: A1,
        source: 'x = 1'
      },
      // Edited after it ran: the viewer shows what ran.
      {
        cellId: 'b',
        cellType: 'code',
        state: 'ran',
        current: true,
        execution: B2,
        source: 'print(x + 1)'
      },
      {
        cellId: 'gone',
        cellType: 'code',
        state: 'deleted',
        current: false,
        source: 'old()'
      }
    ]
  },
  {
    sessionId: 'session-0001',
    step: 3,
    total: 3,
    structured: true,
    cells: [
      {
        cellId: 'b',
        cellType: 'code',
        state: 'ran',
        current: true,
        execution: B3,
        source: 'print(x + 1)'
      },
      {
        cellId: 'm',
        cellType: 'markdown',
        state: 'not-run',
        current: false,
        source: '# Title'
      },
      {
        cellId: 'a',
        cellType: 'code',
        state: 'ran',
        current: false,
        execution: A1,
        source: 'x = 1'
      }
    ]
  }
];

class Reader implements IReplayReader {
  missing = false;
  getSession(id: string): Promise<SessionSummary> {
    return this.missing
      ? Promise.reject(
          Object.assign(new Error('Session not found'), { status: 404 })
        )
      : Promise.resolve({
          id,
          notebookPath: 'work/analysis.ipynb',
          startedAt: '2026-03-01T10:00:00.000Z',
          kernel: { name: 'python3', language: 'python' },
          author: { id: 'alice', name: 'alice', displayName: 'Alice' }
        } as unknown as SessionSummary);
  }
  getExecution(id: string): Promise<ExecutionRecord> {
    return Promise.resolve([A1, B2, B3].find(r => r.id === id)!);
  }
  getSteps(sessionId: string): Promise<StepList> {
    return Promise.resolve({
      sessionId,
      total: 3,
      structured: true,
      steps: [A1, B2, B3].map((r, i) => ({
        step: i + 1,
        seq: r.seq,
        executionId: r.id,
        cellId: r.cellId,
        status: r.status,
        startedAt: r.startedAt,
        durationMs: r.durationMs
      }))
    });
  }
  getStep(_: string, k: number): Promise<NotebookAtStep> {
    return Promise.resolve(STEPS[k - 1]);
  }
  resolveOutputs(outputs: Output[]): Promise<Output[]> {
    return Promise.resolve(outputs);
  }
}

const rendermime = recordedOutputRendermime(
  new RenderMimeRegistry({ initialFactories: standardRendererFactories })
);
const trans = nullTranslator.load('jupyterlab-trail');

function viewer(
  reader: IReplayReader,
  options: Partial<ReplayModel.IOptions> = {}
) {
  const model = new ReplayModel({
    reader,
    sessionId: 'session-0001',
    ...options
  });
  const widget = new ReplayViewer({
    model,
    rendermime,
    trans,
    languages: null
  });
  Widget.attach(widget, document.body);
  void model.open();
  return widget;
}

function cell(widget: ReplayViewer, id: string): HTMLElement {
  return widget.node.querySelector<HTMLElement>(
    `[data-cell-key="cell:${id}"]`
  )!;
}

/** The cells' keys in DOM order, hidden ones included. */
function domKeys(widget: Widget): (string | undefined)[] {
  return Array.from(
    widget.node.querySelectorAll<HTMLElement>('[data-cell-key]')
  ).map(node => node.dataset.cellKey);
}

describe('ReplayViewer', () => {
  // jsdom lays nothing out: without an IntersectionObserver (the test
  // setup's stub never reports) every cell is revealed at once.
  const observer = (window as any).IntersectionObserver;
  beforeAll(() => {
    delete (window as any).IntersectionObserver;
  });
  afterAll(() => {
    (window as any).IntersectionObserver = observer;
  });

  it('draws the notebook at a step with its states, outputs sandboxed', async () => {
    const widget = viewer(new Reader());
    await waitFor(() => widget.node.dataset.trailStep === '1');
    expect(widget.node.textContent).toContain('Step 1 of 3');
    expect(widget.node.textContent).toContain('Alice');
    expect(cell(widget, 'a').dataset.current).toBe('true');
    expect(cell(widget, 'b').textContent).toContain('not run yet');
    expect(cell(widget, 'gone').classList).toContain('jp-mod-deleted');
    // Markdown and HTML outputs only in sandboxed frames, nothing in the page.
    await waitFor(() => cell(widget, 'a').querySelector('iframe'));
    const frame = cell(widget, 'a').querySelector('iframe')!;
    expect(frame.getAttribute('sandbox')).toBe('allow-scripts');
    expect(widget.node.querySelector('.from-a')).toBeNull();
    await waitFor(() => cell(widget, 'm').querySelector('iframe'));
    expect(cell(widget, 'm').querySelector('h1')).toBeNull();
    expect(Number(widget.node.dataset.trailOpenMs)).toBeGreaterThanOrEqual(0);
    widget.dispose();
  });

  it('keeps unchanged cells and their frames across steps, and shows what ran', async () => {
    const widget = viewer(new Reader());
    await waitFor(() => widget.node.dataset.trailStep === '1');
    await waitFor(() => cell(widget, 'a').querySelector('iframe'));
    const nodeA = cell(widget, 'a');
    const frameA = nodeA.querySelector('iframe');
    const stepOneOrder = domKeys(widget);
    widget.node.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true })
    );
    await waitFor(() => widget.node.dataset.trailStep === '2');
    expect(cell(widget, 'a')).toBe(nodeA);
    expect(nodeA.querySelector('iframe')).toBe(frameA);
    expect(nodeA.dataset.current).toBe('false');
    const b = cell(widget, 'b');
    expect(b.dataset.current).toBe('true');
    expect(b.querySelector('.jp-Trail-ReplayCell-code')!.textContent).toBe(
      'print(x)'
    );
    expect(b.textContent).toContain('edited since this run');
    widget.node.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'End', bubbles: true })
    );
    await waitFor(() => widget.node.dataset.trailStep === '3');
    // b moved to the top by its CSS order, no node moved (a moved frame
    // reloads) nor rebuilt; the deleted cell is hidden, not in step 3.
    const domBefore = domKeys(widget);
    const shown = Array.from(
      widget.node.querySelectorAll<HTMLElement>('[data-cell-key]')
    ).filter(node => !node.classList.contains('lm-mod-hidden'));
    const visual = shown
      .sort((x, y) => Number(x.style.order) - Number(y.style.order))
      .map(node => node.dataset.cellKey);
    expect(visual).toEqual(['cell:b', 'cell:m', 'cell:a']);
    expect(
      shown.map(node => [
        node.getAttribute('aria-posinset'),
        node.getAttribute('aria-setsize')
      ])
    ).toEqual([
      ['1', '3'],
      ['2', '3'],
      ['3', '3']
    ]);
    // Screen readers get the cells in the order they are seen.
    expect(
      widget.node.querySelector('[role="list"]')!.getAttribute('aria-owns')
    ).toBe(shown.map(node => node.id).join(' '));
    expect(domBefore).toEqual(stepOneOrder);
    expect(cell(widget, 'gone').classList).toContain('lm-mod-hidden');
    expect(cell(widget, 'a')).toBe(nodeA);
    expect(nodeA.querySelector('iframe')).toBe(frameA);
    widget.node.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Home', bubbles: true })
    );
    await waitFor(() => widget.node.dataset.trailStep === '1');
    expect(Number(widget.node.dataset.trailStepMs)).toBeLessThan(100);
    widget.dispose();
  });

  it('says an unknown or private session does not exist for the reader', async () => {
    const reader = new Reader();
    reader.missing = true;
    const widget = viewer(reader);
    await waitFor(() => widget.node.dataset.state === 'not-found');
    await waitFor(() =>
      widget.node.textContent?.includes(
        "doesn't exist or isn't shared with you"
      )
    );
    widget.dispose();
  });
});

describe('the replay permalink', () => {
  it('opens the viewer with trail-view=replay, and the panel without it', () => {
    const link = executionLink(
      'exec-000002',
      'http://localhost:8888',
      'replay'
    );
    expect(new URL(link).searchParams.get('trail-view')).toBe('replay');
    const replaced: string[] = [];
    const history = {
      state: null,
      replaceState: (_: unknown, __: string, url: string) => replaced.push(url)
    } as unknown as History;
    expect(takeLinkFromUrl({ href: link } as Location, history)).toEqual({
      executionId: 'exec-000002',
      view: 'replay'
    });
    expect(replaced[0]).not.toContain('trail-');
    const plain = executionLink('exec-000002', 'http://localhost:8888');
    expect(takeLinkFromUrl({ href: plain } as Location, history)).toEqual({
      executionId: 'exec-000002',
      view: 'panel'
    });
  });
});
