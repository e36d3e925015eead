/**
 * Delivers the replay's events to the Trail server with the extension's
 * own delivery queue, kept in memory: the command waits for every event to
 * be acknowledged before it exits.
 */
import {
  DeliveryQueue,
  MemoryQueueStorage,
  describeError,
  type TrailClient
} from '../client';
import type { TrailEvent } from '../records/schema';

/** How the delivery ended. */
export interface DeliveryOutcome {
  /** Whether the server acknowledged every event. */
  delivered: boolean;
  /** Events still waiting or refused, when not delivered. */
  left: number;
  /** Why not, when not delivered. */
  error: string | null;
}

/** Sends recorded events in order, in batches, retrying on failure. */
export class EventUploader {
  constructor(client: TrailClient) {
    this._queue = new DeliveryQueue({
      send: batch => client.ingest(batch),
      storage: new MemoryQueueStorage(),
      locks: null,
      flushIntervalMs: 200,
      maxBackoffMs: 2000
    });
  }

  /** Queues an event for delivery. */
  add(event: TrailEvent): void {
    this._stored.push(
      this._queue.enqueue(event).catch(error => {
        this._storeError = describeError(error);
      })
    );
  }

  /**
   * Waits until every queued event is acknowledged, or `timeoutMs` passed;
   * then stops the queue.
   */
  async finish(timeoutMs = 30000): Promise<DeliveryOutcome> {
    await Promise.all(this._stored);
    const deadline = Date.now() + timeoutMs;
    let state = this._queue.state;
    while (state.pending > 0 && Date.now() < deadline) {
      await this._queue.flush();
      state = this._queue.state;
      if (state.pending > 0) {
        await new Promise(resolve => setTimeout(resolve, 250));
      }
    }
    this._queue.dispose();
    const left = state.pending + state.failed;
    return {
      delivered: left === 0 && this._storeError === null,
      left,
      error:
        this._storeError ??
        (left > 0
          ? (state.lastError ?? `${left} events were not acknowledged`)
          : null)
    };
  }

  /** Stops the queue; what it still holds is never sent. */
  discard(): void {
    this._queue.dispose();
  }

  private _queue: DeliveryQueue;
  private _stored: Promise<void>[] = [];
  private _storeError: string | null = null;
}
