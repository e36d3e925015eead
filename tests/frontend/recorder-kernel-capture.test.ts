/**
 * The kernel helper in a real ipykernel behind a real jupyter server:
 * injected by the recorder through @jupyterlab/services' own
 * KernelConnection, it reports a pandas CSV read with its sha256 and
 * schema, a logged metric, and the kernel's environment.
 */
import {
  Kernel,
  KernelAPI,
  KernelConnection,
  KernelSpecAPI
} from '@jupyterlab/services';
import type {
  ExecutionCapture,
  ExecutionRecord,
  TrailEvent
} from '../../src/records/schema';
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { join } from 'path';
import { KERNEL_HELPER_SOURCE } from '../../src/_generated/kernel-helper';
import { mergeCaptures } from '../../src/records/capture';
import {
  bootstrapCode,
  IHelperConfig,
  TrailRecorder
} from '../../src/recorder';
import { IRealKernel, startKernel } from './recorder/jupyter-server';
import { batchErrors } from './recorder/schema';

jest.setTimeout(120000);

const describeWithHelper = KERNEL_HELPER_SOURCE ? describe : describe.skip;

describeWithHelper('the kernel helper in a real kernel', () => {
  let real: IRealKernel | undefined;
  let kernel: Kernel.IKernelConnection;
  const recorder = new TrailRecorder({
    client: { name: 'trail-tests', version: '0.0.0' },
    injectHelper: true
  });
  const events: TrailEvent[] = [];
  recorder.eventRecorded.connect((_, event) => events.push(event));

  beforeAll(async () => {
    real = await startKernel('python3');
    kernel = real.kernel;
    recorder.observe(kernel, { notebookPath: () => 'capture.ipynb' });
    await kernel.info;
    await waitFor(() => recorder.helperOf(kernel)?.state === 'injected');
  });

  afterAll(async () => {
    recorder.dispose();
    await real?.stop();
  });

  async function runCell(code: string, cellId: string): Promise<string> {
    const future = kernel.requestExecute({ code, stop_on_error: true }, false, {
      deletedCells: [],
      recordTiming: false,
      cellId
    });
    const reply = await future.done;
    expect(reply.content.status).toBe('ok');
    return future.msg.header.msg_id;
  }

  async function waitFor(
    condition: () => boolean,
    what = 'condition'
  ): Promise<void> {
    for (let i = 0; i < 400; i++) {
      if (condition()) {
        return;
      }
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    throw new Error(
      `timed out waiting for ${what}: ${JSON.stringify(events.map(e => e.kind))}`
    );
  }

  const executions = () =>
    events.flatMap(e =>
      e.kind === 'execution.completed' ? [e.execution] : []
    );

  /** An execution's capture with its later annotations merged in. */
  function captureOf(execution: ExecutionRecord): ExecutionCapture {
    let capture = execution.capture ?? {};
    for (const event of events) {
      if (
        event.kind === 'execution.annotated' &&
        event.executionId === execution.id
      ) {
        capture = mergeCaptures([capture, event.capture])!;
      }
    }
    return capture;
  }

  it('records a CSV read by pandas with its hash and schema, a metric and the environment', async () => {
    await runCell(
      'import pandas as pd\n' +
        'pd.DataFrame({"sepal": [5.1, 4.9], "species": ["setosa", "virginica"]})' +
        '.to_csv("iris.csv", index=False)',
      'write'
    );
    await runCell(
      'import trail\n' +
        'df = pd.read_csv("iris.csv")\n' +
        'trail.log_param("rows", len(df))\n' +
        'for step in range(3):\n' +
        '    trail.log_metric("loss", 1.0 / (step + 1), step=step)\n' +
        'print(len(df))',
      'read'
    );
    await waitFor(() => executions().length >= 2, 'executions');
    const [written, read] = executions();
    await waitFor(
      () => !!captureOf(read).files?.some(f => typeof f.sha256 === 'string'),
      'a hashed file'
    );
    await waitFor(
      () => events.some(e => e.kind === 'environment.captured'),
      'the environment'
    );

    const writtenFile = captureOf(written).files?.find(
      f => f.path === 'iris.csv'
    );
    expect(writtenFile).toMatchObject({ access: 'write', kind: 'file' });

    const capture = captureOf(read);
    const file = capture.files?.find(f => f.path === 'iris.csv');
    expect(file).toMatchObject({
      access: 'read',
      kind: 'file',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      schema: {
        format: 'csv',
        columns: [
          { name: 'sepal', type: expect.any(String) },
          { name: 'species', type: expect.any(String) }
        ]
      }
    });
    expect(capture.params).toEqual({ rows: 2 });
    expect(capture.metrics?.map(m => [m.name, m.value, m.step])).toEqual([
      ['loss', 1, 0],
      ['loss', 0.5, 1],
      ['loss', 1 / 3, 2]
    ]);
    // Nothing of the helper reached the outputs or the execution counts.
    expect(read.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: '2\n' }
    ]);
    expect(executions().map(e => e.executionCount)).toEqual([1, 2]);

    const environment = events.find(e => e.kind === 'environment.captured');
    expect(environment).toMatchObject({ fromSeq: 1 });
    const packages =
      environment?.kind === 'environment.captured'
        ? environment.environment.packages.map(p => p.name.toLowerCase())
        : [];
    expect(packages).toContain('pandas');
    const kinds = events.map(e => e.kind);
    expect(kinds[0]).toBe('session.started');
    expect(batchErrors(events)).toEqual([]);
  });

  it('hashes a large file after its cell ended, and then no longer says it is hashing', async () => {
    const before = executions().length;
    // Over the 1 MiB hashed before a cell's execution ends: the hash comes
    // in a later capture, after the execution was recorded.
    await runCell(
      'with open("big.bin", "wb") as f:\n    f.write(b"x" * 3_000_000)',
      'big-write'
    );
    await waitFor(() => executions().length > before, 'the execution');
    const written = executions()[before];
    const bigFile = () =>
      captureOf(written).files?.find(f => f.path === 'big.bin');
    await waitFor(
      () => typeof bigFile()?.sha256 === 'string',
      'the background hash'
    );
    expect(bigFile()?.sha256).toBe(
      createHash('sha256').update(Buffer.alloc(3_000_000, 'x')).digest('hex')
    );
    expect(bigFile()?.hashPending).toBeUndefined();
  });

  /** Runs code and returns what it printed. */
  async function printed(code: string): Promise<string> {
    const future = kernel.requestExecute({ code, silent: false }, false, {
      cellId: 'probe'
    });
    let text = '';
    future.onIOPub = msg => {
      if (msg.header.msg_type === 'stream') {
        text += (msg.content as { text: string }).text;
      }
    };
    await future.done;
    return text;
  }

  it('tells the helper when recording is paused, and when a tag skips a cell', async () => {
    const state = 'import trail\nprint(trail._stats()["recording"])';
    expect(await printed(state)).toBe('True\n');
    recorder.enabled = false;
    expect(await printed(state)).toBe('False\n');
    recorder.enabled = true;
    expect(await printed(state)).toBe('True\n');
    // A tagged cell gets no capture: nothing joins its record.
    const skipped = new Set(['tagged']);
    recorder.observe(kernel, {
      notebookPath: () => 'capture.ipynb',
      skipCells: tags => (tags.has('trail-skip') ? [...skipped] : [])
    });
    recorder.excludeTags = ['trail-skip'];
    const count = executions().length;
    await runCell('import trail\ntrail.log_metric("hidden", 1)', 'tagged');
    await runCell('trail.log_metric("shown", 1)', 'untagged');
    await waitFor(() => executions().length >= count + 2, 'the executions');
    const [tagged, untagged] = executions().slice(count);
    await waitFor(() => !!captureOf(untagged).metrics?.length, 'the metric');
    expect(captureOf(tagged)).toEqual({});
    expect(captureOf(untagged).metrics?.[0].name).toBe('shown');
    recorder.excludeTags = [];
  });

  it('injects exactly the code the Python side builds', () => {
    const python = join(__dirname, '..', '..', '.venv', 'bin', 'python');
    const config: IHelperConfig = { recording: true, skipCells: ['c1', 'é'] };
    const expected = execFileSync(
      python,
      [
        '-c',
        'import json, sys\n' +
          'from jupyterlab_trail.kernel import bootstrap_code\n' +
          'sys.stdout.write(bootstrap_code(json.loads(sys.argv[1])))',
        JSON.stringify(config)
      ],
      { encoding: 'utf8', cwd: join(__dirname, '..', '..') }
    );
    // The helper's modules joined as they are now (the build embedded
    // them; the wrapper is what this test checks).
    const source = execFileSync(
      process.execPath,
      [join(__dirname, '..', '..', 'scripts', 'build-helper.mjs'), '--stdout'],
      { encoding: 'utf8' }
    );
    expect(bootstrapCode(source, config)).toBe(expected);
  });

  it('loads the helper again after a restart', async () => {
    const before = recorder.helperOf(kernel)!.injections;
    await kernel.restart();
    await waitFor(
      () => recorder.helperOf(kernel)!.injections > before,
      'the second injection'
    );
    const count = executions().length;
    await runCell(
      'import trail\ntrail.log_metric("after_restart", 1)',
      'again'
    );
    await waitFor(() => executions().length > count, 'the execution');
    const last = executions()[executions().length - 1];
    expect(last.executionCount).toBe(1);
    await waitFor(() => !!captureOf(last).metrics?.length, 'the metric');
    expect(captureOf(last).metrics?.[0]).toMatchObject({
      name: 'after_restart',
      value: 1
    });
  });

  /** Sends cells at once, as Run All does, and waits for their replies. */
  async function runAll(
    connection: Kernel.IKernelConnection,
    cells: string[]
  ): Promise<string[]> {
    const futures = cells.map((code, i) =>
      connection.requestExecute({ code, stop_on_error: true }, false, {
        deletedCells: [],
        recordTiming: false,
        cellId: `all-${i}`
      })
    );
    for (const future of futures) {
      expect((await future.done).content.status).toBe('ok');
    }
    return futures.map(future => future.msg.header.msg_id);
  }

  /** What the executions of `msgIds` wrote, as their captures say. */
  async function writtenBy(msgIds: string[]): Promise<string[][]> {
    await waitFor(
      () => msgIds.every(id => executions().some(e => e.msgId === id)),
      'the executions'
    );
    return msgIds.map(id => {
      const execution = executions().find(e => e.msgId === id)!;
      return (captureOf(execution).files ?? []).map(f => f.path);
    });
  }

  const WRITES = [0, 1, 2].map(i => `open("w-${i}.txt", "w").write("${i}")`);

  it('captures every cell of Restart Kernel and Run All Cells, from the first one', async () => {
    const before = recorder.helperOf(kernel)!.injections;
    // JupyterLab's command: restart, then send every cell at once.
    await kernel.restart();
    const msgIds = await runAll(kernel, WRITES);
    expect(await writtenBy(msgIds)).toEqual([
      ['w-0.txt'],
      ['w-1.txt'],
      ['w-2.txt']
    ]);
    // One injection for the new process, none for the old one's last words.
    await new Promise(resolve => setTimeout(resolve, 500));
    expect(recorder.helperOf(kernel)!.injections).toBe(before + 1);
    const last = executions().find(e => e.msgId === msgIds[0])!;
    expect(last.executionCount).toBe(1);
  });

  it('captures a cell run as soon as a kernel connection exists (a notebook just opened)', async () => {
    const settings = real!.settings;
    const specs = await KernelSpecAPI.getSpecs(settings);
    const model = await KernelAPI.startNew({ name: 'python3' }, settings);
    const fresh = new KernelConnection({ model, serverSettings: settings });
    try {
      recorder.observe(fresh, {
        notebookPath: () => 'opened.ipynb',
        kernelSpec: () => specs.kernelspecs['python3']
      });
      // Sent before the kernel answered anything.
      const msgIds = await runAll(fresh, WRITES);
      expect(await writtenBy(msgIds)).toEqual([
        ['w-0.txt'],
        ['w-1.txt'],
        ['w-2.txt']
      ]);
    } finally {
      fresh.dispose();
      await KernelAPI.shutdownKernel(model.id, settings).catch(() => undefined);
    }
  });
});
