/**
 * The Trail recorder: records every cell execution of the kernels it
 * observes as Trail events.
 */
import type { Kernel } from '@jupyterlab/services';
import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import type { TrailEvent } from '../_schema/records';
import { ExecutionCostSamples } from './cost';
import { KernelObserver } from './observer';
import type { IObserveContext, IRecorderClient } from './types';

/**
 * Records cell executions from kernel connections, without ever sending a
 * message or slowing the user's execution.
 *
 * Emits `session.started` lazily, before a session's first execution, then
 * one `execution.completed` per execution, in order.
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
    const recorder = this;
    this._settings = {
      isEnabled: () => recorder.enabled,
      excludeTags: () => recorder._excludeTags,
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
   * Whether to record; false records nothing (requests sent meanwhile are
   * skipped, and executions finishing meanwhile are dropped).
   */
  enabled = true;

  /**
   * Cell tags that opt a cell out of recording (read at each request).
   */
  get excludeTags(): readonly string[] {
    return [...this._excludeTags];
  }
  set excludeTags(tags: readonly string[]) {
    this._excludeTags = new Set(tags);
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
      return new DisposableDelegate(() => existing.dispose());
    }
    const observer = new KernelObserver({
      kernel,
      context,
      settings: this._settings,
      emit: event => this._eventRecorded.emit(event),
      onDisposed: done => {
        if (this._observers.get(done.kernel) === done) {
          this._observers.delete(done.kernel);
        }
      }
    });
    this._observers.set(kernel, observer);
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
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private _client: IRecorderClient | undefined;
  private _excludeTags = new Set<string>();
  private _settings: KernelObserver.ISettings;
  private _observers = new Map<Kernel.IKernelConnection, KernelObserver>();
  private _isDisposed = false;
  private _eventRecorded = new Signal<TrailRecorder, TrailEvent>(this);
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
  }
}
