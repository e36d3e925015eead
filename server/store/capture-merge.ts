/**
 * Merging the captures of one execution: the one in its record and those
 * of its execution.annotated events, in arrival order.
 */
import type {
  ExecutionCapture,
  FileAccess,
  ParamValue
} from '../../src/records/schema';

/*
 * The maxima of capture.schema.json. Several captures that are each valid
 * could merge into one over them; the merged capture keeps the first
 * entries (arrival order), so a response always passes the schema the
 * client checks it with.
 */
const MAX_FILES = 10_000;
const MAX_PARAMS = 1_000;
const MAX_METRICS = 100_000;
const MAX_TAGS = 200;

/**
 * Merges captures as capture.schema.json describes: files by (path,
 * access), a later capture's non-null values winning field by field;
 * params by name, the later winning; metrics appended in order; tags as a
 * set (first appearance order). Fields no capture has stay absent. Returns
 * undefined when there is nothing to merge. The inputs are not changed.
 */
export function mergeCaptures(
  captures: (ExecutionCapture | undefined)[]
): ExecutionCapture | undefined {
  const present = captures.filter(
    (c): c is ExecutionCapture => c !== undefined
  );
  if (present.length <= 1) {
    return present[0];
  }
  const merged: ExecutionCapture = {};
  let files: Map<string, FileAccess> | null = null;
  let tags: Set<string> | null = null;
  // A Map, not an object: a param may be named __proto__.
  let params: Map<string, ParamValue> | null = null;
  for (const capture of present) {
    if (capture.files) {
      files ??= new Map();
      for (const file of capture.files) {
        const key = `${file.access}\n${file.path}`;
        const earlier = files.get(key);
        if (earlier) {
          files.set(key, overlayNonNull(earlier, file));
        } else if (files.size < MAX_FILES) {
          files.set(key, file);
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
      merged.metrics ??= [];
      const room = MAX_METRICS - merged.metrics.length;
      merged.metrics.push(...capture.metrics.slice(0, Math.max(0, room)));
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
  if (files) {
    merged.files = [...files.values()];
  }
  if (params) {
    merged.params = Object.fromEntries(params);
  }
  if (tags) {
    merged.tags = [...tags];
  }
  return orderedLike(merged);
}

/** `earlier` with every field of `later` that is neither null nor absent. */
function overlayNonNull(earlier: FileAccess, later: FileAccess): FileAccess {
  const result: Record<string, unknown> = { ...earlier };
  for (const [field, value] of Object.entries(later)) {
    if (value !== null && value !== undefined) {
      result[field] = value;
    }
  }
  if (settlesHash(later)) {
    // The kernel's final capture drops the flag rather than clearing it.
    delete result.hashPending;
  }
  return result as unknown as FileAccess;
}

/**
 * Whether a later capture of a file reports how its hashing ended (a hash
 * or an error) without a pending flag of its own: the earlier pending
 * flag is then over.
 */
export function settlesHash(later: FileAccess): boolean {
  return (
    later.hashPending === undefined &&
    ((later.sha256 !== null && later.sha256 !== undefined) ||
      (later.hashError !== null && later.hashError !== undefined))
  );
}

/** The fields in the schema's order (files, params, metrics, tags). */
function orderedLike(capture: ExecutionCapture): ExecutionCapture {
  const { files, params, metrics, tags } = capture;
  return {
    ...(files && { files }),
    ...(params && { params }),
    ...(metrics && { metrics }),
    ...(tags && { tags })
  };
}
