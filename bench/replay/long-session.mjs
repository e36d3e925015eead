/**
 * The long sessions the replay benchmarks seed, one module for both
 * (`steps-timing.mjs`, the steps API and viewer part of `bench/replay.mjs`,
 * and `bench/server-steps.mjs`), so they time the same session:
 *
 * - `longSession` ("long day", the default): 10,000 executions of a
 *   150-cell notebook (a fifth markdown) as a long day of editing and
 *   re-running leaves it: every ~40 runs a cell is edited, added, deleted or
 *   moved, each change a structure event with only the new sources
 *   (~226 structure events, ~176 cells per step); outputs with text, HTML
 *   tables, images, errors;
 * - `gridSession` ("grid"): 500 code cells run round-robin, few structure
 *   events, every cell's execution shown at every step past 500.
 *
 * `seedSession` sends a session's events through `POST /events`.
 */
import { createHash, randomUUID } from 'node:crypto';

/** A seeded generator (mulberry32): the same session on every run. */
export function generator(seed) {
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

/**
 * The events of the grid session: 500 code cells, each execution in cell
 * (7 seq) mod 500 (every cell has run after step 500), the cells moving
 * every 2,500 steps; outputs a stream, a result and, one run in five, a
 * 60-row HTML table (as tests/server/steps.test.ts builds it).
 */
export function gridSession(executions = 10_000, cellCount = 500) {
  const sessionId = randomUUID();
  const notebookPath = 'bench/steps-500.ipynb';
  const cells = Array.from({ length: cellCount }, (_, i) => ({
    id: `c${i}`,
    source: `v${i} = frame.groupby("k${i % 13}").agg("mean")\nprint(v${i}.shape)\nv${i}.head()`
  }));
  const structure = (fromSeq, order, withSources) => ({
    id: randomUUID(),
    kind: 'structure.captured',
    sessionId,
    fromSeq,
    cells: order.map(c => ({
      id: c.id,
      cellType: 'code',
      sha256: sha(c.source)
    })),
    sources: withSources
      ? Object.fromEntries(order.map(c => [sha(c.source), c.source]))
      : {}
  });
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
    },
    structure(1, cells, true)
  ];
  let order = cells;
  for (let seq = 1; seq <= executions; seq++) {
    if (seq % 2500 === 0) {
      order = [...order.slice(1), order[0]];
      events.push(structure(seq, order, false));
    }
    const cell = cells[(seq * 7) % cellCount];
    const started = Date.UTC(2026, 10, 2, 8) + seq * 2500;
    const outputs = [
      { output_type: 'stream', name: 'stdout', text: `(${seq % 97}, 4)\n` },
      {
        output_type: 'execute_result',
        execution_count: seq,
        data: { 'text/plain': `   mean\nk  ${(seq / 7).toFixed(3)}` },
        metadata: {}
      }
    ];
    if (seq % 5 === 0) {
      const rows = Array.from(
        { length: 60 },
        (_, i) => `<tr><th>${i}</th><td>${((seq * i) % 1000) / 10}</td></tr>`
      ).join('');
      outputs.push({
        output_type: 'display_data',
        data: {
          'text/html': `<table class="dataframe"><tbody>${rows}</tbody></table>`,
          'text/plain': `<${rows.length}-char table>`
        },
        metadata: {}
      });
    }
    events.push({
      id: randomUUID(),
      kind: 'execution.completed',
      execution: {
        id: randomUUID(),
        sessionId,
        seq,
        notebookPath,
        cellId: cell.id,
        code: cell.source,
        executionCount: seq,
        status: 'ok',
        startedAt: new Date(started).toISOString(),
        endedAt: new Date(started + 300).toISOString(),
        durationMs: 300,
        timing: 'kernel',
        outputs
      }
    });
  }
  return { sessionId, events };
}

/**
 * Send `events` through `call(path, init)` (`POST /events`, 1,000 at a
 * time).
 */
export async function seedSession(call, events) {
  for (let i = 0; i < events.length; i += 1000) {
    await call('/events', {
      method: 'POST',
      body: JSON.stringify({ events: events.slice(i, i + 1000) })
    });
  }
}
