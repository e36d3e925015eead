/**
 * A fork's substitution from the browser side (#14, contract 6): the
 * recorder injects the helper into a real ipykernel behind a real jupyter
 * server, installRedirects installs the map by a silent request, and a
 * recorded cell reading the recorded path (built with os.path.join) reads
 * the user's file, its capture naming the new path. Also the probe's detail
 * request (contract 2) against the same kernel.
 */
import type { Kernel } from '@jupyterlab/services';
import type {
  ExecutionCapture,
  ExecutionRecord,
  TrailEvent
} from '../../src/records/schema';
import { KERNEL_HELPER_SOURCE } from '../../src/_generated/kernel-helper';
import { mergeCaptures } from '../../src/records/capture';
import { TrailRecorder } from '../../src/recorder';
import {
  installRedirects,
  parseRedirectOutput,
  redirectCode,
  REDIRECT_MARKER,
  RedirectError,
  runProbe
} from '../../src/model/replay-run';
import { IRealKernel, startKernel } from './recorder/jupyter-server';

jest.setTimeout(120000);

const describeWithHelper = KERNEL_HELPER_SOURCE ? describe : describe.skip;

describeWithHelper('installRedirects in a real kernel with the helper', () => {
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
    recorder.observe(kernel, { notebookPath: () => 'fork.ipynb' });
    await kernel.info;
    await waitFor(() => recorder.helperOf(kernel)?.state === 'injected');
    // The recorded input (old content) and the user's file (new content).
    await kernel.requestExecute({
      code: [
        'import os',
        'os.makedirs("alice/data", exist_ok=True)',
        'os.makedirs("bob", exist_ok=True)',
        'open("alice/data/train.csv", "w").write("x\\n1\\n")',
        'open("bob/mine.csv", "w").write("x\\n2\\n3\\n")'
      ].join('\n'),
      silent: true,
      store_history: false
    }).done;
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

  const executionOf = (cellId: string): ExecutionRecord | undefined =>
    events.flatMap(e =>
      e.kind === 'execution.completed' && e.execution.cellId === cellId
        ? [e.execution]
        : []
    )[0];

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

  it('a recorded cell reads the new file through the recorded path and its capture names the new path', async () => {
    const redirects = await installRedirects(kernel, [
      { recorded: 'alice/data/train.csv', path: 'bob/mine.csv' }
    ]);
    expect(redirects).toEqual([
      {
        recorded: expect.stringMatching(/\/alice\/data\/train\.csv$/),
        path: expect.stringMatching(/\/bob\/mine\.csv$/),
        kind: 'file'
      }
    ]);

    // The recorded code, byte-identical: the path is built at run time.
    await runCell(
      'import os\n' +
        'rows = open(os.path.join("alice", "data", "train.csv")).read().split()\n' +
        'print(len(rows) - 1, rows[1:])',
      'read-input'
    );
    await waitFor(() => !!executionOf('read-input'), 'the execution');
    const execution = executionOf('read-input')!;
    expect(execution.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: "2 ['2', '3']\n" }
    ]);
    await waitFor(
      () =>
        !!captureOf(execution).files?.some(
          f => f.path === 'bob/mine.csv' && typeof f.sha256 === 'string'
        ),
      'the capture of the new file'
    );
    const paths = captureOf(execution).files?.map(f => f.path);
    expect(paths).toContain('bob/mine.csv');
    expect(paths).not.toContain('alice/data/train.csv');
    expect(
      captureOf(execution).files?.find(f => f.path === 'bob/mine.csv')
    ).toMatchObject({ access: 'read', size: 'x\n2\n3\n'.length });

    // Cleared: the recorded path is the recorded file again.
    expect(await installRedirects(kernel, [])).toEqual([]);
    await runCell(
      'print(open(os.path.join("alice", "data", "train.csv")).read().split())',
      'read-again'
    );
    await waitFor(() => !!executionOf('read-again'), 'the execution');
    expect(executionOf('read-again')!.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: "['x', '1']\n" }
    ]);
  });

  it('the probe with detail says what is at each path', async () => {
    const answer = await runProbe(
      kernel,
      ['bob/mine.csv', 'bob', 'nowhere.csv'],
      { detail: true }
    );
    expect(answer.files).toEqual([
      expect.objectContaining({
        path: 'bob/mine.csv',
        exists: true,
        kind: 'file',
        size: 'x\n2\n3\n'.length,
        table: {
          format: 'csv',
          columns: [{ name: 'x', type: 'int64' }],
          rows: 2
        }
      }),
      expect.objectContaining({
        path: 'bob',
        exists: true,
        kind: 'folder',
        fileCount: 1
      }),
      { path: 'nowhere.csv', exists: false }
    ]);
    // Without detail it is the replay's probe: rows unknown, no kind.
    const plain = await runProbe(kernel, ['bob/mine.csv']);
    expect(plain.files[0].kind).toBeUndefined();
    expect(plain.files[0].table?.rows).toBeNull();
  });

  it('refuses a map with a recorded path twice before sending anything', async () => {
    await expect(
      installRedirects(kernel, [
        { recorded: 'a.csv', path: 'b.csv' },
        { recorded: 'a.csv', path: 'c.csv' }
      ])
    ).rejects.toMatchObject({ reason: 'invalid', message: /mapped twice/ });
    await expect(
      installRedirects(kernel, [{ recorded: 'a.csv', path: '' }])
    ).rejects.toBeInstanceOf(RedirectError);
  });
});

describe('installRedirects without the helper', () => {
  let real: IRealKernel | undefined;

  beforeAll(async () => {
    real = await startKernel('python3');
    await real.kernel.info;
  });

  afterAll(async () => {
    await real?.stop();
  });

  it('fails with no-helper and a clear message', async () => {
    await expect(
      installRedirects(real!.kernel, [{ recorded: 'a.csv', path: 'b.csv' }])
    ).rejects.toMatchObject({
      reason: 'no-helper',
      message: expect.stringMatching(/no Trail helper/)
    });
  });

  it('fails with no-kernel without a kernel', async () => {
    await expect(
      installRedirects(null, [{ recorded: 'a.csv', path: 'b.csv' }])
    ).rejects.toMatchObject({ reason: 'no-kernel' });
  });
});

describe('the redirect request', () => {
  it('carries any path as data, never as code', () => {
    const tricky = 'x"); import os; os.remove("y\n';
    const code = redirectCode([{ recorded: tricky, path: 'b.csv' }]);
    const literal = code.match(/__trail_run_redirect\((".*")\)\n/)![1];
    expect(JSON.parse(JSON.parse(literal) as string)).toEqual([
      { recorded: tricky, path: 'b.csv' }
    ]);
    expect(code.split('\n')).toHaveLength(18);
  });

  it('reads the marked answer among other output', () => {
    const answer = {
      redirects: [{ recorded: '/a', path: '/b', kind: 'folder' }]
    };
    expect(
      parseRedirectOutput(
        `noise\n${REDIRECT_MARKER}${JSON.stringify(answer)}\nmore noise\n`
      )
    ).toEqual(answer.redirects);
    expect(parseRedirectOutput('{"redirects": []}\n')).toBeNull();
  });
});
