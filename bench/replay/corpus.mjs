/**
 * The replay corpus: notebooks in the percent cell format (`# %%` starts a
 * code cell, `# %% [markdown]` a markdown cell whose lines are `# `
 * comments, `tags=[...]` after either lists the cell's tags).
 *
 * A code cell's tags say what a replay should make of it:
 * - none: deterministic, the replay must give the same outputs;
 * - `nondeterministic` (with the kinds that vary, e.g. `timestamp`,
 *   `timing`, `address`, `uuid`, `progress`): its outputs change from run
 *   to run in ways the comparison should normalise, so it must come out
 *   "same" with what was ignored named, never as a divergence;
 * - `random`: draws from an unseeded generator; its output really differs
 *   on every run, and a divergence there is the right answer;
 * - `error`: raises on purpose; the replay must raise the same error.
 * Two tags say how the recording runs it: `rerun` (twice in a row) and
 * `again-at-end` (once more after the last cell, out of order).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const HEADER = /^# %%( \[markdown\])?(?: tags=(\[.*\]))?\s*$/;

/**
 * The cells of one notebook: `{ cellType, tags, source }` in order.
 */
export function parseNotebook(text) {
  const cells = [];
  let current = null;
  for (const line of text.split('\n')) {
    const header = HEADER.exec(line);
    if (header) {
      current = {
        cellType: header[1] ? 'markdown' : 'code',
        tags: header[2] ? JSON.parse(header[2]) : [],
        lines: []
      };
      cells.push(current);
    } else if (current) {
      current.lines.push(line);
    } else if (line.trim()) {
      throw new Error(`text before the first cell: ${line}`);
    }
  }
  return cells.map(({ cellType, tags, lines }) => {
    while (lines.length && !lines[lines.length - 1].trim()) {
      lines.pop();
    }
    const source =
      cellType === 'markdown'
        ? lines.map(l =>
            l.startsWith('# ') ? l.slice(2) : l.replace(/^#/, '')
          )
        : lines;
    return { cellType, tags, source: source.join('\n') };
  });
}

/** What a replay should make of a code cell (see the module comment). */
export function expectationOf(cell) {
  if (cell.tags.includes('random')) {
    return 'random';
  }
  if (cell.tags.includes('nondeterministic')) {
    return 'nondeterministic';
  }
  if (cell.tags.includes('error')) {
    return 'error';
  }
  return 'deterministic';
}

/** Tags that say how the recording runs a cell (record.mjs), not what it gives. */
export const RUN_TAGS = ['rerun', 'again-at-end'];

/** The kinds of nondeterminism a cell's tags name. */
export function kindsOf(cell) {
  return cell.tags.filter(
    t => !['nondeterministic', 'random', 'error', ...RUN_TAGS].includes(t)
  );
}

/**
 * The corpus's notebooks, `{ name, cells }` sorted by file name; `only`
 * (names or prefixes such as `07`) picks some.
 */
export function loadCorpus(folder, only = []) {
  return readdirSync(folder)
    .filter(f => f.endsWith('.py'))
    .sort()
    .filter(f => only.length === 0 || only.some(o => f.startsWith(o)))
    .map(f => ({
      name: basename(f, '.py'),
      cells: parseNotebook(readFileSync(join(folder, f), 'utf8'))
    }));
}
