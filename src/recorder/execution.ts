/**
 * Threads the messages of one execute_request (by parent_header.msg_id) into
 * an ExecutionRecord.
 */
import type { KernelMessage } from '@jupyterlab/services';
import type { ExecutionCapture, ExecutionRecord } from '../records/schema';
import { isEmptyCapture, mergeCaptures } from '../records/capture';
import { MAX_CODE_LENGTH } from '../records/limits';
import { KERNEL_DIED } from '../records/status';
import { OutputList } from './outputs';
import { durationBetween, isoDate, parseKernelDate } from './time';

/**
 * The status of a finished execution.
 */
export type ExecutionStatus = ExecutionRecord['status'];

/**
 * Builds the record of one execution from its request and the kernel's
 * messages about it.
 *
 * It is complete when both its shell execute_reply and its iopub idle status
 * have been seen: ipykernel sends them in either order (an aborted request's
 * reply can follow its idle), and outputs may still arrive after the reply.
 */
export class ExecutionBuilder {
  /**
   * Main-thread time (ms) the recorder spent on this execution's messages.
   */
  cost = 0;

  /**
   * Starts the record of an execute_request.
   */
  constructor(options: ExecutionBuilder.IOptions) {
    this.id = options.id;
    this.msgId = options.msgId;
    this.sessionId = options.sessionId;
    this.seq = options.seq;
    this._notebookPath = options.notebookPath;
    this._cellId = options.cellId;
    this._code =
      options.code.length > MAX_CODE_LENGTH
        ? options.code.slice(0, MAX_CODE_LENGTH)
        : options.code;
    this._requestedAt = options.requestedAt;
  }

  /**
   * The record id (a UUID).
   */
  readonly id: string;

  /**
   * The execute_request message id that the kernel's messages refer to.
   */
  readonly msgId: string;

  /**
   * The session the execution belongs to; an execution queued across a
   * kernel start moves to the new session.
   */
  sessionId: string;

  /**
   * The execution's order in its session, from 1.
   */
  seq: number;

  /**
   * The outputs so far.
   */
  readonly outputs = new OutputList();

  /**
   * The notebook path at request time.
   */
  get notebookPath(): string {
    return this._notebookPath;
  }

  /**
   * The code as sent (cut to the record's limit), not redacted.
   */
  get code(): string {
    return this._code;
  }

  /**
   * The cell id at request time (null: not from a cell).
   */
  get cellId(): string | null {
    return this._cellId;
  }

  /**
   * Whether the kernel has begun handling the request.
   */
  get started(): boolean {
    return this._started;
  }

  /**
   * Whether the execute_reply has been seen.
   */
  get hasReply(): boolean {
    return this._reply !== null;
  }

  /**
   * Whether both the execute_reply and the idle status have been seen.
   */
  get isComplete(): boolean {
    return this._reply !== null && this._idle;
  }

  /**
   * What the kernel helper captured so far, merged.
   */
  get capture(): ExecutionCapture | undefined {
    return this._capture;
  }

  /**
   * Merges a capture from the kernel helper into the record.
   */
  addCapture(capture: ExecutionCapture): void {
    this._capture = mergeCaptures([this._capture, capture]);
  }

  /**
   * Takes one message whose parent is this execution's request.
   * update_display_data is not handled here: it may target any pending
   * execution, so the observer routes it.
   */
  handle(msg: KernelMessage.IMessage): void {
    const content = msg.content as Record<string, unknown>;
    switch (msg.header.msg_type) {
      case 'status':
        if (content.execution_state === 'busy') {
          this._markStarted();
          if (this._kernelStart === null) {
            this._kernelStart = parseKernelDate(msg.header.date);
          }
        } else if (content.execution_state === 'idle') {
          this._idle = true;
          this._kernelEnd = parseKernelDate(msg.header.date);
        }
        break;
      case 'execute_input':
        this._markStarted();
        if (typeof content.execution_count === 'number') {
          this._executionCount = content.execution_count;
        }
        break;
      case 'stream':
      case 'display_data':
      case 'execute_result':
      case 'error':
        this._markStarted();
        this.outputs.add(msg.header.msg_type, content);
        break;
      case 'clear_output':
        this.outputs.clear(content.wait === true);
        break;
      case 'execute_reply':
        if (msg.channel === 'shell') {
          this._reply = content as IReplyContent;
          this._replyDate = parseKernelDate(msg.header.date);
          this._replyStarted = parseKernelDate(
            (msg.metadata as Record<string, unknown> | undefined)?.started
          );
          const page = pageOf(content);
          if (page !== null) {
            // Help (`obj?`, `%quickref`...) comes as a pager payload, which
            // JupyterLab's output area shows as a display_data output.
            this.outputs.add('display_data', { data: page, metadata: {} });
          }
        }
        break;
      default:
        break;
    }
  }

  /**
   * Builds the record.
   *
   * @param status - the status to record when the kernel will never reply
   *   (restart, death, lost connection); the reply's status otherwise.
   * @param now - the client clock, for executions without kernel times.
   * @param kernelDied - whether the kernel died while it ran: then an
   *   `interrupted` execution's error is {@link KERNEL_DIED}.
   */
  finish(
    status?: ExecutionStatus,
    now: number = Date.now(),
    kernelDied = false
  ): ExecutionRecord {
    const reply = this._reply;
    let error: ExecutionRecord['error'];
    let finalStatus: ExecutionStatus;
    if (reply !== null && status === undefined) {
      finalStatus = statusOfReply(reply);
    } else {
      finalStatus = status ?? 'aborted';
    }
    if (reply !== null && reply.status === 'error') {
      error = {
        ename: String(reply.ename ?? ''),
        evalue: String(reply.evalue ?? '')
      };
    } else if (finalStatus === 'interrupted' && kernelDied) {
      error = { ...KERNEL_DIED };
    } else if (finalStatus === 'error' || finalStatus === 'interrupted') {
      error = this._lastError();
    }

    const kernelStart = this._kernelStart ?? this._replyStarted;
    const kernelEnd = this._kernelEnd ?? this._replyDate;
    const useKernel =
      kernelStart !== null && kernelEnd !== null && kernelEnd >= kernelStart;
    const start = useKernel
      ? kernelStart
      : (this._clientStart ?? this._requestedAt);
    const end = useKernel ? kernelEnd : Math.max(now, start);

    let executionCount = this._executionCount;
    if (executionCount === null && typeof reply?.execution_count === 'number') {
      executionCount = reply.execution_count;
    }

    const record: ExecutionRecord = {
      id: this.id,
      sessionId: this.sessionId,
      seq: this.seq,
      msgId: this.msgId.slice(0, 200),
      notebookPath: this._notebookPath,
      cellId: this._cellId,
      code: this._code,
      executionCount,
      status: finalStatus,
      startedAt: isoDate(start),
      endedAt: isoDate(end),
      durationMs: durationBetween(start, end),
      timing: useKernel ? 'kernel' : 'client',
      outputs: this.outputs.toJSON()
    };
    if (error !== undefined) {
      record.error = error;
    }
    if (!isEmptyCapture(this._capture)) {
      record.capture = this._capture;
    }
    return record;
  }

  private _markStarted(): void {
    if (!this._started) {
      this._started = true;
      this._clientStart = Date.now();
    }
  }

  /**
   * The ename/evalue of the last error output, for executions that end
   * without a reply.
   */
  private _lastError(): ExecutionRecord['error'] {
    const outputs = this.outputs.toJSON();
    for (let i = outputs.length - 1; i >= 0; i--) {
      const output = outputs[i];
      if (output.output_type === 'error') {
        return { ename: output.ename, evalue: output.evalue };
      }
    }
    return undefined;
  }

  private _capture: ExecutionCapture | undefined = undefined;
  private _notebookPath: string;
  private _cellId: string | null;
  private _code: string;
  private _requestedAt: number;
  private _started = false;
  private _clientStart: number | null = null;
  private _kernelStart: number | null = null;
  private _kernelEnd: number | null = null;
  private _idle = false;
  private _executionCount: number | null = null;
  private _reply: IReplyContent | null = null;
  private _replyDate: number | null = null;
  private _replyStarted: number | null = null;
}

/**
 * The namespace for ExecutionBuilder statics.
 */
export namespace ExecutionBuilder {
  /**
   * What is known when the request is sent.
   */
  export interface IOptions {
    id: string;
    msgId: string;
    sessionId: string;
    seq: number;
    notebookPath: string;
    cellId: string | null;
    code: string;
    /**
     * Client clock when the request was sent (ms since the epoch).
     */
    requestedAt: number;
  }
}

/**
 * An execute_reply content, read defensively: kernels differ in what they
 * include (an aborted reply has no execution_count).
 */
interface IReplyContent {
  status?: unknown;
  ename?: unknown;
  evalue?: unknown;
  execution_count?: unknown;
}

/**
 * The mime bundle of an execute_reply's first `page` payload, which
 * JupyterLab's output area adds to the cell's outputs as a display_data
 * output (only for a reply with status ok); null when there is none.
 */
export function pageOf(
  reply: Record<string, unknown>
): Record<string, unknown> | null {
  if (reply.status !== 'ok' || !Array.isArray(reply.payload)) {
    return null;
  }
  for (const item of reply.payload) {
    if (
      item !== null &&
      typeof item === 'object' &&
      (item as { source?: unknown }).source === 'page'
    ) {
      const data = (item as { data?: unknown }).data;
      return data !== null && typeof data === 'object'
        ? (data as Record<string, unknown>)
        : {};
    }
  }
  return null;
}

/**
 * The record status for an execute_reply: an error raised by an interrupt
 * (KeyboardInterrupt) counts as interrupted.
 */
export function statusOfReply(reply: {
  status?: unknown;
  ename?: unknown;
}): ExecutionStatus {
  switch (reply.status) {
    case 'ok':
      return 'ok';
    case 'aborted':
      return 'aborted';
    case 'error':
      return reply.ename === 'KeyboardInterrupt' ? 'interrupted' : 'error';
    default:
      return 'error';
  }
}
