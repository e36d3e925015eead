/**
 * What `trail fork` prints for a person: the data contract report (each
 * input, recorded path -> new path, both sides' hash, size, rows and
 * columns, then its errors, warnings and notes) and the closing summary.
 * The step lines are `stepLine(…, { fork: true })` (report.ts).
 */
import type { ContractEntry, ContractReport } from '../records/fork/contract';
import { formatBytes } from '../records/fork/contract';
import type { ForkSummary } from './fork-document';

/** The contract report as lines of text. */
export function contractLines(
  report: ContractReport,
  options: { upto: number }
): string[] {
  const lines = [`Data contract (steps 1-${options.upto}): ${counts(report)}`];
  for (const entry of report.entries) {
    lines.push(...entryLines(entry));
  }
  return lines;
}

function counts(report: ContractReport): string {
  return [
    plural(report.errors, 'error'),
    plural(report.warnings, 'warning'),
    plural(report.notes, 'note')
  ].join(', ');
}

function entryLines(entry: ContractEntry): string[] {
  const { input, target } = entry;
  const read = input ? ` (read at step ${input.step})` : '';
  const lines = [`  ${entry.recorded} -> ${entry.path}${read}`];
  if (input) {
    lines.push(
      `    recorded  ${describe({
        kind: input.kind,
        format: input.table?.format,
        rows: input.table?.rows,
        size: input.size,
        fileCount: input.fileCount,
        sha256: input.sha256
      })}`
    );
  }
  if (target?.exists) {
    lines.push(
      `    new       ${describe({
        kind: target.kind,
        format: target.table?.format,
        rows: target.table?.rows,
        size: target.size,
        fileCount: target.fileCount,
        sha256: target.sha256
      })}`
    );
  }
  const columns = entry.columns;
  if (columns) {
    const parts: string[] = [];
    if (columns.removed.length) {
      parts.push(
        `missing ${columns.removed.map(c => `${c.name} (${c.type})`).join(', ')}`
      );
    }
    if (columns.retyped.length) {
      parts.push(
        `retyped ${columns.retyped.map(c => `${c.name} ${c.recorded} -> ${c.target}`).join(', ')}`
      );
    }
    if (columns.added.length) {
      parts.push(
        `extra ${columns.added.map(c => `${c.name} (${c.type})`).join(', ')}`
      );
    }
    lines.push(
      `    columns   ${parts.length ? parts.join('; ') : 'the same names and types'}`
    );
  }
  for (const problem of entry.problems) {
    lines.push(`    ${problem.level.padEnd(8)}  ${problem.message}`);
  }
  return lines;
}

/** One side of an entry: `csv table, 3 data rows, 24 bytes, sha256 1a2b3c4d5e6f`. */
function describe(side: {
  kind?: 'file' | 'folder';
  format?: string;
  rows?: number | null;
  size?: number;
  fileCount?: number;
  sha256?: string;
}): string {
  const parts: string[] = [];
  if (side.kind === 'folder') {
    parts.push(
      side.fileCount === undefined
        ? 'folder'
        : `folder of ${plural(side.fileCount, 'file')}`
    );
  } else if (side.format) {
    parts.push(`${side.format} table`);
  } else {
    parts.push('file');
  }
  if (typeof side.rows === 'number') {
    parts.push(plural(side.rows, 'data row'));
  }
  if (side.size !== undefined) {
    parts.push(formatBytes(side.size));
  }
  if (side.sha256) {
    parts.push(`sha256 ${side.sha256.slice(0, 12)}`);
  }
  return parts.join(', ');
}

/** The contract's verdict line, before the run (or instead of it). */
export function contractVerdict(
  report: ContractReport,
  force: boolean
): string {
  if (report.ok) {
    return report.warnings
      ? `Contract: no error; ${plural(report.warnings, 'warning')} to read above. Forking.`
      : 'Contract: no error. Forking.';
  }
  return force
    ? `Contract: ${plural(report.errors, 'error')}; forking anyway (--force).`
    : `Contract: ${plural(report.errors, 'error')}; nothing was run or recorded.`;
}

/** The closing lines. */
export function forkSummaryLines(summary: ForkSummary): string[] {
  const parts = [
    `${summary.same} same`,
    `${summary.differs} ${summary.differs === 1 ? 'differs' : 'differ'} from parent`,
    plural(summary.newErrors, 'new error')
  ];
  if (summary.errorsGone) {
    parts.push(
      `${summary.errorsGone} error${summary.errorsGone === 1 ? '' : 's'} gone`
    );
  }
  if (summary.skipped) {
    parts.push(`${summary.skipped} skipped`);
  }
  if (summary.notRun) {
    parts.push(`${summary.notRun} not run`);
  }
  const lines = [
    `Forked ${summary.ran} of ${summary.upto} steps: ${parts.join(', ')}.`
  ];
  if (summary.kernelDiedAt !== null) {
    lines.push(`The kernel died at step ${summary.kernelDiedAt}.`);
  }
  if (summary.firstNewError !== null) {
    lines.push(
      `First new error at step ${summary.firstNewError}: the parent ran it without one.`
    );
  }
  if (summary.forkSessionId) {
    lines.push(
      summary.recorded
        ? `Recorded as session ${summary.forkSessionId} (a fork of ${summary.sourceSessionId} up to step ${summary.upto}).`
        : `The fork (session ${summary.forkSessionId}) could not be sent to the Trail server: ${summary.recordError ?? 'unknown error'}.`
    );
  }
  return lines;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
