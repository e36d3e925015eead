/**
 * The file store's one background pass over the log's bodies at startup.
 * The log's headers (what the history index is rebuilt from at open) hold
 * neither captures nor code, so the indexes that need them (the runs:
 * run-build.ts; the fingerprints: fingerprint-rebuild.ts) are rebuilt
 * after open returns, from ONE sequential read of the bodies
 * (body-scan.ts) that hands each body to every consumer wanting its kind,
 * while the server already answers. Their queries wait for
 * {@link BodyBuild.ready}.
 *
 * Events stored while the build runs are held back and applied after it,
 * in their order, for every consumer, so that each index folds them in
 * storage order (the order the memory store and a restarted server see).
 * The scan reads the log only up to where it ended when the build began:
 * every record there was indexed before, every record after it is held.
 */
import { scanLogBodies } from './body-scan';

/** One index the pass rebuilds. */
export interface BodyConsumer {
  /** The header kinds whose bodies it reads ('xc', 'x', 'a', 'e', ...). */
  readonly kinds: readonly string[];
  /** Before the scan (e.g. what the headers already tell). */
  start?(): void | Promise<void>;
  /** One body of a wanted kind, parsed (once for all), in storage order. */
  body(kind: string, event: unknown): void;
  /** After the scan, before the held events. */
  finish?(): void | Promise<void>;
}

/** See the module comment. */
export class BodyBuild {
  /**
   * Resolves once the consumers' indexes hold the stored history and the
   * events held meanwhile (a failure rejects it: queries see it).
   */
  readonly ready: Promise<void>;
  private building = true;
  private stopped = false;
  private held: (() => void | Promise<void>)[] = [];

  private begin!: (consumers: readonly BodyConsumer[]) => void;

  /** A pass that starts reading when given its consumers ({@link start}). */
  constructor(logDir: string, until: { segment: number; size: number }) {
    const consumers = new Promise<readonly BodyConsumer[]>(resolve => {
      this.begin = resolve;
    });
    this.ready = consumers.then(list => this.build(logDir, until, list));
    // Awaited by every query it feeds: a failure reaches them, not the
    // process.
    this.ready.catch(() => undefined);
  }

  /** Starts the pass (in the background) with the indexes it feeds. */
  start(consumers: readonly BodyConsumer[]): void {
    this.begin(consumers);
  }

  /**
   * An event stored now: applied at once, or after the build when one is
   * running; what `apply` returns (e.g. an update in its own queue) is
   * part of {@link ready}.
   */
  stored(apply: () => void | Promise<void>): void | Promise<void> {
    if (this.building) {
      this.held.push(apply);
      return;
    }
    return apply();
  }

  /** Whether the build is still running (stored events are held). */
  get running(): boolean {
    return this.building;
  }

  /** Stops a build in progress (the store is closing). */
  stop(): void {
    this.stopped = true;
  }

  private async build(
    logDir: string,
    until: { segment: number; size: number },
    consumers: readonly BodyConsumer[]
  ): Promise<void> {
    // Yield first: open returns (and the server listens) before any work.
    await new Promise(resolve => setImmediate(resolve));
    const byKind = new Map<string, BodyConsumer[]>();
    for (const consumer of consumers) {
      for (const kind of consumer.kinds) {
        byKind.set(kind, [...(byKind.get(kind) ?? []), consumer]);
      }
    }
    const after: Promise<void>[] = [];
    try {
      for (const consumer of consumers) {
        await consumer.start?.();
      }
      await scanLogBodies(
        logDir,
        kind => byKind.has(kind),
        (kind, body) => {
          const event: unknown = JSON.parse(body);
          for (const consumer of byKind.get(kind)!) {
            consumer.body(kind, event);
          }
        },
        () => this.stopped,
        until
      );
      for (const consumer of consumers) {
        await consumer.finish?.();
      }
    } finally {
      this.building = false;
      const held = this.held;
      this.held = [];
      for (const apply of held) {
        const done = apply();
        if (done) {
          after.push(done);
        }
      }
    }
    await Promise.all(after);
  }
}
