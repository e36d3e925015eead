import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { loadTrailSettings } from './settings';
import { DeliveryQueue, openQueueStorage, TrailNetworkError } from '../client';
import type { TrailRecorder } from '../recorder';
import type { EventBatch, IngestResult } from '../records/schema';
import { ITrailConnection, ITrailDelivery, ITrailRecorder } from '../tokens';

/**
 * Delivery: every recorded event is persisted in the browser first, then
 * sent in batches to the Trail server, so nothing is lost on a reload, a
 * closed tab or a server outage.
 */
export const deliveryPlugin: JupyterFrontEndPlugin<DeliveryQueue> = {
  id: 'jupyterlab-trail:delivery',
  description: 'Delivers recorded events to the Trail server without loss.',
  autoStart: true,
  provides: ITrailDelivery,
  requires: [ITrailRecorder, ITrailConnection],
  optional: [ISettingRegistry],
  activate: async (
    app: JupyterFrontEnd,
    recorder: TrailRecorder,
    connection: ITrailConnection,
    registry: ISettingRegistry | null
  ): Promise<DeliveryQueue> => {
    const settings = await loadTrailSettings(registry);
    const options = () => ({
      batchSize: settings?.composite.batchSize as number | undefined,
      flushIntervalMs: settings?.composite.flushIntervalMs as number | undefined
    });
    // Until a server is known, sending fails as retryable and events wait.
    const send = (batch: EventBatch): Promise<IngestResult> => {
      const client = connection.client;
      if (!client) {
        // Retryable: the events wait until a server is known.
        return Promise.reject(
          new TrailNetworkError(
            connection.error ?? 'No Trail server is configured.'
          )
        );
      }
      return client.ingest(batch);
    };
    const queue = new DeliveryQueue({
      send,
      storage: await openQueueStorage(),
      ...options()
    });
    settings?.changed.connect(() => queue.configure(options()));
    recorder.eventRecorded.connect((_, event) => {
      queue.enqueue(event).catch(reason => {
        console.error(
          'Trail: an event could not be stored for delivery',
          reason
        );
      });
    });
    connection.changed.connect(() => void queue.flush());
    return queue;
  }
};
