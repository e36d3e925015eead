/**
 * A fork run from the browser side (#14) on a real ipykernel behind a real
 * jupyter server, with the recorder injecting the helper: the fork check
 * probes the user's files in the kernel (with detail) and judges them with
 * the contract rule; the fork run installs the redirects before step 1, so
 * the recorded code (its path built with os.path.join) reads the user's
 * data, and a step whose output differs is "differs from parent"; a run on
 * a contract with an error runs nothing until forced. The recorded
 * executions come from a first run of the same code, served at the
 * runner's seam instead of a Trail server.
 */
import type { Kernel } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { KERNEL_HELPER_SOURCE } from '../../src/_generated/kernel-helper';
import { Signal } from '@lumino/signaling';
import {
  ForkCheckModel,
  forkBlocker,
  ForkRunModel,
  RedirectKeeper
} from '../../src/model/fork';
import {
  installRedirects,
  IReplayStep,
  KernelStepExecutor,
  PreflightReport,
  runProbe
} from '../../src/model/replay-run';
import type { ForkMapping } from '../../src/records/fork/contract';
import { compareExecutions } from '../../src/records/replay/compare';
import type { InputFile } from '../../src/records/replay/inputs';
import type { ExecutionRecord } from '../../src/records/schema';
import { TrailRecorder } from '../../src/recorder';
import { verdictLabel } from '../../src/ui/replay-run/runView';
import { IRealKernel, startKernel } from './recorder/jupyter-server';

jest.setTimeout(120000);

const describeWithHelper = KERNEL_HELPER_SOURCE ? describe : describe.skip;

const trans = nullTranslator.load('jupyterlab-trail');

/** The recorded notebook: its path is built at run time. */
const CELLS = [
  {
    id: 'c-path',
    code: 'import os\npath = os.path.join("data", "train.csv")',
    seq: 1
  },
  {
    id: 'c-read',
    code: 'rows = open(path).read().split()\nprint(len(rows) - 1, "rows")',
    seq: 2
  },
  { id: 'c-first', code: 'print(rows[1])', seq: 3 }
];

const STEPS: IReplayStep[] = CELLS.map(cell => ({
  step: cell.seq,
  seq: cell.seq,
  executionId: `rec-${cell.id}`,
  cellId: cell.id
}));

describeWithHelper('a fork in a real kernel', () => {
  let real: IRealKernel | undefined;
  let kernel: Kernel.IKernelConnection;
  const recorder = new TrailRecorder({
    client: { name: 'trail-tests', version: '0.0.0' },
    injectHelper: true
  });
  const ran: string[] = [];
  recorder.eventRecorded.connect((_, event) => {
    if (event.kind === 'execution.completed' && event.execution.cellId) {
      ran.push(event.execution.cellId);
    }
  });
  const recorded = new Map<string, ExecutionRecord>();
  const source = {
    getExecution: async (id: string) => recorded.get(id)!,
    resolveOutputs: async (outputs: ExecutionRecord['outputs']) => outputs
  };
  let executor: KernelStepExecutor;
  let input: InputFile;

  const silent = async (code: string) => {
    await kernel.requestExecute({ code, silent: true, store_history: false })
      .done;
  };

  const waitFor = async (what: () => boolean, label: string) => {
    for (let i = 0; i < 400; i++) {
      if (what()) {
        return;
      }
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${label}`);
  };

  /** The server side of the check, at its seam: the recorded input. */
  const server = {
    getInputs: async () => ({
      sessionId: 'parent-session',
      upto: 3,
      inputs: [input]
    }),
    preflight: async (): Promise<PreflightReport> => ({
      python: { recorded: '3.11', target: '3.11', same: true },
      packages: { missing: [], older: [], newer: [], same: 1 },
      pipInstall: null,
      files: [],
      ready: true
    })
  };

  const check = (substitutions: ForkMapping[]) =>
    new ForkCheckModel({
      sessionId: 'parent-session',
      step: 3,
      substitutions,
      server,
      probe: (paths, options) => runProbe(kernel, paths, options)
    });

  const newRun = async (substitutions: ForkMapping[], forced = false) => {
    const checked = check(substitutions);
    await checked.run();
    expect(checked.phase).toBe('ready');
    const installs: string[] = [];
    const run = new ForkRunModel({
      sessionId: 'parent-session',
      upto: 3,
      steps: STEPS,
      executor,
      recorded: source,
      compare: compareExecutions,
      substitutions,
      contract: checked.contract,
      forced,
      installRedirects: async map => {
        // What had run when the redirects went in.
        installs.push(ran.join(','));
        return installRedirects(kernel, map);
      }
    });
    return { run, installs, checked };
  };

  beforeAll(async () => {
    real = await startKernel('python3');
    kernel = real.kernel;
    recorder.observe(kernel, { notebookPath: () => 'fork/run.ipynb' });
    await kernel.info;
    await waitFor(
      () => recorder.helperOf(kernel)?.state === 'injected',
      'the helper'
    );
    await silent(
      [
        'import os',
        'for d in ("data", "mine", "bad"):',
        '    os.makedirs(d, exist_ok=True)',
        'open("data/train.csv", "w").write("a,b\\n1,2\\n3,4\\n")',
        'open("mine/train.csv", "w").write("a,b\\n10,20\\n30,40\\n50,60\\n")',
        'open("bad/train.csv", "w").write("a\\n1\\n")'
      ].join('\n')
    );
    executor = new KernelStepExecutor({
      kernel,
      codeOf: step => CELLS.find(cell => cell.id === step.cellId)!.code,
      recorder,
      notebookPath: 'fork/run.ipynb'
    });
    // The recording: the parent's run on its data.
    for (const step of STEPS) {
      recorded.set(step.executionId, await executor.execute(step));
    }
    const probed = await runProbe(kernel, ['data/train.csv'], {
      detail: true
    });
    const file = probed.files[0];
    input = {
      path: 'data/train.csv',
      step: 2,
      sha256: file.sha256 ?? undefined,
      size: file.size ?? undefined,
      table: file.table ?? undefined
    };
    expect(input.table?.columns.map(column => column.name)).toEqual(['a', 'b']);
  });

  afterAll(async () => {
    await installRedirects(kernel, []).catch(() => undefined);
    executor?.dispose();
    recorder.dispose();
    await real?.stop();
  });

  beforeEach(() => {
    ran.length = 0;
  });

  it('checks the new file in the kernel: same columns, other rows and size are notes', async () => {
    const checked = check([
      { recorded: 'data/train.csv', path: 'mine/train.csv' }
    ]);
    await checked.run();
    expect(checked.error).toBeNull();
    const contract = checked.contract!;
    expect(contract.ok).toBe(true);
    expect(contract.errors).toBe(0);
    expect(contract.entries[0]).toMatchObject({
      recorded: 'data/train.csv',
      path: 'mine/train.csv',
      rows: { recorded: 2, target: 3 }
    });
    expect(contract.entries[0].target?.sha256).not.toBe(input.sha256);
    expect(checked.canRun).toBe(true);
    // The check itself ran nothing that is recorded.
    expect(ran).toEqual([]);
  });

  it('installs the redirects before step 1; the steps read the new data and differ from the parent', async () => {
    const { run, installs } = await newRun([
      { recorded: 'data/train.csv', path: 'mine/train.csv' }
    ]);
    expect(run.blocked).toBeNull();
    await run.start();
    expect(run.state).toBe('finished');
    expect(installs).toEqual(['']);
    expect(run.redirects?.[0]).toMatchObject({
      recorded: expect.stringMatching(/\/data\/train\.csv$/),
      path: expect.stringMatching(/\/mine\/train\.csv$/),
      kind: 'file'
    });
    expect(ran).toEqual(['c-path', 'c-read', 'c-first']);
    const [, read, first] = run.results;
    expect(read.replayed?.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: '3 rows\n' }
    ]);
    expect(first.replayed?.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: '10,20\n' }
    ]);
    expect(run.results.map(result => result.comparison?.verdict)).toEqual([
      'same',
      'differs',
      'differs'
    ]);
    expect(verdictLabel(read, trans, run.mode)).toBe('differs from parent');
    expect(verdictLabel(run.results[0], trans, run.mode)).toBe(
      'same as parent'
    );
    // Differences from the parent are expected: no pause, nothing flagged.
    expect(run.firstDivergence).toBeNull();
  });

  it('runs nothing on a contract with an error until forced', async () => {
    await installRedirects(kernel, []);
    const map = [{ recorded: 'data/train.csv', path: 'bad/train.csv' }];
    const { run, installs, checked } = await newRun(map);
    const contract = checked.contract!;
    expect(contract.ok).toBe(false);
    const problem = contract.entries[0].problems.find(
      p => p.code === 'missing-columns'
    );
    expect(problem).toMatchObject({ level: 'error', columns: ['b'] });
    expect(problem?.message).toContain('bad/train.csv');
    expect(checked.canRun).toBe(false);
    expect(run.blocked).toMatch(/has an error: .*bad\/train\.csv/);

    await run.start();
    expect(run.state).toBe('ready');
    expect(installs).toEqual([]);
    expect(ran).toEqual([]);
    expect(run.results.every(result => result.state === 'pending')).toBe(true);

    // Forced: it runs, the new data lacks the column the parent printed.
    checked.forced = true;
    expect(checked.canRun).toBe(true);
    const forced = (await newRun(map, true)).run;
    expect(forced.blocked).toBeNull();
    await forced.start();
    expect(ran).toEqual(['c-path', 'c-read', 'c-first']);
    expect(forced.results[1].replayed?.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: '1 rows\n' }
    ]);
  });

  it('a new error is flagged (the one problem of a fork)', async () => {
    await silent('open("mine/empty.csv", "w").write("a,b\\n")');
    const { run } = await newRun(
      [{ recorded: 'data/train.csv', path: 'mine/empty.csv' }],
      true
    );
    await run.start();
    expect(run.state).toBe('finished');
    expect(run.results.map(result => result.comparison?.verdict)).toEqual([
      'same',
      'differs',
      'new-error'
    ]);
    expect(run.firstDivergence?.step.step).toBe(3);
    expect(verdictLabel(run.firstDivergence!, trans, run.mode)).toBe(
      'new error'
    );
  });

  it('keeps the redirects across a kernel restart', async () => {
    const kernelChanged = new Signal<unknown, unknown>({});
    const keeper = new RedirectKeeper({
      host: {
        session: { kernel },
        statusChanged: kernel.statusChanged,
        kernelChanged
      },
      map: [{ recorded: 'data/train.csv', path: 'mine/train.csv' }],
      install: installRedirects,
      retryMs: 100
    });
    const read = async () => {
      let text = '';
      const future = kernel.requestExecute({
        code: 'import os\nprint(open(os.path.join("data", "train.csv")).read().split()[1])',
        silent: true,
        store_history: false
      });
      future.onIOPub = msg => {
        if (msg.header.msg_type === 'stream') {
          text += (msg.content as { text: string }).text;
        }
      };
      await future.done;
      return text.trim();
    };
    try {
      await installRedirects(kernel, []);
      expect(await read()).toBe('1,2');
      await keeper.install();
      expect(await read()).toBe('10,20');
      let reinstalled = 0;
      keeper.changed.connect(() => {
        if (keeper.redirects?.length) {
          reinstalled++;
        }
      });
      await kernel.restart();
      await waitFor(() => reinstalled > 0, 'the redirects again');
      expect(keeper.error).toBeNull();
      expect(await read()).toBe('10,20');
    } finally {
      keeper.dispose();
      await installRedirects(kernel, []).catch(() => undefined);
    }
  });

  it('says why a run is blocked', () => {
    expect(forkBlocker(null, false)).toMatch(/not been checked/);
    expect(
      forkBlocker(
        { entries: [], errors: 0, warnings: 1, notes: 0, ok: true },
        false
      )
    ).toBeNull();
  });
});
