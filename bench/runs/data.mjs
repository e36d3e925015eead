/**
 * The runs benchmark's history: a team of six people, 50 notebooks, and
 * runs of ten executions each shaped like real training notebooks (imports,
 * data read from 2-3 files with hashes, 5-15 params of mixed types logged,
 * a training loop logging loss over epochs, an evaluation logging the
 * headline metrics, tags, a model written). Deterministic (seeded), so the
 * same `--runs` gives the same history and queries find the same runs.
 */
import { createHash } from 'node:crypto';

export const PEOPLE = ['alice', 'bob', 'carol', 'dan', 'erin', 'frank'];
export const DISPLAY = {
  alice: 'Alice Martin',
  bob: 'Bob Chen',
  carol: 'Carol Diaz',
  dan: 'Dan Okafor',
  erin: 'Erin Walsh',
  frank: 'Frank Ito'
};
export const PER_RUN = 10;
const TOPICS = [
  'churn',
  'fraud',
  'sales',
  'sensors',
  'reviews',
  'images',
  'credit',
  'housing',
  'energy',
  'clicks'
];
const STAGES = ['baseline', 'train', 'tune', 'ablation', 'features'];
/** 50 notebooks: a topic's five stages; regression for some topics. */
export const NOTEBOOKS = TOPICS.flatMap(topic =>
  STAGES.map(stage => `projects/${topic}/${stage}.ipynb`)
);
const REGRESSION = new Set(['sales', 'housing', 'energy']);
const MODELS = [
  'random_forest',
  'xgboost',
  'logreg',
  'mlp',
  'lightgbm',
  'svm',
  'ridge'
];
const TAGS = [
  'baseline',
  'tuned',
  'ablation',
  'final',
  'debug',
  'gpu',
  'nightly'
];
const DAY = 86_400_000;
/** The history spans this many days, ending at the seed's `endMs`. */
export const SPAN_DAYS = 120;

export function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

const hex = text => createHash('sha256').update(text).digest('hex');
/** A UUID-shaped id derived from a label (stable across seeds). */
export function idOf(label) {
  const h = hex(label);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Who wrote run `r`, and whether it is private (5 %). */
export function ownerOf(r) {
  const random = rng(r * 7919 + 13);
  random();
  return {
    person: PEOPLE[Math.floor(random() * PEOPLE.length)],
    private: random() < 0.05
  };
}

/** The cell ids and fixed code of a notebook's first two cells. */
function notebookCells(notebookPath) {
  return Array.from({ length: PER_RUN }, (_, i) =>
    idOf(`${notebookPath}#cell${i}`)
  );
}

const round = (x, d = 4) => Number(x.toFixed(d));

/**
 * The events of run `r` (a session.started and its ten executions).
 * `endMs`: the newest run starts about then; run r starts at a time
 * growing with r (so later runs are newer), jittered.
 */
export function runEvents(r, runs, endMs) {
  const random = rng(r * 2654435761 + 1);
  const { person, private: isPrivate } = ownerOf(r);
  const notebookPath = NOTEBOOKS[Math.floor(random() * NOTEBOOKS.length)];
  const topic = notebookPath.split('/')[1];
  const regression = REGRESSION.has(topic);
  const cells = notebookCells(notebookPath);
  const sessionId = idOf(`run-${r}`);
  const startMs = Math.round(
    endMs - SPAN_DAYS * DAY * (1 - r / runs) - random() * 3_600_000
  );
  const kindRoll = random();
  const kind =
    r < 100 || kindRoll < 0.9
      ? 'notebook'
      : kindRoll < 0.95
        ? 'replay'
        : kindRoll < 0.98
          ? 'fork'
          : 'export';
  const session = {
    id: sessionId,
    notebookPath,
    startedAt: new Date(startMs).toISOString(),
    kernel: {
      name: 'python3',
      displayName: 'Python 3 (ipykernel)',
      language: 'python'
    },
    ...(isPrivate ? { visibility: 'private' } : {})
  };
  if (kind !== 'notebook') {
    // A replay, fork or export of an earlier team run.
    let source = Math.floor(random() * r);
    while (ownerOf(source).private) source = Math.max(0, source - 1);
    session.lineage = {
      kind,
      sessionId: idOf(`run-${source}`),
      step: 3 + Math.floor(random() * 5)
    };
  }
  const events = [{ id: idOf(`ev-s-${r}`), kind: 'session.started', session }];

  // Data: 2-3 input files, each in one of a few versions.
  const version = Math.floor(random() * 4);
  const inputs = [`data/${topic}/train.csv`, `data/${topic}/test.csv`];
  if (random() < 0.5) inputs.push(`data/${topic}/labels.parquet`);
  if (random() < 0.3) inputs[0] = 'data/train.csv';
  const model = MODELS[Math.floor(random() * MODELS.length)];
  const params = {
    model,
    lr: round(10 ** (-4 + random() * 3), 6),
    epochs: 5 + Math.floor(random() * 11),
    batch_size: [16, 32, 64, 128, 256][Math.floor(random() * 5)],
    seed: Math.floor(random() * 1000),
    optimizer: random() < 0.6 ? 'adam' : 'sgd'
  };
  const extra = Math.floor(random() * 10); // 5-15 params in all
  const optional = [
    [
      'max_depth',
      () => (random() < 0.1 ? null : 3 + Math.floor(random() * 10))
    ],
    ['dropout', () => (random() < 0.15 ? 'none' : round(random() / 2, 2))],
    ['n_estimators', () => 50 * (1 + Math.floor(random() * 10))],
    ['weight_decay', () => round(10 ** (-6 + random() * 4), 8)],
    ['augment', () => random() < 0.5],
    [
      'features',
      () => ['all', 'top20', 'no_text', 'pca16'][Math.floor(random() * 4)]
    ],
    ['scaler', () => (random() < 0.5 ? 'standard' : 'minmax')],
    ['class_weight', () => (random() < 0.5 ? 'balanced' : null)],
    ['early_stopping', () => random() < 0.7],
    ['hidden.units', () => [64, 128, 256, 512][Math.floor(random() * 4)]]
  ];
  for (let i = 0; i < extra; i++) {
    const [name, value] = optional[(r + i * 3) % optional.length];
    params[name] = value();
  }
  const quality = random();
  const epochs = params.epochs;
  const codes = [
    'import pandas as pd\nimport numpy as np\nimport trail\nfrom sklearn.metrics import accuracy_score, f1_score, roc_auc_score',
    inputs.map((p, i) => `df${i} = pd.read_csv("${p}")`).join('\n') +
      '\ndf0.shape',
    `params = ${JSON.stringify(params)}\ntrail.log_params(params)`,
    'X_train, X_valid, y_train, y_valid = split(df0, seed=params["seed"])',
    `model = make_model(params["model"], **params)\nmodel`,
    'history = []\nfor epoch in range(params["epochs"]):\n    loss, val_loss = model.train_epoch(X_train, y_train, X_valid, y_valid)\n    trail.log_metric("loss", loss, step=epoch)\n    trail.log_metric("val_loss", val_loss, step=epoch)\n    history.append((loss, val_loss))',
    'plot_history(history)',
    regression
      ? 'pred = model.predict(X_valid)\ntrail.log_metric("rmse", rmse(y_valid, pred))\ntrail.log_metric("r2", r2(y_valid, pred))\ntrail.log_metric("mae", mae(y_valid, pred))'
      : 'pred = model.predict(X_valid)\ntrail.log_metric("accuracy", accuracy_score(y_valid, pred))\ntrail.log_metric("f1", f1_score(y_valid, pred))\ntrail.log_metric("auc", roc_auc_score(y_valid, model.predict_proba(X_valid)[:, 1]))',
    'trail.tag(*run_tags)',
    'model.save("models/model.pkl")'
  ];
  const failedAt = random() < 0.04 ? 6 + Math.floor(random() * 5) : 0;
  const interrupted = !failedAt && random() < 0.01;
  let t = startMs + 2000;
  for (let seq = 1; seq <= PER_RUN; seq++) {
    const durationMs =
      seq === 6
        ? 20_000 + Math.floor(random() * 600_000)
        : 50 + Math.floor(random() * 2000);
    const at = new Date(t).toISOString();
    const endAt = new Date(t + durationMs).toISOString();
    const capture = {};
    let text = `step ${seq} done\n`;
    if (seq === 2) {
      capture.files = inputs.map(path => ({
        path,
        access: 'read',
        kind: 'file',
        size: 1000 + (hex(path).charCodeAt(0) % 50) * 100_000,
        sha256: hex(`${path}@v${version}`)
      }));
      text = `(${5000 + version * 1000}, 24)\n`;
    } else if (seq === 3) {
      capture.params = params;
    } else if (seq === 6 && failedAt !== 6) {
      capture.metrics = [];
      let loss = 1.2 - quality * 0.4;
      for (let e = 0; e < epochs; e++) {
        loss *= 0.8 + random() * 0.15;
        capture.metrics.push(
          { name: 'loss', value: round(loss), step: e, at: endAt },
          {
            name: 'val_loss',
            value: round(loss * (1.05 + random() * 0.2)),
            step: e,
            at: endAt
          }
        );
      }
      text = `epoch ${epochs - 1}: loss=${capture.metrics.at(-2).value}\n`;
    } else if (seq === 8 && !(failedAt && failedAt <= 8)) {
      const value = base =>
        round(
          Math.min(0.999, base + quality * (1 - base) * 0.9 + random() * 0.02)
        );
      capture.metrics = regression
        ? [
            {
              name: 'rmse',
              value: round(50 - quality * 40 + random() * 3, 3),
              at: endAt
            },
            { name: 'r2', value: value(0.3), at: endAt },
            {
              name: 'mae',
              value: round(30 - quality * 25 + random() * 2, 3),
              at: endAt
            }
          ]
        : [
            { name: 'accuracy', value: value(0.55), at: endAt },
            { name: 'f1', value: value(0.45), at: endAt },
            { name: 'auc', value: value(0.6), at: endAt }
          ];
    } else if (seq === 9) {
      const tags = TAGS.filter(() => random() < 0.15);
      if (quality > 0.97) tags.push('best');
      capture.tags = tags;
    } else if (seq === 10 && !failedAt) {
      capture.files = [
        {
          path: 'models/model.pkl',
          access: 'write',
          kind: 'file',
          size: 123456,
          sha256: hex(`model-${r}`)
        }
      ];
    }
    const failed = failedAt === seq;
    const aborted = failedAt && seq > failedAt;
    const status = failed
      ? 'error'
      : aborted
        ? 'aborted'
        : interrupted && seq === PER_RUN
          ? 'interrupted'
          : 'ok';
    events.push({
      id: idOf(`ev-${r}-${seq}`),
      kind: 'execution.completed',
      execution: {
        id: idOf(`exe-${r}-${seq}`),
        sessionId,
        seq,
        msgId: idOf(`msg-${r}-${seq}`),
        notebookPath,
        cellId: cells[seq - 1],
        code: codes[seq - 1],
        executionCount: seq,
        status,
        ...(failed
          ? { error: { ename: 'ValueError', evalue: 'Input contains NaN' } }
          : {}),
        startedAt: at,
        endedAt: endAt,
        durationMs,
        timing: 'kernel',
        outputs: aborted
          ? []
          : failed
            ? [
                {
                  output_type: 'error',
                  ename: 'ValueError',
                  evalue: 'Input contains NaN',
                  traceback: ['ValueError: Input contains NaN']
                }
              ]
            : [{ output_type: 'stream', name: 'stdout', text }],
        ...(Object.keys(capture).length ? { capture } : {})
      }
    });
    t += durationMs + 500 + Math.floor(random() * 5000);
  }
  return { person, events, code: codes, sessionId };
}
