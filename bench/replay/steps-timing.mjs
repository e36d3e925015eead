/**
 * The viewer's server side on a long session: seeds one session of
 * `executions` runs (default 10,000) with structure events through the
 * API, as a long day of editing and re-running leaves it, then times
 *
 * - opening: GET /sessions/{id}/steps (every step) and the last step;
 * - stepping: GET /sessions/{id}/steps/{k} for random k, and for k, k+1,
 *   ... as the "next" button asks them.
 *
 * The notebook has 150 cells (a fifth markdown); every 40 runs or so a cell
 * is edited, and now and then one is added, deleted or moved, each change
 * a structure event with only the new sources.
 */
import { createHash, randomUUID } from 'node:crypto';

/** A seeded generator (mulberry32): the same session on every run. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sha = text => createHash('sha256').update(text, 'utf8').digest('hex');

// A tiny PNG (1x1), for the outputs that carry an image.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

function codeFor(n, version) {
  const kinds = [
    `df_${n} = pd.read_csv("data/part_${n % 17}.csv")\ndf_${n}.describe()`,
    `model_${n} = RandomForestClassifier(n_estimators=${50 + version}, random_state=${n})\nmodel_${n}.fit(X_train, y_train)`,
    `for epoch in range(${3 + (version % 5)}):\n    print(f"epoch {epoch} loss {1 / (epoch + ${n}):.4f}")`,
    `fig, ax = plt.subplots()\nax.plot(history_${n % 9})\nax.set_title("run ${n} v${version}")`,
    `summary_${n} = frame.groupby("key_${n % 7}").agg(["mean", "max"])\nsummary_${n}.head(${5 + (version % 4)})`
  ];
  return kinds[n % kinds.length];
}

function outputsFor(n, seq, rand) {
  const outputs = [
    {
      output_type: 'stream',
      name: 'stdout',
      text: Array.from(
        { length: 1 + (n % 6) },
        (_, i) => `epoch ${i} loss ${(1 / (i + n + 1)).toFixed(4)}\n`
      ).join('')
    }
  ];
  if (n % 5 === 4) {
    const rows = Array.from(
      { length: 6 },
      (_, i) => `<tr><td>${i}</td><td>${(rand() * 100).toFixed(3)}</td></tr>`
    ).join('');
    outputs.push({
      output_type: 'execute_result',
      execution_count: seq,
      data: {
        'text/plain': `   key      mean\n0  ${n}  ${(rand() * 10).toFixed(3)}`,
        'text/html': `<table><thead><tr><th>key</th><th>mean</th></tr></thead><tbody>${rows}</tbody></table>`
      },
      metadata: {}
    });
  } else if (n % 5 === 3) {
    outputs.push({
      output_type: 'display_data',
      data: {
        'image/png': PNG,
        'text/plain': '<Figure size 640x480 with 1 Axes>'
      },
      metadata: {}
    });
  }
  return outputs;
}

/** The events of the seeded session, and its id. */
export function longSession(executions, seed = 13) {
  const rand = generator(seed);
  const sessionId = randomUUID();
  const notebookPath = 'bench/long-day.ipynb';
  const events = [
    {
      id: randomUUID(),
      kind: 'session.started',
      session: {
        id: sessionId,
        notebookPath,
        startedAt: new Date(Date.UTC(2026, 10, 2, 8)).toISOString(),
        kernel: {
          name: 'python3',
          displayName: 'Python 3 (ipykernel)',
          language: 'python'
        }
      }
    }
  ];
  let next = 0;
  const newCell = () => {
    const n = next++;
    const cellType = n % 5 === 2 ? 'markdown' : 'code';
    return {
      id: `cell-${n}-${randomUUID().slice(0, 8)}`,
      n,
      cellType,
      version: 0
    };
  };
  const sourceOf = c =>
    c.cellType === 'markdown'
      ? `## Part ${c.n}, revision ${c.version}\nNotes on what cell ${c.n} does.`
      : codeFor(c.n, c.version);
  const cells = Array.from({ length: 150 }, newCell);
  const sent = new Set();
  let changed = true;
  let cursor = 0;
  for (let seq = 1; seq <= executions; seq++) {
    if (seq > 1 && rand() < 1 / 40) {
      const r = rand();
      const at = Math.floor(rand() * cells.length);
      if (r < 0.6) {
        cells[at].version++;
      } else if (r < 0.8) {
        cells.splice(at, 0, newCell());
      } else if (r < 0.9 && cells.length > 20) {
        cells.splice(at, 1);
      } else {
        const [moved] = cells.splice(at, 1);
        cells.splice(Math.floor(rand() * cells.length), 0, moved);
      }
      changed = true;
    }
    if (changed) {
      const sources = {};
      const list = cells.map(c => {
        const text = sourceOf(c);
        const hash = sha(text);
        if (!sent.has(hash)) {
          sent.add(hash);
          sources[hash] = text;
        }
        return { id: c.id, cellType: c.cellType, sha256: hash };
      });
      events.push({
        id: randomUUID(),
        kind: 'structure.captured',
        sessionId,
        fromSeq: seq,
        cells: list,
        sources
      });
      changed = false;
    }
    // Mostly the next code cell; sometimes back a few cells to re-run.
    const code = cells.filter(c => c.cellType === 'code');
    cursor =
      rand() < 0.15
        ? Math.max(0, cursor - 1 - Math.floor(rand() * 5))
        : (cursor + 1) % code.length;
    const cell = code[cursor % code.length];
    const started = Date.UTC(2026, 10, 2, 8) + seq * 2500;
    const failed = rand() < 0.02;
    events.push({
      id: randomUUID(),
      kind: 'execution.completed',
      execution: {
        id: randomUUID(),
        sessionId,
        seq,
        notebookPath,
        cellId: cell.id,
        code: sourceOf(cell),
        executionCount: seq,
        status: failed ? 'error' : 'ok',
        startedAt: new Date(started).toISOString(),
        endedAt: new Date(started + 300).toISOString(),
        durationMs: 300,
        timing: 'kernel',
        outputs: failed
          ? [
              {
                output_type: 'error',
                ename: 'KeyError',
                evalue: `'key_${cell.n}'`,
                traceback: [`KeyError: 'key_${cell.n}'`]
              }
            ]
          : outputsFor(cell.n, seq, rand)
      }
    });
  }
  return { sessionId, events };
}

async function call(trail, path, init = {}) {
  const started = process.hrtime.bigint();
  const res = await fetch(`${trail.url}/api/v1${path}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${trail.token}`,
      'Content-Type': 'application/json',
      ...(init.headers ?? {})
    }
  });
  const body = await res.json();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!res.ok) {
    throw new Error(
      `${path}: ${res.status} ${JSON.stringify(body).slice(0, 400)}`
    );
  }
  return { body, ms };
}

const percentile = (sorted, p) =>
  sorted[
    Math.min(
      sorted.length - 1,
      Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)
    )
  ];

/** `{ n, median, p95, max }` of a list of times. */
export function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    n: times.length,
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1]
  };
}

/**
 * Seeds the session on `trail` and measures; resolves to the figures.
 */
export async function measureSteps(
  trail,
  { executions = 10000, samples = 300, log = () => undefined } = {}
) {
  const seeded = Date.now();
  const { sessionId, events } = longSession(executions);
  for (let i = 0; i < events.length; i += 1000) {
    await call(trail, '/events', {
      method: 'POST',
      body: JSON.stringify({ events: events.slice(i, i + 1000) })
    });
  }
  const structures = events.filter(e => e.kind === 'structure.captured').length;
  log(
    `seeded ${executions} executions and ${structures} structure events in ${((Date.now() - seeded) / 1000).toFixed(1)} s`
  );

  const list = await call(trail, `/sessions/${sessionId}/steps`);
  const total = list.body.total;
  if (total !== executions || !list.body.structured) {
    throw new Error(
      `steps: total ${total}, structured ${list.body.structured}`
    );
  }
  // Opening the viewer: the step list and the last step, a few times.
  const openList = [list.ms];
  const openLast = [];
  for (let i = 0; i < 10; i++) {
    openList.push((await call(trail, `/sessions/${sessionId}/steps`)).ms);
    openLast.push(
      (await call(trail, `/sessions/${sessionId}/steps/${total}`)).ms
    );
  }
  const rand = generator(99);
  const random = [];
  let cells = 0;
  for (let i = 0; i < samples; i++) {
    const k = 1 + Math.floor(rand() * total);
    const { body, ms } = await call(trail, `/sessions/${sessionId}/steps/${k}`);
    random.push(ms);
    cells += body.cells.length;
  }
  const sequential = [];
  const from = 1 + Math.floor(rand() * (total - samples));
  for (let k = from; k < from + Math.min(samples, 100); k++) {
    sequential.push(
      (await call(trail, `/sessions/${sessionId}/steps/${k}`)).ms
    );
  }
  return {
    sessionId,
    executions,
    structureEvents: structures,
    meanCellsPerStep: Math.round(cells / samples),
    openStepList: stats(openList),
    openLastStep: stats(openLast),
    randomStep: stats(random),
    nextStep: stats(sequential)
  };
}
