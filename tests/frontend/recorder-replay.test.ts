/**
 * Replays message sequences captured from a real ipykernel (see
 * scripts/capture-kernel-messages.mjs) and checks the exact records.
 */
import { OutputArea, OutputAreaModel } from '@jupyterlab/outputarea';
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import type { KernelMessage } from '@jupyterlab/services';
import type { ExecutionRecord } from '../../src/records/schema';
import {
  childOf,
  IKernelFixture,
  isoOf,
  loadFixture,
  messagesOf,
  requestsOf
} from './recorder/fixtures';
import {
  CLIENT,
  NOTEBOOK,
  RecorderRun,
  replayFixture
} from './recorder/harness';
import { batchErrors } from './recorder/schema';

/**
 * The kernel-timed fields an execution should carry, from its busy and idle
 * status messages in the fixture.
 */
function kernelTiming(run: RecorderRun, msgId: string) {
  const busy = childOf(run.fixture, msgId, 'status', 'busy');
  const idle = childOf(run.fixture, msgId, 'status', 'idle');
  return {
    startedAt: isoOf(busy.header.date),
    endedAt: isoOf(idle.header.date),
    timing: 'kernel'
  };
}

/**
 * The outputs a JupyterLab notebook cell ends with when its output area
 * gets the messages of the request `msgId` (iopub ones and the reply).
 */
function shownByJupyterLab(fixture: IKernelFixture, msgId: string): unknown[] {
  const model = new OutputAreaModel({ trusted: false });
  const area = new OutputArea({
    model,
    rendermime: new RenderMimeRegistry({
      initialFactories: standardRendererFactories
    })
  });
  const future = {
    msg: { header: { msg_id: msgId } },
    done: new Promise(() => undefined),
    isDisposed: false,
    dispose: () => undefined,
    onIOPub: (_: KernelMessage.IMessage) => undefined,
    onReply: (_: KernelMessage.IMessage) => undefined
  };
  area.future = future as unknown as OutputArea['future'];
  for (const msg of messagesOf(fixture)) {
    if ((msg.parent_header as { msg_id?: string }).msg_id !== msgId) {
      continue;
    }
    if (msg.channel === 'iopub') {
      future.onIOPub(msg);
    } else if (msg.header.msg_type === 'execute_reply') {
      future.onReply(msg);
    }
  }
  const outputs = model.toJSON();
  area.dispose();
  return outputs;
}

function stream(name: 'stdout' | 'stderr', text: string) {
  return { output_type: 'stream', name, text };
}

function display(text: string) {
  return {
    output_type: 'display_data',
    data: { 'text/plain': text },
    metadata: {}
  };
}

describe('TrailRecorder replaying real ipykernel captures', () => {
  const allFixtures = [
    'simple-print',
    'several-outputs',
    'error',
    'interrupt',
    'aborted-after-error',
    'clear-output',
    'update-display',
    'image',
    'html',
    'big-stream',
    'mixed-requests',
    'restart',
    'help-page'
  ];

  it.each(allFixtures)(
    '%s: emits schema-valid events, each session before its executions',
    async name => {
      const run = await replayFixture(name);
      expect(run.executions.length).toBeGreaterThan(0);
      expect(batchErrors(run.events)).toEqual([]);
      const announced = new Set<string>();
      for (const event of run.events) {
        if (event.kind === 'session.started') {
          announced.add(event.session.id);
        } else {
          const sessionId =
            event.kind === 'execution.completed'
              ? event.execution.sessionId
              : event.sessionId;
          expect(announced.has(sessionId)).toBe(true);
        }
      }
      const ids = run.events.map(event => event.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  );

  it('records a simple print with kernel timing and the session first', async () => {
    const run = await replayFixture('simple-print');
    const [request] = requestsOf(run.fixture);
    const info = run.fixture.kernel.info;
    expect(run.events.map(event => event.kind)).toEqual([
      'session.started',
      'execution.completed'
    ]);
    const [session] = run.sessions;
    expect(session).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      notebookPath: NOTEBOOK,
      startedAt: expect.any(String),
      kernel: {
        id: run.fixture.kernel.id,
        name: 'python3',
        language: 'python',
        languageVersion: info.language_info.version,
        implementation: 'ipython',
        implementationVersion: info.implementation_version,
        protocolVersion: info.protocol_version
      },
      client: CLIENT
    });
    const [execution] = run.executions;
    expect(execution).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sessionId: session.id,
      seq: 1,
      msgId: request.header.msg_id,
      notebookPath: NOTEBOOK,
      cellId: 'cell-simple',
      code: 'print("hello trail")',
      executionCount: 1,
      status: 'ok',
      ...kernelTiming(run, request.header.msg_id),
      durationMs: expect.any(Number),
      outputs: [stream('stdout', 'hello trail\n')]
    });
    const busy = childOf(run.fixture, request.header.msg_id, 'status', 'busy');
    const idle = childOf(run.fixture, request.header.msg_id, 'status', 'idle');
    // Microseconds count: ipykernel dates carry six fraction digits.
    const micros = (date: string) =>
      Date.parse(date) + Number('0.' + date.slice(23, 26));
    expect(execution.durationMs).toBeCloseTo(
      micros(idle.header.date) - micros(busy.header.date),
      3
    );
  });

  it('merges consecutive same-name streams and copies displays and results', async () => {
    const run = await replayFixture('several-outputs');
    const [execution] = run.executions;
    expect(execution.status).toBe('ok');
    expect(execution.executionCount).toBe(1);
    expect(execution.outputs).toEqual([
      stream('stdout', 'out 1\n'),
      stream('stderr', 'err 1\n'),
      stream('stdout', 'out 2\nout 3\n'),
      {
        output_type: 'display_data',
        data: { 'application/json': { a: [1, 2] }, 'text/plain': '{a}' },
        metadata: {}
      },
      display("'shown'"),
      {
        output_type: 'execute_result',
        execution_count: 1,
        data: { 'text/plain': '42' },
        metadata: {}
      }
    ]);
    // The JSON value is the record's own, not the message's.
    const sent = messagesOf(run.fixture).find(
      msg => msg.header.msg_type === 'display_data'
    )!.content as { data: Record<string, unknown> };
    const recorded = execution.outputs[3].data as Record<string, unknown>;
    expect(recorded['application/json']).not.toBe(
      sent.data['application/json']
    );
  });

  it('records an error with its ename, evalue and traceback', async () => {
    const run = await replayFixture('error');
    const [execution] = run.executions;
    const errorMsg = messagesOf(run.fixture).find(
      msg => msg.header.msg_type === 'error'
    )!;
    const { traceback } = errorMsg.content as { traceback: string[] };
    expect(execution).toMatchObject({
      cellId: 'cell-error',
      status: 'error',
      executionCount: 1,
      error: { ename: 'ZeroDivisionError', evalue: 'division by zero' },
      outputs: [
        stream('stdout', 'before\n'),
        {
          output_type: 'error',
          ename: 'ZeroDivisionError',
          evalue: 'division by zero',
          traceback
        }
      ]
    });
    expect(traceback.length).toBeGreaterThan(0);
  });

  it('records an interrupted cell and the queued cell the kernel aborted', async () => {
    const run = await replayFixture('interrupt');
    const [sleeping, queued] = requestsOf(run.fixture);
    expect(run.executions).toEqual([
      expect.objectContaining({
        seq: 1,
        cellId: 'cell-sleep',
        status: 'interrupted',
        executionCount: 1,
        error: { ename: 'KeyboardInterrupt', evalue: '' },
        ...kernelTiming(run, sleeping.header.msg_id),
        outputs: [
          stream('stdout', 'sleeping\n'),
          expect.objectContaining({
            output_type: 'error',
            ename: 'KeyboardInterrupt'
          })
        ]
      }),
      expect.objectContaining({
        seq: 2,
        cellId: 'cell-queued',
        status: 'aborted',
        executionCount: null,
        ...kernelTiming(run, queued.header.msg_id),
        outputs: []
      })
    ]);
    expect(run.executions[0].durationMs).toBeGreaterThan(1000);
    expect(run.executions[1]).not.toHaveProperty('error');
  });

  it('records ok, error, aborted, then ok again after stop_on_error', async () => {
    const run = await replayFixture('aborted-after-error');
    const summary = run.executions.map(execution => [
      execution.seq,
      execution.cellId,
      execution.status,
      execution.executionCount,
      execution.error?.ename ?? null
    ]);
    expect(summary).toEqual([
      [1, 'cell-ok', 'ok', 1, null],
      [2, 'cell-raise', 'error', 2, 'ValueError'],
      [3, 'cell-skipped', 'aborted', null, null],
      [4, 'cell-after', 'ok', 3, null]
    ]);
    expect(run.sessions).toHaveLength(1);
    expect(new Set(run.executions.map(e => e.sessionId))).toEqual(
      new Set([run.sessions[0].id])
    );
    expect(run.executions[0].outputs).toEqual([
      {
        output_type: 'execute_result',
        execution_count: 1,
        data: { 'text/plain': '1' },
        metadata: {}
      }
    ]);
    expect(run.executions[2].timing).toBe('kernel');
  });

  it('applies clear_output now, and with wait on the next output only', async () => {
    const run = await replayFixture('clear-output');
    expect(run.executions.map(execution => execution.outputs)).toEqual([
      [stream('stdout', 'b\n')],
      [display("'y'"), stream('stdout', 'z\n')],
      // wait=True with nothing after it: the output stays.
      [stream('stdout', 'p\n')]
    ]);
  });

  it('applies update_display_data by display id, without leaking transient', async () => {
    const run = await replayFixture('update-display');
    expect(run.executions.map(execution => execution.outputs)).toEqual([
      [display("'second'"), stream('stdout', 'between\n')],
      [display("'b'"), display("'b'")],
      // Updating an earlier cell's display adds nothing to this cell.
      []
    ]);
    expect(run.executions.map(execution => execution.status)).toEqual([
      'ok',
      'ok',
      'ok'
    ]);
    expect(JSON.stringify(run.events)).not.toContain('transient');
  });

  it('records image and HTML mime bundles', async () => {
    const image = (await replayFixture('image')).executions[0];
    expect(image.outputs).toEqual([
      {
        output_type: 'display_data',
        data: {
          'image/png': expect.stringMatching(/^iVBORw0KGgo/),
          'text/plain': '<IPython.core.display.Image object>'
        },
        metadata: {}
      }
    ]);
    const html = (await replayFixture('html')).executions[0];
    expect(html.outputs).toEqual([
      {
        output_type: 'display_data',
        data: {
          'text/html': '<b>bold</b> move',
          'text/plain': '<IPython.core.display.HTML object>'
        },
        metadata: {}
      }
    ]);
  });

  it('merges a stream sent in many chunks into one output', async () => {
    const run = await replayFixture('big-stream');
    const chunks = messagesOf(run.fixture).filter(
      msg => msg.header.msg_type === 'stream'
    );
    expect(chunks.length).toBeGreaterThan(40);
    const expected = Array.from(
      { length: 80 },
      (_, i) => `line ${String(i).padStart(3, '0')}\n`
    ).join('');
    expect(run.executions[0].outputs).toEqual([stream('stdout', expected)]);
  });

  it('ignores silent requests and records console requests without cellId', async () => {
    const run = await replayFixture('mixed-requests');
    expect(
      run.executions.map(execution => [
        execution.seq,
        execution.cellId,
        execution.code,
        execution.outputs
      ])
    ).toEqual([
      [1, 'cell-tagged', 'print("tagged")', [stream('stdout', 'tagged\n')]],
      // Its reply came before its output: the output still counts.
      [2, null, 'print("from console")', [stream('stdout', 'from console\n')]],
      [3, 'cell-normal', 'print("normal")', [stream('stdout', 'normal\n')]]
    ]);
  });

  it('skips cells tagged with an excluded tag', async () => {
    const run = await replayFixture('mixed-requests', {
      excludeTags: ['trail-skip']
    });
    expect(
      run.executions.map(execution => [execution.seq, execution.cellId])
    ).toEqual([
      [1, null],
      [2, 'cell-normal']
    ]);
  });

  it('starts a new session after a restart and interrupts the running cell', async () => {
    const run = await replayFixture('restart');
    expect(run.events.map(event => event.kind)).toEqual([
      'session.started',
      'execution.completed',
      'execution.completed',
      'session.started',
      'execution.completed'
    ]);
    const [first, second] = run.sessions;
    expect(first.id).not.toBe(second.id);
    const [before, during, after] = run.executions;
    expect(before).toMatchObject({
      sessionId: first.id,
      seq: 1,
      status: 'ok',
      outputs: [stream('stdout', 'before restart\n')]
    });
    // Finished when the restart began, with the outputs seen so far; the
    // dying kernel's late messages do not reopen it.
    expect(during).toMatchObject({
      sessionId: first.id,
      seq: 2,
      cellId: 'cell-during-restart',
      status: 'interrupted',
      executionCount: 2,
      timing: 'client',
      outputs: [stream('stdout', 'sleeping\n')]
    });
    // Sent before the new kernel said 'starting': still the new session.
    expect(after).toMatchObject({
      sessionId: second.id,
      seq: 1,
      status: 'ok',
      executionCount: 1,
      timing: 'kernel',
      outputs: [stream('stdout', 'after restart\n')]
    });
  });

  it('never changes the messages it observes', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (const name of allFixtures) {
        const fixture = loadFixture(name);
        deepFreeze(fixture.events);
        const run = await new RecorderRun(fixture).replay();
        expect(run.executions.length).toBeGreaterThan(0);
      }
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('records help shown through the pager as JupyterLab shows it', async () => {
    const run = await replayFixture('help-page');
    const requests = requestsOf(run.fixture);
    expect(run.executions.map(e => e.code)).toEqual([
      'len?',
      'len??',
      '%quickref',
      'print("before help")\nlen?'
    ]);
    const page = (i: number) =>
      (
        childOf(run.fixture, requests[i].header.msg_id, 'execute_reply')
          .content as { payload: { data: Record<string, string> }[] }
      ).payload[0].data;
    expect(page(0)['text/plain']).toContain('len(obj, /)');
    expect(page(2)['text/plain']).toContain('IPython -- An enhanced');
    expect(run.executions.map(e => e.outputs)).toEqual([
      [{ output_type: 'display_data', data: page(0), metadata: {} }],
      [{ output_type: 'display_data', data: page(1), metadata: {} }],
      [{ output_type: 'display_data', data: page(2), metadata: {} }],
      [
        stream('stdout', 'before help\n'),
        { output_type: 'display_data', data: page(3), metadata: {} }
      ]
    ]);
    // What a notebook's output area makes of the same messages.
    for (const [i, request] of requests.entries()) {
      expect(run.executions[i].outputs).toEqual(
        shownByJupyterLab(run.fixture, request.header.msg_id)
      );
    }
  });

  it('keeps executions in request order with consecutive seq', async () => {
    const run = await replayFixture('aborted-after-error');
    const seqs = run.executions.map((e: ExecutionRecord) => e.seq);
    expect(seqs).toEqual([1, 2, 3, 4]);
    const requests = requestsOf(run.fixture).map(r => r.header.msg_id);
    expect(run.executions.map(e => e.msgId)).toEqual(requests);
  });
});

function deepFreeze(value: unknown): void {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) {
      deepFreeze(item);
    }
  }
}
