/**
 * The rules of captures (capture.schema.json): how the captures of one
 * execution merge, and when a file's hashing is over. The recorder merges
 * the helper's captures into the record it builds; the server merges a
 * stored record's capture with its execution.annotated events.
 */
import { MAX_FILES, MAX_METRICS, MAX_PARAMS, MAX_TAGS } from './limits';
import type {
  ExecutionCapture,
  FileAccess,
  MetricPoint,
  ParamValue
} from './schema';

/**
 * Merges captures, in arrival order, as capture.schema.json describes:
 * files by (path, access), a later capture's non-null values winning field
 * by field; params by name, the later winning; metrics appended in order;
 * tags as a set (first appearance order). Fields no capture has stay
 * absent, and the fields come in the schema's order.
 *
 * Several captures that are each valid could merge into one over the
 * schema's maxima; the merged capture keeps the first entries, so that it
 * still passes the schema. A param may be called anything, `__proto__`
 * included: it stays a param.
 *
 * Returns undefined when no capture is given, and the only capture itself
 * when there is one; otherwise a new capture, the inputs unchanged.
 */
export function mergeCaptures(
  captures: readonly (ExecutionCapture | undefined)[]
): ExecutionCapture | undefined {
  const present = captures.filter(
    (c): c is ExecutionCapture => c !== undefined
  );
  if (present.length <= 1) {
    return present[0];
  }
  let files: Map<string, FileAccess> | null = null;
  // A Map, not an object: a param named __proto__ would set the prototype.
  let params: Map<string, ParamValue> | null = null;
  let metrics: MetricPoint[] | null = null;
  let tags: Set<string> | null = null;
  for (const capture of present) {
    if (capture.files) {
      files ??= new Map();
      for (const file of capture.files) {
        const key = `${file.access}\n${file.path}`;
        const earlier = files.get(key);
        if (earlier) {
          files.set(key, overlayNonNull(earlier, file));
        } else if (files.size < MAX_FILES) {
          files.set(key, { ...file });
        }
      }
    }
    if (capture.params) {
      params ??= new Map();
      for (const [name, value] of Object.entries(capture.params)) {
        if (params.size < MAX_PARAMS || params.has(name)) {
          params.set(name, value);
        }
      }
    }
    if (capture.metrics) {
      metrics ??= [];
      const room = MAX_METRICS - metrics.length;
      metrics.push(...capture.metrics.slice(0, Math.max(0, room)));
    }
    if (capture.tags) {
      tags ??= new Set();
      for (const tag of capture.tags) {
        if (tags.size < MAX_TAGS) {
          tags.add(tag);
        }
      }
    }
  }
  return {
    ...(files && { files: [...files.values()] }),
    // Object.fromEntries defines properties: __proto__ becomes one.
    ...(params && { params: Object.fromEntries(params) }),
    ...(metrics && { metrics }),
    ...(tags && { tags: [...tags] })
  };
}

/**
 * Whether a file's hashing is over: it has a hash or a hash error. That
 * decides, even beside a stale `hashPending` (records stored before the
 * merges cleared it).
 */
export function hashSettled(file: FileAccess): boolean {
  return (
    (file.sha256 !== null && file.sha256 !== undefined) ||
    (file.hashError !== null && file.hashError !== undefined)
  );
}

/**
 * Whether a later capture of a file ends an earlier pending hash: it says
 * how the hashing ended (a hash or an error) without a pending flag of its
 * own, which is how the kernel's final capture reports it.
 */
export function endsPendingHash(later: FileAccess): boolean {
  return later.hashPending === undefined && hashSettled(later);
}

/**
 * Whether a capture has anything to say (no files, params, metrics or
 * tags: nothing).
 */
export function isEmptyCapture(capture: ExecutionCapture | undefined): boolean {
  return (
    !capture ||
    (!capture.files?.length &&
      !capture.metrics?.length &&
      !capture.tags?.length &&
      Object.keys(capture.params ?? {}).length === 0)
  );
}

/** `earlier` with every field of `later` that is neither null nor absent. */
function overlayNonNull(earlier: FileAccess, later: FileAccess): FileAccess {
  const result: Record<string, unknown> = { ...earlier };
  for (const [field, value] of Object.entries(later)) {
    if (value !== null && value !== undefined) {
      result[field] = value;
    }
  }
  if (endsPendingHash(later)) {
    // The kernel's final capture drops the flag rather than clearing it.
    delete result.hashPending;
  }
  return result as unknown as FileAccess;
}
