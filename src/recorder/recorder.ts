/**
 * The Trail recorder: records every cell execution of the kernels it
 * observes as Trail events.
 */
import type { Kernel } from '@jupyterlab/services';
import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import type { TrailEvent } from '../records/schema';
import { KERNEL_HELPER_SOURCE } from '../_generated/kernel-helper';
import { ExecutionCostSamples } from './cost';
import { KernelHelper } from './helper';
import type { IHelperConfig } from './helper-protocol';
import { KernelObserver } from './observer';
import { IRedactionOptions, Redactor } from './redact';
import type {
  IExecutionStart,
  IObserveContext,
  IRecorderClient
} from './types';

/**
 * Records cell executions from kernel connections, without ever sending a
 * message or slowing the user's execution.
 *
 * Emits `session.started` lazily, before a session's first execution, then
 * one `execution.completed` per execution, in order. With the kernel helper
 * (`injectHelper`), Python kernels also report the files each execution
 * read and wrote, its params and metrics (`capture`, and
 * `execution.annotated` when known later) and the session's environment
 * (`environment.captured`). Secret-looking strings are redacted from every
 * event before it is emitted.
 */
export class TrailRecorder implements IDisposable {
  /**
   * Creates a recorder; it records nothing until it observes a kernel.
   */
  constructor(options: TrailRecorder.IOptions = {}) {
    const client = options.client;
    this._client =
      client !== undefined
        ? { name: client.name, version: client.version }
        : undefined;
    this.excludeTags = options.excludeTags ?? [];
    this._helperSource =
      options.helperSource !== undefined
        ? options.helperSource
        : KERNEL_HELPER_SOURCE;
    this._injectHelper = options.injectHelper ?? false;
    this._redactor = new Redactor(options.redaction);
    this._redactSource = redactorOfSources(this._redactor);
    this._settings = {
      isEnabled: () => this.enabled,
      redactSource: () => this._redactSource,
      excludeTags: () => this._excludeTags,
      client: this._client,
      costs: this.costs
    };
  }

  /**
   * Emitted for each recorded event, in order.
   */
  get eventRecorded(): ISignal<TrailRecorder, TrailEvent> {
    return this._eventRecorded;
  }

  /**
   * Emitted when the kernel begins a recorded execution, with its code
   * redacted as it will be recorded (for "who already ran this?").
   */
  get executionStarted(): ISignal<TrailRecorder, IExecutionStart> {
    return this._executionStarted;
  }

  /**
   * Whether to record; false records nothing (requests sent meanwhile are
   * skipped, and executions finishing meanwhile are dropped). The kernel
   * helpers are told, so they stop capturing too.
   */
  get enabled(): boolean {
    return this._enabled;
  }
  set enabled(value: boolean) {
    this._enabled = value;
    this.refreshHelperConfig();
  }

  /**
   * Cell tags that opt a cell out of recording (read at each request).
   */
  get excludeTags(): readonly string[] {
    return [...this._excludeTags];
  }
  set excludeTags(tags: readonly string[]) {
    this._excludeTags = new Set(tags);
    this.refreshHelperConfig();
  }

  /**
   * Whether to load the Trail helper into the Python kernels observed from
   * now on (and into those already observed, when turned on). Turning it
   * off tells the loaded helpers to stop capturing.
   */
  get injectHelper(): boolean {
    return this._injectHelper && this._helperSource !== null;
  }
  set injectHelper(value: boolean) {
    if (value === this._injectHelper) {
      return;
    }
    this._injectHelper = value;
    for (const kernel of this._observers.keys()) {
      if (value) {
        this._startHelper(kernel);
      } else {
        const helper = this._helpers.get(kernel);
        this._helpers.delete(kernel);
        if (helper) {
          helper.pushConfig(true);
          helper.dispose();
        }
      }
    }
  }

  /**
   * The redaction of secrets applied to every event.
   */
  get redaction(): IRedactionOptions {
    return {
      enabled: this._redactor.enabled,
      extraPatterns: this._redactor.extraPatterns
    };
  }
  set redaction(options: IRedactionOptions) {
    this._redactor = new Redactor(options);
    this._redactSource = redactorOfSources(this._redactor);
  }

  /**
   * The helper of an observed kernel, or undefined when none is injected.
   */
  helperOf(kernel: Kernel.IKernelConnection): KernelHelper | undefined {
    return this._helpers.get(kernel);
  }

  /**
   * Sends each kernel helper its configuration again if it changed: call
   * it when what an observation context answers changed (a notebook opted
   * out, a cell tag added). Recording and tag changes made through the
   * recorder call it themselves.
   */
  refreshHelperConfig(): void {
    for (const helper of this._helpers?.values() ?? []) {
      helper.pushConfig();
    }
  }

  /**
   * Main-thread time per recorded execution (for benchmarks and diagnostics).
   */
  readonly costs = new ExecutionCostSamples();

  /**
   * Whether the recorder is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Starts recording the executions sent through `kernel`.
   *
   * Observing a kernel that is already observed only replaces its context
   * (so nothing is recorded twice); any of the returned disposables stops it.
   *
   * @returns a disposable that stops observing this kernel; pending
   *   executions are then finished as aborted with their outputs so far.
   */
  observe(
    kernel: Kernel.IKernelConnection,
    context: IObserveContext
  ): IDisposable {
    if (this._isDisposed) {
      throw new Error('TrailRecorder is disposed');
    }
    const existing = this._observers.get(kernel);
    if (existing !== undefined) {
      existing.context = context;
      this._helpers.get(kernel)?.pushConfig();
      return new DisposableDelegate(() => existing.dispose());
    }
    const observer = new KernelObserver({
      kernel,
      context,
      settings: this._settings,
      emit: event => this._emit(event),
      onStarted: start =>
        this._executionStarted.emit({
          ...start,
          code: this._redactSource(start.code)
        }),
      onDisposed: done => {
        if (this._observers.get(done.kernel) === done) {
          this._observers.delete(done.kernel);
          this._helpers.get(done.kernel)?.dispose();
          this._helpers.delete(done.kernel);
        }
      },
      // Without a helper of its own, no helper message is this page's:
      // another tab's comm would otherwise be read here too.
      helperOwnsComm: commId =>
        this._helpers.get(kernel)?.ownsComm(commId) ?? false
    });
    this._observers.set(kernel, observer);
    if (this.injectHelper) {
      this._startHelper(kernel);
    }
    return observer;
  }

  /**
   * Stops observing every kernel (pending executions are emitted as
   * aborted first) and disconnects all listeners. Safe to call twice.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    for (const observer of [...this._observers.values()]) {
      observer.dispose();
    }
    this._observers.clear();
    for (const helper of this._helpers.values()) {
      helper.dispose();
    }
    this._helpers.clear();
    this._isDisposed = true;
    Signal.clearData(this);
  }

  /**
   * The configuration a kernel's helper gets now.
   */
  helperConfigOf(kernel: Kernel.IKernelConnection): IHelperConfig {
    const context = this._observers.get(kernel)?.context;
    let recording = this._enabled;
    let skipCells: string[] = [];
    if (context) {
      recording = recording && (context.shouldRecord?.() ?? true);
      skipCells = [...(context.skipCells?.(this._excludeTags) ?? [])];
    }
    return { recording, skipCells };
  }

  private _startHelper(kernel: Kernel.IKernelConnection): void {
    const source = this._helperSource;
    if (source === null || this._helpers.has(kernel)) {
      return;
    }
    this._helpers.set(
      kernel,
      new KernelHelper({
        kernel,
        source,
        config: () => this.helperConfigOf(kernel),
        spec: () => this._observers.get(kernel)?.context.kernelSpec?.()
      })
    );
  }

  private _emit(event: TrailEvent): void {
    let redacted = event;
    try {
      redacted = this._redactor.redactEvent(event);
    } catch (error) {
      // Never send what could not be checked.
      console.warn(
        'Trail: an event could not be redacted and was dropped',
        error
      );
      return;
    }
    this._eventRecorded.emit(redacted);
  }

  private _enabled = true;
  private _helperSource: string | null;
  private _injectHelper: boolean;
  private _redactor: Redactor;
  /** Cell sources are redacted as code (structure events carry them redacted). */
  private _redactSource: (source: string) => string;
  private _helpers = new Map<Kernel.IKernelConnection, KernelHelper>();
  private _client: IRecorderClient | undefined;
  private _excludeTags = new Set<string>();
  private _settings: KernelObserver.ISettings;
  private _observers = new Map<Kernel.IKernelConnection, KernelObserver>();
  private _isDisposed = false;
  private _eventRecorded = new Signal<TrailRecorder, TrailEvent>(this);
  private _executionStarted = new Signal<TrailRecorder, IExecutionStart>(this);
}

/**
 * The namespace for TrailRecorder statics.
 */
export namespace TrailRecorder {
  /**
   * The options of a recorder.
   */
  export interface IOptions {
    /**
     * What is recording, stored in each session record.
     */
    client?: IRecorderClient;
    /**
     * Cell tags that opt a cell out of recording.
     */
    excludeTags?: string[];
    /**
     * Load the Trail helper into observed Python (IPython) kernels, for
     * file, param, metric and environment capture; off by default.
     */
    injectHelper?: boolean;
    /**
     * The helper's Python source; by default the modules of
     * jupyterlab_trail/kernel, joined and embedded at build time. null
     * disables injection.
     */
    helperSource?: string | null;
    /**
     * Redaction of secrets in the events (on by default).
     */
    redaction?: IRedactionOptions;
  }
}

/** How `redactor` redacts a cell source: as code. */
function redactorOfSources(redactor: Redactor): (source: string) => string {
  return source => redactor.redactText(source, 'code');
}
