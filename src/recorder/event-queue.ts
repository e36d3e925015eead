/**
 * Keeps one observer's events in order while kernel info is awaited.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { SessionStartedEvent, TrailEvent } from '../records/schema';
import { kernelInfoOf } from './kernel-info';

/**
 * Passes events on in order, holding them all until the kernel's info is
 * known: a `session.started` needs it, and its executions must not overtake
 * it. Holding never delays the kernel or the message handling, only the
 * events.
 */
export class EventQueue {
  /**
   * @param kernel - the connection whose info completes session events.
   * @param send - receives each event, in order.
   */
  constructor(
    kernel: Kernel.IKernelConnection,
    send: (event: TrailEvent) => void
  ) {
    this._kernel = kernel;
    this._send = send;
  }

  /**
   * The kernel_info_reply content, once known (null if it never came).
   */
  get info(): KernelMessage.IInfoReply | null {
    return this._info;
  }

  /**
   * Whether the kernel info is settled (events then pass straight through).
   */
  get isOpen(): boolean {
    return this._open;
  }

  /**
   * Queues a `session.started` event; while the info is unknown, its kernel
   * field is completed when the info arrives.
   */
  pushSession(event: SessionStartedEvent, displayName?: string): void {
    if (!this._open) {
      this._unresolved.push({ event, displayName });
    }
    this.push(event);
  }

  /**
   * Sends an event now, or after the events held before it.
   */
  push(event: TrailEvent): void {
    if (this._open) {
      this._send(event);
    } else {
      this._held.push(event);
    }
  }

  /**
   * Settles the kernel info (null when it failed or will never come) and
   * sends everything held, in order. Only the first call counts.
   */
  open(reply: KernelMessage.IInfoReply | null): void {
    if (this._open) {
      return;
    }
    this._open = true;
    this._info = reply;
    for (const { event, displayName } of this._unresolved) {
      event.session.kernel = kernelInfoOf(this._kernel, reply, displayName);
    }
    this._unresolved = [];
    const held = this._held;
    this._held = [];
    for (const event of held) {
      this._send(event);
    }
  }

  private _kernel: Kernel.IKernelConnection;
  private _send: (event: TrailEvent) => void;
  private _open = false;
  private _info: KernelMessage.IInfoReply | null = null;
  private _held: TrailEvent[] = [];
  private _unresolved: {
    event: SessionStartedEvent;
    displayName: string | undefined;
  }[] = [];
}
