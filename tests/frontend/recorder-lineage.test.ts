/**
 * Lineage through the recorder, on a real ipykernel behind a real jupyter
 * server: a notebook opened from a recorded session (metadata
 * trail.source) records sessions that name the source session and step,
 * again after a kernel restart; any other notebook records none.
 */
import { Kernel } from '@jupyterlab/services';
import { lineageFromSource } from '../../src/records/replay/lineage';
import type { SessionRecord, TrailEvent } from '../../src/records/schema';
import { TrailRecorder } from '../../src/recorder';
import { IRealKernel, startKernel } from './recorder/jupyter-server';
import { batchErrors } from './recorder/schema';

jest.setTimeout(90000);

const SOURCE = {
  sessionId: 'ses-4f1c2a9e-7d3b-4e8a-9c1f-2b3d4e5f6a7b',
  step: 7,
  form: 'as-executed',
  notebookPath: 'alice/houses.ipynb',
  author: 'alice'
};

describe('lineage with a real kernel', () => {
  let real: IRealKernel | undefined;
  let kernel: Kernel.IKernelConnection;
  const recorder = new TrailRecorder({
    client: { name: 'trail-tests', version: '0.0.0' }
  });
  const events: TrailEvent[] = [];
  recorder.eventRecorded.connect((_, event) => events.push(event));
  // What the notebook's metadata trail.source holds; edited by the tests.
  let source: unknown = SOURCE;

  beforeAll(async () => {
    real = await startKernel('python3');
    kernel = real.kernel;
    recorder.observe(kernel, {
      notebookPath: () => 'bob/houses-at-step-7.ipynb',
      lineage: () => lineageFromSource(source)
    });
    await kernel.info;
  });

  afterAll(async () => {
    recorder.dispose();
    await real?.stop();
  });

  const sessions = (): SessionRecord[] =>
    events.flatMap(e => (e.kind === 'session.started' ? [e.session] : []));

  async function runCell(code: string): Promise<void> {
    const before = events.filter(e => e.kind === 'execution.completed').length;
    await kernel.requestExecute({ code }).done;
    for (let i = 0; i < 200; i++) {
      if (
        events.filter(e => e.kind === 'execution.completed').length > before
      ) {
        return;
      }
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    throw new Error(`no execution recorded for ${code}`);
  }

  it('puts the source session and step on the session record', async () => {
    await runCell('x = 1');
    const [session] = sessions();
    expect(session.lineage).toEqual({
      kind: 'replay',
      sessionId: SOURCE.sessionId,
      step: 7
    });
    expect(batchErrors(events)).toEqual([]);
  });

  it('names it again on the session a kernel restart starts, as the metadata says then', async () => {
    source = { ...SOURCE, step: 9 };
    await kernel.restart();
    await runCell('y = 2');
    const all = sessions();
    expect(all).toHaveLength(2);
    expect(all[1].id).not.toBe(all[0].id);
    expect(all[1].lineage).toEqual({
      kind: 'replay',
      sessionId: SOURCE.sessionId,
      step: 9
    });
  });

  it('records no lineage for a notebook without a well-formed source', async () => {
    source = { sessionId: 'not an id', step: 0 };
    await kernel.restart();
    await runCell('z = 3');
    const all = sessions();
    expect(all).toHaveLength(3);
    expect(all[2]).not.toHaveProperty('lineage');
    expect(batchErrors(events)).toEqual([]);
  });
});
