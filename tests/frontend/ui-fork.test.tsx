/**
 * The fork's views in jsdom (#14): the Fork widget's mapping rows, step
 * picker, Browse and the notebook it writes; the contract report at each
 * level; the fork check's "Run fork" gate and "Run anyway"; a session's
 * Inputs section; and a run in fork mode saying "differs from parent".
 * The server, the kernel probe and the contents manager are met at their
 * seams; the contract, notebook and divergence rules are the real ones.
 */
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import type { Contents } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';
import {
  ForkCheckModel,
  ForkModel,
  ForkRunModel,
  forkSourceOf,
  IForkReader,
  SessionInputsModel
} from '../../src/model/fork';
import { TrailResponseError } from '../../src/client/errors';
import type {
  IReplayStep,
  IStepExecutor,
  PreflightReport
} from '../../src/model/replay-run';
import type { ContractReport } from '../../src/records/fork/contract';
import { compareExecutions } from '../../src/records/replay/compare';
import type { InputFile } from '../../src/records/replay/inputs';
import type { ExecutionRecord, SessionSummary } from '../../src/records/schema';
import {
  ContractReportView,
  ForkCheckWidget,
  ForkWidget,
  SessionInputsSection
} from '../../src/ui/fork';
import { ReplayRunWidget } from '../../src/ui/replay-run';
import { waitFor } from './ui-wait';

const trans = nullTranslator.load('jupyterlab-trail');
const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

function attach<T extends Widget>(widget: T): T {
  Widget.attach(widget, document.body);
  return widget;
}

/** Type into a React-controlled field. */
function type(input: HTMLInputElement, value: string): void {
  const setter = Object.getOwnPropertyDescriptor(
    HTMLInputElement.prototype,
    'value'
  )!.set!;
  setter.call(input, value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

function record(seq: number, text: string): ExecutionRecord {
  const at = new Date(Date.parse('2026-03-01T10:00:00Z') + seq * 1000);
  return {
    id: `exec-${seq}`,
    sessionId: 'parent-session',
    seq,
    notebookPath: 'work/train.ipynb',
    cellId: `cell-${seq}`,
    code: `print(${seq})`,
    executionCount: seq,
    status: 'ok',
    startedAt: at.toISOString(),
    endedAt: new Date(at.getTime() + 5).toISOString(),
    durationMs: 5,
    timing: 'kernel',
    outputs: [{ output_type: 'stream', name: 'stdout', text }]
  } as ExecutionRecord;
}

const TRAIN: InputFile = {
  path: 'data/train.csv',
  step: 1,
  sha256: SHA_A,
  size: 2048,
  role: 'train',
  table: {
    format: 'csv',
    columns: [
      { name: 'age', type: 'int64' },
      { name: 'income', type: 'float64' }
    ],
    rows: 120
  }
};
const TEST: InputFile = { path: 'data/test.csv', step: 3, size: 512 };
const IMAGES: InputFile = {
  path: 'images',
  step: 2,
  kind: 'folder',
  fileCount: 40
};

/** The server at the Fork widget's seam: a session of 3 steps. */
function forkReader(): IForkReader & { asked: number[] } {
  const inputsAt = (k: number) =>
    [TRAIN, IMAGES, TEST].filter(input => input.step <= k);
  const reader = {
    asked: [] as number[],
    getSession: async () =>
      ({
        id: 'parent-session',
        notebookPath: 'work/train.ipynb',
        startedAt: '2026-03-01T10:00:00Z',
        executionCount: 3,
        author: { name: 'alice', displayName: 'Alice' },
        kernel: { name: 'python3', displayName: 'Python 3', language: 'python' }
      }) as unknown as SessionSummary,
    getSteps: async () => ({
      total: 3,
      steps: [1, 2, 3].map(seq => ({
        step: seq,
        seq,
        executionId: `exec-${seq}`
      }))
    }),
    getInputs: async (_: string, upto: number) => {
      reader.asked.push(upto);
      return { sessionId: 'parent-session', upto, inputs: inputsAt(upto) };
    },
    getExecution: async (id: string) => record(Number(id.split('-')[1]), 'x\n'),
    resolveOutputs: async (outputs: ExecutionRecord['outputs']) => outputs
  };
  return reader;
}

/** A contents manager at its seam: one folder with one notebook. */
function fakeContents() {
  const saved = new Map<string, Partial<Contents.IModel>>();
  const contents = {
    saved,
    get: async (path: string) => {
      if (path !== 'work') {
        throw new Error('no such folder');
      }
      return {
        type: 'directory',
        writable: true,
        content: [{ name: 'train-fork-step3.ipynb' }]
      } as unknown as Contents.IModel;
    },
    save: async (path: string, options?: Partial<Contents.IModel>) => {
      saved.set(path, options ?? {});
      return { path } as Contents.IModel;
    }
  };
  return contents;
}

describe('ForkWidget', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('lists one mapping row per input of steps 1..k; Create is off until one is mapped', async () => {
    const reader = forkReader();
    const model = new ForkModel({
      sessionId: 'parent-session',
      reader,
      folder: 'work'
    });
    const browsed: string[] = [];
    let created = 0;
    const widget = attach(
      new ForkWidget({
        model,
        trans,
        onBrowse: async row => {
          browsed.push(row.input.path);
          return 'mine/images';
        },
        onCreate: () => created++
      })
    );
    void model.open();
    const node = widget.node;
    const rows = () =>
      Array.from(node.querySelectorAll<HTMLElement>('.jp-Trail-Fork-row'));
    await waitFor(() => rows().length === 3);
    expect(rows().map(row => row.dataset.recorded)).toEqual([
      'data/train.csv',
      'images',
      'data/test.csv'
    ]);
    expect(rows()[0].textContent).toContain('role train');
    expect(rows()[0].textContent).toContain('2 columns');
    expect(rows()[1].textContent).toContain('folder');
    expect(widget.title.label).toBe('Fork: train.ipynb');
    expect(node.textContent).toContain('Alice');
    const create = node.querySelector(
      '.jp-Trail-CreateForkButton'
    ) as HTMLButtonElement;
    expect(create.disabled).toBe(true);
    expect(node.textContent).toContain('Map at least one input');

    // A path typed, another browsed.
    type(
      rows()[0].querySelector('.jp-Trail-Fork-path') as HTMLInputElement,
      'mine/train.csv'
    );
    (rows()[1].querySelector('.jp-Trail-Fork-browse') as HTMLElement).click();
    await waitFor(() => rows()[1].dataset.mapped === 'true');
    expect(browsed).toEqual(['images']);
    expect(model.mappings).toEqual([
      { recorded: 'data/train.csv', path: 'mine/train.csv' },
      { recorded: 'images', path: 'mine/images' }
    ]);
    await waitFor(() => !create.disabled);
    create.click();
    expect(created).toBe(1);

    // Up to step 1: only the first input; its mapping is kept.
    const step = node.querySelector(
      '.jp-Trail-Fork-stepInput'
    ) as HTMLInputElement;
    type(step, '1');
    step.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })
    );
    await waitFor(() => rows().length === 1);
    expect(reader.asked).toEqual([3, 1]);
    expect(
      (rows()[0].querySelector('.jp-Trail-Fork-path') as HTMLInputElement).value
    ).toBe('mine/train.csv');
    expect(model.mappings).toEqual([
      { recorded: 'data/train.csv', path: 'mine/train.csv' }
    ]);
    widget.dispose();
  });

  it('opens at the step of an execution', async () => {
    const model = new ForkModel({
      sessionId: 'parent-session',
      executionId: 'exec-2',
      reader: forkReader()
    });
    await model.open();
    expect(model.step).toBe(2);
    expect(model.rows.map(row => row.input.path)).toEqual([
      'data/train.csv',
      'images'
    ]);
  });

  it('writes the fork notebook beside the others, never over one, with the fork source and paths from its folder', async () => {
    const model = new ForkModel({
      sessionId: 'parent-session',
      reader: forkReader(),
      folder: 'work',
      server: 'http://trail.example'
    });
    await model.open();
    model.setPath('data/train.csv', 'mine/train.csv');
    const contents = fakeContents();
    const path = await model.create(contents);
    expect(path).toBe('work/train-fork-step3-1.ipynb');
    const document = contents.saved.get(path!)!.content as {
      metadata: { trail: { source: unknown } };
      cells: { metadata: { trail?: { sourceExecution?: { step: number } } } }[];
    };
    expect(document.metadata.trail.source).toMatchObject({
      kind: 'fork',
      sessionId: 'parent-session',
      step: 3,
      form: 'as-executed',
      author: 'Alice',
      server: 'http://trail.example',
      substitutions: [{ recorded: 'data/train.csv', path: '../mine/train.csv' }]
    });
    expect(
      document.cells.map(cell => cell.metadata.trail?.sourceExecution?.step)
    ).toEqual([undefined, 1, 2, 3]);
    // What the fork's check and run read back.
    expect(forkSourceOf(document.metadata.trail)).toMatchObject({
      kind: 'fork',
      substitutions: [{ recorded: 'data/train.csv', path: '../mine/train.csv' }]
    });

    // A folder that does not exist: said, nothing written.
    model.folder = 'elsewhere';
    expect(await model.create(contents)).toBeNull();
    expect(model.createError).toContain('“elsewhere” does not exist');
    expect(contents.saved.size).toBe(1);
  });
});

const REPORT: ContractReport = {
  entries: [
    {
      recorded: 'data/train.csv',
      path: 'mine/train.csv',
      input: TRAIN,
      target: {
        path: 'mine/train.csv',
        exists: true,
        sha256: SHA_B,
        size: 4096,
        table: {
          format: 'csv',
          columns: [
            { name: 'age', type: 'float64' },
            { name: 'city', type: 'object' }
          ],
          rows: 300
        }
      },
      problems: [
        {
          level: 'note',
          code: 'extra-columns',
          message:
            'mine/train.csv (for data/train.csv) has a new column: city.',
          columns: ['city']
        },
        {
          level: 'error',
          code: 'missing-columns',
          message:
            'mine/train.csv (for data/train.csv) lacks the column income: the code would break.',
          columns: ['income']
        },
        {
          level: 'warning',
          code: 'retyped',
          message:
            'mine/train.csv (for data/train.csv): column age was int64, is float64.',
          columns: ['age']
        }
      ],
      columns: {
        added: [{ name: 'city', type: 'object' }],
        removed: [{ name: 'income', type: 'float64' }],
        retyped: [{ name: 'age', recorded: 'int64', target: 'float64' }]
      },
      rows: { recorded: 120, target: 300 },
      size: { recorded: 2048, target: 4096 }
    },
    {
      recorded: 'data/test.csv',
      path: 'mine/test.csv',
      input: TEST,
      target: { path: 'mine/test.csv', exists: true, size: 512 },
      problems: []
    }
  ],
  errors: 1,
  warnings: 1,
  notes: 1,
  ok: false
};

describe('ContractReportView', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows each level, both paths, hashes, sizes, rows and column changes', async () => {
    const widget = attach(
      ReactWidget.create(<ContractReportView report={REPORT} trans={trans} />)
    );
    const node = await waitFor(() =>
      widget.node.querySelector('.jp-Trail-Contract')
    );
    expect(node.getAttribute('data-ok')).toBe('false');
    const counts = Array.from(
      node.querySelectorAll('.jp-Trail-Contract-count')
    ).map(count => [count.getAttribute('data-level'), count.textContent]);
    expect(counts).toEqual([
      ['error', '1 error'],
      ['warning', '1 warning'],
      ['note', '1 note']
    ]);
    const [first, second] = Array.from(
      node.querySelectorAll<HTMLElement>('.jp-Trail-Contract-entry')
    );
    expect(first.dataset.level).toBe('error');
    expect(first.querySelector('.jp-Trail-Contract-mapping')!.textContent).toBe(
      'data/train.csv → mine/train.csv' + 'error'
    );
    // Errors first, then warnings, then notes.
    expect(
      Array.from(first.querySelectorAll('.jp-Trail-Contract-problem')).map(
        problem => problem.getAttribute('data-level')
      )
    ).toEqual(['error', 'warning', 'note']);
    expect(
      first.querySelector('[data-code="missing-columns"]')!.textContent
    ).toContain('lacks the column income');
    const facts = first.querySelector('.jp-Trail-Contract-facts')!.textContent;
    expect(facts).toContain(SHA_A.slice(0, 12));
    expect(facts).toContain(SHA_B.slice(0, 12));
    expect(facts).toContain('2.0 KB');
    expect(facts).toContain('4.0 KB');
    expect(facts).toContain('120');
    expect(facts).toContain('300');
    expect(
      Array.from(first.querySelectorAll('.jp-Trail-Contract-columns li')).map(
        li => [li.getAttribute('data-change'), li.textContent]
      )
    ).toEqual([
      ['removed', 'column income (float64) is missing'],
      ['retyped', 'column age was int64, is float64'],
      ['added', 'column city (object) is new']
    ]);
    expect(second.dataset.level).toBe('ok');
    expect(second.textContent).toContain('matches');
    widget.dispose();
  });
});

describe('ForkCheckWidget', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  const preflight: PreflightReport = {
    python: { recorded: '3.11.4', target: '3.11.4', same: true },
    packages: { missing: [], older: [], newer: [], same: 12 },
    pipInstall: null,
    files: [
      { path: 'data/train.csv', step: 1, state: 'missing' },
      { path: 'data/test.csv', step: 3, state: 'same' }
    ],
    ready: false
  };

  function checkWith(columns: string[]) {
    const probes: [string[], boolean][] = [];
    const model = new ForkCheckModel({
      sessionId: 'parent-session',
      step: 3,
      substitutions: [{ recorded: 'data/train.csv', path: 'mine/train.csv' }],
      server: {
        getInputs: async () => ({
          sessionId: 'parent-session',
          upto: 3,
          environment: { language: { name: 'python' } } as never,
          inputs: [TRAIN, TEST]
        }),
        preflight: async () => preflight
      },
      probe: async (paths, options) => {
        probes.push([paths, options.detail]);
        return {
          files: paths.map(path =>
            path === 'mine/train.csv'
              ? {
                  path,
                  exists: true,
                  kind: 'file' as const,
                  readable: true,
                  size: 100,
                  sha256: SHA_B,
                  table: {
                    format: 'csv' as const,
                    columns: columns.map(name => ({ name, type: 'int64' })),
                    rows: 3
                  }
                }
              : { path, exists: true, size: 512 }
          )
        };
      }
    });
    return { model, probes };
  }

  it('blocks "Run fork" on a contract error until "Run anyway" is ticked', async () => {
    const { model, probes } = checkWith(['age']);
    let runs = 0;
    const widget = attach(
      new ForkCheckWidget({
        model,
        trans,
        notebookName: 'train-fork-step3.ipynb',
        author: 'Alice',
        onStartKernel: () => undefined,
        onRun: () => runs++
      })
    );
    await model.run();
    // The kept input as a replay probes it, the new file with detail.
    expect(probes).toEqual([
      [['data/test.csv'], false],
      [['mine/train.csv'], true]
    ]);
    const node = widget.node;
    const title = await waitFor(() =>
      node.querySelector('.jp-Trail-ForkCheck-title')
    );
    expect(title.getAttribute('data-ready')).toBe('false');
    expect(title.textContent).toContain('1 error');
    const missing = node.querySelector(
      '.jp-Trail-Contract-problem[data-code="missing-columns"]'
    )!;
    expect(missing.getAttribute('data-level')).toBe('error');
    expect(missing.textContent).toContain('income');
    expect(missing.textContent).toContain('mine/train.csv');
    // The preflight lists only the input kept as recorded.
    expect(
      Array.from(node.querySelectorAll('.jp-Trail-Preflight-file')).map(row =>
        row.getAttribute('data-path')
      )
    ).toEqual(['data/test.csv']);
    const run = node.querySelector(
      '.jp-Trail-RunForkButton'
    ) as HTMLButtonElement;
    expect(run.disabled).toBe(true);
    const force = node.querySelector(
      '.jp-Trail-ForkCheck-force input'
    ) as HTMLInputElement;
    force.click();
    await waitFor(() => !run.disabled);
    expect(model.forced).toBe(true);
    run.click();
    expect(runs).toBe(1);
    // A new check is a new decision.
    await model.run();
    expect(model.forced).toBe(false);
    await waitFor(() => run.disabled);
    widget.dispose();
  });

  it('offers "Run fork" at once on a clean contract', async () => {
    const { model } = checkWith(['age', 'income', 'city']);
    const widget = attach(
      new ForkCheckWidget({
        model,
        trans,
        notebookName: 'train-fork-step3.ipynb',
        onStartKernel: () => undefined,
        onRun: () => undefined
      })
    );
    await model.run();
    const title = await waitFor(() =>
      widget.node.querySelector('.jp-Trail-ForkCheck-title[data-ready="true"]')
    );
    // income is read as int64 where the recording had float64: a warning.
    expect(title.textContent).toBe('Ready to fork, with 1 warning');
    expect(
      widget.node
        .querySelector('.jp-Trail-Contract-problem[data-code="retyped"]')
        ?.getAttribute('data-level')
    ).toBe('warning');
    expect(widget.node.querySelector('.jp-Trail-ForkCheck-force')).toBeNull();
    expect(
      (
        widget.node.querySelector(
          '.jp-Trail-RunForkButton'
        ) as HTMLButtonElement
      ).disabled
    ).toBe(false);
    expect(
      widget.node
        .querySelector('.jp-Trail-Contract-problem[data-code="extra-columns"]')
        ?.getAttribute('data-level')
    ).toBe('note');
    widget.dispose();
  });
});

describe('SessionInputsSection', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('lists the inputs with role, size, hash, columns and first step, and offers the fork', async () => {
    const asked: number[] = [];
    let forked = 0;
    const reader = {
      getInputs: async (sessionId: string, upto: number) => {
        asked.push(upto);
        return { sessionId, upto, inputs: [TRAIN, IMAGES] };
      }
    };
    const widget = attach(
      ReactWidget.create(
        <SessionInputsSection
          reader={reader}
          sessionId="parent-session"
          upto={7}
          trans={trans}
          onFork={() => forked++}
        />
      )
    );
    const items = await waitFor(() => {
      const found =
        widget.node.querySelectorAll<HTMLElement>('.jp-Trail-Input');
      return found.length === 2 && Array.from(found);
    });
    expect(asked).toEqual([7]);
    const [train, images] = items;
    expect(train.dataset.path).toBe('data/train.csv');
    expect(train.querySelector('.jp-Trail-Input-role')!.textContent).toBe(
      'train'
    );
    const facts = train.querySelector('.jp-Trail-Input-facts')!.textContent;
    expect(facts).toContain('2.0 KB');
    expect(facts).toContain('CSV');
    expect(facts).toContain('120 rows');
    expect(facts).toContain('first read at step 1');
    expect(facts).toContain(SHA_A.slice(0, 12));
    expect(
      Array.from(train.querySelectorAll('.jp-Trail-Input-columns li')).map(
        li => li.textContent
      )
    ).toEqual(['age int64', 'income float64']);
    expect(images.dataset.kind).toBe('folder');
    expect(images.textContent).toContain('folder of 40 files');
    (
      widget.node.querySelector('.jp-Trail-ForkButton') as HTMLButtonElement
    ).click();
    expect(forked).toBe(1);
    widget.dispose();
  });

  it('says when nothing was read', async () => {
    const widget = attach(
      ReactWidget.create(
        <SessionInputsSection
          reader={{
            getInputs: async (sessionId: string, upto: number) => ({
              sessionId,
              upto,
              inputs: []
            })
          }}
          sessionId="parent-session"
          upto={2}
          trans={trans}
          onFork={() => undefined}
        />
      )
    );
    const empty = await waitFor(() =>
      widget.node.querySelector('.jp-Trail-Inputs-empty:not([role])')
    );
    expect(empty.textContent).toContain('No data file was recorded as read');
    // Nothing to map: no fork offered.
    expect(widget.node.querySelector('.jp-Trail-ForkButton')).toBeNull();
    widget.dispose();
  });
});

describe('ReplayRunWidget in fork mode', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows a differing step as "differs from parent", neutral, and the run as finished', async () => {
    const recorded = new Map(
      [record(1, 'one\n'), record(2, 'two\n')].map(r => [r.id, r])
    );
    const replies: Record<string, ExecutionRecord> = {
      'cell-1': record(1, 'one\n'),
      'cell-2': record(2, 'TWO\n')
    };
    const marks: [number, string | null][] = [];
    const executor: IStepExecutor = {
      execute: async (step: IReplayStep) => replies[step.cellId],
      reveal: (step, mark) => void marks.push([step.step, mark])
    };
    const installed: string[] = [];
    const model = new ForkRunModel({
      sessionId: 'parent-session',
      upto: 2,
      steps: [1, 2].map(seq => ({
        step: seq,
        seq,
        executionId: `exec-${seq}`,
        cellId: `cell-${seq}`
      })),
      executor,
      recorded: {
        getExecution: async id => recorded.get(id)!,
        resolveOutputs: async outputs => outputs
      },
      compare: compareExecutions,
      substitutions: [{ recorded: 'data/train.csv', path: 'mine/train.csv' }],
      contract: { entries: [], errors: 0, warnings: 0, notes: 0, ok: true },
      installRedirects: async map => {
        installed.push(map[0].path);
        return [];
      }
    });
    const rendermime = new RenderMimeRegistry({
      initialFactories: standardRendererFactories
    });
    const widget = attach(
      new ReplayRunWidget({ model, notebookName: 'fork.ipynb', rendermime })
    );
    await model.start();
    expect(installed).toEqual(['mine/train.csv']);
    const node = widget.node;
    const status = await waitFor(() =>
      node.querySelector('.jp-Trail-ReplayRun-status[data-state="finished"]')
    );
    expect(status.textContent).toBe(
      'All 2 steps ran on your data; 1 differ from the parent, as expected with other data.'
    );
    expect(widget.title.label).toBe('Fork: fork.ipynb');
    expect(
      node.querySelector('.jp-Trail-ReplayRun-body')!.getAttribute('data-mode')
    ).toBe('fork');
    const step2 = node.querySelector(
      '.jp-Trail-ReplayRun-step[data-step="2"]'
    )!;
    expect(step2.getAttribute('data-verdict')).toBe('differs');
    expect(
      step2.querySelector('.jp-Trail-ReplayRun-verdict')!.textContent
    ).toBe('differs from parent');
    // Not flagged as a divergence, in the list or on the cell.
    expect(node.querySelector('[data-first-divergence="true"]')).toBeNull();
    expect(marks.filter(([, mark]) => mark !== 'running')).toEqual([
      [1, 'same'],
      [2, 'same']
    ]);
    widget.dispose();
  });
});

describe('SessionInputsModel', () => {
  it('reads a growing session again at most every interval, for its latest step', async () => {
    const asked: number[] = [];
    const model = new SessionInputsModel({
      sessionId: 'parent-session',
      reader: {
        getInputs: async (sessionId: string, upto: number) => {
          asked.push(upto);
          return { sessionId, upto, inputs: [TRAIN] };
        }
      },
      minIntervalMs: 200
    });
    await model.load(5);
    expect(asked).toEqual([5]);
    await model.load(6);
    await model.load(7);
    expect(asked).toEqual([5]);
    await waitFor(() => asked.length === 2);
    expect(asked).toEqual([5, 7]);
    expect(model.inputs).toEqual([TRAIN]);
    model.dispose();
  });

  it('asks the last readable step when the count names one the person may not read', async () => {
    const asked: number[] = [];
    const model = new SessionInputsModel({
      sessionId: 'parent-session',
      reader: {
        getInputs: async (sessionId: string, upto: number) => {
          asked.push(upto);
          if (upto > 4) {
            throw new TrailResponseError(
              404,
              'step_not_found',
              'Session "parent-session" has no step 6: its steps are 1 to 4.'
            );
          }
          return { sessionId, upto, inputs: [TRAIN] };
        },
        getSteps: async () => ({ total: 4 })
      }
    });
    await model.load(6);
    expect(asked).toEqual([6, 4]);
    expect(model.error).toBeNull();
    expect(model.upto).toBe(4);
    expect(model.inputs).toEqual([TRAIN]);
    model.dispose();
  });
});
