/**
 * The most recently read record bodies of the log, kept by their place,
 * up to a total size: stepping through a session reads the same
 * executions and structure snapshots again and again (step k+1 shows all
 * but one of step k's), and a record's body never changes once written.
 * Bodies are kept as text, so every read still parses its own copy.
 */
import type { LogLocation } from './segment-log';

/** See the module comment. */
export class BodyCache {
  private readonly bodies = new Map<string, string>();
  private size = 0;

  /** @param maxChars the total length of the bodies kept. */
  constructor(private readonly maxChars = 32 * 1024 * 1024) {}

  /** The body at `at`, from the cache or read (and kept). */
  async read(
    at: LogLocation,
    readBody: (at: LogLocation) => Promise<string>
  ): Promise<string> {
    const key = `${at.segment}:${at.offset}`;
    const cached = this.bodies.get(key);
    if (cached !== undefined) {
      // Most recently used last.
      this.bodies.delete(key);
      this.bodies.set(key, cached);
      return cached;
    }
    const body = await readBody(at);
    if (body.length <= this.maxChars / 16) {
      this.bodies.set(key, body);
      this.size += body.length;
      for (const [old, text] of this.bodies) {
        if (this.size <= this.maxChars) {
          break;
        }
        this.bodies.delete(old);
        this.size -= text.length;
      }
    }
    return body;
  }
}
