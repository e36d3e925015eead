/**
 * A seam for replay tests: the part of a kernel connection the recorder
 * uses (its signals, id, name and `info`), driven by captured fixtures.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import type { IFixtureEvent, IKernelFixture } from './fixtures';

/**
 * A kernel connection stand-in that emits what a real one emitted.
 */
export class FakeKernel {
  constructor(
    fixture: Pick<IKernelFixture, 'kernel'>,
    info?: Promise<KernelMessage.IInfoReply>
  ) {
    this.id = fixture.kernel.id;
    this.name = fixture.kernel.name;
    this.info = info ?? Promise.resolve(fixture.kernel.info);
  }

  readonly id: string;
  readonly name: string;
  readonly info: Promise<KernelMessage.IInfoReply>;
  readonly anyMessage = new Signal<this, Kernel.IAnyMessageArgs>(this);
  readonly statusChanged = new Signal<this, Kernel.Status>(this);
  readonly connectionStatusChanged = new Signal<this, Kernel.ConnectionStatus>(
    this
  );
  readonly disposed = new Signal<this, void>(this);
  isDisposed = false;

  /**
   * This object typed as the connection the recorder observes.
   */
  get connection(): Kernel.IKernelConnection {
    return this as unknown as Kernel.IKernelConnection;
  }

  /**
   * Emits captured events in order.
   */
  replay(events: readonly IFixtureEvent[]): void {
    for (const event of events) {
      this.emit(event);
    }
  }

  /**
   * Emits one captured event on the signal it was captured from.
   */
  emit(event: IFixtureEvent): void {
    switch (event.type) {
      case 'message':
        this.anyMessage.emit({ msg: event.msg, direction: event.direction });
        break;
      case 'status':
        this.statusChanged.emit(event.status as Kernel.Status);
        break;
      case 'connectionStatus':
        this.connectionStatusChanged.emit(
          event.status as Kernel.ConnectionStatus
        );
        break;
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.isDisposed = true;
    this.disposed.emit();
    Signal.clearData(this);
  }
}
