/**
 * The kernel helper from the browser side: which kernels get it, when it is
 * injected again, and how its configuration follows pause, opt-out and
 * tags. How its messages become captures: recorder-capture.test.ts.
 */
import type { KernelMessage } from '@jupyterlab/services';
import { bootstrapCode, TrailRecorder } from '../../src/recorder';
import { loadFixture, requestsOf } from './recorder/fixtures';
import { CLIENT, NOTEBOOK, settle } from './recorder/harness';
import { HelperFakeKernel, R_INFO } from './recorder/helper-kernel';
import { IPYKERNEL_SPEC, setup, SOURCE } from './recorder/helper-setup';
import { iopubStatus, kinds, splitAt } from './recorder/steps';

describe('kernel helper injection', () => {
  it('loads the helper into an IPython kernel with one silent request, then opens the comm', async () => {
    const { kernel, recorder } = setup();
    await settle();
    const [request] = kernel.sentOf('execute_request');
    expect(request.content).toEqual({
      code: bootstrapCode(SOURCE, { recording: true, skipCells: [] }),
      silent: true,
      store_history: false,
      allow_stdin: false,
      stop_on_error: false
    });
    const [open] = kernel.sentOf('comm_open');
    expect(open.content).toEqual({
      comm_id: expect.any(String),
      target_name: 'jupyterlab_trail',
      data: { recording: true, skipCells: [] }
    });
    expect(kernel.sent.map(m => m.header.msg_type)).toEqual([
      'execute_request',
      'comm_open'
    ]);
    expect(recorder.helperOf(kernel.connection)?.state).toBe('injected');
  });

  it('builds the injection code of PROTOCOL.md with the source and config as literals', () => {
    const code = bootstrapCode('print("a")\n', {
      recording: false,
      skipCells: ['c1']
    });
    expect(code).toBe(
      [
        'def __trail_load(source, config):',
        '    import sys, types',
        '    module = sys.modules.get("trail")',
        '    if module is None or not getattr(module, "__trail_helper__", False):',
        '        module = types.ModuleType("trail")',
        '        module.__file__ = "<trail>"',
        '        exec(compile(source, "<trail>", "exec"), module.__dict__)',
        '    module._trail_bootstrap(module, config)',
        '__trail_load("print(\\"a\\")\\n", "{\\"recording\\":false,\\"skipCells\\":[\\"c1\\"]}")',
        'del __trail_load'
      ].join('\n')
    );
  });

  it('sends nothing to a kernel of another language, and raises nothing', async () => {
    const { kernel, recorder, events } = setup({ info: R_INFO });
    await settle();
    expect(kernel.sent).toEqual([]);
    expect(recorder.helperOf(kernel.connection)?.state).toBe('unsupported');
    kernel.statusChanged.emit('restarting');
    kernel.receive('shell', 'kernel_info_reply', { ...R_INFO });
    expect(kernel.sent).toEqual([]);
    expect(events).toEqual([]);
  });

  it('sends nothing when injection is off (the library default)', async () => {
    const { kernel } = setup({ recorder: { injectHelper: false } });
    await settle();
    expect(kernel.sent).toEqual([]);
  });

  it('sends nothing when no helper source was built in', async () => {
    const { kernel, recorder } = setup({ recorder: { helperSource: null } });
    await settle();
    expect(kernel.sent).toEqual([]);
    expect(recorder.injectHelper).toBe(false);
  });

  it('injects again as soon as a restart begins, ahead of the cells it runs, and only once', async () => {
    const { kernel, recorder } = setup();
    await settle();
    const firstComm = kernel.commId;
    const helper = recorder.helperOf(kernel.connection)!;
    // Requests sent from now on are answered by the new process, after it
    // answered kernel info.
    kernel.holdReplies = true;
    kernel.statusChanged.emit('restarting');
    // A microtask later: the connection has cleared what it held for the
    // old process and holds this for the new one.
    expect(kernel.sentOf('execute_request')).toHaveLength(1);
    await Promise.resolve();
    expect(kernel.sentOf('execute_request')).toHaveLength(2);
    expect(kernel.sentOf('comm_open')).toHaveLength(2);
    expect(kernel.commId).not.toBe(firstComm);
    expect(helper.commId).toBe(kernel.commId);
    // Restart and Run All sends its cells after that.
    kernel.connection.requestExecute({ code: 'x = 1' });
    expect(kernel.sent.map(m => m.header.msg_type)).toEqual([
      'execute_request',
      'comm_open',
      'execute_request',
      'comm_open',
      'execute_request'
    ]);
    // The new process starts and answers kernel info: it already has its
    // injection, so nothing more is sent; nor on a later reconnection.
    kernel.anyMessage.emit({ direction: 'recv', msg: iopubStatus('starting') });
    kernel.receive('shell', 'kernel_info_reply', {
      ...loadFixture('simple-print').kernel.info
    });
    kernel.answerHeld();
    await settle();
    kernel.receive('shell', 'kernel_info_reply', {
      ...loadFixture('simple-print').kernel.info
    });
    await settle();
    expect(kernel.sentOf('execute_request')).toHaveLength(3);
    expect(helper.injections).toBe(2);
    // Both comms are this page's: a late capture of the old process counts.
    expect(helper.ownsComm(firstComm)).toBe(true);
    expect(helper.ownsComm('other-tab')).toBe(false);
  });

  it('injects into an ipykernel known from its spec before its kernel info, ahead of a cell run at once', async () => {
    const fixture = loadFixture('simple-print');
    let answer: (info: KernelMessage.IInfoReply) => void = () => undefined;
    const kernel = new HelperFakeKernel(
      fixture,
      new Promise(resolve => (answer = resolve))
    );
    const recorder = new TrailRecorder({
      client: CLIENT,
      injectHelper: true,
      helperSource: SOURCE
    });
    recorder.observe(kernel.connection, {
      notebookPath: () => NOTEBOOK,
      kernelSpec: () => IPYKERNEL_SPEC
    });
    kernel.connection.requestExecute({ code: 'open("a.csv").read()' });
    expect(kernel.sent.map(m => m.header.msg_type)).toEqual([
      'execute_request',
      'comm_open',
      'execute_request'
    ]);
    expect((kernel.sent[0].content as { silent?: boolean }).silent).toBe(true);
    // The kernel info confirms it; nothing more is sent.
    answer(fixture.kernel.info);
    await settle();
    kernel.receive('shell', 'kernel_info_reply', { ...fixture.kernel.info });
    expect(kernel.sentOf('execute_request')).toHaveLength(2);
    expect(recorder.helperOf(kernel.connection)?.state).toBe('injected');
  });

  it('waits for the kernel info of a kernel whose spec does not run ipykernel', async () => {
    for (const spec of [
      { ...IPYKERNEL_SPEC, argv: ['xpython', '-f', '{connection_file}'] },
      { ...IPYKERNEL_SPEC, language: 'R' },
      null
    ]) {
      const { kernel } = setup({
        info: R_INFO,
        context: { kernelSpec: () => spec }
      });
      expect(kernel.sent).toEqual([]);
      await settle();
      expect(kernel.sent).toEqual([]);
    }
  });

  it('injects again when a new kernel process starts without a restart request (auto-restart)', async () => {
    const { kernel } = setup();
    await settle();
    kernel.anyMessage.emit({ direction: 'recv', msg: iopubStatus('starting') });
    kernel.receive('shell', 'kernel_info_reply', {
      ...loadFixture('simple-print').kernel.info
    });
    expect(kernel.sentOf('execute_request')).toHaveLength(2);
  });

  it('injects into a kernel that was already running (a page reload), and each page reads only its own comm', async () => {
    const first = setup();
    await settle();
    // The second page: another connection to the same kernel, info known.
    const second = setup();
    await settle();
    expect(second.kernel.sentOf('execute_request')).toHaveLength(1);
    const request = requestsOf(first.fixture)[0];
    // The first page's comm message is not the second page's to record.
    second.kernel.replay(
      splitAt(first.fixture, e => e.type === 'message' && e.msg === request)[0]
    );
    second.kernel.helperSays(
      {
        type: 'capture',
        msgId: request.header.msg_id,
        capture: { tags: ['x'] },
        final: true
      },
      { parent: request.header.msg_id, commId: 'someone-elses-comm' }
    );
    second.kernel.replay(
      splitAt(first.fixture, e => e.type === 'message' && e.msg === request)[1]
    );
    const execution = second.events.find(e => e.kind === 'execution.completed');
    expect(
      execution && 'execution' in execution && execution.execution.capture
    ).toBeUndefined();
  });
});

describe('kernel helper configuration', () => {
  function lastConfig(kernel: HelperFakeKernel) {
    const msgs = kernel.sentOf('comm_msg');
    return (msgs[msgs.length - 1]?.content as { data?: unknown })?.data;
  }

  it('tells the helper when recording is paused and resumed', async () => {
    const { kernel, recorder } = setup();
    await settle();
    recorder.enabled = false;
    expect(lastConfig(kernel)).toEqual({
      type: 'config',
      recording: false,
      skipCells: []
    });
    recorder.enabled = false;
    expect(kernel.sentOf('comm_msg')).toHaveLength(1);
    recorder.enabled = true;
    expect(lastConfig(kernel)).toEqual({
      type: 'config',
      recording: true,
      skipCells: []
    });
    const comm = kernel.commId;
    expect(
      kernel.sentOf('comm_msg').every(m => (m.content as any).comm_id === comm)
    ).toBe(true);
  });

  it('injects with recording off for an opted-out notebook and follows the opt-out', async () => {
    let optedOut = true;
    const { kernel, recorder } = setup({
      context: { shouldRecord: () => !optedOut }
    });
    await settle();
    expect(kernel.sentOf('comm_open')[0].content).toMatchObject({
      data: { recording: false, skipCells: [] }
    });
    optedOut = false;
    recorder.refreshHelperConfig();
    expect(lastConfig(kernel)).toEqual({
      type: 'config',
      recording: true,
      skipCells: []
    });
  });

  it('sends the ids of tagged cells, and the new ones when tags change', async () => {
    let tagged: Record<string, string[]> = {
      c1: ['trail-skip'],
      c2: ['other']
    };
    const skipCells = (tags: ReadonlySet<string>) =>
      Object.keys(tagged).filter(id => tagged[id].some(tag => tags.has(tag)));
    const { kernel, recorder } = setup({ context: { skipCells } });
    await settle();
    expect(kernel.sentOf('comm_open')[0].content).toMatchObject({
      data: { recording: true, skipCells: ['c1'] }
    });
    tagged = { ...tagged, c2: ['trail-skip', 'other'] };
    recorder.refreshHelperConfig();
    expect(lastConfig(kernel)).toEqual({
      type: 'config',
      recording: true,
      skipCells: ['c1', 'c2']
    });
    recorder.excludeTags = ['other'];
    expect(lastConfig(kernel)).toEqual({
      type: 'config',
      recording: true,
      skipCells: ['c2']
    });
  });

  it('stops the helper when capture is turned off, and injects when turned on', async () => {
    const { kernel, recorder } = setup({ recorder: { injectHelper: false } });
    await settle();
    expect(kernel.sent).toEqual([]);
    recorder.injectHelper = true;
    await settle();
    expect(kernel.sentOf('execute_request')).toHaveLength(1);
    recorder.injectHelper = false;
    expect(lastConfig(kernel)).toEqual({
      type: 'config',
      recording: false,
      skipCells: []
    });
    expect(recorder.helperOf(kernel.connection)).toBeUndefined();
  });

  it('never records its own injection', async () => {
    const { fixture, kernel, events } = setup();
    await settle();
    kernel.replay(fixture.events);
    kernel.statusChanged.emit('restarting');
    await settle();
    kernel.receive('shell', 'kernel_info_reply', {
      ...loadFixture('simple-print').kernel.info
    });
    expect(kernel.sentOf('execute_request')).toHaveLength(2);
    expect(kinds(events)).toEqual(['session.started', 'execution.completed']);
  });
});
