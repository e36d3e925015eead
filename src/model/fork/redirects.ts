/**
 * Keeps a fork notebook's redirects in its kernel (issue #14 item 4): once
 * a fork ran, its kernel reads the user's files in place of the recorded
 * ones; a restarted or replaced kernel has lost the map, so it is installed
 * again as soon as the new kernel is idle (and its Trail helper, injected
 * by the recorder on start, is there).
 */
import type { Kernel } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';
import { describeError } from '../../client/errors';
import type { ForkMapping } from '../../records/fork/contract';
import { Redirect, RedirectError } from '../replay-run/redirect';

/** The part of a notebook's session context the keeper follows. */
export interface IKernelHost {
  readonly session: { readonly kernel: Kernel.IKernelConnection | null } | null;
  readonly statusChanged: ISignal<unknown, Kernel.Status>;
  readonly kernelChanged: ISignal<unknown, unknown>;
}

/** Installs a map in a kernel (see `installRedirects`). */
export type InstallRedirects = (
  kernel: Kernel.IKernelConnection | null | undefined,
  map: readonly ForkMapping[]
) => Promise<Redirect[]>;

/** How often, and how long apart, a restarted kernel is asked again while its helper is not there yet. */
const HELPER_RETRIES = 20;
const HELPER_RETRY_MS = 500;

/**
 * The redirects of one fork notebook's kernel.
 */
export class RedirectKeeper {
  constructor(options: RedirectKeeper.IOptions) {
    this._host = options.host;
    this._map = options.map;
    this._install = options.install;
    this._retryMs = options.retryMs ?? HELPER_RETRY_MS;
    this._host.statusChanged.connect(this._onStatus, this);
    this._host.kernelChanged.connect(this._onKernel, this);
  }

  /** Emitted when the redirects are installed again or fail to be. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The redirects as the kernel installed them last, or null. */
  get redirects(): readonly Redirect[] | null {
    return this._redirects;
  }

  /** Why the last installation failed, or null. */
  get error(): string | null {
    return this._error;
  }

  /**
   * Install the map in the kernel now and keep it there from then on.
   *
   * @throws RedirectError when the kernel cannot take it.
   */
  async install(): Promise<Redirect[]> {
    this._active = true;
    try {
      const redirects = await this._install(
        this._host.session?.kernel,
        this._map
      );
      this._redirects = redirects;
      this._error = null;
      this._emit();
      return redirects;
    } catch (reason) {
      this._redirects = null;
      this._error = describeError(reason);
      this._emit();
      throw reason;
    }
  }

  /** Stop following the kernel. */
  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._host.statusChanged.disconnect(this._onStatus, this);
    this._host.kernelChanged.disconnect(this._onKernel, this);
    Signal.clearData(this);
  }

  private _onStatus(_: unknown, status: Kernel.Status): void {
    if (status === 'restarting' || status === 'autorestarting') {
      this._lost = true;
      this._redirects = null;
    } else if (status === 'idle' && this._lost) {
      this._lost = false;
      void this._again();
    }
  }

  private _onKernel(): void {
    this._redirects = null;
    this._lost = true;
    const kernel = this._host.session?.kernel;
    if (kernel && kernel.status === 'idle') {
      this._lost = false;
      void this._again();
    }
  }

  /** Install again after a restart, waiting for the helper if need be. */
  private async _again(): Promise<void> {
    if (!this._active || this._disposed) {
      return;
    }
    const generation = ++this._generation;
    for (let attempt = 0; attempt < HELPER_RETRIES; attempt++) {
      if (this._disposed || generation !== this._generation) {
        return;
      }
      try {
        await this.install();
        return;
      } catch (reason) {
        if (
          !(reason instanceof RedirectError) ||
          reason.reason !== 'no-helper'
        ) {
          console.warn(
            'Trail: the fork’s redirects were not reinstalled',
            reason
          );
          return;
        }
      }
      await new Promise(resolve => setTimeout(resolve, this._retryMs));
    }
  }

  private _emit(): void {
    if (!this._disposed) {
      this._changed.emit();
    }
  }

  private _active = false;
  private _changed = new Signal<this, void>(this);
  private _disposed = false;
  private _error: string | null = null;
  private _generation = 0;
  private _host: IKernelHost;
  private _install: InstallRedirects;
  private _lost = false;
  private _map: readonly ForkMapping[];
  private _redirects: Redirect[] | null = null;
  private _retryMs: number;
}

/** The namespace for `RedirectKeeper` statics. */
export namespace RedirectKeeper {
  export interface IOptions {
    host: IKernelHost;
    map: readonly ForkMapping[];
    install: InstallRedirects;
    retryMs?: number;
  }
}
