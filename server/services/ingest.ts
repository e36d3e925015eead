/**
 * Ingest: validate a batch, have it authorized, move large mime values and
 * environment snapshots to the blob store, store the events durably, and
 * announce what was stored. What follows an ingest (the change feed, the
 * search index, the access bookkeeping) observes the `stored` signal; the
 * service does not know them (app.ts connects them).
 */
import { createHash } from 'node:crypto';
import type {
  EnvironmentCapturedEvent,
  EventBatch,
  ExecutionRecord,
  IngestResult,
  Output,
  StructureCapturedEvent,
  TrailEvent
} from '../../src/records/schema';
import type { Principal } from '../access/directory';
import { canonicalJson } from '../canonical-json';
import { AppError } from '../errors';
import { Signal, type SignalErrorLog } from '../signal';
import type {
  StoredEnvironmentEvent,
  StoredEvent,
  StoredStructureEvent,
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

/**
 * Who decides what of a batch is stored, and under which ids: checks the
 * caller may write every event (throwing a 403 otherwise) and claims the
 * new sessions, durably, before they are stored (TeamAccess).
 */
export interface IngestAuthority {
  /**
   * The events to store, in the batch's order: the batch itself, or
   * copies of some under other ids (records stored under an alias).
   */
  authorizeIngest(
    principal: Principal,
    events: TrailEvent[]
  ): Promise<TrailEvent[]>;
}

/** A batch whose new events are durable, as its followers see it. */
export interface StoredBatch {
  /** Who sent it. */
  principal: Principal;
  /** The events as stored, in the batch's order (aliases carry their ids). */
  stored: readonly TrailEvent[];
  /** The ids (as stored) of the events stored now, not duplicates. */
  accepted: ReadonlySet<string>;
}

/** The executions a batch stored now, as stored. */
export function storedExecutions(batch: StoredBatch): ExecutionRecord[] {
  const records: ExecutionRecord[] = [];
  for (const event of batch.stored) {
    if (event.kind === 'execution.completed' && batch.accepted.has(event.id)) {
      records.push(event.execution);
    }
  }
  return records;
}

/** Stores event batches sent by recorders. */
export class IngestService {
  /**
   * Emitted with each batch that stored something, once it is durable:
   * after its answer is handed back (the caller's continuation runs
   * first) and before the server reads any later request (the signal
   * goes out on process.nextTick, which runs before any I/O callback), so
   * no later request misses what followers do with it.
   */
  readonly stored: Signal<StoredBatch>;

  constructor(
    private readonly store: TrailStore,
    private readonly validator: RecordValidator,
    private readonly authority: IngestAuthority,
    log?: SignalErrorLog
  ) {
    this.stored = new Signal('ingest: stored', log);
  }

  /**
   * Stores a batch sent by `principal`. Throws a 400 AppError, storing
   * nothing, when any event is invalid, and whatever the authorization
   * throws (a 403) likewise. Resolves once the new events are durable;
   * the answer names every event by the id the caller gave it.
   */
  async ingest(principal: Principal, body: unknown): Promise<IngestResult> {
    this.validator.assertBatch(body);
    const batch = (body as EventBatch).events;
    batch.forEach(assertStructureSources);
    // Who may write what is checked on a valid batch, before anything is stored.
    const stored = await this.authority.authorizeIngest(principal, batch);
    const result = await this.storeEvents(stored);
    if (result.accepted.length > 0) {
      const announced: StoredBatch = {
        principal,
        stored,
        accepted: new Set(result.accepted)
      };
      process.nextTick(() => this.stored.emit(announced));
    }
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
  private async storeEvents(batch: TrailEvent[]): Promise<IngestResult> {
    const known = await Promise.all(
      batch.map(event => this.store.hasEvent(event.id))
    );
    const blobs = new Map<string, Buffer>();
    const events = batch.map((event, i): StoredEvent => {
      // A known duplicate will not be stored: skip its blob work.
      if (event.kind === 'environment.captured') {
        return storedEnvironment(event, known[i] ? null : blobs);
      }
      if (event.kind === 'structure.captured') {
        return storedStructure(event, known[i] ? null : blobs);
      }
      return known[i] ? event : externalizeValues(event, blobs);
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

/** The UTF-8 bytes of each source of a structure event, by SHA-256. */
function structureSources(event: StructureCapturedEvent): Map<string, Buffer> {
  const sources = new Map<string, Buffer>();
  for (const [sha256, text] of Object.entries(event.sources)) {
    sources.set(sha256, Buffer.from(text, 'utf8'));
  }
  return sources;
}

/**
 * A 400 for a structure event whose `sources` names a content by a hash
 * that is not its SHA-256: stored under it, the content would stand for
 * another wherever that hash is cited.
 */
function assertStructureSources(event: TrailEvent, i: number): void {
  if (event.kind !== 'structure.captured') {
    return;
  }
  for (const [sha256, bytes] of structureSources(event)) {
    if (createHash('sha256').update(bytes).digest('hex') !== sha256) {
      const path = `/events/${i}/sources/${sha256}`;
      const message = 'is not the SHA-256 of the UTF-8 bytes of its source';
      throw new AppError(
        400,
        'invalid_request',
        `Event ${i}: the key ${sha256} of sources ${message}; nothing was stored.`,
        [{ path, message }]
      );
    }
  }
}

/**
 * The stored form of a structure.captured event: its sources go to
 * `blobs` (each content once, by SHA-256; none for a known duplicate).
 */
function storedStructure(
  event: StructureCapturedEvent,
  blobs: Map<string, Buffer> | null
): StoredStructureEvent {
  if (blobs) {
    for (const [sha256, bytes] of structureSources(event)) {
      blobs.set(sha256, bytes);
    }
  }
  return {
    id: event.id,
    kind: event.kind,
    sessionId: event.sessionId,
    fromSeq: event.fromSeq,
    cells: event.cells
  };
}

/**
 * Replaces the large mime values of an execution's outputs with BlobRefs,
 * collecting their bytes in `blobs`. Returns a new event; the input is not
 * changed.
 */
export function externalizeValues(
  event: Exclude<TrailEvent, EnvironmentCapturedEvent | StructureCapturedEvent>,
  blobs: Map<string, Buffer>
): Exclude<TrailEvent, EnvironmentCapturedEvent | StructureCapturedEvent> {
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
