/**
 * What the store contract suite runs on: a maker of empty stores of one
 * backend, and the checks that run on a store live and, when the backend
 * keeps its data, again after a restart.
 */
import type {
  EnvironmentCapturedEvent,
  IngestResult,
  StructureCapturedEvent,
  TrailEvent
} from '../../../src/records/schema';
import { environmentContent } from '../../../server/services/ingest';
import type { StoredEvent, TrailStore } from '../../../server/store/types';

/** One empty store of the backend under test. */
export interface StoreUnderTest {
  store: TrailStore;
  /**
   * Closes the store and opens its data again, as a restart does; absent
   * for a backend that keeps nothing (the memory store).
   */
  reopen?(): Promise<TrailStore>;
}

/** Makes an empty store of the backend under test. */
export type MakeStore = () => Promise<StoreUnderTest>;

/** A store being filled by one contract test. */
export interface ContractStore {
  /** The store as now open (a new one after a restart). */
  readonly store: TrailStore;
  /** Appends events as the ingest service hands them over. */
  append(events: TrailEvent[]): Promise<IngestResult>;
  /**
   * Runs `check` on the store, then, when the backend keeps its data, on
   * the same data after a restart: what a store answers must not depend
   * on whether it has been restarted since.
   */
  live(check: (store: TrailStore) => Promise<void>): Promise<void>;
}

/**
 * An event as the store receives it: an environment snapshot, and each
 * source of a structure event, moves to the blob named by its content's
 * hash (what the ingest service does).
 */
export function storedForm(
  event: TrailEvent,
  blobs: Map<string, Buffer>
): StoredEvent {
  if (event.kind === 'structure.captured') {
    const { sources, ...stored } = event as StructureCapturedEvent;
    for (const [sha256, text] of Object.entries(sources)) {
      blobs.set(sha256, Buffer.from(text, 'utf8'));
    }
    return stored;
  }
  if (event.kind !== 'environment.captured') {
    return event;
  }
  const e = event as EnvironmentCapturedEvent;
  const { id, bytes } = environmentContent(e.environment);
  blobs.set(id, bytes);
  return {
    id: e.id,
    kind: e.kind,
    sessionId: e.sessionId,
    fromSeq: e.fromSeq,
    environmentId: id,
    capturedAt: e.environment.capturedAt
  };
}

/**
 * The contract stores of one describe block: each test gets a fresh one
 * from `open()`, closed after the test.
 */
export function contractStores(make: MakeStore): {
  open(): Promise<ContractStore>;
} {
  const opened: { store: TrailStore }[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map(o => o.store.close()));
  });
  return {
    async open() {
      const made = await make();
      const current = { store: made.store };
      opened.push(current);
      return {
        get store() {
          return current.store;
        },
        append(events) {
          const blobs = new Map<string, Buffer>();
          const stored = events.map(e => storedForm(e, blobs));
          return current.store.append(stored, blobs);
        },
        async live(check) {
          await check(current.store);
          if (made.reopen) {
            current.store = await made.reopen();
            await check(current.store);
          }
        }
      };
    }
  };
}

/** The ids of a page's items. */
export function idsOf(page: { items: { id: string }[] } | null): string[] {
  if (!page) {
    throw new Error('expected a page, got null');
  }
  return page.items.map(item => item.id);
}
