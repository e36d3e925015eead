/**
 * The data contract of a fork (issue #14): before a recorded experiment
 * runs on someone else's data, each input the user substitutes is checked
 * against what the recording read. The recorded table schema is the
 * contract: a missing column breaks the code (an error), a column of
 * another type may change results (a warning), an extra column, another row
 * count or size is for information (a note). A map naming a file the
 * experiment did not read, a file that is not there, cannot be read or is
 * empty, or a folder put where a file was, is an error: nothing should run
 * until it is fixed (or forced).
 *
 * Every message names the recorded path and the new one, so a report line
 * read alone (a terminal, a log) says which substitution it is about.
 */
import type { InputFile } from '../replay/inputs';
import { compareColumns, type TargetFile } from '../replay/preflight';

/** One substitution: a recorded input and the file or folder to read instead. */
export interface ForkMapping {
  /** An `InputFile.path`, as the session recorded it. */
  recorded: string;
  /** The user's file or folder. */
  path: string;
}

export type ContractLevel = 'error' | 'warning' | 'note';

export type ContractCode =
  | 'unknown-input'
  | 'duplicate'
  | 'missing'
  | 'unreadable'
  | 'empty'
  | 'kind-mismatch'
  | 'missing-columns'
  | 'retyped'
  | 'extra-columns'
  | 'format'
  | 'rows'
  | 'size';

export interface ContractProblem {
  level: ContractLevel;
  code: ContractCode;
  message: string;
  /** The columns the problem is about. */
  columns?: string[];
}

export interface ContractEntry {
  recorded: string;
  path: string;
  /** The recorded input; absent for an `unknown-input`. */
  input?: InputFile;
  /** The new file as probed; absent when no probe answer names its path. */
  target?: TargetFile;
  problems: ContractProblem[];
  columns?: {
    added: { name: string; type: string }[];
    removed: { name: string; type: string }[];
    retyped: { name: string; recorded: string; target: string }[];
  };
  rows?: { recorded: number | null; target: number | null };
  size?: { recorded?: number; target?: number };
}

export interface ContractReport {
  entries: ContractEntry[];
  errors: number;
  warnings: number;
  notes: number;
  /** No error. */
  ok: boolean;
}

/** The longest path a mapping may name (the records' limit). */
const MAX_PATH = 4096;
/** Inputs listed in an `unknown-input` message before "and N more". */
const LISTED_INPUTS = 10;

/**
 * Reads one `RECORDED=NEW` mapping (the CLI's `--map`). The first "=" splits
 * (a new path may hold "="); both sides are trimmed and must not be empty.
 */
export function parseMapping(text: string): ForkMapping {
  const at = text.indexOf('=');
  if (at < 0) {
    throw new Error(
      `A mapping is RECORDED=NEW (e.g. data/train.csv=/home/me/train.csv); "${text}" has no "=".`
    );
  }
  const recorded = text.slice(0, at).trim();
  const path = text.slice(at + 1).trim();
  if (!recorded) {
    throw new Error(
      `In the mapping "${text}" the recorded path, before "=", is empty.`
    );
  }
  if (!path) {
    throw new Error(
      `In the mapping "${text}" the new path, after "=", is empty: name the file or folder to read instead of "${recorded}".`
    );
  }
  for (const [side, value] of [
    ['recorded', recorded],
    ['new', path]
  ] as const) {
    if (value.length > MAX_PATH) {
      throw new Error(
        `In a mapping the ${side} path is ${value.length} characters long; at most ${MAX_PATH}.`
      );
    }
  }
  return { recorded, path };
}

/**
 * Checks each mapping's new file (`targets`, matched by the mapping's
 * `path`) against the input it replaces (`inputs`, matched by the mapping's
 * `recorded`). Entries follow the map's order.
 */
export function checkContract(
  inputs: readonly InputFile[],
  map: readonly ForkMapping[],
  targets: readonly TargetFile[]
): ContractReport {
  const byPath = new Map<string, InputFile>();
  for (const input of inputs) {
    byPath.set(input.path, input);
  }
  for (const input of inputs) {
    if (!byPath.has(samePath(input.path))) {
      byPath.set(samePath(input.path), input);
    }
  }
  const mappedTo = new Map<string, string>();
  const entries = map.map(mapping => {
    const input =
      byPath.get(mapping.recorded) ?? byPath.get(samePath(mapping.recorded));
    const target = targets.find(t => t.path === mapping.path);
    const entry: ContractEntry = {
      recorded: mapping.recorded,
      path: mapping.path,
      problems: []
    };
    if (input) {
      entry.input = input;
    }
    if (target) {
      entry.target = target;
    }
    if (!input) {
      entry.problems.push(unknownInput(mapping, inputs));
    } else {
      const earlier = mappedTo.get(input.path);
      if (earlier !== undefined) {
        entry.problems.push({
          level: 'error',
          code: 'duplicate',
          message:
            `"${mapping.recorded}" is mapped twice, to "${earlier}" and to ` +
            `"${mapping.path}": map each input once.`
        });
      } else {
        mappedTo.set(input.path, mapping.path);
      }
      checkFile(entry, input, target);
    }
    return entry;
  });
  const count = (level: ContractLevel): number =>
    entries.reduce(
      (n, e) => n + e.problems.filter(p => p.level === level).length,
      0
    );
  const errors = count('error');
  return {
    entries,
    errors,
    warnings: count('warning'),
    notes: count('note'),
    ok: errors === 0
  };
}

function unknownInput(
  mapping: ForkMapping,
  inputs: readonly InputFile[]
): ContractProblem {
  let read: string;
  if (!inputs.length) {
    read = 'it read no data file';
  } else {
    const listed = inputs
      .slice(0, LISTED_INPUTS)
      .map(i => `"${i.path}"`)
      .join(', ');
    const more =
      inputs.length > LISTED_INPUTS
        ? ` and ${inputs.length - LISTED_INPUTS} more`
        : '';
    read = `its inputs are ${listed}${more}`;
  }
  return {
    level: 'error',
    code: 'unknown-input',
    message:
      `"${mapping.recorded}" (mapped to "${mapping.path}") is not a file ` +
      `this experiment read: ${read}.`
  };
}

/** The checks of one mapping whose recorded side is a known input. */
function checkFile(
  entry: ContractEntry,
  input: InputFile,
  target: TargetFile | undefined
): void {
  const problems = entry.problems;
  const pair = `"${entry.path}" (for "${entry.recorded}")`;
  const recordedKind = input.kind ?? 'file';
  if (!target || !target.exists) {
    problems.push({
      level: 'error',
      code: 'missing',
      message: target
        ? `${pair} does not exist.`
        : `${pair} was not checked: the kernel's probe said nothing about it.`
    });
    entry.size = sizes(input.size, undefined);
    return;
  }
  if (target.readable === false) {
    const why = target.error ? `: ${target.error}` : '';
    problems.push({
      level: 'error',
      code: 'unreadable',
      message: `${pair} exists but cannot be read${why}.`
    });
    return;
  }
  const targetKind = target.kind ?? recordedKind;
  if (targetKind !== recordedKind) {
    problems.push({
      level: 'error',
      code: 'kind-mismatch',
      message:
        `"${entry.recorded}" is a ${recordedKind} in the recording but ` +
        `"${entry.path}" is a ${targetKind}: map a ${recordedKind} to a ${recordedKind}.`
    });
    return;
  }
  const empty = emptiness(target);
  if (empty) {
    problems.push({
      level: 'error',
      code: 'empty',
      message: `${pair} ${empty}.`
    });
  }
  if (input.table && target.table) {
    checkTable(entry, input, target, pair);
  } else if (input.table) {
    problems.push({
      level: 'warning',
      code: 'format',
      message:
        `"${entry.recorded}" was a ${input.table.format.toUpperCase()} table ` +
        `but no table schema could be read from "${entry.path}": the code's ` +
        `reader may not read it.`
    });
  } else if (recordedKind === 'file') {
    const before = extension(entry.recorded);
    const after = target.table ? target.table.format : extension(entry.path);
    if (before !== after && (before || after)) {
      problems.push({
        level: 'warning',
        code: 'format',
        message:
          `"${entry.recorded}" is ${describeFormat(before)} but ` +
          `"${entry.path}" is ${describeFormat(after)}: the code's reader may not read it.`
      });
    }
  }
  if (input.table || target.table) {
    const rows = {
      recorded: input.table?.rows ?? null,
      target: target.table?.rows ?? null
    };
    entry.rows = rows;
    if (
      rows.recorded !== null &&
      rows.target !== null &&
      rows.recorded !== rows.target &&
      rows.target !== 0
    ) {
      problems.push({
        level: 'note',
        code: 'rows',
        message:
          `"${entry.path}" has ${count(rows.target, 'data row')}; ` +
          `"${entry.recorded}" had ${count(rows.recorded, 'data row')}.`
      });
    }
  }
  entry.size = sizes(input.size, target.size);
  if (
    input.size !== undefined &&
    target.size !== undefined &&
    input.size !== target.size &&
    target.size !== 0
  ) {
    problems.push({
      level: 'note',
      code: 'size',
      message:
        `"${entry.path}" is ${formatBytes(target.size)}; ` +
        `"${entry.recorded}" was ${formatBytes(input.size)}.`
    });
  }
  if (input.kind === 'folder' && target.fileCount !== undefined) {
    const before = input.fileCount;
    if (
      before !== undefined &&
      before !== target.fileCount &&
      target.fileCount
    ) {
      problems.push({
        level: 'note',
        code: 'size',
        message:
          `The folder "${entry.path}" holds ${count(target.fileCount, 'file')}; ` +
          `"${entry.recorded}" held ${count(before, 'file')}.`
      });
    }
  }
}

/** Why the target holds no data, or undefined when it does. */
function emptiness(target: TargetFile): string | undefined {
  if (target.kind === 'folder') {
    return target.fileCount === 0 ? 'is an empty folder' : undefined;
  }
  if (target.size === 0) {
    return 'is empty (0 bytes)';
  }
  if (target.table?.rows === 0) {
    return target.table.format === 'parquet'
      ? 'is an empty table (0 rows)'
      : 'is an empty table (a header and no data rows)';
  }
  return undefined;
}

function checkTable(
  entry: ContractEntry,
  input: InputFile,
  target: TargetFile,
  pair: string
): void {
  const recorded = input.table!;
  const table = target.table!;
  const problems = entry.problems;
  if (recorded.format !== table.format) {
    problems.push({
      level: 'warning',
      code: 'format',
      message:
        `"${entry.recorded}" was ${recorded.format.toUpperCase()} but ` +
        `"${entry.path}" is ${table.format.toUpperCase()}: the code's reader ` +
        `(e.g. read_${recorded.format === 'parquet' ? 'parquet' : 'csv'}) may not read it.`
    });
  }
  const columns = compareColumns(recorded, table);
  entry.columns = columns;
  if (columns.removed.length) {
    const names = columns.removed.map(c => c.name);
    problems.push({
      level: 'error',
      code: 'missing-columns',
      message:
        `${pair} lacks ${plural(names.length, 'column')} the recording ` +
        `read: ${quoteList(names)}. The code would break.`,
      columns: names
    });
  }
  // A table with no data rows has no types to compare (all "null").
  if (columns.retyped.length && table.rows !== 0) {
    const names = columns.retyped.map(c => c.name);
    const changes = columns.retyped
      .map(c => `"${c.name}" ${c.recorded} → ${c.target}`)
      .join(', ');
    problems.push({
      level: 'warning',
      code: 'retyped',
      message:
        `In ${pair} ${plural(names.length, 'column')} changed type: ` +
        `${changes}. Results may differ.`,
      columns: names
    });
  }
  if (columns.added.length) {
    const names = columns.added.map(c => c.name);
    problems.push({
      level: 'note',
      code: 'extra-columns',
      message:
        `${pair} has ${plural(names.length, 'extra column')} the recording ` +
        `did not have: ${quoteList(names)}.`,
      columns: names
    });
  }
}

/** A path as compared: no "./" in front, no doubled or trailing "/". */
function samePath(path: string): string {
  let p = path.replace(/\/{2,}/g, '/');
  while (p.startsWith('./')) {
    p = p.slice(2);
  }
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/** The file's format by name: csv, tsv, parquet, or the lowercase extension. */
function extension(path: string): string {
  const name = path.toLowerCase().replace(/\/+$/, '');
  const base = name.slice(name.lastIndexOf('/') + 1);
  const plain = base.endsWith('.gz') ? base.slice(0, -3) : base;
  const dot = plain.lastIndexOf('.');
  if (dot <= 0) {
    return '';
  }
  const ext = plain.slice(dot + 1);
  return ext === 'pq' ? 'parquet' : ext === 'tab' ? 'tsv' : ext;
}

function describeFormat(format: string): string {
  return format ? `a .${format} file` : 'a file without an extension';
}

function sizes(
  recorded: number | undefined,
  target: number | undefined
): ContractEntry['size'] {
  const size: NonNullable<ContractEntry['size']> = {};
  if (recorded !== undefined) {
    size.recorded = recorded;
  }
  if (target !== undefined) {
    size.target = target;
  }
  return Object.keys(size).length ? size : undefined;
}

function plural(n: number, noun: string): string {
  return n === 1 ? `1 ${noun}` : `${n} ${noun}s`;
}

function count(n: number, noun: string): string {
  return plural(n, noun).replace(/^\d+/, n.toLocaleString('en-US'));
}

function quoteList(names: readonly string[]): string {
  return names.map(n => `"${n}"`).join(', ');
}

/** Bytes as a reader says them: 812 bytes, 1.2 KB, 3.4 MB, 1.1 GB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) {
    return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  }
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const shown = value >= 100 ? value.toFixed(0) : value.toFixed(1);
  return `${shown} ${units[unit]}`;
}
