/**
 * The facts of one `trail replay`: each step's verdict and the summary,
 * printed as text (report.ts) or, with `--json`, as one document.
 */
import type {
  ExecutionComparison,
  OutputDifference
} from '../records/replay/compare';
import type { PreflightReport } from '../records/replay/preflight';
import { ExitCode } from './exit-codes';

/** A step's verdict: a comparison's, or why it was not compared. */
export type StepVerdict =
  | ExecutionComparison['verdict']
  | 'skipped'
  | 'kernel-died'
  | 'failed'
  /** Interrupted by the user (Ctrl-C) while it ran. */
  | 'interrupted'
  | 'not-run';

/** One replayed (or not replayed) step. */
export interface ReplayStepResult {
  step: number;
  seq: number;
  /** The recorded execution. */
  executionId: string;
  cellId: string | null;
  /** The cell's position (1-based) in the notebook as it stood at the last step, when known. */
  cell?: number;
  /** The first non-blank line of the code the step ran, when known. */
  firstLine?: string;
  verdict: StepVerdict;
  differences: OutputDifference[];
  ignored: string[];
  /** The replayed execution's id in the replay session. */
  replayedExecutionId?: string;
  /** `ename: evalue` of each side's error, when there was one. */
  recordedError?: string;
  replayedError?: string;
  /** Why a step was skipped. */
  note?: string;
  /** Whether this is the first step that diverged. */
  firstDivergence: boolean;
}

/** The outcome of the whole replay. */
export interface ReplaySummary {
  sourceSessionId: string;
  upto: number;
  /** Steps that ran (and were compared). */
  ran: number;
  same: number;
  diverged: number;
  skipped: number;
  notRun: number;
  firstDivergence: number | null;
  kernelDiedAt: number | null;
  /** The session recorded for this replay. */
  replaySessionId: string | null;
  /** Whether the server acknowledged the whole replay. */
  recorded: boolean;
  recordError: string | null;
  exitCode: ExitCode;
}

/** The `--json` document. */
export interface ReplayDocument {
  source: {
    sessionId: string;
    notebookPath: string;
    author?: string;
    total: number;
    upto: number;
    structured: boolean;
  };
  server: string;
  kernel: string;
  preflight:
    (PreflightReport & { probe: 'kernel' | 'local'; problem?: string }) | null;
  steps: ReplayStepResult[];
  summary: ReplaySummary;
}

/** Whether a verdict is a divergence. */
export function diverged(verdict: StepVerdict): boolean {
  return (
    verdict === 'differs' || verdict === 'new-error' || verdict === 'error-gone'
  );
}

/** Counts the steps and picks the exit code. */
export function summarize(
  steps: ReplayStepResult[],
  facts: Pick<
    ReplaySummary,
    'sourceSessionId' | 'upto' | 'replaySessionId' | 'recorded' | 'recordError'
  >,
  interrupted = false
): ReplaySummary {
  const count = (test: (step: ReplayStepResult) => boolean) =>
    steps.filter(test).length;
  const died = steps.find(step => step.verdict === 'kernel-died');
  const first = steps.find(step => diverged(step.verdict));
  const divergedCount = count(step => diverged(step.verdict));
  const failed = steps.some(step => step.verdict === 'failed');
  let exitCode: ExitCode = ExitCode.Same;
  if (died) {
    exitCode = ExitCode.KernelDied;
  } else if (interrupted) {
    exitCode = ExitCode.Interrupted;
  } else if (divergedCount > 0) {
    exitCode = ExitCode.Diverged;
  } else if (failed || !facts.recorded) {
    exitCode = ExitCode.Incomplete;
  }
  return {
    ...facts,
    ran: count(step => step.verdict === 'same' || diverged(step.verdict)),
    same: count(step => step.verdict === 'same'),
    diverged: divergedCount,
    skipped: count(step => step.verdict === 'skipped'),
    notRun: count(
      step =>
        step.verdict === 'not-run' ||
        step.verdict === 'kernel-died' ||
        step.verdict === 'failed' ||
        step.verdict === 'interrupted'
    ),
    firstDivergence: first?.step ?? null,
    kernelDiedAt: died?.step ?? null,
    exitCode
  };
}
