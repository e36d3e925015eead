/**
 * What an execution did, as the slicing rule (#15, contract 2) reads it:
 * the files it wrote and read (from the recorded capture), the metrics and
 * params it logged, and the failure that ended it. Pure helpers over one
 * ExecutionRecord.
 */
import type { ExecutionRecord, FileAccess } from '../schema';

/** The role `trail.dataset` gives a file the code writes. */
const OUTPUT_ROLE = 'output';

/**
 * Whether a recorded path is absolute (POSIX, or a Windows drive): the
 * pipeline finds such a file only where it was, not beside its folder.
 */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path);
}

/** A path as captured, without `./` in front or `/` behind. */
export function normalisePath(path: string): string {
  let p = path.trim().replace(/\\/g, '/');
  while (p.startsWith('./')) {
    p = p.slice(2);
  }
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

function files(execution: ExecutionRecord): FileAccess[] {
  return execution.capture?.files ?? [];
}

/** Whether a captured access wrote (as inputsOf reads it: not a pure read, or declared an output). */
export function isWrite(file: FileAccess): boolean {
  return file.access !== 'read' || file.role === OUTPUT_ROLE;
}

/** Whether a captured access read the file (a readwrite reads it too). */
export function isRead(file: FileAccess): boolean {
  return file.access !== 'write' && file.role !== OUTPUT_ROLE;
}

/** The files (and folders) an execution wrote, first write first, each once. */
export function writesOf(execution: ExecutionRecord): FileAccess[] {
  return unique(files(execution).filter(isWrite));
}

/** The files (and folders) an execution read, each once. */
export function readsOf(execution: ExecutionRecord): FileAccess[] {
  return unique(files(execution).filter(isRead));
}

function unique(list: FileAccess[]): FileAccess[] {
  const seen = new Set<string>();
  return list.filter(file => {
    const key = normalisePath(file.path);
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

/** Whether a write produced `target`: the path itself or a folder holding it. */
export function produces(written: FileAccess, target: string): boolean {
  const w = normalisePath(written.path);
  const t = normalisePath(target);
  return w === t || t.startsWith(w + '/');
}

/** The names of the metrics an execution logged, first logged first. */
export function metricsOf(execution: ExecutionRecord): string[] {
  const names: string[] = [];
  for (const point of execution.capture?.metrics ?? []) {
    if (!names.includes(point.name)) {
      names.push(point.name);
    }
  }
  return names;
}

/** The names of the params an execution logged. */
export function paramsOf(execution: ExecutionRecord): string[] {
  return Object.keys(execution.capture?.params ?? {});
}

/** "a, b and c", or the first `max` and "N more". */
export function listed(items: readonly string[], max = 4): string {
  if (items.length <= 1) {
    return items.join('');
  }
  if (items.length > max) {
    return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
  }
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "failed: NameError: name 'x' is not defined", on one line and not too long. */
export function failureOf(execution: ExecutionRecord): string {
  const error = execution.error;
  if (!error) {
    return 'failed';
  }
  const value = (error.evalue ?? '').split('\n')[0].trim();
  const text = value ? `${error.ename}: ${value}` : error.ename;
  return `failed: ${text.length > 160 ? text.slice(0, 159) + '…' : text}`;
}
