/**
 * Loads the in-kernel helper into Python kernels and keeps its
 * configuration current. This is the only part of the recorder that sends
 * anything to a kernel; the KernelObserver stays a pure observer.
 */
import { KernelMessage } from '@jupyterlab/services';
import type { Kernel } from '@jupyterlab/services';
import { uuid4 } from './uuid';
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import {
  bootstrapCode,
  HELPER_COMM_TARGET,
  IHelperConfig,
  isHelperKernel
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
    Promise.resolve(kernel.info).then(
      info => {
        this._info = info ?? null;
        this._inject();
      },
      () => {
        this._setState('unsupported');
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
      this._kernelRestarted();
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
      // A new kernel process (a restart by another client, for instance).
      this._kernelRestarted();
    } else if (type === 'kernel_info_reply' && msg.channel === 'shell') {
      // The connection asks for kernel info whenever it (re)connects, and
      // it reconnects after every restart (even one made elsewhere, which
      // the server announces): the answer comes from the new process, once
      // it is up. Anything sent earlier could reach the old one.
      this._info = msg.content as KernelMessage.IInfoReply;
      if (this._needsInjection) {
        this._inject();
      }
    }
  }

  /**
   * A new kernel process is coming: inject into it once it answers kernel
   * info. The comm id stays until then, for late messages of the old one.
   */
  private _kernelRestarted(): void {
    if (this._state === 'pending' && this._injections === 0) {
      // The first injection still waits for the kernel info.
      return;
    }
    this._needsInjection = true;
  }

  private _inject(): void {
    this._needsInjection = false;
    if (this._isDisposed) {
      return;
    }
    if (!isHelperKernel(this._info)) {
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
      future.done.then(
        reply => {
          const content = reply?.content as
            { status?: string; ename?: string; evalue?: string } | undefined;
          if (content?.status === 'error') {
            console.warn(
              `Trail: the kernel helper could not be loaded (${content.ename}: ${content.evalue})`
            );
            this._setState('failed');
          }
        },
        () => undefined
      );
      const commId = uuid4();
      this._commId = commId;
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
    /** The Python source of the helper (trail.py). */
    source: string;
    /** The configuration to send now; called at each injection and push. */
    config: () => IHelperConfig;
  }
}
