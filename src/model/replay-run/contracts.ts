/**
 * The shapes of #13 this part consumes from the records floor: the
 * notebook metadata of a notebook opened from a recorded session
 * (contract 4), the divergence rule's answer and the preflight report
 * (contract 5). Imported from here so that the runner, the preflight and
 * their views name them once.
 */
import type { EnvironmentSnapshot } from '../../records/schema';
import type { InputFile } from '../../records/replay/inputs';

export type {
  ReplaySource,
  SourceExecution
} from '../../records/replay/notebook';
export type {
  ExecutionComparison,
  OutputDifference,
  Verdict
} from '../../records/replay/compare';
export type {
  PreflightFile,
  PreflightPackage,
  PreflightReport,
  TargetFile
} from '../../records/replay/preflight';
export type { InputFile };

/** GET /sessions/{id}/inputs?upto=k: what steps 1..k read and ran with. */
export interface SessionInputs {
  sessionId: string;
  upto: number;
  environment?: EnvironmentSnapshot;
  inputs: InputFile[];
}
