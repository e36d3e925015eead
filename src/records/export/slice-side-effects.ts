/**
 * The side-effect rule of the slice (#15): a successful step whose code
 * changes the process (CellFacts.sideEffects: a seed, the working folder, a
 * folder made, environment variables, global settings) and that ran before
 * the last kept step is kept, because later kept steps may depend on it
 * without naming anything it binds (`np.random.seed(7)` then
 * `train_test_split(X, y)`). Simple and safe: every such step before the
 * last kept one, except
 * - a run the same cell redid before any kept step ran in between
 *   (superseded: the later run sets the same things again), and
 * - a step whose only effect is making folders named by literals
 *   (`os.makedirs("out")`) into which no later kept step writes.
 */
import { listed, normalisePath, writesOf } from './effects';
import type { SideEffect, SideEffectKind } from './facts';
import type { Why } from './slice-reasons';
import {
  analysable,
  definesOf,
  type Step,
  type StepIndex
} from './slice-steps';
import type { DropReason } from './slice-types';

/** Why a step with side effects is dropped, when the side effects say it best. */
export interface EffectDrop {
  reason: DropReason;
  detail: string;
}

const effectsOf = (s: Step): SideEffect[] => s.facts?.sideEffects ?? [];

const keyOf = (e: SideEffect): string => `${e.kind}\u0000${e.call}`;

/**
 * Keeps the steps with side effects that precede the last kept step (see
 * the module comment), each with its reason in `why` (`keep` adds a step,
 * `close` runs the closure of what it reads); answers the drop details of
 * those it leaves out, by step.
 */
export function keepSideEffects(
  steps: readonly Step[],
  index: StepIndex,
  why: Map<number, Why>,
  keep: (s: Step) => Why,
  close: () => void
): Map<number, EffectDrop> {
  const drops = new Map<number, EffectDrop>();
  if (why.size === 0) {
    return drops;
  }
  let last = 0;
  for (const step of why.keys()) {
    last = Math.max(last, step);
  }
  const withEffects = steps.filter(
    s => analysable(s) && effectsOf(s).length > 0
  );
  // Whether the working folder may have changed by step n (a relative
  // folder made after it is not where the recorded paths say).
  const firstChdir = withEffects.find(s =>
    effectsOf(s).some(e => e.kind === 'cwd')
  )?.step;
  const replaced = new Set<number>();
  // From the last to the first: what a step is judged against (the kept
  // steps after it) is then final.
  for (const s of [...withEffects].reverse()) {
    const kept = why.get(s.step);
    if (s.step > last) {
      continue;
    }
    const cwdKnown = firstChdir === undefined || firstChdir > s.step;
    if (kept) {
      kept.effects.push(...wordsOf(s, why, index, cwdKnown).words);
      continue;
    }
    const rerun = index.nextRun(s);
    if (
      rerun &&
      (why.has(rerun.step) || replaced.has(rerun.step)) &&
      covers(rerun, s) &&
      !keptBetween(why, s.step, rerun.step)
    ) {
      replaced.add(s.step);
      drops.set(s.step, {
        reason: 'superseded',
        detail: `superseded by step ${rerun.step} (the same cell run again${why.has(rerun.step) ? '' : ', itself dropped'})`
      });
      continue;
    }
    const { words, unwritten } = wordsOf(s, why, index, cwdKnown);
    if (words.length) {
      keep(s).effects.push(...words);
      close();
    } else {
      drops.set(s.step, {
        reason: 'unused',
        detail: `creates ${folders(unwritten)}, which no kept step writes into`
      });
    }
  }
  for (const s of withEffects.filter(w => w.step > last && !why.has(w.step))) {
    const rerun = index.nextRun(s);
    if (rerun && definesOf(s).every(n => definesOf(rerun).includes(n))) {
      continue; // dropOf says superseded
    }
    drops.set(s.step, {
      reason: 'unused',
      detail: `${byKind(effectsOf(s))
        .map(([kind, calls]) => `${VERBS[kind]} (${listed(calls)})`)
        .join('; ')} after the last kept step (step ${last})`
    });
  }
  return drops;
}

/** What each kind of side effect does, in a reason's words. */
const VERBS: Record<SideEffectKind, string> = {
  seed: 'sets the random seed',
  cwd: 'changes the working folder',
  filesystem: 'creates a folder',
  environment: 'sets environment variables',
  settings: 'changes global settings'
};

/** Why the later steps need them: said after the calls. */
const NEEDS: Record<SideEffectKind, string> = {
  seed: 'that later steps draw from',
  cwd: 'for later steps',
  filesystem: 'later steps may write into',
  environment: 'later steps may read',
  settings: 'later steps run under'
};

function byKind(effects: readonly SideEffect[]): [SideEffectKind, string[]][] {
  const groups = new Map<SideEffectKind, string[]>();
  for (const e of effects) {
    const calls = groups.get(e.kind) ?? [];
    if (!calls.includes(e.call)) {
      calls.push(e.call);
    }
    groups.set(e.kind, calls);
  }
  return [...groups.entries()];
}

/**
 * The words of a step's side effects as reasons to keep it, and the
 * literal folders it makes that no later kept step writes into (a step
 * with nothing but those has no words).
 */
function wordsOf(
  s: Step,
  why: ReadonlyMap<number, Why>,
  index: StepIndex,
  cwdKnown: boolean
): { words: string[]; unwritten: string[] } {
  const words: string[] = [];
  const effects = effectsOf(s);
  const made = new Map<string, number[]>();
  const unwritten: string[] = [];
  let other = false;
  for (const e of effects.filter(x => x.kind === 'filesystem')) {
    const folder = e.path === undefined ? undefined : comparable(e.path);
    if (folder === undefined || !cwdKnown) {
      other = true;
      continue;
    }
    const writers = writersUnder(folder, s.step, why, index);
    if (writers.length) {
      made.set(folder, writers);
    } else if (!unwritten.includes(folder)) {
      unwritten.push(folder);
    }
  }
  for (const [kind, calls] of byKind(effects)) {
    if (kind === 'filesystem') {
      if (made.size) {
        words.push(madeWords(made));
      }
      if (other) {
        const unnamed = effects
          .filter(
            e =>
              e.kind === 'filesystem' &&
              (e.path === undefined ||
                comparable(e.path) === undefined ||
                !cwdKnown)
          )
          .map(e => e.call);
        words.push(
          `creates a folder (${listed([...new Set(unnamed)])}) ${NEEDS.filesystem}`
        );
      }
      continue;
    }
    const to =
      kind === 'cwd'
        ? (effects
            .filter(e => e.kind === 'cwd' && e.path !== undefined)
            .map(e => ` to ${e.path}`)
            .slice(-1)[0] ?? '')
        : '';
    words.push(`${VERBS[kind]}${to} (${listed(calls)}) ${NEEDS[kind]}`);
  }
  if (words.length === 0 && unwritten.length === 0) {
    return { words, unwritten };
  }
  // A step kept for another effect still says the folder it makes.
  if (words.length && unwritten.length) {
    words.push(`creates ${folders(unwritten)}`);
  }
  return { words, unwritten };
}

function madeWords(made: Map<string, number[]>): string {
  const all = [...made.keys()];
  const writers = [...new Set([...made.values()].flat())].sort((a, b) => a - b);
  const who =
    writers.length === 1
      ? `step ${writers[0]} writes`
      : `steps ${listed(writers.map(String))} write`;
  return `creates ${folders(all)} that ${who} into`;
}

function folders(paths: readonly string[]): string {
  const shown = paths.map(p => `${p}/`);
  return shown.length === 1
    ? `the folder ${shown[0]}`
    : `the folders ${listed(shown)}`;
}

/**
 * A folder as the recorded paths name it (relative to the notebook's
 * folder, no `./`), or undefined when it cannot be compared with them (an
 * absolute path, or one going up).
 */
function comparable(path: string): string | undefined {
  const p = normalisePath(path);
  if (!p || p === '.' || p.startsWith('/') || /^[A-Za-z]:/.test(p)) {
    return undefined;
  }
  if (p.split('/').includes('..')) {
    return undefined;
  }
  return p;
}

/**
 * The kept steps after `step` that write into `folder`: a file whose
 * folder is it, lies inside it, or is one of the parents makedirs made
 * with it.
 */
function writersUnder(
  folder: string,
  step: number,
  why: ReadonlyMap<number, Why>,
  index: StepIndex
): number[] {
  const found: number[] = [];
  for (const keptStep of why.keys()) {
    if (keptStep <= step) {
      continue;
    }
    const paths = writesOf(index.at(keptStep).execution).map(f => f.path);
    const writes = paths.some(path => {
      const dir = normalisePath(path).split('/').slice(0, -1).join('/');
      return (
        dir !== '' &&
        (dir === folder ||
          dir.startsWith(folder + '/') ||
          folder.startsWith(dir + '/'))
      );
    });
    if (writes) {
      found.push(keptStep);
    }
  }
  return found.sort((a, b) => a - b);
}

/** `later` sets every side effect and binds every name `earlier` did. */
function covers(later: Step, earlier: Step): boolean {
  const keys = new Set(effectsOf(later).map(keyOf));
  const names = definesOf(later);
  return (
    effectsOf(earlier).every(e => keys.has(keyOf(e))) &&
    definesOf(earlier).every(n => names.includes(n))
  );
}

/**
 * Whether a step between `from` and `to` is kept: looked up step by step
 * (the runs of one cell are apart by at most the whole run in all, so a
 * session pays the run's length once per re-run cell, not per kept step).
 */
function keptBetween(
  why: ReadonlyMap<number, Why>,
  from: number,
  to: number
): boolean {
  for (let step = from + 1; step < to; step++) {
    if (why.has(step)) {
      return true;
    }
  }
  return false;
}
