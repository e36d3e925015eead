/**
 * The client's steps methods against the real app over HTTP: answers pass
 * the generated validators (StepList, NotebookAtStep), and a step past the
 * end is a TrailResponseError with code step_not_found.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { TrailClient } from '../../src/client/client';
import { TrailResponseError } from '../../src/client/errors';
import type { StructureCapturedEvent } from '../../src/records/schema';
import {
  bigPng,
  executionEvent,
  imageOutput,
  newId,
  sessionEvent
} from './support/records';
import {
  openFileApp,
  removeTempDirs,
  TOKEN,
  type FileApp
} from './support/server';

let server: FileApp;
let listening: Server;
let client: TrailClient;

beforeAll(async () => {
  server = await openFileApp();
  listening = server.app.listen(0, '127.0.0.1');
  await new Promise<void>(resolve => listening.once('listening', resolve));
  const { port } = listening.address() as AddressInfo;
  client = new TrailClient({
    baseUrl: `http://127.0.0.1:${port}`,
    token: TOKEN
  });
});

afterAll(async () => {
  listening.closeAllConnections();
  await new Promise(resolve => listening.close(resolve));
  await server.close();
  await removeTempDirs();
});

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

it('gets the steps and the notebook at a step, and a precise error past the end', async () => {
  const session = sessionEvent({ notebookPath: 'client/steps.ipynb' });
  const sid = session.session.id;
  const sources = ['## Plot', 'import matplotlib', 'plot()'];
  const structure: StructureCapturedEvent = {
    id: newId('evt'),
    kind: 'structure.captured',
    sessionId: sid,
    fromSeq: 1,
    cells: [
      { id: 'md', cellType: 'markdown', sha256: sha(sources[0]) },
      { id: 'imp', cellType: 'code', sha256: sha(sources[1]) },
      { id: 'plot', cellType: 'code', sha256: sha(sources[2]) }
    ],
    sources: Object.fromEntries(sources.map(s => [sha(s), s]))
  };
  const runs = [
    executionEvent(sid, 1, { cellId: 'imp', code: sources[1] }),
    executionEvent(sid, 2, {
      cellId: 'plot',
      code: sources[2],
      outputs: [imageOutput(bigPng('client-steps'))]
    })
  ];
  const ingested = await client.ingest({
    events: [session, structure, ...runs]
  });
  expect(ingested.accepted).toHaveLength(4);

  const steps = await client.getSteps(sid);
  expect(steps).toMatchObject({ sessionId: sid, total: 2, structured: true });
  expect(steps.steps.map(s => [s.step, s.cellId])).toEqual([
    [1, 'imp'],
    [2, 'plot']
  ]);

  const at1 = await client.getStep(sid, 1);
  expect(at1.cells.map(c => [c.cellId, c.state, c.current])).toEqual([
    ['md', 'not-run', false],
    ['imp', 'ran', true],
    ['plot', 'not-run', false]
  ]);
  expect(at1.cells[0].source).toBe('## Plot');
  const at2 = await client.getStep(sid, 2);
  // Large values come as BlobRefs, resolved as for any execution.
  const outputs = await client.resolveOutputs(at2.cells[2].execution!.outputs);
  expect(outputs[0]).toEqual(runs[1].execution.outputs[0]);

  const error = await client.getStep(sid, 3).catch(e => e);
  expect(error).toBeInstanceOf(TrailResponseError);
  expect(error).toMatchObject({ status: 404, code: 'step_not_found' });
});
