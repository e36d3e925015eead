/**
 * What runs a replay's steps: the seam between the runner (which orders
 * steps, compares and pauses) and a kernel. The notebook's executor runs
 * the cells in the notebook (src/ui/replay-run); `KernelStepExecutor` runs
 * code in a bare kernel connection (tests, headless use). Both take the
 * replayed execution from the one recorder, so what is compared is what is
 * recorded as the replay session.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { PromiseDelegate } from '@lumino/coreutils';
import type { ExecutionRecord, Output, TrailEvent } from '../../records/schema';
import { OutputList } from '../../recorder/outputs';
import type { IReplayStep } from './steps';

/** How long to wait for the recorder's record after a reply. */
const RECORD_WAIT_MS = 3000;

/** A step stopped because its kernel died, restarted or was replaced. */
export class KernelDiedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelDiedError';
  }
}

/**
 * Runs one step and resolves with the replayed execution.
 */
export interface IStepExecutor {
  /**
   * Run the step's cell.
   *
   * @throws KernelDiedError when the kernel died or restarted meanwhile.
   */
  execute(step: IReplayStep): Promise<ExecutionRecord>;
  /**
   * Show where the run is in the document (optional): `running`, then the
   * step's outcome; `null` clears the mark.
   */
  reveal?(
    step: IReplayStep,
    mark: 'running' | 'same' | 'diverged' | 'failed' | null
  ): void;
}

/** What the catcher needs of the recorder. */
export interface IEventSource {
  readonly eventRecorded: {
    connect(
      slot: (sender: unknown, event: TrailEvent) => void,
      thisArg?: unknown
    ): boolean;
    disconnect(
      slot: (sender: unknown, event: TrailEvent) => void,
      thisArg?: unknown
    ): boolean;
  };
  /** Whether the recorder records at all (no wait when it does not). */
  readonly enabled?: boolean;
}

/** The catcher's key for the next record of one notebook cell. */
export function cellRecordKey(notebookPath: string, cellId: string): string {
  return `cell:${notebookPath}\u0000${cellId}`;
}

/**
 * Keeps the recorder's `execution.completed` records of the requests it is
 * told about, by execute_request msg id.
 */
export class RecordCatcher {
  constructor(source: IEventSource | null) {
    this._source = source;
    source?.eventRecorded.connect(this._onEvent, this);
  }

  /** Whether a record may come at all. */
  get recording(): boolean {
    return this._source !== null && this._source.enabled !== false;
  }

  /**
   * Expect the record of the request `key`: its execute_request msg id, or
   * `cellRecordKey(path, cellId)` for the next run of that cell when the
   * request is sent by someone else (the notebook's cell executor).
   */
  expect(key: string): void {
    this._pending.set(key, new PromiseDelegate<ExecutionRecord | null>());
  }

  /**
   * The record expected under `key`, waiting up to `timeoutMs` for it;
   * null when none came (recording paused, the notebook opted out).
   */
  async take(
    key: string,
    timeoutMs = RECORD_WAIT_MS
  ): Promise<ExecutionRecord | null> {
    const pending = this._pending.get(key);
    if (!pending) {
      return null;
    }
    const timer = setTimeout(
      () => pending.resolve(null),
      this.recording ? timeoutMs : 0
    );
    try {
      return await pending.promise;
    } finally {
      clearTimeout(timer);
      if (this._pending.get(key) === pending) {
        this._pending.delete(key);
      }
    }
  }

  /** Stop listening; records still awaited come as null. */
  dispose(): void {
    this._source?.eventRecorded.disconnect(this._onEvent, this);
    for (const pending of this._pending.values()) {
      pending.resolve(null);
    }
    this._pending.clear();
  }

  private _onEvent(_: unknown, event: TrailEvent): void {
    if (event.kind !== 'execution.completed') {
      return;
    }
    const { msgId, cellId, notebookPath } = event.execution;
    const keys = [
      msgId,
      cellId !== null ? cellRecordKey(notebookPath, cellId) : undefined
    ];
    for (const key of keys) {
      // The first record after `expect` is the one (a resolved delegate
      // ignores later ones).
      if (key) {
        this._pending.get(key)?.resolve(event.execution);
      }
    }
  }

  private _pending = new Map<string, PromiseDelegate<ExecutionRecord | null>>();
  private _source: IEventSource | null;
}

/**
 * A promise that rejects with KernelDiedError when the kernel dies,
 * restarts or goes away, and a function to stop watching.
 */
export function watchKernel(
  kernel: Kernel.IKernelConnection,
  step: IReplayStep
): { died: Promise<never>; dispose: () => void } {
  let onStatus: (_: unknown, status: Kernel.Status) => void = () => undefined;
  let onDisposed: () => void = () => undefined;
  const died = new Promise<never>((_, reject) => {
    const fail = (what: string) =>
      reject(
        new KernelDiedError(
          `The kernel ${what} while step ${step.step} was running.`
        )
      );
    onStatus = (_, status) => {
      // A kernel that dies is restarted by Jupyter: the connection says
      // 'restarting' and 'autorestarting' in either order, as it does for
      // a restart asked by someone, so the two cannot be told apart here.
      if (status === 'dead') {
        fail('died');
      } else if (status === 'autorestarting' || status === 'restarting') {
        fail('died or was restarted');
      }
    };
    onDisposed = () => fail('was shut down');
  });
  // Nobody may be listening when it never dies.
  died.catch(() => undefined);
  kernel.statusChanged.connect(onStatus);
  kernel.disposed.connect(onDisposed);
  return {
    died,
    dispose: () => {
      kernel.statusChanged.disconnect(onStatus);
      kernel.disposed.disconnect(onDisposed);
    }
  };
}

/**
 * A replayed execution made without the recorder (recording paused, the
 * notebook opted out): the outputs as the cell shows them, the status of
 * the reply, client timing. Only the comparison reads it; it is never sent.
 */
export function replayedRecordFrom(options: {
  msgId: string;
  cellId: string;
  code: string;
  notebookPath: string;
  outputs: Output[];
  /** How the execution ended: its reply's status, or aborted without one. */
  status: ExecutionRecord['status'];
  executionCount: number | null;
  startedAt: Date;
  endedAt: Date;
}): ExecutionRecord {
  const { status } = options;
  const errorOutput = options.outputs.find(
    output => output.output_type === 'error'
  ) as { ename: string; evalue: string } | undefined;
  return {
    id: options.msgId,
    sessionId: '',
    seq: 0,
    msgId: options.msgId,
    notebookPath: options.notebookPath,
    cellId: options.cellId,
    code: options.code,
    executionCount: options.executionCount,
    status,
    startedAt: options.startedAt.toISOString(),
    endedAt: options.endedAt.toISOString(),
    durationMs: Math.max(
      0,
      options.endedAt.getTime() - options.startedAt.getTime()
    ),
    timing: 'client',
    ...(status === 'error' && errorOutput
      ? { error: { ename: errorOutput.ename, evalue: errorOutput.evalue } }
      : {}),
    outputs: options.outputs
  };
}

/**
 * Runs steps in a bare kernel connection: each step's code (as `codeOf`
 * gives it) in one execute_request carrying the cell id, as a notebook
 * sends it, so an observing recorder records it as that cell's execution.
 */
export class KernelStepExecutor implements IStepExecutor {
  constructor(options: KernelStepExecutor.IOptions) {
    this._kernel = options.kernel;
    this._codeOf = options.codeOf;
    this._notebookPath = options.notebookPath ?? '';
    this._catcher = new RecordCatcher(options.recorder ?? null);
    this._recordWaitMs = options.recordWaitMs ?? RECORD_WAIT_MS;
  }

  async execute(step: IReplayStep): Promise<ExecutionRecord> {
    const kernel = this._kernel;
    if (kernel.isDisposed || kernel.status === 'dead') {
      throw new KernelDiedError(
        `The kernel is not running: step ${step.step} could not run.`
      );
    }
    const code = this._codeOf(step);
    const outputs = new OutputList();
    const startedAt = new Date();
    const future = kernel.requestExecute({ code, stop_on_error: true }, false, {
      cellId: step.cellId
    });
    const msgId = future.msg.header.msg_id;
    this._catcher.expect(msgId);
    future.onIOPub = msg => {
      const type = msg.header.msg_type;
      if (
        type === 'stream' ||
        type === 'display_data' ||
        type === 'execute_result' ||
        type === 'error'
      ) {
        outputs.add(type, msg.content);
      } else if (type === 'clear_output') {
        outputs.clear((msg.content as { wait?: boolean }).wait === true);
      } else if (type === 'update_display_data') {
        outputs.update(msg.content);
      }
    };
    const watch = watchKernel(kernel, step);
    // When the kernel dies first, the reply never comes: nobody waits.
    future.done.catch(() => undefined);
    let reply: KernelMessage.IExecuteReplyMsg;
    try {
      reply = (await Promise.race([
        future.done,
        watch.died
      ])) as KernelMessage.IExecuteReplyMsg;
    } catch (reason) {
      if (reason instanceof KernelDiedError) {
        throw reason;
      }
      throw new KernelDiedError(
        `Step ${step.step} stopped: ${(reason as Error)?.message ?? reason}`
      );
    } finally {
      watch.dispose();
    }
    const recorded = await this._catcher.take(msgId, this._recordWaitMs);
    return (
      recorded ??
      replayedRecordFrom({
        msgId,
        cellId: step.cellId,
        code,
        notebookPath: this._notebookPath,
        outputs: outputs.toJSON(),
        status: reply.content.status === 'ok' ? 'ok' : 'error',
        executionCount:
          'execution_count' in reply.content
            ? (reply.content.execution_count ?? null)
            : null,
        startedAt,
        endedAt: new Date()
      })
    );
  }

  /** Stop listening to the recorder. */
  dispose(): void {
    this._catcher.dispose();
  }

  private _catcher: RecordCatcher;
  private _codeOf: (step: IReplayStep) => string;
  private _kernel: Kernel.IKernelConnection;
  private _notebookPath: string;
  private _recordWaitMs: number;
}

/** The namespace for `KernelStepExecutor` statics. */
export namespace KernelStepExecutor {
  export interface IOptions {
    kernel: Kernel.IKernelConnection;
    /** The code of a step's cell. */
    codeOf: (step: IReplayStep) => string;
    /** The recorder observing the kernel, whose records are compared. */
    recorder?: IEventSource | null;
    notebookPath?: string;
    /** How long to wait for the recorder's record after the reply. */
    recordWaitMs?: number;
  }
}
