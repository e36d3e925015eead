import type {
  ExecutionRecord,
  Output,
  SessionSummary
} from '../../records/schema';

/**
 * The answers of the steps API (contract 2 of #13), as the client returns
 * them (schema/api/step-list.schema.json, notebook-at-step.schema.json).
 * Declared here by shape so that any reader satisfies them structurally.
 */
export interface SessionStep {
  step: number;
  seq: number;
  executionId: string;
  cellId: string | null;
  status: ExecutionRecord['status'];
  startedAt: string;
  durationMs: number;
}

/** `GET /sessions/{id}/steps`. */
export interface StepList {
  sessionId: string;
  total: number;
  structured: boolean;
  steps: SessionStep[];
}

/** One cell of the notebook at step k. */
export interface CellAtStep {
  cellId: string | null;
  cellType: 'code' | 'markdown' | 'raw';
  state: 'ran' | 'not-run' | 'deleted';
  current: boolean;
  source?: string;
  execution?: ExecutionRecord;
}

/** `GET /sessions/{id}/steps/{k}`. */
export interface NotebookAtStep {
  sessionId: string;
  step: number;
  total: number;
  structured: boolean;
  cells: CellAtStep[];
}

/**
 * What the replay viewer reads: the Trail client satisfies it.
 */
export interface IReplayReader {
  getSession(id: string): Promise<SessionSummary>;
  getExecution(id: string): Promise<ExecutionRecord>;
  getSteps(sessionId: string): Promise<StepList>;
  getStep(sessionId: string, step: number): Promise<NotebookAtStep>;
  /** Replace blob references in outputs with their values. */
  resolveOutputs(outputs: Output[]): Promise<Output[]>;
}
