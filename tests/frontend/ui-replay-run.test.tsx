/**
 * The views of "Replay in my kernel" in jsdom: the preflight report and its
 * errors, the run's results with pause, Continue / Stop and strict, the
 * divergence detail, the session's replays section, and which cells a
 * notebook opened from a recorded session replays. The runner is driven by
 * a scripted executor at its seam and the real divergence rule.
 */
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import * as React from 'react';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import {
  IReplayStep,
  IStepExecutor,
  PreflightModel,
  PreflightReport,
  ProbeError,
  ReplayRunModel,
  replaySourceOf,
  replayStepsOf,
  SessionReplaysModel
} from '../../src/model/replay-run';
import type { ExecutionRecord, SessionSummary } from '../../src/records/schema';
import { compareExecutions } from '../../src/records/replay/compare';
import { PreflightWidget, ReplayRunWidget } from '../../src/ui/replay-run';
import { ReplaysSection } from '../../src/ui/replay-run/replaysSection';
import { waitFor } from './ui-wait';

const trans = nullTranslator.load('jupyterlab-trail');
const rendermime = new RenderMimeRegistry({
  initialFactories: standardRendererFactories
});

function record(seq: number, text: string, status: 'ok' | 'error' = 'ok') {
  const at = new Date(Date.parse('2026-03-01T10:00:00Z') + seq * 1000);
  return {
    id: `exec-${seq}`,
    sessionId: 'session-1',
    seq,
    notebookPath: 'a.ipynb',
    cellId: `cell-${seq}`,
    code: `print(${seq})`,
    executionCount: seq,
    status,
    startedAt: at.toISOString(),
    endedAt: new Date(at.getTime() + 5).toISOString(),
    durationMs: 5,
    timing: 'kernel',
    outputs: [{ output_type: 'stream', name: 'stdout', text }]
  } as ExecutionRecord;
}

const REPORT: PreflightReport = {
  python: { recorded: '3.11.4', target: '3.12.1', same: false },
  packages: {
    missing: [{ name: 'scikit-learn', recorded: '1.4.2' }],
    older: [{ name: 'numpy', recorded: '1.26.4', target: '1.24.0' }],
    newer: [],
    same: 40
  },
  pipInstall: 'pip install scikit-learn==1.4.2 numpy==1.26.4',
  files: [
    {
      path: 'data.csv',
      step: 2,
      state: 'changed',
      columns: {
        added: [{ name: 'c', type: 'int64' }],
        removed: [],
        retyped: [{ name: 'a', recorded: 'int64', target: 'float64' }]
      }
    },
    { path: 'same.csv', step: 1, state: 'same' },
    { path: 'gone.csv', step: 3, state: 'missing' }
  ],
  ready: false
};

function attach(widget: Widget): Widget {
  Widget.attach(widget, document.body);
  return widget;
}

describe('PreflightWidget', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  function serverWith(report: PreflightReport) {
    return {
      getInputs: async () => ({
        sessionId: 'session-1',
        upto: 3,
        environment: { language: { name: 'python', version: '3.11.4' } } as any,
        inputs: report.files.map(file => ({ path: file.path, step: file.step }))
      }),
      preflight: async () => report
    };
  }

  it('shows the differences, the package tables, the pip line and the files', async () => {
    const asked: string[][] = [];
    const model = new PreflightModel({
      sessionId: 'session-1',
      step: 3,
      server: serverWith(REPORT),
      probe: async paths => {
        asked.push(paths);
        return { files: [] };
      }
    });
    const widget = attach(
      new PreflightWidget({
        model,
        trans,
        notebookName: 'a-step3.ipynb',
        onStartKernel: () => undefined,
        onReplay: () => undefined
      })
    );
    await model.run();
    const node = widget.node;
    await waitFor(() => node.querySelector('.jp-Trail-Preflight-file'));
    expect(asked).toEqual([['data.csv', 'same.csv', 'gone.csv']]);
    expect(node.querySelector('.jp-Trail-Preflight-title')?.textContent).toBe(
      '5 differences'
    );
    const python = node.querySelector('.jp-Trail-Preflight-python')!;
    expect(python.textContent).toContain('3.11.4');
    expect(python.textContent).toContain('3.12.1');
    expect(node.querySelector('[data-kind="missing"]')?.textContent).toContain(
      'scikit-learn'
    );
    expect(node.querySelector('[data-kind="older"]')?.textContent).toContain(
      '1.24.0'
    );
    expect(node.querySelector('[data-kind="newer"]')).toBeNull();
    expect(
      node.querySelector('.jp-Trail-Preflight-pipLine code')?.textContent
    ).toBe(REPORT.pipInstall);
    expect(
      node
        .querySelector('.jp-Trail-Preflight-pipLine button')
        ?.getAttribute('aria-label')
    ).toBe('Copy the pip install line');
    const states = Array.from(
      node.querySelectorAll('.jp-Trail-Preflight-file')
    ).map(row => [
      row.getAttribute('data-path'),
      row.getAttribute('data-state')
    ]);
    expect(states).toEqual([
      ['data.csv', 'changed'],
      ['same.csv', 'same'],
      ['gone.csv', 'missing']
    ]);
    const columns = node.querySelector('.jp-Trail-Preflight-columns')!;
    expect(columns.textContent).toContain('column c (int64) is new');
    expect(columns.textContent).toContain('column a was int64, is float64');
    // What a missing file and a changed input mean, in words.
    expect(
      node.querySelector('.jp-Trail-Preflight-file[data-path="gone.csv"]')
        ?.textContent
    ).toContain('not found by this notebook’s kernel');
    expect(
      node.querySelector('.jp-Trail-Preflight-consequence')?.textContent
    ).toContain('From step 2 on, the steps read other data');
    widget.dispose();
  });

  it('says "Ready to replay" when nothing differs', async () => {
    const ready: PreflightReport = {
      python: { recorded: '3.11.4', target: '3.11.4', same: true },
      packages: { missing: [], older: [], newer: [], same: 12 },
      pipInstall: null,
      files: [{ path: 'data.csv', step: 1, state: 'same' }],
      ready: true
    };
    const model = new PreflightModel({
      sessionId: 'session-1',
      step: 1,
      server: serverWith(ready),
      probe: async () => ({ files: [] })
    });
    const widget = attach(
      new PreflightWidget({
        model,
        trans,
        notebookName: 'a.ipynb',
        onStartKernel: () => undefined
      })
    );
    await model.run();
    const title = await waitFor(() =>
      widget.node.querySelector('.jp-Trail-Preflight-title[data-ready]')
    );
    expect(title.textContent).toBe('Ready to replay');
    expect(widget.node.querySelector('.jp-Trail-Preflight-pip')).toBeNull();
    widget.dispose();
  });

  it('offers to start the kernel when there is none, then checks again', async () => {
    let kernel = false;
    let started = 0;
    const model = new PreflightModel({
      sessionId: 'session-1',
      step: 3,
      server: serverWith(REPORT),
      probe: async () => {
        if (!kernel) {
          throw new ProbeError(
            'no-kernel',
            'The notebook has no running kernel.'
          );
        }
        return { files: [] };
      }
    });
    const widget = attach(
      new PreflightWidget({
        model,
        trans,
        notebookName: 'a.ipynb',
        onStartKernel: () => {
          started++;
          kernel = true;
          void model.run();
        }
      })
    );
    await model.run();
    const alert = await waitFor(() =>
      widget.node.querySelector('.jp-Trail-Preflight-error')
    );
    expect(alert.textContent).toContain('no running kernel');
    const start = Array.from(alert.querySelectorAll('button')).find(
      button => button.textContent === 'Start the kernel'
    )!;
    start.click();
    expect(started).toBe(1);
    await waitFor(() => widget.node.querySelector('.jp-Trail-Preflight-file'));
    widget.dispose();
  });
});

/** An executor that answers each step from a script, one at a time. */
class ScriptedExecutor implements IStepExecutor {
  constructor(private replies: Record<string, ExecutionRecord | Error>) {}
  ran: string[] = [];
  marks: [number, string | null][] = [];
  async execute(step: IReplayStep): Promise<ExecutionRecord> {
    this.ran.push(step.cellId);
    const reply = this.replies[step.cellId];
    if (reply instanceof Error) {
      throw reply;
    }
    return reply;
  }
  reveal(step: IReplayStep, mark: string | null): void {
    this.marks.push([step.step, mark]);
  }
}

describe('ReplayRunWidget', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  const recorded = new Map(
    [record(1, 'one\n'), record(2, 'two\n'), record(3, 'three\n')].map(r => [
      r.id,
      r
    ])
  );
  const source = {
    getExecution: async (id: string) => recorded.get(id)!,
    resolveOutputs: async (outputs: ExecutionRecord['outputs']) => outputs
  };
  const steps: IReplayStep[] = [1, 2, 3].map(seq => ({
    step: seq,
    seq,
    executionId: `exec-${seq}`,
    cellId: `cell-${seq}`
  }));

  it('pauses at the first divergence with its diff, then Continue finishes', async () => {
    const executor = new ScriptedExecutor({
      'cell-1': record(1, 'one\n'),
      'cell-2': record(2, 'TWO\n'),
      'cell-3': record(3, 'three\n')
    });
    const model = new ReplayRunModel({
      sessionId: 'session-1',
      upto: 3,
      steps,
      executor,
      recorded: source,
      compare: compareExecutions
    });
    const focused: number[] = [];
    const widget = attach(
      new ReplayRunWidget({
        model,
        notebookName: 'a.ipynb',
        rendermime,
        onFocusStep: step => focused.push(step.step)
      })
    );
    const done = model.start();
    const node = widget.node;
    const status = await waitFor(() =>
      node.querySelector('.jp-Trail-ReplayRun-status[data-state="paused"]')
    );
    expect(status.textContent).toContain('Paused at step 2: differs');
    expect(executor.ran).toEqual(['cell-1', 'cell-2']);
    const step2 = node.querySelector(
      '.jp-Trail-ReplayRun-step[data-step="2"]'
    )!;
    expect(step2.getAttribute('data-verdict')).toBe('differs');
    expect(step2.getAttribute('data-first-divergence')).toBe('true');
    expect(
      node
        .querySelector('.jp-Trail-ReplayRun-step[data-step="3"]')
        ?.getAttribute('data-state')
    ).toBe('pending');
    // The divergence's detail: a merge view of the two stdout texts, and
    // both sides' outputs.
    await waitFor(() =>
      node.querySelector('.jp-Trail-ReplayDetail .cm-mergeView')
    );
    expect(node.querySelector('.jp-Trail-ReplayDetail')?.textContent).toContain(
      'TWO'
    );
    expect(node.querySelectorAll('.jp-Trail-CompareOutputs-side')).toHaveLength(
      2
    );
    expect(executor.marks).toContainEqual([2, 'diverged']);

    const button = (label: string) =>
      Array.from(node.querySelectorAll('button')).find(
        b => b.textContent === label
      ) as HTMLButtonElement;
    button('Continue').click();
    await done;
    await waitFor(() =>
      node.querySelector('.jp-Trail-ReplayRun-status[data-state="finished"]')
    );
    expect(
      node.querySelector('.jp-Trail-ReplayRun-status')?.textContent
    ).toContain('2 of 3 steps reproduced; the first divergence is at step 2');

    // Picking a step shows it and its cell.
    (
      node.querySelector(
        '.jp-Trail-ReplayRun-step[data-step="1"] button'
      ) as HTMLButtonElement
    ).click();
    expect(focused).toEqual([1]);
    await waitFor(() => node.querySelector('.jp-Trail-ReplayDetail-same'));
    widget.dispose();
  });

  it('Stop at the pause leaves the rest not run; strict re-compares', async () => {
    const executor = new ScriptedExecutor({
      'cell-1': record(1, 'at 0x7f3a2b1c0d90\n'),
      'cell-2': record(2, 'TWO\n'),
      'cell-3': record(3, 'three\n')
    });
    recorded.set('exec-1', record(1, 'at 0x7f00aa00bb00\n'));
    const model = new ReplayRunModel({
      sessionId: 'session-1',
      upto: 3,
      steps,
      executor,
      recorded: source,
      compare: compareExecutions
    });
    const widget = attach(
      new ReplayRunWidget({ model, notebookName: 'a.ipynb', rendermime })
    );
    const done = model.start();
    const node = widget.node;
    await waitFor(() =>
      node.querySelector('.jp-Trail-ReplayRun-status[data-state="paused"]')
    );
    // The address is nondeterministic: ignored, said quietly.
    expect(
      node.querySelector(
        '.jp-Trail-ReplayRun-step[data-step="1"] .jp-Trail-ReplayRun-ignored'
      )?.textContent
    ).toContain('memory address');
    const stop = Array.from(node.querySelectorAll('button')).find(
      b => b.textContent === 'Stop'
    )!;
    stop.click();
    await done;
    expect(model.state).toBe('stopped');
    expect(executor.ran).toEqual(['cell-1', 'cell-2']);
    await waitFor(() =>
      node.querySelector(
        '.jp-Trail-ReplayRun-step[data-step="3"][data-state="not-run"]'
      )
    );
    const strict = node.querySelector(
      '.jp-Trail-ReplayRun-strict input'
    ) as HTMLInputElement;
    strict.click();
    expect(model.strict).toBe(true);
    await waitFor(() =>
      node.querySelector(
        '.jp-Trail-ReplayRun-step[data-step="1"][data-verdict="differs"]'
      )
    );
    recorded.set('exec-1', record(1, 'one\n'));
    widget.dispose();
  });

  it('a kernel death is reported at its step', async () => {
    const { KernelDiedError } = await import('../../src/model/replay-run');
    const executor = new ScriptedExecutor({
      'cell-1': record(1, 'one\n'),
      'cell-2': new KernelDiedError(
        'The kernel died while step 2 was running.'
      ),
      'cell-3': record(3, 'three\n')
    });
    const model = new ReplayRunModel({
      sessionId: 'session-1',
      upto: 3,
      steps,
      executor,
      recorded: source,
      compare: compareExecutions
    });
    const widget = attach(
      new ReplayRunWidget({ model, notebookName: 'a.ipynb', rendermime })
    );
    await model.start();
    const node = widget.node;
    const status = await waitFor(() =>
      node.querySelector('.jp-Trail-ReplayRun-status[data-state="failed"]')
    );
    expect(status.textContent).toBe(
      'The kernel died while step 2 was running.'
    );
    expect(
      node.querySelector(
        '.jp-Trail-ReplayRun-step[data-step="2"] .jp-Trail-ReplayRun-verdict'
      )?.textContent
    ).toBe('kernel died');
    expect(executor.ran).toEqual(['cell-1', 'cell-2']);
    expect(executor.marks).toContainEqual([2, 'failed']);
    widget.dispose();
  });
});

describe('divergences of other kinds', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  const RED =
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
  const BLUE =
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPj/HwADBwIAMCbHYQAAAABJRU5ErkJggg==';
  const image = (png: string) =>
    ({
      ...record(1, ''),
      outputs: [
        { output_type: 'stream', name: 'stdout', text: 'plotting\n' },
        {
          output_type: 'display_data',
          data: { 'image/png': png },
          metadata: {}
        }
      ]
    }) as ExecutionRecord;

  it('shows a differing image side by side, recorded and replayed', async () => {
    const model = new ReplayRunModel({
      sessionId: 'session-1',
      upto: 1,
      steps: [{ step: 1, seq: 1, executionId: 'exec-1', cellId: 'cell-1' }],
      executor: new ScriptedExecutor({ 'cell-1': image(BLUE) }),
      recorded: {
        getExecution: async () => image(RED),
        resolveOutputs: async outputs => outputs
      },
      compare: compareExecutions
    });
    const widget = attach(
      new ReplayRunWidget({ model, notebookName: 'a.ipynb', rendermime })
    );
    await model.start();
    expect(model.results[0].comparison?.verdict).toBe('differs');
    const box = await waitFor(() =>
      widget.node.querySelector('.jp-Trail-ReplayDifference[data-kind="image"]')
    );
    const sides = await waitFor(() => {
      const images = box.querySelectorAll('.jp-Trail-CompareOutputs-side img');
      return images.length === 2 ? images : null;
    });
    expect(sides[0].getAttribute('src')).toContain(RED);
    expect(sides[1].getAttribute('src')).toContain(BLUE);
    widget.dispose();
  });

  it('a recorded execution the server cannot give stops the run before its step runs', async () => {
    const executor = new ScriptedExecutor({ 'cell-1': record(1, 'one\n') });
    const model = new ReplayRunModel({
      sessionId: 'session-1',
      upto: 1,
      steps: [{ step: 1, seq: 1, executionId: 'exec-1', cellId: 'cell-1' }],
      executor,
      recorded: {
        getExecution: async () => {
          throw new Error('The Trail server could not be reached');
        },
        resolveOutputs: async outputs => outputs
      },
      compare: compareExecutions
    });
    await model.start();
    expect(model.state).toBe('failed');
    expect(model.results[0].state).toBe('failed');
    expect(model.message).toContain('could not be read');
    expect(executor.ran).toEqual([]);
  });
});

describe('ReplaysSection', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  const replay = (id: string, step: number, executionCount: number) =>
    ({
      id,
      notebookPath: 'bob/a-step3.ipynb',
      startedAt: new Date().toISOString(),
      kernel: null,
      executionCount,
      lastExecutionAt: null,
      author: { id: 'bob', name: 'bob', displayName: 'Bob' },
      lineage: { kind: 'replay', sessionId: 'session-1', step }
    }) as unknown as SessionSummary;

  const mount = (
    model: SessionReplaysModel,
    onOpen: (session: SessionSummary) => void = () => undefined
  ) =>
    attach(
      ReactWidget.create(
        <UseSignal signal={model.changed}>
          {() => (
            <ReplaysSection
              model={model}
              isMine={() => false}
              onOpen={onOpen}
              trans={trans}
            />
          )}
        </UseSignal>
      )
    );

  it('lists who replayed the session, up to which step, and opens one', async () => {
    const asked: string[] = [];
    const model = new SessionReplaysModel({
      sessionId: 'session-1',
      lister: {
        listReplays: async id => {
          asked.push(id);
          return { items: [replay('r1', 3, 2)], nextCursor: null };
        }
      }
    });
    const opened: string[] = [];
    const widget = mount(model, session => opened.push(session.id));
    const item = await waitFor(() =>
      widget.node.querySelector<HTMLButtonElement>('.jp-Trail-ReplayItem')
    );
    expect(asked).toEqual(['session-1']);
    expect(item.textContent).toContain('Bob replayed up to step 3');
    expect(item.textContent).toContain('2 of 3 steps run');
    item.click();
    expect(opened).toEqual(['r1']);
    widget.dispose();
  });

  it('says a run of a pipeline exported from the session is one, not a replay', async () => {
    const run = {
      ...replay('p1', 4, 1),
      notebookPath: 'bob/pipelines/a-2026-12-06/pipeline.py',
      lineage: { kind: 'export', sessionId: 'session-1', step: 4 }
    } as SessionSummary;
    const model = new SessionReplaysModel({
      sessionId: 'session-1',
      lister: {
        listReplays: async () => ({
          items: [run, replay('r1', 3, 3)],
          nextCursor: null
        })
      }
    });
    const widget = mount(model);
    await waitFor(
      () =>
        widget.node.querySelectorAll('.jp-Trail-ReplayItem').length === 2 ||
        null
    );
    const [exported, replayed] = Array.from(
      widget.node.querySelectorAll<HTMLElement>('.jp-Trail-ReplayItem')
    );
    expect(exported.dataset.kind).toBe('export');
    expect(exported.textContent).toContain(
      'Bob ran the pipeline exported up to step 4'
    );
    expect(exported.textContent).toContain('python pipeline.py');
    expect(exported.textContent).not.toContain('steps run');
    expect(replayed.textContent).toContain('Bob replayed up to step 3');
    expect(replayed.textContent).toContain('3 of 3 steps run');
    widget.dispose();
  });

  it('shows nothing when the reader cannot list replays', async () => {
    const model = new SessionReplaysModel({ sessionId: 's', lister: {} });
    const widget = mount(model);
    await waitFor(() => model.loaded);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(widget.node.querySelector('.jp-Trail-Replays')).toBeNull();
    widget.dispose();
  });
});

describe('which cells a notebook opened from a recorded session replays', () => {
  it('reads trail.source and ignores a malformed one', () => {
    expect(
      replaySourceOf({
        source: {
          sessionId: 's1',
          step: 4,
          form: 'as-it-stood',
          notebookPath: 'a.ipynb'
        }
      })
    ).toEqual({
      sessionId: 's1',
      step: 4,
      form: 'as-it-stood',
      notebookPath: 'a.ipynb'
    });
    expect(replaySourceOf({ source: { sessionId: 's1', step: 0 } })).toBeNull();
    expect(replaySourceOf({ record: false })).toBeNull();
    expect(replaySourceOf(undefined)).toBeNull();
  });

  it('takes the code cells with a sourceExecution up to the step, in seq order', () => {
    const cell = (id: string, seq?: number, type = 'code') => ({
      id,
      cellType: type,
      trail:
        seq === undefined
          ? { note: 'source' }
          : { sourceExecution: { id: `e${seq}`, seq, step: seq } }
    });
    const steps = replayStepsOf(
      [
        cell('note', undefined, 'markdown'),
        cell('c3', 3),
        cell('c1', 1),
        cell('edited'),
        cell('c5', 5),
        cell('md', 2, 'markdown'),
        cell('c2', 2)
      ],
      3
    );
    expect(steps.map(step => step.cellId)).toEqual(['c1', 'c2', 'c3']);
    expect(steps[0]).toEqual({
      step: 1,
      seq: 1,
      executionId: 'e1',
      cellId: 'c1'
    });
  });
});
