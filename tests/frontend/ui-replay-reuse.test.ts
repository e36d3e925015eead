/**
 * A replay cell given another execution of itself (a step of the slider)
 * keeps its output area when the new outputs fit it: the same renderers,
 * and the same sandboxed frame, which is sent the new content instead of
 * being made anew. When they do not fit, the area is made anew.
 */
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { CellAtStep } from '../../src/model/replay';
import type { ExecutionRecord, Output } from '../../src/records/schema';
import { ReplayCellView } from '../../src/ui/replay/cellView';
import { recordedOutputRendermime } from '../../src/ui/sandbox';
import { waitFor } from './ui-wait';

const rendermime = recordedOutputRendermime(
  new RenderMimeRegistry({ initialFactories: standardRendererFactories })
);

function ran(seq: number, outputs: Output[]): CellAtStep {
  return {
    cellId: 'c',
    cellType: 'code',
    state: 'ran',
    current: true,
    source: 'show()',
    execution: {
      id: `exec-${seq}`,
      sessionId: 'session-0001',
      seq,
      notebookPath: 'work/analysis.ipynb',
      cellId: 'c',
      code: 'show()',
      executionCount: seq,
      status: 'ok',
      startedAt: '2026-03-01T10:00:00.000Z',
      endedAt: '2026-03-01T10:00:01.000Z',
      durationMs: 1000,
      timing: 'kernel',
      outputs
    } as ExecutionRecord
  };
}

const table = (text: string): Output => ({
  output_type: 'display_data',
  data: { 'text/html': `<table><tr><td>${text}</td></tr></table>` },
  metadata: {}
});
const printed = (text: string): Output => ({
  output_type: 'stream',
  name: 'stdout',
  text: [text]
});

function view(): ReplayCellView {
  const v = new ReplayCellView({
    rendermime,
    trans: nullTranslator.load('jupyterlab-trail'),
    languages: null,
    language: () => 'python'
  });
  Widget.attach(v, document.body);
  return v;
}

/** The frame's script reports the content it shows (it listens). */
function report(frame: HTMLIFrameElement, seq: number): void {
  const frameId = /"(trail-frame-\d+)"/.exec(frame.srcdoc)![1];
  window.dispatchEvent(
    new MessageEvent('message', {
      data: { trailFrame: frameId, seq, height: 50 },
      source: frame.contentWindow
    })
  );
}

afterEach(() => {
  document.body.innerHTML = '';
  jest.restoreAllMocks();
});

describe('a replay cell given a new execution', () => {
  it('keeps its area and frame and sends the frame the new content', async () => {
    const v = view();
    v.showCell(ran(1, [printed('first\n'), table('one')]));
    v.reveal();
    await waitFor(() => v.node.querySelector('iframe'));
    const frame = v.node.querySelector('iframe')!;
    const area = v.node.querySelector('.jp-Trail-ReplayCell-outputs');
    report(frame, 1);
    const posted: any[] = [];
    jest
      .spyOn(frame.contentWindow!, 'postMessage')
      .mockImplementation((message: any) => void posted.push(message));
    v.showCell(ran(2, [printed('second\n'), table('two')]));
    // Not in view yet: the old outputs are out of sight, nothing is sent.
    expect((area as HTMLElement).style.display).toBe('none');
    expect(posted).toEqual([]);
    v.reveal();
    await waitFor(() => posted.length > 0);
    expect(v.node.querySelector('.jp-Trail-ReplayCell-outputs')).toBe(area);
    expect((area as HTMLElement).style.display).toBe('');
    expect(v.node.querySelectorAll('iframe')).toHaveLength(1);
    expect(v.node.querySelector('iframe')).toBe(frame);
    expect(posted).toHaveLength(1);
    expect(posted[0].content).toContain('two');
    expect(posted[0].content).not.toContain('one');
    // The text output changed in place, the old one is gone.
    expect(area!.textContent).toContain('second');
    expect(area!.textContent).not.toContain('first');
    // The frame is hidden until it shows the new table.
    expect(frame.style.visibility).toBe('hidden');
    report(frame, 2);
    expect(frame.style.visibility).toBe('');
    v.dispose();
  });

  it('makes a new area when the new outputs do not fit the old one', async () => {
    const v = view();
    v.showCell(ran(1, [table('one')]));
    v.reveal();
    await waitFor(() => v.node.querySelector('iframe'));
    const area = v.node.querySelector('.jp-Trail-ReplayCell-outputs');
    // One output more: a new area, the old one out of sight.
    v.showCell(ran(2, [table('two'), printed('more\n')]));
    v.reveal();
    const areas = () =>
      Array.from(
        v.node.querySelectorAll<HTMLElement>('.jp-Trail-ReplayCell-outputs')
      ).filter(node => node.style.display !== 'none');
    await waitFor(() => areas().length === 1 && areas()[0] !== area);
    expect(areas()[0].textContent).toContain('more');
    // A progress line the model rewrites when adding it (`\r`): new area.
    const before = areas()[0];
    v.showCell(ran(3, [table('three'), printed('10%\r100%\n')]));
    v.reveal();
    await waitFor(() => areas().length === 1 && areas()[0] !== before);
    expect(areas()[0].textContent).toContain('100%');
    expect(areas()[0].textContent).not.toContain('10%');
    // No outputs at all: nothing shown.
    v.showCell(ran(4, []));
    v.reveal();
    expect(areas()).toEqual([]);
    v.dispose();
  });
});
