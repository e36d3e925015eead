/**
 * The options and context types of the recorder.
 */
import type { KernelSpec } from '@jupyterlab/services';
import type { NotebookStructure } from './structure';
import type { Lineage } from '../records/schema';

/**
 * What recorded a session, stored in its SessionRecord.
 */
export interface IRecorderClient {
  name: string;
  version: string;
}

/**
 * What the recorder needs to know about the document a kernel runs for.
 * Every function is called when an execute_request is sent, so it sees the
 * notebook as it is at that moment (after a rename, for instance).
 */
export interface IObserveContext {
  /**
   * The notebook's path (relative to the server root).
   */
  notebookPath: () => string;

  /**
   * Whether requests sent now should be recorded (e.g. a per-notebook
   * opt-out); recorded when absent.
   */
  shouldRecord?: () => boolean;

  /**
   * The kernel spec's display name (e.g. `sessionContext.kernelDisplayName`),
   * stored in the session's KernelInfo. Optional: the recorder never fetches
   * kernel specs itself.
   */
  kernelDisplayName?: () => string | undefined;

  /**
   * The kernel's spec, if known without waiting (e.g. from
   * `sessionContext.specsManager.specs`). When it runs ipykernel, the
   * kernel helper is injected before the kernel info arrives, so a cell run
   * as soon as the notebook opens is captured too. Optional: without it the
   * helper waits for the kernel info.
   */
  kernelSpec?: () => KernelSpec.ISpecModel | null | undefined;

  /**
   * The ids of the cells that carry one of `excludeTags`, sent to the kernel
   * helper so that it captures nothing for them. Called when the helper is
   * injected and by `TrailRecorder.refreshHelperConfig()`.
   */
  skipCells?: (excludeTags: ReadonlySet<string>) => readonly string[];

  /**
   * Who may read the sessions recorded from now on, as the notebook asks
   * (its metadata `trail.visibility`); the server's default (team) when
   * absent. Asked when a session starts.
   */
  visibility?: () => 'team' | 'private' | undefined;

  /**
   * The notebook's cells in order (id, type, source), read right before
   * each recorded execution: when they changed since the session last
   * sent them, a structure.captured event goes before that execution, so
   * a replay can show the notebook as it stood. Optional: without it no
   * structure is recorded.
   */
  structure?: () => NotebookStructure | undefined;

  /**
   * The session and step this notebook replays or forks (a notebook opened
   * from a recorded session names it in its metadata `trail.source`), put
   * on the session record as its `lineage`. Asked when a session starts.
   */
  lineage?: () => Lineage | undefined;
}

/**
 * A recorded execution the kernel just began: what a lookup of "who
 * already ran this?" needs before it ends.
 */
export interface IExecutionStart {
  executionId: string;
  sessionId: string;
  seq: number;
  /** The session's execution requested just before it; null for its first. */
  previousExecutionId: string | null;
  /** The code, redacted as it will be recorded (as sent, in the observer). */
  code: string;
  notebookPath: string;
  cellId: string | null;
}
