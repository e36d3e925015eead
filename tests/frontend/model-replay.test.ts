/**
 * The replay viewer's model: steps are cached and shared while loading,
 * the neighbours of the step shown are prefetched, the latest ask wins,
 * executions keep one resolved object across steps, and an unknown or
 * private session is "not found". The reader is a fake at the model's
 * seam (the client's steps API is tested against the real server).
 */
import type {
  ExecutionRecord,
  Output,
  SessionSummary
} from '../../src/records/schema';
import {
  IReplayReader,
  NotebookAtStep,
  ReplayModel,
  StepCache,
  StepList
} from '../../src/model/replay';

function record(seq: number, cellId: string): ExecutionRecord {
  return {
    id: `exec-${String(seq).padStart(6, '0')}`,
    sessionId: 'session-0001',
    seq,
    notebookPath: 'a.ipynb',
    cellId,
    code: `x = ${seq}`,
    executionCount: seq,
    status: 'ok',
    startedAt: '2026-03-01T10:00:00.000Z',
    endedAt: '2026-03-01T10:00:01.000Z',
    durationMs: 1000,
    timing: 'kernel',
    outputs: [{ output_type: 'stream', name: 'stdout', text: `${seq}\n` }]
  } as ExecutionRecord;
}

/** A session of `total` steps over two cells run in turn. */
class FakeReplayReader implements IReplayReader {
  constructor(readonly total: number) {}
  stepCalls: number[] = [];
  resolveCalls = 0;
  /** Steps that do not answer until released. */
  held = new Map<number, () => void>();
  hold = new Set<number>();
  missing = false;

  getSession(id: string): Promise<SessionSummary> {
    if (this.missing) {
      return Promise.reject(
        Object.assign(new Error('Session not found'), { status: 404 })
      );
    }
    return Promise.resolve({ id, notebookPath: 'a.ipynb' } as SessionSummary);
  }
  getExecution(id: string): Promise<ExecutionRecord> {
    return Promise.resolve(record(Number(id.slice(5)), 'c'));
  }
  getSteps(sessionId: string): Promise<StepList> {
    return Promise.resolve({
      sessionId,
      total: this.total,
      structured: true,
      steps: Array.from({ length: this.total }, (_, i) => ({
        step: i + 1,
        seq: i + 1,
        executionId: record(i + 1, 'c').id,
        cellId: i % 2 ? 'c2' : 'c1',
        status: 'ok' as const,
        startedAt: '2026-03-01T10:00:00.000Z',
        durationMs: 1
      }))
    });
  }
  async getStep(sessionId: string, k: number): Promise<NotebookAtStep> {
    this.stepCalls.push(k);
    if (this.hold.has(k)) {
      await new Promise<void>(resolve => this.held.set(k, resolve));
    }
    // Cell 1 last ran at the latest odd step <= k, cell 2 at the latest even.
    const odd = k % 2 ? k : k - 1;
    const even = k % 2 ? k - 1 : k;
    return {
      sessionId,
      step: k,
      total: this.total,
      structured: true,
      cells: [
        {
          cellId: 'c1',
          cellType: 'code',
          state: 'ran',
          current: k === odd,
          execution: record(odd, 'c1')
        },
        even > 0
          ? {
              cellId: 'c2',
              cellType: 'code',
              state: 'ran',
              current: k === even,
              execution: record(even, 'c2')
            }
          : {
              cellId: 'c2',
              cellType: 'code',
              state: 'not-run',
              current: false,
              source: 'y'
            }
      ]
    };
  }
  resolveOutputs(outputs: Output[]): Promise<Output[]> {
    this.resolveCalls++;
    return Promise.resolve(outputs);
  }
}

const settle = () => new Promise(resolve => setTimeout(resolve, 0));

describe('StepCache', () => {
  it('keeps the most recently used steps and shares a load in flight', async () => {
    const loads: number[] = [];
    const cache = new StepCache<string>({
      capacity: 2,
      load: k => {
        loads.push(k);
        return Promise.resolve(`step ${k}`);
      }
    });
    const [a, b] = await Promise.all([cache.get(1), cache.get(1)]);
    expect([a, b, loads]).toEqual(['step 1', 'step 1', [1]]);
    await cache.get(2);
    cache.peek(1); // 1 is now the newest
    await cache.get(3); // evicts 2
    expect([cache.has(1), cache.has(2), cache.has(3)]).toEqual([
      true,
      false,
      true
    ]);
    await cache.get(2);
    expect(loads).toEqual([1, 2, 3, 2]);
  });

  it('does not keep a failed load', async () => {
    let fail = true;
    const cache = new StepCache<number>({
      load: k => (fail ? Promise.reject(new Error('down')) : Promise.resolve(k))
    });
    await expect(cache.get(1)).rejects.toThrow('down');
    fail = false;
    await expect(cache.get(1)).resolves.toBe(1);
  });
});

describe('ReplayModel', () => {
  it('opens at the step of an execution and prefetches its neighbours', async () => {
    const reader = new FakeReplayReader(10_000);
    const model = new ReplayModel({ reader, executionId: 'exec-004242' });
    await model.open();
    expect(model.state).toBe('ready');
    expect(model.sessionId).toBe('session-0001');
    expect(model.step).toBe(4242);
    expect(model.notebook?.step).toBe(4242);
    expect(model.notebook?.cells.find(cell => cell.current)?.cellId).toBe('c2');
    await settle();
    expect(reader.stepCalls.sort()).toEqual([4241, 4242, 4243]);
    model.dispose();
  });

  it('steps from the cache without asking the server again', async () => {
    const reader = new FakeReplayReader(50);
    const model = new ReplayModel({ reader, sessionId: 'session-0001' });
    await model.open();
    await settle();
    const started = performance.now();
    await model.next();
    expect(performance.now() - started).toBeLessThan(20);
    expect(model.notebook?.step).toBe(2);
    // Step 2 was prefetched: asked once only.
    expect(reader.stepCalls.filter(k => k === 2)).toHaveLength(1);
    await settle();
    expect(reader.stepCalls).toContain(3); // the next neighbour is on its way
    await model.previous();
    await model.first();
    expect(model.step).toBe(1);
    await model.previous(); // clamped
    expect(model.step).toBe(1);
    await model.last();
    expect(model.notebook?.step).toBe(50);
    model.dispose();
  });

  it('keeps one resolved execution per id across steps', async () => {
    const reader = new FakeReplayReader(6);
    const model = new ReplayModel({
      reader,
      sessionId: 'session-0001',
      step: 3
    });
    await model.open();
    const atThree = model.notebook!.cells[1].execution; // step 2's run of c2
    await model.next(); // step 4: c2 runs again, c1 unchanged
    await model.previous();
    expect(model.notebook!.cells[1].execution).toBe(atThree);
    const c1AtThree = model.notebook!.cells[0].execution;
    await model.goTo(4);
    expect(model.notebook!.cells[0].execution).toBe(c1AtThree);
    expect(model.notebook!.cells[1].execution).not.toBe(atThree);
    model.dispose();
  });

  it('lets the latest ask win while an earlier step still loads', async () => {
    const reader = new FakeReplayReader(100);
    const model = new ReplayModel({
      reader,
      sessionId: 'session-0001',
      step: 50
    });
    await model.open();
    reader.hold.add(10);
    const slow = model.goTo(10);
    expect(model.step).toBe(10);
    expect(model.stepLoading).toBe(true);
    await model.goTo(51); // prefetched: at once
    reader.held.get(10)!();
    await slow;
    expect(model.step).toBe(51);
    expect(model.notebook?.step).toBe(51);
    model.dispose();
  });

  it('loads only the last position of a dragged slider once the step before lands', async () => {
    const reader = new FakeReplayReader(1000);
    const model = new ReplayModel({
      reader,
      sessionId: 'session-0001',
      step: 500
    });
    await model.open();
    await settle();
    reader.stepCalls = [];
    reader.hold.add(100);
    const first = model.goTo(100);
    // The slider moves on while step 100 loads: no request per position.
    const passed = [200, 300, 400].map(k => model.goTo(k));
    await settle();
    expect(reader.stepCalls).toEqual([100]);
    expect(model.step).toBe(400);
    reader.held.get(100)!();
    await Promise.all([first, ...passed]);
    expect(model.notebook?.step).toBe(400);
    // 100 (kept), 400 and its neighbours; never 200 or 300.
    expect(reader.stepCalls.filter(k => k !== 399 && k !== 401)).toEqual([
      100, 400
    ]);
    expect(model.cache.has(100)).toBe(true);
    model.dispose();
  });

  it('does not let a stuck step hold the next one asked for long', async () => {
    const reader = new FakeReplayReader(1000);
    const model = new ReplayModel({
      reader,
      sessionId: 'session-0001',
      step: 500
    });
    await model.open();
    reader.hold.add(100);
    void model.goTo(100); // never answers
    const started = Date.now();
    await model.goTo(700);
    expect(model.notebook?.step).toBe(700);
    expect(Date.now() - started).toBeLessThan(2000);
    model.dispose();
  });

  it('tells an unknown or private session apart from other errors', async () => {
    const reader = new FakeReplayReader(3);
    reader.missing = true;
    const model = new ReplayModel({ reader, sessionId: 'session-0001' });
    await model.open();
    expect(model.state).toBe('not-found');
    expect(model.notebook).toBeNull();
    model.dispose();
  });
});
