/**
 * "Who already computed this?" in JupyterLab: when the kernel begins a
 * recorded execution, ask the server who already ran the same code after
 * the same steps on the same environment (POST /fingerprints/lookup), and
 * tell the user at once; once the execution is recorded, confirm with its
 * fingerprint (GET /executions/:id/identical) and mark the cell.
 *
 * Never in the way of the execution: everything runs after the kernel got
 * the request, failures are quiet (the notice is a courtesy), and a lookup
 * whose previous step is not stored yet is asked again a few times while
 * the delivery catches up.
 */
import type {
  FingerprintLookupRequest,
  FingerprintLookupResult,
  IdenticalExecutions,
  IdenticalMatch
} from '../../client/api-schema';
import type { IExecutionStart } from '../../recorder/types';

/** The server calls this model makes (a TrailClient has them). */
export interface IIdenticalClient {
  lookupFingerprint(
    request: FingerprintLookupRequest
  ): Promise<FingerprintLookupResult>;
  identicalExecutions(id: string): Promise<IdenticalExecutions>;
}

/** A notice before (or while) a cell runs. */
export interface IIdenticalNotice {
  /** The execution that just started. */
  start: IExecutionStart;
  /** The newest match; `count` of them in all. */
  match: IdenticalMatch;
  count: number;
}

/** A confirmed identical execution of a recorded one. */
export interface IIdenticalMark {
  executionId: string;
  notebookPath: string;
  cellId: string | null;
  match: IdenticalMatch;
  count: number;
}

/** How long to wait before each try (ms). */
export interface IIdenticalDelays {
  /** Before each new lookup while the previous step is not known yet. */
  lookup: readonly number[];
  /** Before each confirmation try (not stored yet, or a hash pending). */
  confirm: readonly number[];
}

/** Default delays: a lookup answered within about a second. */
export const IDENTICAL_DELAYS: IIdenticalDelays = {
  lookup: [250, 400, 600, 1000, 1500],
  confirm: [1000, 2000, 4000, 8000, 16000]
};

/** See the module comment. */
export class IdenticalRuns {
  constructor(private readonly options: IdenticalRuns.IOptions) {}

  /** The kernel began a recorded execution: look it up. */
  async started(start: IExecutionStart): Promise<void> {
    if (!this.options.enabled()) {
      return;
    }
    const request: FingerprintLookupRequest = {
      sessionId: start.sessionId,
      previousExecutionId: start.previousExecutionId,
      code: start.code
    };
    const delays = this.options.delays?.lookup ?? IDENTICAL_DELAYS.lookup;
    for (let attempt = 0; ; attempt++) {
      const client = this.options.client();
      if (!client) {
        return;
      }
      let answer: FingerprintLookupResult;
      try {
        answer = await client.lookupFingerprint(request);
      } catch {
        return; // an older server, or none: nothing to say
      }
      if (answer.state === 'ok') {
        const matches = this.worthTelling(answer.matches);
        if (
          matches.length > 0 &&
          this.options.enabled() &&
          !this.options.muted(start.notebookPath)
        ) {
          this.options.notify({
            start,
            match: matches[0],
            count: matches.length
          });
        }
        return;
      }
      if (attempt >= delays.length) {
        return;
      }
      await this.wait(delays[attempt]);
    }
  }

  /**
   * An execution was recorded (its event is on its way to the server):
   * once stored, mark its cell when others computed the same.
   */
  async recorded(execution: {
    id: string;
    notebookPath: string;
    cellId: string | null;
  }): Promise<void> {
    if (!this.options.enabled()) {
      return;
    }
    const delays = this.options.delays?.confirm ?? IDENTICAL_DELAYS.confirm;
    for (const delay of delays) {
      await this.wait(delay);
      const client = this.options.client();
      if (!client) {
        return;
      }
      let answer: IdenticalExecutions;
      try {
        answer = await client.identicalExecutions(execution.id);
      } catch (error) {
        if (isNotFound(error)) {
          continue; // not delivered yet
        }
        return;
      }
      if (answer.fingerprint === null) {
        continue; // a file hash is on its way
      }
      const matches = this.worthTelling(answer.matches);
      if (matches.length > 0) {
        this.options.mark({
          executionId: execution.id,
          notebookPath: execution.notebookPath,
          cellId: execution.cellId,
          match: matches[0],
          count: matches.length
        });
      }
      return;
    }
  }

  /**
   * The matches that took long enough to be worth a word: an `import
   * pandas` everyone ran is no news; a 40-minute fit is.
   */
  private worthTelling(matches: IdenticalMatch[]): IdenticalMatch[] {
    const least = this.options.minDurationMs?.() ?? 0;
    return matches.filter(m => m.durationMs >= least);
  }

  private wait(ms: number): Promise<void> {
    return (this.options.sleep ?? sleep)(ms);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** Whether a client error is the server's 404. */
function isNotFound(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { status?: unknown }).status === 404
  );
}

/** The namespace for IdenticalRuns statics. */
export namespace IdenticalRuns {
  export interface IOptions {
    /** The client of the Trail server, or null while none is known. */
    client(): IIdenticalClient | null;
    /** Whether to tell at all (the tellIdenticalRuns setting). */
    enabled(): boolean;
    /**
     * Only matches that took at least this long (ms) are told and marked
     * (the tellIdenticalRunsMinSeconds setting); all when absent.
     */
    minDurationMs?(): number;
    /** Whether the user said "don't tell me" for this notebook. */
    muted(notebookPath: string): boolean;
    /** Shows a notice (a notification). */
    notify(notice: IIdenticalNotice): void;
    /** Marks a recorded execution's cell. */
    mark(mark: IIdenticalMark): void;
    delays?: IIdenticalDelays;
    /** Waits (tests pass a fake). */
    sleep?: (ms: number) => Promise<void>;
  }
}
