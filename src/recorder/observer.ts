/**
 * Watches one kernel connection and turns its messages into Trail events.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { uuid4 } from './uuid';
import type { IDisposable } from '@lumino/disposable';
import { Signal } from '@lumino/signaling';
import type { SessionRecord, TrailEvent } from '../records/schema';
import { CaptureRouter } from './capture-router';
import { type ExecutionCostSamples, traceMark } from './cost';
import { EventQueue } from './event-queue';
import { ExecutionBuilder, ExecutionStatus } from './execution';
import { kernelInfoOf } from './kernel-info';
import { cellIdOf, hasExcludedTag, notebookPathOf } from './request';
import { StructureTracker } from './structure';
import { isoDate } from './time';
import type {
  IExecutionStart,
  IObserveContext,
  IRecorderClient
} from './types';

/**
 * Observes one kernel connection for a recorder.
 *
 * It only listens: `anyMessage` (requests as sent, replies and iopub as
 * received), `statusChanged`, `connectionStatusChanged` and `disposed`. It
 * never sends, never changes a message and never throws into a signal.
 *
 * A session starts lazily with the first recorded request and ends when the
 * kernel restarts, dies or goes away; executions still pending then are
 * finished with the outputs seen so far. Events leave in order: a session's
 * `session.started` (which waits for `kernel.info`) before its executions.
 *
 * Messages of the Trail kernel helper (iopub `comm_msg`s) are read too: they
 * add capture to executions and environments to sessions (see
 * CaptureRouter). Loading that helper is not the observer's business.
 */
export class KernelObserver implements IDisposable {
  /**
   * Starts observing `options.kernel`.
   */
  constructor(options: KernelObserver.IOptions) {
    this.kernel = options.kernel;
    this.context = options.context;
    this._settings = options.settings;
    this._onDisposed = options.onDisposed;
    this._onStarted = options.onStarted;
    const emit = options.emit;
    this._events = new EventQueue(options.kernel, event => {
      if (this._settings.isEnabled()) {
        emit(event);
      }
    });
    this._captures = new CaptureRouter({
      pending: msgId => this._pending.get(msgId),
      session: () => this._session,
      push: event => this._events.push(event),
      ownsComm: options.helperOwnsComm
    });
    this._structure = new StructureTracker(() => this._settings.redactSource());
    const kernel = this.kernel;
    kernel.anyMessage.connect(this._onAnyMessage, this);
    kernel.statusChanged.connect(this._onStatus, this);
    kernel.connectionStatusChanged.connect(this._onConnectionStatus, this);
    kernel.disposed.connect(this._onKernelDisposed, this);
    // JupyterLab asks for kernel_info itself on connection; reuse its answer.
    Promise.resolve(kernel.info).then(
      reply => this._events.open(reply ?? null),
      () => this._events.open(null)
    );
  }

  /**
   * The observed kernel connection.
   */
  readonly kernel: Kernel.IKernelConnection;

  /**
   * The document context; read at each request.
   */
  context: IObserveContext;

  /**
   * Whether the observer is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Stops observing. Executions still pending are finished as aborted with
   * their outputs so far, and events still waiting for kernel info are sent
   * with what is known. Safe to call more than once.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.disconnectReceiver(this);
    try {
      this._endSession('lost');
      // Nothing more will come: send what waits for kernel info.
      this._events.open(null);
    } catch (error) {
      console.warn('Trail: could not finish pending executions', error);
    }
    this._onDisposed?.(this);
  }

  private _onAnyMessage(
    _: Kernel.IKernelConnection,
    args: Kernel.IAnyMessageArgs
  ): void {
    const costs = this._settings.costs;
    const traced = costs?.traced === true;
    if (traced) {
      traceMark('trail<');
    }
    const started = performance.now();
    let builder: ExecutionBuilder | undefined;
    try {
      if (args.direction === 'send') {
        if (args.msg.header.msg_type === 'execute_request') {
          this._onRequest(args.msg as KernelMessage.IExecuteRequestMsg);
          builder = this._pending.get(args.msg.header.msg_id);
        }
      } else {
        const parent = (args.msg.parent_header as { msg_id?: string })?.msg_id;
        builder = parent ? this._pending.get(parent) : undefined;
        this._onReceived(args.msg);
      }
    } catch (error) {
      console.warn('Trail: could not record a kernel message', error);
    }
    if (builder) {
      // Account this message's handling to its execution; report the total
      // once the execution has completed (it left the pending map).
      builder.cost += performance.now() - started;
      const completed = !this._pending.has(builder.msgId);
      if (completed) {
        costs?.add(builder.cost);
      }
      if (traced) {
        traceMark(`trail>${builder.msgId}${completed ? '!' : ''}`);
      }
    } else if (traced) {
      traceMark('trail>');
    }
  }

  private _onStatus(_: Kernel.IKernelConnection, status: Kernel.Status): void {
    try {
      if (status === 'restarting' || status === 'dead') {
        // A restart or shutdown asked for here. After a death the server's
        // iopub status came first and ended the session as a death.
        this._endSession('stopped');
      } else if (status === 'autorestarting') {
        // Only ever said after that iopub status: a death.
        this._endSession('died');
      }
    } catch (error) {
      console.warn('Trail: could not handle a kernel status', error);
    }
  }

  private _onConnectionStatus(
    _: Kernel.IKernelConnection,
    status: Kernel.ConnectionStatus
  ): void {
    try {
      if (status === 'disconnected') {
        // The connection gave up: no reply will reach us.
        this._endSession('lost');
      }
    } catch (error) {
      console.warn('Trail: could not handle a connection status', error);
    }
  }

  private _onKernelDisposed(): void {
    this.dispose();
  }

  private _onRequest(msg: KernelMessage.IExecuteRequestMsg): void {
    const content = msg.content;
    if (content.silent === true || !this._settings.isEnabled()) {
      return;
    }
    const metadata = (msg.metadata ?? {}) as Record<string, unknown>;
    if (hasExcludedTag(metadata.tags, this._settings.excludeTags())) {
      return;
    }
    const context = this.context;
    if (context.shouldRecord !== undefined && !context.shouldRecord()) {
      return;
    }
    const notebookPath = notebookPathOf(context.notebookPath());
    const session = this._session ?? this._startSession(notebookPath);
    const builder = new ExecutionBuilder({
      id: uuid4(),
      msgId: msg.header.msg_id,
      sessionId: session.id,
      seq: session.nextSeq++,
      notebookPath,
      cellId: cellIdOf(metadata.cellId),
      code: typeof content.code === 'string' ? content.code : '',
      requestedAt: Date.now()
    });
    this._pending.set(builder.msgId, builder);
    this._previous.set(builder.msgId, session.lastExecutionId ?? null);
    session.lastExecutionId = builder.id;
    this._captureStructure(session.id, builder.seq, true);
  }

  /**
   * Tells `onStarted` once the kernel began `builder` (never delaying
   * it: a listener's failure stays here).
   */
  private _announceStart(builder: ExecutionBuilder): void {
    const previous = this._previous.get(builder.msgId);
    if (previous === undefined || !builder.started) {
      return;
    }
    this._previous.delete(builder.msgId);
    try {
      this._onStarted?.({
        executionId: builder.id,
        sessionId: builder.sessionId,
        seq: builder.seq,
        previousExecutionId: previous,
        code: builder.code,
        notebookPath: builder.notebookPath,
        cellId: builder.cellId
      });
    } catch (error) {
      console.warn('Trail: a listener of started executions failed', error);
    }
  }

  /**
   * Sends the notebook's structure before execution `seq` when it changed
   * since the session last sent it (read from the context when `read`,
   * else the one last read). A failure never stops the recording.
   */
  private _captureStructure(sessionId: string, seq: number, read: boolean) {
    try {
      let structure;
      if (read) {
        structure = this.context.structure?.();
        if (structure === undefined) {
          return;
        }
      }
      const event = this._structure.capture(sessionId, seq, structure);
      if (event !== null) {
        this._events.push(event);
      }
    } catch (error) {
      console.warn('Trail: could not record the notebook structure', error);
    }
  }

  private _onReceived(msg: KernelMessage.IMessage): void {
    const type = msg.header.msg_type;
    if (type === 'comm_msg' && this._captures.handle(msg)) {
      return;
    }
    let state: unknown;
    if (type === 'status') {
      state = (msg.content as KernelMessage.IStatusMsg['content'])
        .execution_state;
      if (state === 'starting') {
        this._onKernelStarting();
        return;
      }
      if (state === 'restarting' || state === 'dead') {
        // Sent by the server when the kernel died (never for a restart
        // someone asked for); statusChanged follows a little later, too
        // late for requests sent in between.
        this._endSession('died');
        return;
      }
    }
    if (this._pending.size === 0) {
      return;
    }
    if (type === 'update_display_data') {
      // The display may belong to any pending execution (an earlier cell's
      // display updated from this one); displays of finished executions are
      // already recorded and stay as they were.
      for (const builder of this._pending.values()) {
        builder.outputs.update(msg.content);
      }
      return;
    }
    const parent = msg.parent_header as Partial<KernelMessage.IHeader>;
    const builder = this._pending.get(parent?.msg_id ?? '');
    if (builder === undefined) {
      return;
    }
    builder.handle(msg);
    this._announceStart(builder);
    const session = this._session;
    if (
      builder.started &&
      session !== null &&
      builder.sessionId === session.id
    ) {
      session.active = true;
    }
    if (builder.isComplete) {
      this._complete(builder);
    } else if (state === 'busy') {
      // The kernel handles one request at a time: an earlier execution that
      // got its reply but no idle (older kernels skip it when aborting) is
      // over.
      for (const other of this._pending.values()) {
        if (other === builder) {
          break;
        }
        if (other.hasReply) {
          this._complete(other);
        }
      }
    }
  }

  /**
   * The kernel process (re)started. After a restart JupyterLab may already
   * have sent requests for the new process, so only executions the old
   * process began are finished; queued ones move to a new session.
   */
  private _onKernelStarting(): void {
    this._captures.kernelRestarted();
    const session = this._session;
    if (session === null || !session.active) {
      return;
    }
    const queued: ExecutionBuilder[] = [];
    for (const builder of [...this._pending.values()]) {
      if (builder.started || builder.hasReply) {
        this._complete(builder, builder.hasReply ? undefined : 'interrupted');
      } else {
        queued.push(builder);
      }
    }
    this._session = null;
    if (queued.length > 0) {
      const next = this._startSession(queued[0].notebookPath);
      for (const builder of queued) {
        builder.sessionId = next.id;
        builder.seq = next.nextSeq++;
        // Its previous execution is now the one queued before it.
        if (this._previous.has(builder.msgId)) {
          this._previous.set(builder.msgId, next.lastExecutionId ?? null);
        }
        next.lastExecutionId = builder.id;
      }
      // The new session's structure goes before its first execution too.
      this._captureStructure(next.id, queued[0].seq, false);
    }
  }

  /**
   * Ends the current session, finishing pending executions.
   *
   * @param end - how it ended. When the kernel process stopped (`died`,
   *   or `stopped` by a restart or shutdown someone asked for) the
   *   execution it had begun was interrupted, a death saying so in its
   *   error; queued ones were aborted. When the connection went away
   *   (`lost`) every one counts as aborted.
   */
  private _endSession(end: 'died' | 'stopped' | 'lost'): void {
    const killed = end !== 'lost';
    if (killed) {
      this._captures.kernelRestarted();
    }
    let first = true;
    for (const builder of [...this._pending.values()]) {
      let status: ExecutionStatus | undefined;
      let died = false;
      if (!builder.hasReply) {
        // The kernel handles requests in order: the first without a reply
        // is the one a death cut short, even when its busy status never
        // left the dying process (ipykernel publishes from a thread).
        const running = builder.started || (end === 'died' && first);
        status = killed && running ? 'interrupted' : 'aborted';
        died = end === 'died' && running;
        first = false;
      }
      this._complete(builder, status, died);
    }
    this._session = null;
  }

  private _complete(
    builder: ExecutionBuilder,
    status?: ExecutionStatus,
    kernelDied = false
  ): void {
    this._pending.delete(builder.msgId);
    this._previous.delete(builder.msgId);
    this._captures.completed(builder);
    this._events.push({
      id: uuid4(),
      kind: 'execution.completed',
      execution: builder.finish(status, undefined, kernelDied)
    });
  }

  private _startSession(notebookPath: string): KernelObserver.ISession {
    const session = { id: uuid4(), nextSeq: 1, active: false };
    this._session = session;
    const displayName = this._displayName();
    const record: SessionRecord = {
      id: session.id,
      notebookPath,
      startedAt: isoDate(Date.now()),
      kernel: kernelInfoOf(this.kernel, this._events.info, displayName)
    };
    const client = this._settings.client;
    if (client !== undefined) {
      record.client = { name: client.name, version: client.version };
    }
    if (this._visibility() === 'private') {
      record.visibility = 'private';
    }
    const lineage = this._lineage();
    if (lineage) {
      record.lineage = lineage;
    }
    this._events.pushSession(
      { id: uuid4(), kind: 'session.started', session: record },
      displayName
    );
    this._captures.sessionStarted(session.id);
    return session;
  }

  private _visibility(): string | undefined {
    try {
      return this.context.visibility?.();
    } catch {
      return undefined;
    }
  }

  private _lineage(): SessionRecord['lineage'] {
    try {
      return this.context.lineage?.();
    } catch {
      return undefined;
    }
  }

  private _displayName(): string | undefined {
    try {
      return this.context.kernelDisplayName?.();
    } catch {
      return undefined;
    }
  }

  private _settings: KernelObserver.ISettings;
  private _events: EventQueue;
  private _captures: CaptureRouter;
  private _structure: StructureTracker;
  private _onDisposed: ((observer: KernelObserver) => void) | undefined;
  private _isDisposed = false;
  private _session: KernelObserver.ISession | null = null;
  private _pending = new Map<string, ExecutionBuilder>();
  /** The previous execution of each pending one not yet begun, by msgId. */
  private _previous = new Map<string, string | null>();
  private _onStarted: ((start: IExecutionStart) => void) | undefined;
}

/**
 * The namespace for KernelObserver statics.
 */
export namespace KernelObserver {
  /**
   * What the recorder shares with its observers.
   */
  export interface ISettings {
    /**
     * Whether recording is on (checked at request and at emission).
     */
    isEnabled(): boolean;
    /**
     * Tags that opt a cell out of recording.
     */
    excludeTags(): ReadonlySet<string>;
    /**
     * The redaction of cell sources (the code's), for structure events:
     * the same function as long as the redaction settings do not change.
     */
    redactSource(): (source: string) => string;
    /**
     * Stored in each session record.
     */
    readonly client?: IRecorderClient;
    /**
     * Where each completed execution's main-thread cost is reported.
     */
    readonly costs?: ExecutionCostSamples;
  }

  /**
   * The options of an observer.
   */
  export interface IOptions {
    kernel: Kernel.IKernelConnection;
    context: IObserveContext;
    settings: ISettings;
    /**
     * Receives each event, in order.
     */
    emit: (event: TrailEvent) => void;
    /**
     * Called once when the observer is disposed.
     */
    onDisposed?: (observer: KernelObserver) => void;
    /**
     * Whether a comm is one the kernel helper this page injected opened;
     * helper messages on other comms are ignored. Absent, or answering
     * undefined, when no helper is injected: every helper message then
     * counts.
     */
    helperOwnsComm?: (commId: unknown) => boolean | undefined;
    /**
     * Called when the kernel begins a recorded execution (code as sent,
     * not redacted).
     */
    onStarted?: (start: IExecutionStart) => void;
  }

  /**
   * The live state of a session.
   */
  export interface ISession {
    id: string;
    nextSeq: number;
    /**
     * Whether the kernel has begun one of the session's executions: a
     * kernel start then means a new process, hence a new session.
     */
    active: boolean;
    /** The id of its latest recorded execution request. */
    lastExecutionId?: string;
  }
}
