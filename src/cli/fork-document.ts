/**
 * The facts of one `trail fork`: the data contract report, the
 * substitutions, each step compared with the parent, and the summary,
 * printed as text (fork-report.ts) or, with `--json`, as one document.
 *
 * A fork runs the parent's code on other data, so a step whose outputs
 * differ from the parent's is expected, not a failure: only a step that
 * raises where the parent did not (a new error) fails the fork (exit 1).
 */
import type { ContractReport, ForkMapping } from '../records/fork/contract';
import type { Lineage } from '../records/schema';
import { ExitCode } from './exit-codes';
import type { ReplayDocument, ReplayStepResult } from './replay-document';

/** One substitution as the fork's lineage records it. */
export type LineageSubstitution = NonNullable<Lineage['substitutions']>[number];

/** The outcome of the whole fork. */
export interface ForkSummary {
  /** The parent session. */
  sourceSessionId: string;
  upto: number;
  /** Steps that ran and were compared with the parent. */
  ran: number;
  same: number;
  /** Steps whose outputs differ from the parent's (expected). */
  differs: number;
  /** Steps that raised an error the parent did not (a problem). */
  newErrors: number;
  /** Steps where the parent raised and the fork did not. */
  errorsGone: number;
  skipped: number;
  notRun: number;
  /** The first step with a new error. */
  firstNewError: number | null;
  kernelDiedAt: number | null;
  /** The session recorded for this fork. */
  forkSessionId: string | null;
  /** Whether the server acknowledged the whole fork. */
  recorded: boolean;
  recordError: string | null;
  exitCode: ExitCode;
}

/** The `--json` document of a fork that ran. */
export interface ForkDocument {
  source: ReplayDocument['source'];
  server: string;
  kernel: string;
  /** The `--map` options, as parsed. */
  map: ForkMapping[];
  contract: ContractReport;
  /** Whether it ran despite contract errors (--force). */
  forced: boolean;
  /** The lineage's substitutions: each recorded input and its new file. */
  substitutions: LineageSubstitution[];
  /** What the kernel redirects (absolute paths, as it resolved them). */
  redirects: { recorded: string; path: string; kind: 'file' | 'folder' }[];
  steps: ReplayStepResult[];
  summary: ForkSummary;
}

/** Counts the steps and picks the exit code. */
export function summarizeFork(
  steps: ReplayStepResult[],
  facts: Pick<
    ForkSummary,
    'sourceSessionId' | 'upto' | 'forkSessionId' | 'recorded' | 'recordError'
  >,
  interrupted = false
): ForkSummary {
  const count = (verdict: ReplayStepResult['verdict']) =>
    steps.filter(step => step.verdict === verdict).length;
  const died = steps.find(step => step.verdict === 'kernel-died');
  const firstNewError = steps.find(step => step.verdict === 'new-error');
  const summary = {
    same: count('same'),
    differs: count('differs'),
    newErrors: count('new-error'),
    errorsGone: count('error-gone')
  };
  const notRun =
    count('not-run') +
    count('kernel-died') +
    count('failed') +
    count('interrupted');
  let exitCode: ExitCode = ExitCode.Same;
  if (died) {
    exitCode = ExitCode.KernelDied;
  } else if (interrupted) {
    exitCode = ExitCode.Interrupted;
  } else if (summary.newErrors > 0) {
    exitCode = ExitCode.Diverged;
  } else if (count('failed') > 0 || !facts.recorded) {
    exitCode = ExitCode.Incomplete;
  }
  return {
    ...facts,
    ran:
      summary.same + summary.differs + summary.newErrors + summary.errorsGone,
    ...summary,
    skipped: count('skipped'),
    notRun,
    firstNewError: firstNewError?.step ?? null,
    kernelDiedAt: died?.step ?? null,
    exitCode
  };
}
