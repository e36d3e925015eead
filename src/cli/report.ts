/**
 * What `trail replay` prints for a person: the preflight report, one line
 * per step, and the summary. (With `--json` the same facts leave as one
 * document instead; see replay-document.ts.)
 */
import type { OutputDifference } from '../records/replay/compare';
import type {
  PreflightFile,
  PreflightPackage,
  PreflightReport
} from '../records/replay/preflight';
import type { ReplayStepResult, ReplaySummary } from './replay-document';

/** The preflight report as lines of text. */
export function preflightLines(
  report: PreflightReport,
  options: { upto: number; probe: 'kernel' | 'local'; problem?: string }
): string[] {
  const lines = [`Preflight (steps 1-${options.upto}):`];
  const { python, packages } = report;
  const pythonText = python.same
    ? `same (${python.target ?? python.recorded ?? 'unknown'})`
    : `${python.recorded ?? 'unknown'} recorded, ${python.target ?? 'unknown'} here`;
  lines.push(`  Python    ${pythonText}`);
  const counts = [
    `${packages.missing.length} missing`,
    `${packages.older.length} older`,
    `${packages.newer.length} newer`,
    `${packages.same} same`
  ].join(', ');
  lines.push(`  Packages  ${counts}`);
  const versions = (label: string, list: PreflightPackage[]) => {
    for (const pkg of list) {
      const here =
        pkg.target === undefined ? 'not installed' : `${pkg.target} here`;
      lines.push(
        `    ${label.padEnd(8)}${pkg.name} ${pkg.recorded} recorded, ${here}`
      );
    }
  };
  versions('missing', packages.missing);
  versions('older', packages.older);
  versions('newer', packages.newer);
  if (report.pipInstall) {
    lines.push(`    to match: ${report.pipInstall}`);
  }
  if (report.files.length === 0) {
    lines.push(
      '  Files     no input files (nothing read that an earlier step did not write)'
    );
  } else {
    lines.push(`  Files     ${fileCounts(report.files)}`);
    for (const file of report.files) {
      lines.push(
        `    ${file.state.padEnd(8)}${file.path} (read at step ${file.step})`
      );
      lines.push(...columnLines(file).map(line => `      ${line}`));
    }
  }
  if (options.probe === 'local') {
    lines.push(
      `  Note: ${options.problem ?? 'the kernel has no probe'}; the kernel's packages are unknown and files were hashed here, without table schemas.`
    );
  }
  lines.push(
    report.ready
      ? 'Ready: the same Python, packages and input files as recorded.'
      : 'Not ready: replaying anyway (the replay shows which steps these differences change).'
  );
  return lines;
}

function fileCounts(files: PreflightFile[]): string {
  const counts = new Map<string, number>();
  for (const file of files) {
    counts.set(file.state, (counts.get(file.state) ?? 0) + 1);
  }
  return ['same', 'changed', 'missing', 'unknown']
    .filter(state => counts.has(state))
    .map(state => `${counts.get(state)} ${state}`)
    .join(', ');
}

function columnLines(file: PreflightFile): string[] {
  const columns = file.columns;
  if (!columns) {
    return [];
  }
  const lines: string[] = [];
  if (columns.added.length) {
    lines.push(
      `columns added: ${columns.added.map(c => `${c.name} (${c.type})`).join(', ')}`
    );
  }
  if (columns.removed.length) {
    lines.push(
      `columns removed: ${columns.removed.map(c => `${c.name} (${c.type})`).join(', ')}`
    );
  }
  if (columns.retyped.length) {
    lines.push(
      `columns retyped: ${columns.retyped.map(c => `${c.name} ${c.recorded} -> ${c.target}`).join(', ')}`
    );
  }
  return lines;
}

/** The first non-blank line of `code`, trimmed ('' when all blank). */
export function firstCodeLine(code: string): string {
  return (
    code
      .split('\n')
      .find(line => line.trim() !== '')
      ?.trim() ?? ''
  );
}

/** The width of the code column of a step line. */
const CODE_WIDTH = 32;

/**
 * One step's verdict line, saying which cell and what it runs:
 * `step 3/12  cell 4  total = int(df["y"].sum())…        same`.
 *
 * In a fork (`fork: true`) the step is compared with its parent on other
 * data: differing outputs are expected ("differs from parent", no first
 * divergence flag); only a new error is a problem.
 */
export function stepLine(
  result: ReplayStepResult,
  total: number,
  options: { fork?: boolean } = {}
): string {
  const fork = options.fork ?? false;
  const width = String(total).length;
  const where = `step ${String(result.step).padStart(width)}/${total}  ${cellLabel(result)}  ${codeColumn(result)}`;
  let text: string;
  switch (result.verdict) {
    case 'same':
      text = result.ignored.length
        ? `same (ignored: ${result.ignored.join(', ')})`
        : 'same';
      break;
    case 'differs':
      text = `${fork ? 'differs from parent' : 'differs'}: ${firstSummary(result.differences)}`;
      break;
    case 'new-error':
      text = `new error: ${result.replayedError ?? firstSummary(result.differences)}`;
      break;
    case 'error-gone':
      text = fork
        ? `error gone: the parent raised ${result.recordedError ?? 'an error'}, the fork did not`
        : `error gone: the recording raised ${result.recordedError ?? 'an error'}, the replay did not`;
      break;
    case 'skipped':
      text = `skipped: ${result.note ?? ''}`;
      break;
    case 'kernel-died':
      text = 'kernel died';
      break;
    case 'interrupted':
      text = 'interrupted (Ctrl-C)';
      break;
    case 'failed':
      text = `not run: ${result.note ?? 'it could not be read'}`;
      break;
    default:
      text = 'not run';
  }
  const flag =
    fork && result.verdict === 'new-error'
      ? '   <- problem'
      : !fork && result.firstDivergence
        ? '   <- first divergence'
        : '';
  return `${where}  ${text}${flag}`;
}

function cellLabel(result: ReplayStepResult): string {
  if (result.cell !== undefined) {
    return `cell ${result.cell}`;
  }
  return result.cellId ? `cell ${result.cellId.slice(0, 8)}` : 'cell ?';
}

/** The step's first code line, cut to the column (… when more follows). */
function codeColumn(result: ReplayStepResult): string {
  const line = result.firstLine ?? '';
  const more = line.length > CODE_WIDTH;
  const text = more ? `${line.slice(0, CODE_WIDTH - 1)}…` : line;
  return text.padEnd(CODE_WIDTH);
}

function firstSummary(differences: OutputDifference[]): string {
  if (differences.length === 0) {
    return 'outputs differ';
  }
  const more =
    differences.length > 1 ? ` (+${differences.length - 1} more)` : '';
  return `${differences[0].summary}${more}`;
}

/** The closing lines. */
export function summaryLines(summary: ReplaySummary): string[] {
  const lines: string[] = [];
  const parts = [`${summary.same} same`, `${summary.diverged} diverged`];
  if (summary.skipped) {
    parts.push(`${summary.skipped} skipped`);
  }
  if (summary.notRun) {
    parts.push(`${summary.notRun} not run`);
  }
  lines.push(
    `Replayed ${summary.ran} of ${summary.upto} steps: ${parts.join(', ')}.`
  );
  if (summary.kernelDiedAt !== null) {
    lines.push(`The kernel died at step ${summary.kernelDiedAt}.`);
  }
  if (summary.firstDivergence !== null) {
    lines.push(`First divergence at step ${summary.firstDivergence}.`);
  }
  if (summary.replaySessionId) {
    lines.push(
      summary.recorded
        ? `Recorded as session ${summary.replaySessionId} (a replay of ${summary.sourceSessionId} up to step ${summary.upto}).`
        : `The replay (session ${summary.replaySessionId}) could not be sent to the Trail server: ${summary.recordError ?? 'unknown error'}.`
    );
  }
  return lines;
}
