import type {
  ExecutionRecord,
  Output,
  SessionSummary
} from '../../records/schema';
import type {
  CellAtStep,
  InputList,
  NotebookAtStep,
  SessionStep,
  StepList
} from '../../client/api-schema';

/**
 * The answers of the steps API (contract 2 of #13), generated from
 * schema/api (step-list, notebook-at-step).
 */
export type { CellAtStep, InputList, NotebookAtStep, SessionStep, StepList };

/**
 * What the replay viewer reads: the Trail client satisfies it.
 */
export interface IReplayReader {
  getSession(id: string): Promise<SessionSummary>;
  getExecution(id: string): Promise<ExecutionRecord>;
  getSteps(sessionId: string): Promise<StepList>;
  getStep(sessionId: string, step: number): Promise<NotebookAtStep>;
  /** The files steps 1..upto read (not written by an earlier step). */
  getInputs?(sessionId: string, upto: number): Promise<InputList>;
  /** Replace blob references in outputs with their values. */
  resolveOutputs(outputs: Output[]): Promise<Output[]>;
}
