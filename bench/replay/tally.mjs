/**
 * What the benchmark makes of a replay: each step's verdict (from
 * `trail replay --json`) against what the corpus says of its cell
 * (corpus.mjs), counted per notebook and in all, and printed as a table.
 */
import { expectationOf, kindsOf } from './corpus.mjs';

const DIVERGED = new Set(['differs', 'new-error', 'error-gone']);

/**
 * The outcome of one step:
 * - `reproduced`: a deterministic step (or the deliberate error) came out
 *   the same, nothing normalised;
 * - `normalised`: a deterministic step came out the same only after
 *   something was normalised (named in `ignored`);
 * - `classified`: a nondeterministic step came out the same, what varied
 *   normalised and named;
 * - `stable`: a nondeterministic step came out the same with nothing to
 *   normalise (what could vary did not, this time);
 * - `divergence`: a deterministic step diverged (a failure of the replay);
 * - `flagged`: a nondeterministic step was flagged as a divergence
 *   (a failure of the classification);
 * - `random`: the unseeded draw diverged, as it should;
 * - `random-same`: the unseeded draw happened to come out the same;
 * - `not-run`: skipped, not run, or the kernel died.
 */
export function outcomeOf(expectation, step) {
  const verdict = step.verdict;
  const ignored = step.ignored ?? [];
  if (!(verdict === 'same' || DIVERGED.has(verdict))) {
    return 'not-run';
  }
  const same = verdict === 'same';
  switch (expectation) {
    case 'random':
      return same ? 'random-same' : 'random';
    case 'nondeterministic':
      if (!same) {
        return 'flagged';
      }
      return ignored.length ? 'classified' : 'stable';
    default:
      if (!same) {
        return 'divergence';
      }
      return ignored.length ? 'normalised' : 'reproduced';
  }
}

const OUTCOMES = [
  'reproduced',
  'normalised',
  'classified',
  'stable',
  'divergence',
  'flagged',
  'random',
  'random-same',
  'not-run'
];

/**
 * One notebook's tally from its recording (`steps`: the cells run, in
 * order) and its replay document.
 */
export function tallyNotebook(name, recording, document) {
  const cellOf = new Map(recording.steps.map(s => [s.cellId, s.cell]));
  const counts = Object.fromEntries(OUTCOMES.map(o => [o, 0]));
  const steps = [];
  const ignoredKinds = {};
  for (const step of document?.steps ?? []) {
    const cell = cellOf.get(step.cellId);
    const expectation = cell ? expectationOf(cell) : 'deterministic';
    const outcome = outcomeOf(expectation, step);
    counts[outcome]++;
    for (const kind of step.ignored ?? []) {
      ignoredKinds[kind] = (ignoredKinds[kind] ?? 0) + 1;
    }
    steps.push({
      step: step.step,
      cellId: step.cellId,
      expectation,
      tags: cell ? kindsOf(cell) : [],
      verdict: step.verdict,
      ignored: step.ignored ?? [],
      outcome,
      differences: (step.differences ?? []).map(d => d.summary),
      firstLine:
        cell?.source.split('\n').find(l => l.trim() && !l.startsWith('#')) ?? ''
    });
  }
  const replayed = document?.steps?.length ?? 0;
  counts['not-run'] += Math.max(0, recording.steps.length - replayed);
  return {
    name,
    sessionId: recording.sessionId,
    total: recording.steps.length,
    counts,
    ignoredKinds,
    steps,
    preflightReady: document?.preflight?.ready ?? null,
    inputs: (document?.preflight?.files ?? []).map(f => ({
      path: f.path,
      step: f.step,
      state: f.state
    })),
    exitCode: document?.summary?.exitCode ?? null,
    replaySessionId: document?.summary?.replaySessionId ?? null,
    recordMs: recording.ms,
    replayMs: null
  };
}

/** The sums over notebooks. */
export function totals(tallies) {
  const counts = Object.fromEntries(OUTCOMES.map(o => [o, 0]));
  const ignoredKinds = {};
  let total = 0;
  for (const t of tallies) {
    total += t.total;
    for (const o of OUTCOMES) {
      counts[o] += t.counts[o];
    }
    for (const [k, n] of Object.entries(t.ignoredKinds)) {
      ignoredKinds[k] = (ignoredKinds[k] ?? 0) + n;
    }
  }
  const deterministic =
    counts.reproduced + counts.normalised + counts.divergence;
  const nondeterministic = counts.classified + counts.stable + counts.flagged;
  return {
    total,
    counts,
    ignoredKinds,
    deterministic,
    deterministicReproduced: counts.reproduced + counts.normalised,
    nondeterministic,
    nondeterministicNotFlagged: counts.classified + counts.stable,
    trulyNondeterministic: counts.random + counts['random-same']
  };
}

const COLUMNS = [
  ['steps', t => t.total],
  ['same', t => t.counts.reproduced],
  ['same*', t => t.counts.normalised],
  ['classified', t => t.counts.classified + t.counts.stable],
  ['DIVERGED', t => t.counts.divergence],
  ['FLAGGED', t => t.counts.flagged],
  ['random', t => t.counts.random + t.counts['random-same']],
  ['not run', t => t.counts['not-run']],
  [
    'inputs',
    t =>
      t.inputs
        ? `${t.inputs.filter(f => f.state === 'same').length}/${t.inputs.length}`
        : ''
  ],
  [
    'ready',
    t =>
      t.preflightReady === null || t.preflightReady === undefined
        ? ''
        : t.preflightReady
          ? 'yes'
          : 'no'
  ],
  ['record s', t => (t.recordMs / 1000).toFixed(1)],
  [
    'replay s',
    t => (t.replayMs === null ? '-' : (t.replayMs / 1000).toFixed(1))
  ]
];

/** The per-notebook table, the totals and the steps worth a look, as text. */
export function tableLines(tallies) {
  const width = Math.max(8, ...tallies.map(t => t.name.length));
  const head = [
    'notebook'.padEnd(width),
    ...COLUMNS.map(([h]) => h.padStart(10))
  ];
  const lines = [head.join(' ')];
  for (const t of tallies) {
    lines.push(
      [
        t.name.padEnd(width),
        ...COLUMNS.map(([, f]) => String(f(t)).padStart(10))
      ].join(' ')
    );
  }
  const sum = totals(tallies);
  const all = {
    name: 'total',
    total: sum.total,
    counts: sum.counts,
    recordMs: tallies.reduce((a, t) => a + t.recordMs, 0),
    replayMs: tallies.reduce((a, t) => a + (t.replayMs ?? 0), 0)
  };
  lines.push(
    [
      all.name.padEnd(width),
      ...COLUMNS.map(([, f]) => String(f(all)).padStart(10))
    ].join(' ')
  );
  lines.push('');
  lines.push(
    `deterministic steps reproduced: ${sum.deterministicReproduced}/${sum.deterministic}` +
      ` (same* = same after normalising: ${sum.counts.normalised})`
  );
  lines.push(
    `nondeterministic steps classified, not flagged: ${sum.nondeterministicNotFlagged}/${sum.nondeterministic}` +
      ` (${sum.counts.classified} with what varied named, ${sum.counts.stable} came out identical)`
  );
  lines.push(
    `truly nondeterministic output (unseeded draw): ${sum.counts.random} diverged as it must, ${sum.counts['random-same']} happened to match`
  );
  const kinds = Object.entries(sum.ignoredKinds)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  lines.push(`normalised away (steps): ${kinds || 'nothing'}`);
  const structure = tallies.filter(t => t.structureProblems?.length).length;
  const listed = tallies.filter(
    t => t.replaySessionId && !t.replayProblems?.length
  ).length;
  lines.push(
    `notebook at the last step as written: ${tallies.length - structure}/${tallies.length}; replays listed under their source with lineage: ${listed}/${tallies.length}`
  );
  for (const t of tallies) {
    for (const p of [
      ...(t.structureProblems ?? []),
      ...(t.replayProblems ?? [])
    ]) {
      lines.push(`  ${t.name}: ${p}`);
    }
  }
  const worth = tallies.flatMap(t =>
    t.steps
      .filter(s =>
        [
          'divergence',
          'flagged',
          'normalised',
          'not-run',
          'random-same'
        ].includes(s.outcome)
      )
      .map(s => ({ ...s, notebook: t.name }))
  );
  if (worth.length) {
    lines.push('');
    lines.push('steps worth a look:');
    for (const s of worth) {
      const why =
        s.outcome === 'normalised'
          ? `ignored ${s.ignored.join(', ')}`
          : s.differences.slice(0, 2).join('; ');
      lines.push(
        `  ${s.notebook} step ${s.step} [${s.outcome}, ${s.verdict}] ${s.firstLine.slice(0, 60)} :: ${why.slice(0, 200)}`
      );
    }
  }
  return lines;
}
