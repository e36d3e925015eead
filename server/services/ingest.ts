/**
 * Ingest: validate a batch, move large mime values to the blob store, and
 * store the events durably.
 */
import { createHash } from 'node:crypto';
import type {
  EventBatch,
  IngestResult,
  Output,
  TrailEvent
} from '../../src/_schema/records';
import type { BlobStore, TrailStore } from '../store/types';
import type { RecordValidator } from '../validation';

/** Mime values larger than this many bytes go to the blob store. */
export const INLINE_VALUE_LIMIT = 4096;

/** What stands in a mime bundle for a value kept in the blob store. */
export interface BlobRef {
  $blob: string;
  size: number;
  encoding: 'text' | 'json';
}

/**
 * The blob content of a mime value that must go to the blob store, or null
 * to keep it inline. Large values go (strings as their UTF-8 bytes, other
 * values as their JSON text), and so does any object that looks like a
 * BlobRef itself, which would otherwise be read back as a reference.
 */
function blobContent(
  value: unknown
): { bytes: Buffer; encoding: BlobRef['encoding'] } | null {
  if (typeof value === 'string') {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: short strings fit.
    if (
      value.length * 3 <= INLINE_VALUE_LIMIT ||
      Buffer.byteLength(value, 'utf8') <= INLINE_VALUE_LIMIT
    ) {
      return null;
    }
    return { bytes: Buffer.from(value, 'utf8'), encoding: 'text' };
  }
  if (value === null || typeof value !== 'object') {
    return null;
  }
  const json = JSON.stringify(value);
  const looksLikeRef = !Array.isArray(value) && Object.hasOwn(value, '$blob');
  if (!looksLikeRef && Buffer.byteLength(json, 'utf8') <= INLINE_VALUE_LIMIT) {
    return null;
  }
  return { bytes: Buffer.from(json, 'utf8'), encoding: 'json' };
}

/** Stores event batches sent by recorders. */
export class IngestService {
  constructor(
    private readonly store: TrailStore,
    private readonly validator: RecordValidator
  ) {}

  /**
   * Stores a batch. Throws a 400 AppError, storing nothing, when any event
   * is invalid. Resolves once the new events are durable.
   */
  async ingest(body: unknown): Promise<IngestResult> {
    this.validator.assertBatch(body);
    const blobs = new Map<string, Buffer>();
    const events = (body as EventBatch).events.map(event =>
      // A known duplicate will not be stored: skip its blob work.
      this.store.hasEvent(event.id) ? event : externalizeValues(event, blobs)
    );
    // Blobs are durable before any record that cites them is written.
    await storeBlobs(this.store.blobs, blobs);
    return this.store.append(events);
  }
}

async function storeBlobs(
  store: BlobStore,
  blobs: Map<string, Buffer>
): Promise<void> {
  await Promise.all(
    [...blobs].map(([sha256, bytes]) => store.put(sha256, bytes))
  );
}

/**
 * Replaces the large mime values of an execution's outputs with BlobRefs,
 * collecting their bytes in `blobs`. Returns a new event; the input is not
 * changed.
 */
export function externalizeValues(
  event: TrailEvent,
  blobs: Map<string, Buffer>
): TrailEvent {
  if (event.kind !== 'execution.completed') {
    return event;
  }
  let changed = false;
  const outputs = event.execution.outputs.map((output): Output => {
    if (
      output.output_type !== 'display_data' &&
      output.output_type !== 'execute_result'
    ) {
      return output;
    }
    let data: Record<string, unknown> | null = null;
    for (const [mime, value] of Object.entries(output.data)) {
      const content = blobContent(value);
      if (!content) {
        continue;
      }
      const { bytes, encoding } = content;
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      blobs.set(sha256, bytes);
      data ??= { ...output.data };
      const ref: BlobRef = { $blob: sha256, size: bytes.length, encoding };
      data[mime] = ref;
    }
    if (!data) {
      return output;
    }
    changed = true;
    return { ...output, data };
  });
  return changed
    ? { ...event, execution: { ...event.execution, outputs } }
    : event;
}
