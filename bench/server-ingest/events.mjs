/**
 * The ingest benchmark's load: realistic session and execution events
 * (~1.5 KiB each, some with errors or a unique image) and the request
 * bodies that carry them.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  BATCH_SIZE,
  IMAGE_PERCENT,
  SESSION_EVERY,
  UNIQUE_CELLS
} from './options.mjs';

const CODE = [
  "import pandas as pd\ndf = pd.read_csv('data/measurements.csv')\ndf.describe()",
  "for epoch in range(3):\n    loss = train(model, loader)\n    print(f'epoch {epoch}: loss={loss:.4f}')",
  "fig, ax = plt.subplots(figsize=(8, 4))\nax.plot(df['t'], df['value'])\nax.set_title('Signal')",
  'result = model.evaluate(test_x, test_y)\nresult',
  'x = np.linspace(0, 10, 1000)\ny = np.sin(x) * np.exp(-x / 5)\ny.mean()'
];
const HTML_TABLE =
  '<table border="1" class="dataframe">\n<thead><tr><th></th><th>t</th><th>value</th></tr></thead>\n<tbody>\n' +
  Array.from(
    { length: 8 },
    (_, i) =>
      `<tr><th>${i}</th><td>${i * 0.1}</td><td>${Math.sin(i).toFixed(6)}</td></tr>`
  ).join('\n') +
  '\n</tbody>\n</table>';

let counter = 0;

/** A base64 "PNG" unique to `seed` (a real plot is new each time). */
function png(seed, bytes = 24 * 1024) {
  let out = '';
  let block = createHash('sha256').update(seed).digest();
  while (out.length < bytes) {
    out += block.toString('base64');
    block = createHash('sha256').update(block).digest();
  }
  return out.slice(0, bytes);
}

/** Cell ids of a notebook: 60 cells each, re-run across its sessions. */
const cellIds = new Map();
function cellIdOf(notebookPath, seq) {
  let ids = cellIds.get(notebookPath);
  if (!ids) {
    ids = Array.from({ length: 60 }, () => randomUUID());
    cellIds.set(notebookPath, ids);
  }
  return ids[seq % ids.length];
}

/**
 * A realistic execution event (~1.5 KiB) of a session `s` (a
 * session.started event): code, a stream, a result with text and HTML; 5%
 * raise an error with a traceback; with `images`, 2% display a plot
 * (24 KiB, unique, so it goes to the blob store). With `--unique-cells`
 * every execution has a cell of its own (the worst case of the per-cell
 * index), otherwise it runs one of its notebook's 60 cells.
 */
export function execution(s, seq, images) {
  const sessionId = s.session.id;
  const notebookPath = s.session.notebookPath;
  const n = counter++;
  const started = Date.UTC(2026, 0, 1) + n * 1500;
  const failed = n % 20 === 7;
  const outputs = [
    {
      output_type: 'stream',
      name: 'stdout',
      text: `step ${seq}: processed ${n % 977} rows\nok\n`
    }
  ];
  if (failed) {
    outputs.push({
      output_type: 'error',
      ename: 'ValueError',
      evalue: 'could not convert string to float',
      traceback: Array.from(
        { length: 6 },
        (_, i) =>
          `\u001b[0;31mFrame ${i}\u001b[0m in <module>\n    line ${i * 7}`
      )
    });
  } else {
    outputs.push({
      output_type: 'execute_result',
      execution_count: seq,
      data: {
        'text/plain': `   t   value\n0  0.0  ${n}`,
        'text/html': HTML_TABLE
      },
      metadata: {}
    });
  }
  if (images && n % 100 < IMAGE_PERCENT) {
    outputs.push({
      output_type: 'display_data',
      data: {
        'image/png': png(`plot-${n}-${randomUUID()}`),
        'text/plain': '<Figure size 800x400>'
      },
      metadata: {}
    });
  }
  return {
    id: randomUUID(),
    kind: 'execution.completed',
    execution: {
      id: randomUUID(),
      sessionId,
      seq,
      msgId: randomUUID(),
      notebookPath,
      cellId: UNIQUE_CELLS ? randomUUID() : cellIdOf(notebookPath, seq),
      code: CODE[n % CODE.length],
      executionCount: seq,
      status: failed ? 'error' : 'ok',
      ...(failed
        ? {
            error: {
              ename: 'ValueError',
              evalue: 'could not convert string to float'
            }
          }
        : {}),
      startedAt: new Date(started).toISOString(),
      endedAt: new Date(started + 340).toISOString(),
      durationMs: 340,
      timing: 'kernel',
      outputs
    }
  };
}

export function session(
  notebookPath = `projects/analysis-${counter % 7}.ipynb`
) {
  return {
    id: randomUUID(),
    kind: 'session.started',
    session: {
      id: randomUUID(),
      notebookPath,
      startedAt: new Date(Date.UTC(2026, 0, 1) + counter * 1500).toISOString(),
      kernel: {
        name: 'python3',
        displayName: 'Python 3 (ipykernel)',
        language: 'python'
      }
    }
  };
}

/**
 * Request bodies of `size` events: a session's executions in order, a new
 * session (its session.started event first in its batch) every
 * SESSION_EVERY batches.
 */
export function makeBodies(batches, size = BATCH_SIZE) {
  const bodies = [];
  let s = null;
  let seq = 0;
  for (let b = 0; b < batches; b++) {
    const events = [];
    if (b % SESSION_EVERY === 0) {
      s = session();
      seq = 0;
      events.push(s);
    }
    while (events.length < size) {
      events.push(execution(s, ++seq, true));
    }
    // Encoded once here: the load generator should cost as little as it
    // can, since it shares the machine with the server.
    bodies.push(Buffer.from(JSON.stringify({ events }), 'utf8'));
  }
  return bodies;
}
