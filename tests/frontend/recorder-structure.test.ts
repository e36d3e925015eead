/**
 * The notebook's structure through the recorder, on a real ipykernel
 * behind a real jupyter server: sent before seq 1, again only when it
 * changed, with only the sources not sent before, redacted as code; and
 * what checking it costs on a 500-cell notebook.
 */
import { Kernel, KernelMessage } from '@jupyterlab/services';
import type {
  StructureCapturedEvent,
  TrailEvent
} from '../../src/records/schema';
import { sourceSha256 } from '../../src/records/replay/structure';
import {
  StructureTracker,
  TrailRecorder,
  type NotebookStructure
} from '../../src/recorder';
import { IRealKernel, startKernel } from './recorder/jupyter-server';
import { batchErrors } from './recorder/schema';

jest.setTimeout(60000);

type Cell = NotebookStructure['cells'][number];

describe('structure capture with a real kernel', () => {
  let real: IRealKernel | undefined;
  let kernel: Kernel.IKernelConnection;
  const recorder = new TrailRecorder({
    client: { name: 'trail-tests', version: '0.0.0' }
  });
  const events: TrailEvent[] = [];
  recorder.eventRecorded.connect((_, event) => events.push(event));
  let cells: Cell[] = [
    { id: 'intro', cellType: 'markdown', source: '# Analysis' },
    { id: 'load', cellType: 'code', source: 'x = 1' },
    { id: 'show', cellType: 'code', source: 'print(x)' }
  ];
  let structureReads = 0;

  beforeAll(async () => {
    real = await startKernel('python3');
    kernel = real.kernel;
    recorder.observe(kernel, {
      notebookPath: () => 'real/structure.ipynb',
      structure: () => {
        structureReads++;
        return { cells };
      }
    });
    await kernel.info;
  });

  afterAll(async () => {
    recorder.dispose();
    await real?.stop();
  });

  async function run(cellId: string): Promise<void> {
    const code = cells.find(c => c.id === cellId)!.source;
    const future = kernel.requestExecute({ code }, false, {
      deletedCells: [],
      recordTiming: false,
      cellId
    } as KernelMessage.IExecuteRequestMsg['metadata']);
    await future.done.catch(() => undefined);
    for (let i = 0; i < 100; i++) {
      const done = events.filter(
        e => e.kind === 'execution.completed' && e.execution.cellId === cellId
      );
      if (done.length > 0 && !hasPending()) {
        return;
      }
      await new Promise(resolve => setTimeout(resolve, 20));
    }
  }
  let expected = 0;
  const hasPending = () =>
    events.filter(e => e.kind === 'execution.completed').length < expected;

  const structures = () =>
    events.filter(
      (e): e is StructureCapturedEvent => e.kind === 'structure.captured'
    );

  it('sends the structure before seq 1, then only when it changed, with only new sources', async () => {
    expected = 2;
    await run('load');
    await run('show');
    const kinds = events.map(e => e.kind);
    // Before the first execution, once: nothing changed before the second.
    expect(kinds).toEqual([
      'session.started',
      'structure.captured',
      'execution.completed',
      'execution.completed'
    ]);
    const [first] = structures();
    expect(first.fromSeq).toBe(1);
    expect(first.cells).toEqual(
      cells.map(c => ({
        id: c.id,
        cellType: c.cellType,
        sha256: sourceSha256(c.source)
      }))
    );
    expect(Object.values(first.sources).sort()).toEqual(
      ['# Analysis', 'print(x)', 'x = 1'].sort()
    );
    expect(structureReads).toBe(2);

    // Move show above load, edit intro, add a cell holding a known content.
    cells = [
      { id: 'intro', cellType: 'markdown', source: '# Analysis of x' },
      cells[2],
      cells[1],
      { id: 'again', cellType: 'code', source: 'x = 1' }
    ];
    expected = 3;
    await run('load');
    const second = structures()[1];
    expect(second.fromSeq).toBe(3);
    expect(second.cells.map(c => c.id)).toEqual([
      'intro',
      'show',
      'load',
      'again'
    ]);
    expect(second.sources).toEqual({
      [sourceSha256('# Analysis of x')]: '# Analysis of x'
    });
    // It went before the execution it describes.
    const at = events.indexOf(second);
    const run3 = events.findIndex(
      e => e.kind === 'execution.completed' && e.execution.seq === 3
    );
    expect(at).toBeLessThan(run3);
    expect(batchErrors(events)).toEqual([]);
  });

  it('hashes the redacted source and never sends a secret', async () => {
    const secret = 'sk-proj-Abc123Def456Ghi789Jkl012Mno345';
    cells = [
      ...cells,
      { id: 'key', cellType: 'code', source: `api_key = "${secret}"` }
    ];
    expected = 4;
    await run('key');
    const last = structures()[structures().length - 1];
    const keyCell = last.cells.find(c => c.id === 'key')!;
    const text = last.sources[keyCell.sha256];
    expect(text).toContain('[REDACTED:');
    expect(text).not.toContain(secret);
    expect(keyCell.sha256).toBe(sourceSha256(text));
    expect(JSON.stringify(events)).not.toContain(secret);
  });

  it('starts over after a restart: the new session gets every source before its seq 1', async () => {
    const before = structures().length;
    await kernel.restart();
    await kernel.info;
    expected = 5;
    await run('show');
    const sessions = events.filter(e => e.kind === 'session.started');
    expect(sessions).toHaveLength(2);
    const fresh = structures().slice(before);
    expect(fresh).toHaveLength(1);
    const newSession =
      sessions[1].kind === 'session.started' ? sessions[1].session.id : '';
    expect(fresh[0].sessionId).toBe(newSession);
    expect(fresh[0].fromSeq).toBe(1);
    expect(Object.keys(fresh[0].sources).sort()).toEqual(
      [...new Set(fresh[0].cells.map(c => c.sha256))].sort()
    );
  });
});

describe('StructureTracker cost', () => {
  it('checks a 500-cell notebook cheaply when nothing changed', () => {
    const cells: Cell[] = Array.from({ length: 500 }, (_, i) => ({
      id: `cell-${i}`,
      cellType: i % 5 === 0 ? 'markdown' : 'code',
      source:
        `# step ${i}\nimport numpy as np\nx${i} = np.arange(${i})\n`.repeat(8)
    }));
    const redactions: string[] = [];
    const redact = (text: string) => {
      redactions.push(text);
      return text;
    };
    const tracker = new StructureTracker(() => redact);
    let t = performance.now();
    expect(tracker.capture('s', 1, { cells })).not.toBeNull();
    const first = performance.now() - t;
    expect(redactions).toHaveLength(500);

    // The same strings again: no redaction, no hash, no event.
    t = performance.now();
    for (let seq = 2; seq < 102; seq++) {
      expect(tracker.capture('s', seq, { cells: [...cells] })).toBeNull();
    }
    const unchanged = (performance.now() - t) / 100;
    expect(redactions).toHaveLength(500);

    // One edited cell: one redaction and hash, one source sent.
    cells[250] = { ...cells[250], source: 'changed = True' };
    t = performance.now();
    const event = tracker.capture('s', 102, { cells })!;
    const edited = performance.now() - t;
    expect(redactions).toHaveLength(501);
    expect(Object.values(event.sources)).toEqual(['changed = True']);

    // eslint-disable-next-line no-console
    console.log(
      `structure of 500 cells: first ${first.toFixed(1)} ms, unchanged ${unchanged.toFixed(3)} ms, one edit ${edited.toFixed(2)} ms`
    );
    // Rough bounds, far above what it takes here.
    expect(unchanged).toBeLessThan(5);
    expect(edited).toBeLessThan(20);
  });
});
