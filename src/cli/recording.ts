/**
 * The replay as a recorded session: the one recorder (src/recorder) observes
 * the replaying kernel, with the lineage naming the source session and step,
 * and its events go to the Trail server through the delivery queue.
 */
import type { Kernel } from '@jupyterlab/services';
import type { TrailClient } from '../client';
import {
  TrailRecorder,
  type IObserveContext,
  type NotebookStructure
} from '../recorder';
import type { Lineage, TrailEvent } from '../records/schema';
import { PACKAGE_VERSION } from '../_generated/version';
import { CliError } from './exit-codes';
import { EventUploader, type DeliveryOutcome } from './upload';

/** The recorder and delivery of one replay. */
export class ReplayRecording {
  constructor(client: TrailClient) {
    this.recorder = new TrailRecorder({
      client: { name: 'trail-cli', version: PACKAGE_VERSION },
      injectHelper: true
    });
    this._uploader = new EventUploader(client);
    this.recorder.eventRecorded.connect(this._onEvent, this);
  }

  /** The recorder (the runner reads its execution records). */
  readonly recorder: TrailRecorder;

  /** The id of the session recorded for the replay, once it started. */
  get sessionId(): string | null {
    return this._sessionId;
  }

  /**
   * Observes `kernel` as the notebook `notebookPath` with the cells of
   * `structure` (sent before the first step, so the replay session is a
   * structured one), and waits for its
   * info and, for kernels that get it, for the Trail helper (so the first
   * step's files are captured too).
   */
  async observe(
    kernel: Kernel.IKernelConnection,
    notebookPath: string,
    lineage: Lineage | (() => Lineage),
    structure: NotebookStructure,
    timeoutMs = 20000
  ): Promise<void> {
    const context: IObserveContext = {
      notebookPath: () => notebookPath,
      lineage: typeof lineage === 'function' ? lineage : () => lineage,
      structure: () => structure
    };
    this.recorder.observe(kernel, context);
    const answered = await Promise.race([
      kernel.info.then(() => true),
      new Promise<false>(resolve => setTimeout(() => resolve(false), 60000))
    ]);
    if (!answered) {
      throw new CliError(
        'The kernel did not answer within 60 s (no kernel_info reply).'
      );
    }
    const deadline = Date.now() + timeoutMs;
    while (
      this.recorder.helperOf(kernel)?.state === 'pending' &&
      Date.now() < deadline
    ) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }

  /** How many executions the recorder finished so far. */
  get completed(): number {
    return this._completed;
  }

  /**
   * Waits until the recorder finished `count` executions (at most
   * `timeoutMs`): after a kernel died, the one it was running is finished
   * as interrupted once the kernel's restart is seen, which may come after
   * the step was given up.
   */
  async settle(count: number, timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this._completed < count && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }

  /**
   * Stops recording (a step still running is recorded as aborted) and
   * waits for the server to acknowledge every event.
   */
  async finish(): Promise<DeliveryOutcome> {
    this.recorder.dispose();
    return this._uploader.finish();
  }

  /**
   * Stops recording and sends nothing: for a run stopped before its first
   * step (the recorder has emitted nothing yet; anything it did is dropped).
   */
  discard(): void {
    this.recorder.dispose();
    this._uploader.discard();
  }

  private _onEvent(_: TrailRecorder, event: TrailEvent): void {
    if (event.kind === 'session.started' && this._sessionId === null) {
      this._sessionId = event.session.id;
    } else if (event.kind === 'execution.completed') {
      this._completed++;
    }
    this._uploader.add(event);
  }

  private _completed = 0;
  private _sessionId: string | null = null;
  private _uploader: EventUploader;
}
