/**
 * The lines of a Trail export (docs/export-format.md): JSON Lines, gzip,
 * one object per line with a `type`. Kept in one module so the writer and
 * the reader (and the documentation) cannot drift apart.
 *
 * The order is header, users, tokens, access facts, then blobs and events
 * (each blob just before the first event citing it), then the trailer:
 * people and owners come before the history they govern, so an import cut
 * short never leaves a stored session without its owner and visibility.
 * Facts stored while the export ran (a database in use) come after the
 * events, before the trailer.
 */
import type { Fact } from '../access/access-log';
import type { TokenRecord, UserRecord } from '../access/directory';
import type { StoredEvent } from '../store/types';

/** The `format` of the header line. */
export const EXPORT_FORMAT = 'trail-export';
/** The version this server writes and reads. */
export const EXPORT_VERSION = 1;

/** A token as exported: without its hash, so the file lets nobody in. */
export type ExportedToken = Omit<TokenRecord, 'sha256'>;

/** The kinds of content lines, in the trailer's counts. */
export const CONTENT_TYPES = [
  'user',
  'token',
  'fact',
  'blob',
  'event'
] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

export type ContentCounts = Record<ContentType, number>;

export interface HeaderLine {
  type: 'header';
  format: typeof EXPORT_FORMAT;
  version: number;
  server: { name: string; version: string };
  exportedAt: string;
  /** Where it came from: `file` or `postgres`. */
  source: string;
  /** What the source held when the export started (for the reader). */
  counts: { sessions: number; executions: number };
}

export type ContentLine =
  | { type: 'user'; user: UserRecord }
  | { type: 'token'; token: ExportedToken }
  | { type: 'fact'; fact: Fact }
  | { type: 'blob'; sha256: string; base64: string }
  | { type: 'event'; event: StoredEvent };

export interface TrailerLine {
  type: 'trailer';
  counts: ContentCounts;
  /** SHA-256 (hex) of every byte before the trailer line (header included). */
  sha256: string;
}

export function emptyCounts(): ContentCounts {
  return { user: 0, token: 0, fact: 0, blob: 0, event: 0 };
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The blobs a stored event cites by SHA-256: its outputs' large mime
 * values (BlobRefs), its environment snapshot, its structure's sources.
 */
export function citedBlobs(event: StoredEvent): string[] {
  switch (event.kind) {
    case 'execution.completed': {
      const cited: string[] = [];
      for (const output of event.execution.outputs) {
        if (
          output.output_type !== 'display_data' &&
          output.output_type !== 'execute_result'
        ) {
          continue;
        }
        for (const value of Object.values(output.data ?? {})) {
          const ref = value as { $blob?: unknown } | null;
          if (
            ref !== null &&
            typeof ref === 'object' &&
            !Array.isArray(ref) &&
            typeof ref.$blob === 'string' &&
            SHA256_HEX.test(ref.$blob)
          ) {
            cited.push(ref.$blob);
          }
        }
      }
      return cited;
    }
    case 'environment.captured':
      return [event.environmentId];
    case 'structure.captured':
      return event.cells.map(cell => cell.sha256);
    default:
      return [];
  }
}

/** The session a stored event belongs to. */
export function sessionOfEvent(event: StoredEvent): string {
  switch (event.kind) {
    case 'session.started':
      return event.session.id;
    case 'execution.completed':
      return event.execution.sessionId;
    default:
      return event.sessionId;
  }
}
