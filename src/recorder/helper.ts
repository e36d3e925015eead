/**
 * Loads the in-kernel helper into Python kernels and keeps its
 * configuration current. This is the only part of the recorder that sends
 * anything to a kernel; the KernelObserver stays a pure observer.
 */
import { KernelMessage } from '@jupyterlab/services';
import type { Kernel, KernelSpec } from '@jupyterlab/services';
import { uuid4 } from './uuid';
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import {
  bootstrapCode,
  HELPER_COMM_TARGET,
  IHelperConfig,
  isHelperKernel,
  isHelperKernelSpec
} from './helper-protocol';

/**
 * Injects the helper into one kernel connection's kernel: when the
 * connection is first seen (a kernel just started, or one already running
 * after a page reload), and again after each kernel restart.
 *
 * #### Notes
 * The injection is one silent execute_request (PROTOCOL.md §1): not in the
 * kernel's history, no execution count, no output, and never recorded (the
 * observer ignores silent requests). A comm to `jupyterlab_trail` follows
 * with the configuration. Kernels other than IPython get nothing.
 * Failures are logged once and never reach the user's execution.
 *
 * The injection must reach a kernel process before the first execution
 * recorded in it, or that execution captures nothing. A KernelConnection
 * holds what is sent while it connects or restarts and sends it, in order,
 * once the kernel answered its kernel info; so the helper sends its
 * injection as soon as a process is coming, ahead of anything queued after
 * it: when the connection is first seen, if its kernel spec runs ipykernel
 * (a cell run as soon as a notebook opens), and right when a restart
 * begins (Restart Kernel and Run All sends the cells once the restart
 * completed). Otherwise it waits for the kernel info, as kernels whose
 * kind is not known yet must.
 */
export class KernelHelper implements IDisposable {
  /**
   * Starts following `options.kernel`; the first injection waits for its
   * kernel info.
   */
  constructor(options: KernelHelper.IOptions) {
    this.kernel = options.kernel;
    this._source = options.source;
    this._config = options.config;
    const kernel = this.kernel;
    kernel.statusChanged.connect(this._onStatus, this);
    kernel.anyMessage.connect(this._onMessage, this);
    kernel.disposed.connect(this.dispose, this);
    let spec: KernelSpec.ISpecModel | null | undefined = null;
    try {
      spec = options.spec?.();
    } catch (error) {
      console.warn('Trail: could not read the kernel spec', error);
    }
    this._specFits = isHelperKernelSpec(spec);
    if (this._specFits) {
      // Before any execution this connection sends from now on.
      this._inject(true);
    }
    Promise.resolve(kernel.info).then(
      info => {
        this._info = info ?? null;
        if (this._injections === 0) {
          this._inject(false);
        }
      },
      () => {
        if (this._injections === 0) {
          this._setState('unsupported');
        }
      }
    );
  }

  /**
   * The kernel connection this helper follows.
   */
  readonly kernel: Kernel.IKernelConnection;

  /**
   * What happened so far: `pending` until the kernel info is known,
   * `unsupported` for kernels that get no helper, `injected` once the
   * injection was sent, `failed` when the kernel refused it.
   */
  get state(): KernelHelper.State {
    return this._state;
  }

  /**
   * Emitted when the state changes (each injection counts as a change).
   */
  get stateChanged(): ISignal<this, KernelHelper.State> {
    return this._stateChanged;
  }

  /**
   * The id of the comm opened with the current kernel process, or null
   * before injection. Only helper messages on this comm are recorded, so a
   * comm left by an earlier page or another tab is never read twice.
   */
  get commId(): string | null {
    return this._commId;
  }

  /**
   * Whether `commId` is a comm this helper opened, with the current kernel
   * process or an earlier one of the same kernel (whose last captures may
   * still arrive once a restart began).
   */
  ownsComm(commId: unknown): boolean {
    return typeof commId === 'string' && this._commIds.has(commId);
  }

  /**
   * How many times the helper was injected (tests and diagnostics).
   */
  get injections(): number {
    return this._injections;
  }

  /**
   * Whether the helper is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Sends the configuration to the helper when it changed since it was last
   * sent (pause/resume, notebook opt-out, cell tags).
   *
   * @param stop - send `recording: false` whatever the configuration says
   *   (capture was turned off for this kernel).
   */
  pushConfig(stop = false): void {
    if (this._isDisposed || this._commId === null) {
      return;
    }
    const config = stop
      ? { recording: false, skipCells: [] }
      : this._safeConfig();
    const text = JSON.stringify(config);
    if (text === this._lastConfig) {
      return;
    }
    this._lastConfig = text;
    this._sendComm('comm_msg', {
      comm_id: this._commId,
      data: { type: 'config', ...config }
    } as KernelMessage.ICommMsgMsg['content']);
  }

  /**
   * Stops following the kernel. The helper stays loaded in the kernel (a
   * later page injects again and only updates its configuration).
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private _onStatus(_: Kernel.IKernelConnection, status: Kernel.Status): void {
    if (status === 'restarting' || status === 'autorestarting') {
      this._kernelRestarting();
    }
  }

  private _onMessage(
    _: Kernel.IKernelConnection,
    args: Kernel.IAnyMessageArgs
  ): void {
    if (args.direction !== 'recv') {
      return;
    }
    const msg = args.msg;
    const type = msg.header.msg_type;
    if (
      type === 'status' &&
      (msg.content as { execution_state?: string }).execution_state ===
        'starting'
    ) {
      // A new kernel process (a restart by another client, for instance),
      // unless it is the one an injection was already sent ahead for.
      if (!this._injectionAhead()) {
        this._kernelStarted();
      }
    } else if (type === 'kernel_info_reply' && msg.channel === 'shell') {
      // The connection asks for kernel info whenever it (re)connects, and
      // it reconnects after every restart (even one made elsewhere, which
      // the server announces): the answer comes from the new process, once
      // it is up. Anything sent earlier without being held could reach the
      // old one.
      this._info = msg.content as KernelMessage.IInfoReply;
      if (this._needsInjection && !this._injectionAhead()) {
        this._inject(false);
      }
    }
  }

  /**
   * A restart began (here, or one the server made after the kernel died).
   * The connection drops what it held, then holds what is sent until the
   * new process answered kernel info: an injection sent a microtask later
   * is the first thing it holds, so it runs before any execution sent
   * afterwards (Restart Kernel and Run All sends its cells once the
   * restart completed). The kernel kind does not change with a restart;
   * one not known to fit waits for the new process' kernel info.
   */
  private _kernelRestarting(): void {
    if (this._state === 'pending' && this._injections === 0) {
      // The first injection still waits for the kernel info.
      return;
    }
    if (!this._specFits && !isHelperKernel(this._info)) {
      this._needsInjection = true;
      return;
    }
    if (this._scheduled) {
      return;
    }
    this._scheduled = true;
    void Promise.resolve().then(() => {
      this._scheduled = false;
      this._inject(true);
    });
  }

  /**
   * A new kernel process started without a restart seen here: inject into
   * it once it answers kernel info.
   */
  private _kernelStarted(): void {
    if (this._state === 'pending' && this._injections === 0) {
      // The first injection still waits for the kernel info.
      return;
    }
    this._needsInjection = true;
  }

  /**
   * Whether an injection sent ahead of a kernel process' first execution
   * has not been answered yet: that process is (or will be) covered.
   */
  private _injectionAhead(): boolean {
    return this._scheduled || this._ahead !== null;
  }

  /**
   * Sends the injection and opens the comm.
   *
   * @param ahead - sent before the kernel info of the process it is for
   *   is known (the kernel spec or the previous process said it fits).
   */
  private _inject(ahead: boolean): void {
    this._needsInjection = false;
    if (this._isDisposed) {
      return;
    }
    if (!ahead && !isHelperKernel(this._info)) {
      this._setState('unsupported');
      return;
    }
    const kernel = this.kernel;
    if (kernel.isDisposed) {
      return;
    }
    const config = this._safeConfig();
    try {
      const future = kernel.requestExecute(
        {
          code: bootstrapCode(this._source, config),
          silent: true,
          store_history: false,
          allow_stdin: false,
          stop_on_error: false
        },
        true
      );
      if (ahead) {
        this._ahead = future;
      }
      future.done.then(
        reply => {
          if (this._ahead === future) {
            this._ahead = null;
          }
          const content = reply?.content as
            { status?: string; ename?: string; evalue?: string } | undefined;
          if (content?.status === 'error') {
            console.warn(
              `Trail: the kernel helper could not be loaded (${content.ename}: ${content.evalue})`
            );
            this._setState('failed');
          }
        },
        () => {
          if (this._ahead === future) {
            // Dropped unsent (the connection cleared what it held): the
            // next process that answers kernel info gets the helper.
            this._ahead = null;
            this._needsInjection = true;
          }
        }
      );
      const commId = uuid4();
      this._commId = commId;
      this._commIds.add(commId);
      this._lastConfig = JSON.stringify(config);
      this._sendComm('comm_open', {
        comm_id: commId,
        target_name: HELPER_COMM_TARGET,
        data: config as unknown as KernelMessage.ICommOpenMsg['content']['data']
      } as KernelMessage.ICommOpenMsg['content']);
      this._injections++;
      this._setState('injected', true);
    } catch (error) {
      console.warn('Trail: could not inject the kernel helper', error);
      this._setState('failed');
    }
  }

  /**
   * Sends a comm message on the shell channel without registering a comm
   * object, so it works on connections that do not handle comms too.
   */
  private _sendComm(
    msgType: 'comm_open' | 'comm_msg',
    content:
      | KernelMessage.ICommOpenMsg['content']
      | KernelMessage.ICommMsgMsg['content']
  ): void {
    const kernel = this.kernel;
    try {
      const msg = KernelMessage.createMessage({
        msgType,
        channel: 'shell',
        username: kernel.username,
        session: kernel.clientId,
        content
      } as any);
      const future = kernel.sendShellMessage(msg as any, false, true);
      future.done.catch(() => undefined);
    } catch (error) {
      console.warn(
        `Trail: could not send ${msgType} to the kernel helper`,
        error
      );
    }
  }

  private _safeConfig(): IHelperConfig {
    try {
      return this._config();
    } catch (error) {
      console.warn('Trail: could not compute the kernel helper config', error);
      return { recording: true, skipCells: [] };
    }
  }

  private _setState(state: KernelHelper.State, always = false): void {
    if (state !== this._state || always) {
      this._state = state;
      this._stateChanged.emit(state);
    }
  }

  private _source: string;
  private _config: () => IHelperConfig;
  private _info: KernelMessage.IInfoReply | null = null;
  private _state: KernelHelper.State = 'pending';
  private _stateChanged = new Signal<this, KernelHelper.State>(this);
  private _commId: string | null = null;
  private _commIds = new Set<string>();
  private _specFits: boolean;
  private _scheduled = false;
  private _ahead: object | null = null;
  private _lastConfig: string | null = null;
  private _needsInjection = false;
  private _injections = 0;
  private _isDisposed = false;
}

/**
 * The namespace for KernelHelper statics.
 */
export namespace KernelHelper {
  /**
   * The states of a kernel's helper.
   */
  export type State = 'pending' | 'unsupported' | 'injected' | 'failed';

  /**
   * The options of a KernelHelper.
   */
  export interface IOptions {
    kernel: Kernel.IKernelConnection;
    /** The Python source of the helper (its modules joined, as PROTOCOL.md section 1 says). */
    source: string;
    /** The configuration to send now; called at each injection and push. */
    config: () => IHelperConfig;
    /**
     * The kernel's spec, when known without waiting (JupyterLab's kernel
     * spec manager has it): a spec that runs ipykernel lets the first
     * injection go before the kernel info, ahead of any execution.
     */
    spec?: () => KernelSpec.ISpecModel | null | undefined;
  }
}
