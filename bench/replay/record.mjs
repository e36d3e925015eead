/**
 * Records one corpus notebook through the real recorder: a TrailRecorder
 * (kernel helper injected, as in JupyterLab) observes a fresh kernel while
 * the code cells run top to bottom, as a person writing the notebook runs
 * each cell once written (a cell tagged `rerun` twice in a row, those
 * tagged `again-at-end` once more after the last, out of order). The notebook's structure grows with it: before
 * each run the recorder sees the cells written so far (markdown included),
 * so the session carries structure events as the extension sends them.
 * The events go to the Trail server in batches (POST /events).
 */
import { randomUUID } from 'node:crypto';
import { sleep } from './services.mjs';

const CLIENT = { name: 'trail-replay-bench', version: '0' };

async function waitFor(condition, what, ms = 60000) {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(50);
  }
}

/**
 * Runs `notebook`'s code cells in a new kernel of `jupyter`, recorded;
 * sends the events with `client`. Resolves to
 * `{ sessionId, notebookPath, steps: [{ cellId, index }], events, ms }`.
 */
export async function recordNotebook({
  TrailRecorder,
  client,
  jupyter,
  notebook
}) {
  const notebookPath = `bench/${notebook.name}.ipynb`;
  const cells = notebook.cells.map((cell, index) => ({
    ...cell,
    index,
    id: randomUUID()
  }));
  let written = 0;
  const recorder = new TrailRecorder({ client: CLIENT, injectHelper: true });
  const events = [];
  recorder.eventRecorded.connect((_, event) => events.push(event));
  const started = Date.now();
  const kernel = await jupyter.startKernel('python3');
  const steps = [];
  try {
    recorder.observe(kernel, {
      notebookPath: () => notebookPath,
      kernelDisplayName: () => 'Python 3 (ipykernel)',
      structure: () => ({
        cells: cells.slice(0, written).map(c => ({
          id: c.id,
          cellType: c.cellType,
          source: c.source
        }))
      })
    });
    await kernel.info;
    await waitFor(
      () => recorder.helperOf(kernel)?.state === 'injected',
      'the kernel helper'
    );
    const run = async cell => {
      const future = kernel.requestExecute(
        { code: cell.source, stop_on_error: true },
        false,
        { deletedCells: [], recordTiming: false, cellId: cell.id }
      );
      await future.done;
      future.dispose();
      steps.push({ cellId: cell.id, index: cell.index, cell });
    };
    for (const cell of cells) {
      written = cell.index + 1;
      if (cell.cellType !== 'code') {
        continue;
      }
      await run(cell);
      // Run twice in a row, as one does after a glance at the output.
      if (cell.tags.includes('rerun')) {
        await run(cell);
      }
    }
    // Gone back to once the notebook is written: run again, out of order.
    for (const cell of cells) {
      if (cell.cellType === 'code' && cell.tags.includes('again-at-end')) {
        await run(cell);
      }
    }
    const completed = () =>
      events.filter(e => e.kind === 'execution.completed').length;
    await waitFor(() => completed() >= steps.length, 'the executions');
    // Let late captures (file hashes, the environment) arrive: quiet for 1.5 s.
    let seen = -1;
    while (seen !== events.length) {
      seen = events.length;
      await sleep(1500);
    }
  } finally {
    recorder.dispose();
    await jupyter.shutdownKernel(kernel);
  }
  const ms = Date.now() - started;
  for (let i = 0; i < events.length; i += 500) {
    // A batch the server refuses rejects whole (TrailResponseError).
    const batch = events.slice(i, i + 500);
    const result = await client.ingest({ events: batch });
    if (result.accepted.length + result.duplicates.length !== batch.length) {
      throw new Error(
        `${notebook.name}: ${batch.length} events sent, ${result.accepted.length} stored`
      );
    }
  }
  const started_ = events.find(e => e.kind === 'session.started');
  return {
    sessionId: started_.session.id,
    notebookPath,
    steps,
    events,
    ms
  };
}
