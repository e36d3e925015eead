/**
 * Ingest: validate a batch, move large mime values and environment
 * snapshots to the blob store, and store the events durably.
 */
import { createHash } from 'node:crypto';
import type {
  EnvironmentCapturedEvent,
  EventBatch,
  IngestResult,
  Output,
  TrailEvent
} from '../../src/records/schema';
import { canonicalJson } from '../canonical-json';
import type {
  StoredEnvironmentEvent,
  StoredEvent,
  TrailStore
} from '../store/types';
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
   * is invalid, and whatever `authorize` throws (a 403) likewise. Resolves
   * once the new events are durable. `authorize` returns the events to
   * store in the batch's order, which may carry other ids than the
   * caller's (records stored under an alias, see TeamAccess.authorizeIngest);
   * the answer names every event by the id the caller gave it.
   */
  async ingest(
    body: unknown,
    authorize?: (events: TrailEvent[]) => Promise<TrailEvent[] | void>
  ): Promise<IngestResult> {
    this.validator.assertBatch(body);
    const batch = (body as EventBatch).events;
    // Who may write what is checked on a valid batch, before anything is stored.
    const stored = (await authorize?.(batch)) || batch;
    const result = await this.storeEvents(stored);
    if (stored === batch) {
      return result;
    }
    const callerIds = new Map<string, string>();
    stored.forEach((event, i) => {
      if (event.id !== batch[i].id) {
        callerIds.set(event.id, batch[i].id);
      }
    });
    const callerId = (id: string) => callerIds.get(id) ?? id;
    return {
      accepted: result.accepted.map(callerId),
      duplicates: result.duplicates.map(callerId)
    };
  }

  /** Stores valid, authorized events and the blobs they cite. */
  private storeEvents(batch: TrailEvent[]): Promise<IngestResult> {
    const blobs = new Map<string, Buffer>();
    const events = batch.map((event): StoredEvent => {
      // A known duplicate will not be stored: skip its blob work.
      const known = this.store.hasEvent(event.id);
      if (event.kind === 'environment.captured') {
        return storedEnvironment(event, known ? null : blobs);
      }
      return known ? event : externalizeValues(event, blobs);
    });
    // The store makes the blobs durable with the events that cite them.
    return this.store.append(events, blobs);
  }
}

/**
 * The id of an environment snapshot: the SHA-256 (hex) of its canonical
 * JSON without capturedAt, and that JSON, which is stored as the blob of
 * that id (so the blob store keeps identical snapshots once).
 */
export function environmentContent(
  environment: EnvironmentCapturedEvent['environment']
): { id: string; bytes: Buffer } {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { capturedAt, ...content } = environment;
  const bytes = Buffer.from(canonicalJson(content), 'utf8');
  return { id: createHash('sha256').update(bytes).digest('hex'), bytes };
}

/**
 * The stored form of an environment.captured event; its snapshot goes to
 * `blobs` (unless null: a known duplicate, whose snapshot is stored).
 */
function storedEnvironment(
  event: EnvironmentCapturedEvent,
  blobs: Map<string, Buffer> | null
): StoredEnvironmentEvent {
  const { id, bytes } = environmentContent(event.environment);
  blobs?.set(id, bytes);
  return {
    id: event.id,
    kind: event.kind,
    sessionId: event.sessionId,
    fromSeq: event.fromSeq,
    environmentId: id,
    capturedAt: event.environment.capturedAt
  };
}

/**
 * Replaces the large mime values of an execution's outputs with BlobRefs,
 * collecting their bytes in `blobs`. Returns a new event; the input is not
 * changed.
 */
export function externalizeValues(
  event: Exclude<TrailEvent, EnvironmentCapturedEvent>,
  blobs: Map<string, Buffer>
): Exclude<TrailEvent, EnvironmentCapturedEvent> {
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
