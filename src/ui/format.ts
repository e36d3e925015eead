import { Time } from '@jupyterlab/coreutils';
import type { TranslationBundle } from '@jupyterlab/translation';

/**
 * The file name of a notebook path ('a/b/c.ipynb' -> 'c.ipynb').
 */
export function baseName(path: string): string {
  const parts = path.split('/').filter(part => part.length > 0);
  return parts.length > 0 ? parts[parts.length - 1] : path;
}

/**
 * A date and time with seconds, in the page's language, for tooltips.
 */
export function formatAbsoluteTime(iso: string): string {
  const date = new Date(iso);
  if (isNaN(date.getTime())) {
    return iso;
  }
  return formatter('dateTime', {
    dateStyle: 'medium',
    timeStyle: 'medium'
  }).format(date);
}

/**
 * A time relative to now ('5 minutes ago'), as JupyterLab shows them.
 */
export function formatRelativeTime(iso: string): string {
  const date = new Date(iso);
  return isNaN(date.getTime()) ? iso : Time.formatHuman(date);
}

/**
 * The clock time of a moment ('14:03:27'), for timeline rows.
 */
export function formatClockTime(iso: string): string {
  const date = new Date(iso);
  if (isNaN(date.getTime())) {
    return iso;
  }
  return formatter('clock', { timeStyle: 'medium' }).format(date);
}

/**
 * A day and time without seconds ('Nov 20, 10:00 AM'), to name a session.
 */
export function formatShortDateTime(iso: string): string {
  const date = new Date(iso);
  if (isNaN(date.getTime())) {
    return iso;
  }
  return formatter('dayTime', {
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit'
  }).format(date);
}

/**
 * One Intl.DateTimeFormat per kind and page language: making one costs
 * far more than formatting with it, and rows format on every render.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(
  kind: string,
  options: Intl.DateTimeFormatOptions
): Intl.DateTimeFormat {
  const lang = document.documentElement.lang || 'en';
  const key = `${kind} ${lang}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang, options);
    formatters.set(key, format);
  }
  return format;
}

/**
 * A duration short enough for a badge: '85 ms', '1.2 s', '3 min 4 s',
 * '2 h 5 min'.
 */
export function formatDuration(ms: number): string {
  if (!isFinite(ms) || ms < 0) {
    return '';
  }
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 10_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) {
    return `${seconds} s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ${seconds % 60} s`;
  }
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * The first lines of some code, with a marker when lines were left out.
 */
export function codeSnippet(code: string, maxLines = 3): string {
  const lines = code.replace(/\s+$/, '').split('\n');
  if (lines.length <= maxLines) {
    return lines.join('\n');
  }
  // The marker goes on the last line shown: a line of its own would be
  // clipped by the snippet's height.
  return `${lines.slice(0, maxLines).join('\n')} …`;
}

/**
 * The prompt of an execution as a notebook shows it: `[3]`, or `[ ]` when
 * the kernel gave no execution count.
 */
export function executionPrompt(executionCount: number | null): string {
  return `[${executionCount ?? ' '}]`;
}

/**
 * A title and a message for an error from the Trail server or client.
 *
 * #### Notes
 * Duck-typed on the client's error names so that the panel also explains
 * errors from readers other than the HTTP client.
 */
export function describeLoadError(
  error: Error,
  trans: TranslationBundle
): { title: string; message: string } {
  const status = (error as { status?: unknown }).status;
  if (error.name === 'TrailNetworkError') {
    return {
      title: trans.__('The Trail server is unreachable'),
      message: error.message
    };
  }
  if (status === 401 || status === 403) {
    return {
      title: trans.__('The Trail server refused the token'),
      message: error.message
    };
  }
  if (typeof status === 'number') {
    return {
      title: trans.__('The Trail server answered with an error'),
      message: error.message
    };
  }
  return {
    title: trans.__('Could not load Trail data'),
    message: error.message
  };
}

/**
 * A size in bytes as people read it: '812 B', '1.4 KB', '23 MB' (powers of
 * 1024, as file managers show them).
 */
export function formatBytes(bytes: number | null | undefined): string {
  if (typeof bytes !== 'number' || !isFinite(bytes) || bytes < 0) {
    return '';
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/**
 * The first characters of a hash, enough to tell versions apart at a glance.
 */
export function shortHash(sha256: string, length = 12): string {
  return sha256.slice(0, length);
}

/**
 * A metric or param value: numbers with at most 6 significant digits,
 * null as 'NaN' (JSON cannot carry NaN or infinities).
 */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) {
    return value === null ? 'NaN' : '';
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value)) {
      return String(value);
    }
    return String(Number(value.toPrecision(6)));
  }
  return String(value);
}
