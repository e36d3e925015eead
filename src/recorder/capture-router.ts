/**
 * Turns the kernel helper's messages into record changes and events for
 * one observer.
 */
import type { KernelMessage } from '@jupyterlab/services';
import { uuid4 } from './uuid';
import type { EnvironmentSnapshot, TrailEvent } from '../records/schema';
import { sanitizeCapture, sanitizeEnvironment } from './capture';
import type { ExecutionBuilder } from './execution';
import { helperMessageOf } from './helper-protocol';

/**
 * How many completed executions are remembered for late captures (a
 * background file hash). Older ones get no annotation.
 */
export const MAX_REMEMBERED_EXECUTIONS = 1000;

/**
 * Routes helper messages (iopub `comm_msg`s with `trail: 1`):
 *
 * - a `capture` for an execution still being built joins its record;
 *   one for a completed execution becomes an `execution.annotated` event;
 * - an `environment` becomes an `environment.captured` event, from the seq
 *   of the execution that changed it, or from the session's start; one
 *   that arrives before the session's first execution waits for its
 *   `session.started`.
 */
export class CaptureRouter {
  constructor(options: CaptureRouter.IOptions) {
    this._options = options;
  }

  /**
   * The helper's version, once it said hello.
   */
  helperVersion: string | null = null;

  /**
   * Handles a received message.
   *
   * @returns whether it was a helper message (nothing else looks at it).
   */
  handle(msg: KernelMessage.IMessage): boolean {
    const message = helperMessageOf(msg);
    if (message === null) {
      return false;
    }
    const owns = this._options.ownsComm?.(
      (msg.content as { comm_id?: unknown }).comm_id
    );
    if (owns === false) {
      // Another page's (or an older process') comm: that page records it.
      return true;
    }
    switch (message.type) {
      case 'hello':
        this.helperVersion = message.version;
        break;
      case 'warning':
        console.warn(`Trail kernel helper: ${message.message}`);
        break;
      case 'capture':
        this._onCapture(message.msgId, message.capture);
        break;
      case 'environment':
        this._onEnvironment(message.msgId, message.environment);
        break;
    }
    return true;
  }

  /**
   * Remembers a completed execution so that late captures find it.
   */
  completed(builder: ExecutionBuilder): void {
    const remembered = this._remembered;
    remembered.delete(builder.msgId);
    remembered.set(builder.msgId, {
      executionId: builder.id,
      sessionId: builder.sessionId,
      seq: builder.seq
    });
    if (remembered.size > MAX_REMEMBERED_EXECUTIONS) {
      remembered.delete(remembered.keys().next().value as string);
    }
  }

  /**
   * A session started (its `session.started` is queued): an environment
   * that waited for it follows now.
   */
  sessionStarted(sessionId: string): void {
    const waiting = this._waitingEnvironment;
    this._waitingEnvironment = null;
    if (waiting !== null) {
      this._pushEnvironment(sessionId, 1, waiting);
    }
  }

  /**
   * The kernel process ended: an environment still waiting was the old
   * process' one.
   */
  kernelRestarted(): void {
    this._waitingEnvironment = null;
  }

  private _onCapture(msgId: string, raw: unknown): void {
    const capture = sanitizeCapture(raw);
    if (capture === null) {
      return;
    }
    const builder = this._options.pending(msgId);
    if (builder !== undefined) {
      builder.addCapture(capture);
      return;
    }
    const done = this._remembered.get(msgId);
    if (done !== undefined) {
      this._options.push({
        id: uuid4(),
        kind: 'execution.annotated',
        sessionId: done.sessionId,
        executionId: done.executionId,
        capture
      });
    }
  }

  private _onEnvironment(msgId: string | null, raw: unknown): void {
    const environment = sanitizeEnvironment(raw);
    if (environment === null) {
      return;
    }
    if (msgId !== null) {
      const builder = this._options.pending(msgId);
      const done = builder
        ? { sessionId: builder.sessionId, seq: builder.seq }
        : this._remembered.get(msgId);
      if (done !== undefined) {
        this._pushEnvironment(done.sessionId, done.seq, environment);
        return;
      }
    }
    const session = this._options.session();
    if (session === null) {
      this._waitingEnvironment = environment;
      return;
    }
    // The kernel's environment at start describes the whole session unless
    // the session already has one (then it applies from now on).
    const fromSeq = this._withEnvironment.has(session.id) ? session.nextSeq : 1;
    this._pushEnvironment(session.id, fromSeq, environment);
  }

  private _pushEnvironment(
    sessionId: string,
    fromSeq: number,
    environment: EnvironmentSnapshot
  ): void {
    this._withEnvironment.add(sessionId);
    this._options.push({
      id: uuid4(),
      kind: 'environment.captured',
      sessionId,
      fromSeq: Math.max(1, fromSeq),
      environment
    } as TrailEvent);
  }

  private _options: CaptureRouter.IOptions;
  private _remembered = new Map<
    string,
    { executionId: string; sessionId: string; seq: number }
  >();
  private _waitingEnvironment: EnvironmentSnapshot | null = null;
  private _withEnvironment = new Set<string>();
}

/**
 * The namespace for CaptureRouter statics.
 */
export namespace CaptureRouter {
  /**
   * What the router needs from its observer.
   */
  export interface IOptions {
    /** The execution being built for a request message id. */
    pending(msgId: string): ExecutionBuilder | undefined;
    /** The current session, or null before its first execution. */
    session(): { id: string; nextSeq: number } | null;
    /** Queues an event after the observer's earlier ones. */
    push(event: TrailEvent): void;
    /**
     * Whether a comm is one the helper of this page talks on; messages on
     * other comms are ignored. Absent or answering undefined (no helper is
     * injected by this recorder): every helper message counts.
     */
    ownsComm?: (commId: unknown) => boolean | undefined;
  }
}
