/**
 * What a replay may print differently without having diverged: memory
 * addresses, clock times, timings, process ids, object ids and temporary
 * paths. Each rule rewrites such a token to a placeholder on both sides of a
 * comparison, so two outputs that differ only there compare equal; the
 * rules that hid a difference are named in the comparison's `ignored`.
 * Numbers are never rounded: a number that differs outside a timing phrase
 * is a divergence.
 */

import { DURATION } from './durations';

/** A named rewrite of nondeterministic tokens. */
export interface INormalisation {
  /** What the rule hides, as a person reads it in `ignored`. */
  name: string;
  /** Rewrites the text; `clock` tells when the text was produced. */
  apply(text: string, clock: IClockWindow | undefined): string;
}

/**
 * When an output was produced (its execution's start and end): a date or
 * time inside this window, give or take a day (time zones, a run over
 * midnight), is the clock, not data.
 */
export interface IClockWindow {
  startMs: number;
  endMs: number;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Renders carriage returns as a terminal does (progress bars rewrite their
 * line) and CRLF as LF: what a person sees in the notebook, so it applies
 * in strict comparisons too.
 */
export function renderTerminalText(text: string): string {
  if (!text.includes('\r')) {
    return text;
  }
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map(line => {
      // The last rewrite of the line wins; a trailing \r rewrites nothing.
      const parts = line.split('\r');
      let shown = '';
      for (const part of parts) {
        shown = part + shown.slice(part.length);
      }
      return shown;
    })
    .join('\n');
}

/**
 * Where the installed packages are (a warning names its file): another
 * virtualenv or machine has them elsewhere, as `<site-packages>/`.
 */
const LIBRARY_PATH: INormalisation = {
  name: 'library path',
  apply: text =>
    text.replace(
      /(?:[A-Za-z]:)?[\\/][^\s'"<>:]*?[\\/](?:site|dist)-packages[\\/]/g,
      '<site-packages>/'
    )
};

/** `0x7f3a...`: an object's address in a repr. */
const MEMORY_ADDRESS: INormalisation = {
  name: 'memory address',
  apply: text => text.replace(/\b0x[0-9a-fA-F]{6,16}\b/g, '0x<address>')
};

/** UUIDs (widget model ids, run ids, temporary names). */
const OBJECT_ID: INormalisation = {
  name: 'object id',
  apply: text =>
    text.replace(
      /\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g,
      '<uuid>'
    )
};

/** `pid 1234`, `PID: 1234`, `process 1234`, ipykernel's per-process folder. */
const PROCESS_ID: INormalisation = {
  name: 'process id',
  apply: text =>
    text
      .replace(
        /\b(pid|PID|process id|Process ID|process|Process)([ =:#]+)\d+\b/g,
        '$1$2<pid>'
      )
      .replace(/\bipykernel_\d+\b/g, 'ipykernel_<pid>')
};

/**
 * Paths under the system's temporary folders, up to the next space or
 * quote: `/tmp/...`, `/var/folders/.../T/...`, `...\AppData\Local\Temp\...`.
 */
const TEMP_PATH: INormalisation = {
  name: 'temporary path',
  apply: text =>
    text.replace(
      /(?:\/private)?\/(?:tmp|var\/tmp|var\/folders)\/[^\s'"<>),:]*|[A-Za-z]:\\Users\\[^\\\s]+\\AppData\\Local\\Temp\\[^\s'"<>),:]*/g,
      '<tmp>'
    )
};

const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';
const WEEKDAYS = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';

/**
 * Dates and times in the formats programs print: ISO 8601 (with T or a
 * space, optional seconds, fractions and offset), `time.ctime()`, RFC 2822
 * (HTTP, email), `logging`'s `2026-12-06 16:14:07,123`.
 */
const DATE_TIME = new RegExp(
  [
    // ISO date, optionally with a time
    `\\b\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?\\b`,
    // Mon Dec  6 16:14:07 2026
    `\\b(?:${WEEKDAYS}) (?:${MONTHS}) [ \\d]\\d \\d{2}:\\d{2}:\\d{2} \\d{4}\\b`,
    // Sun, 06 Dec 2026 16:14:07 GMT
    `\\b(?:${WEEKDAYS}), \\d{1,2} (?:${MONTHS}) \\d{4} \\d{2}:\\d{2}:\\d{2}(?: (?:GMT|UTC|[+-]\\d{4}))?`,
    // a bare time of day 16:14:07 (with fractions)
    `\\b\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?\\b`
  ].join('|'),
  'g'
);

/**
 * Dates and times of the clock: a date or time printed inside the window of
 * its execution (give or take a day). A date far from it (a data column's
 * 2019-03-01) is data, and stays. Without a window, only date-times with a
 * time of day count as the clock.
 */
const CLOCK_TIME: INormalisation = {
  name: 'timestamp',
  apply: (text, clock) =>
    text
      .replace(DATE_TIME, token =>
        isClockTime(token, clock) ? '<timestamp>' : token
      )
      .replace(EPOCH, token =>
        isClockEpoch(token, clock) ? '<timestamp>' : token
      )
      .replace(DATE_TIME_REPR, (whole, type: string, ...fields: unknown[]) =>
        isClockTime(reprAsIso(type, fields.slice(0, 7)), clock)
          ? `datetime.${type}(<timestamp>`
          : whole
      )
};

/**
 * The repr of a `datetime.datetime` or `datetime.date` (what a cell ending
 * in `datetime.now()` or `date.today()` shows): its fields up to the time
 * zone, which stays compared. `Timestamp('...')` and `datetime64('...')`
 * hold an ISO string, which DATE_TIME finds.
 */
const DATE_TIME_REPR =
  /\bdatetime\.(datetime|date)\((\d{4}), (\d{1,2}), (\d{1,2})(?:, (\d{1,2}), (\d{1,2})(?:, (\d{1,2})(?:, (\d{1,6}))?)?)?(?=[,)])/g;

/** The ISO form of a repr's fields, for isClockTime: a date, or a date and time. */
function reprAsIso(type: string, fields: unknown[]): string {
  const [year, month, day, hour, minute, second, micro] = fields.map(f =>
    typeof f === 'string' ? f : undefined
  );
  const two = (n: string | undefined) => (n ?? '0').padStart(2, '0');
  const date = `${year}-${two(month)}-${two(day)}`;
  if (type === 'date' || hour === undefined) {
    return date;
  }
  const fraction = micro ? `.${micro.padStart(6, '0')}` : '';
  return `${date}T${two(hour)}:${two(minute)}:${two(second)}${fraction}`;
}

/** Seconds (with a fraction) or milliseconds since 1970: time.time(), Date.now(). */
const EPOCH = /\b1\d{9}(?:\.\d+)?\b|\b1\d{12}\b/g;

/** An epoch time inside the window: only with a window (else it is a number). */
function isClockEpoch(token: string, clock: IClockWindow | undefined): boolean {
  if (!clock) {
    return false;
  }
  const value = Number(token);
  const ms = token.length === 13 && !token.includes('.') ? value : value * 1000;
  return ms >= clock.startMs - DAY_MS && ms <= clock.endMs + DAY_MS;
}

function isClockTime(token: string, clock: IClockWindow | undefined): boolean {
  const bareTime = /^\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(token);
  if (bareTime) {
    // A time of day alone cannot be placed; only a window says it is now.
    return clock !== undefined;
  }
  const hasTime = /\d{2}:\d{2}/.test(token);
  if (!clock) {
    return hasTime;
  }
  const iso = /^\d{4}-\d{2}-\d{2}/.test(token)
    ? token.replace(' ', 'T').replace(',', '.')
    : token;
  const at = Date.parse(
    hasTime || !/^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso : `${iso}T12:00:00Z`
  );
  if (Number.isNaN(at)) {
    return false;
  }
  return at >= clock.startMs - DAY_MS && at <= clock.endMs + DAY_MS;
}

/**
 * The order of a set of strings in its repr: Python salts string hashes per
 * process (PYTHONHASHSEED), so `{'b', 'a'}` prints in another order in
 * another kernel. The elements are sorted; which elements stays compared.
 */
const SET_ORDER: INormalisation = {
  name: 'set order',
  apply: text =>
    text.replace(
      /\{('(?:[^'\\\n]|\\.)*'(?:, '(?:[^'\\\n]|\\.)*')+)\}/g,
      (_whole, items: string) =>
        `{${(items.match(/'(?:[^'\\\n]|\\.)*'/g) ?? []).sort().join(', ')}}`
    )
};

/** Every rule, in the order applied (addresses before ids, paths before times). */
export const NORMALISATIONS: readonly INormalisation[] = [
  LIBRARY_PATH,
  TEMP_PATH,
  MEMORY_ADDRESS,
  OBJECT_ID,
  PROCESS_ID,
  DURATION,
  CLOCK_TIME,
  SET_ORDER
];

/** A text with its nondeterministic tokens replaced, and the rules that matched. */
export interface INormalisedText {
  text: string;
  applied: string[];
}

/**
 * Normalises a text: terminal rendering always; the rules unless `strict`
 * (all but the one named `skip`).
 */
export function normaliseText(
  text: string,
  options: { strict?: boolean; clock?: IClockWindow; skip?: string } = {}
): INormalisedText {
  let out = renderTerminalText(text);
  const applied: string[] = [];
  if (options.strict) {
    return { text: out, applied };
  }
  for (const rule of NORMALISATIONS) {
    if (rule.name === options.skip) {
      continue;
    }
    const next = rule.apply(out, options.clock);
    if (next !== out) {
      applied.push(rule.name);
      out = next;
    }
  }
  return { text: out, applied };
}

/** The clock window of an execution, from its start and end times. */
export function clockOf(execution: {
  startedAt?: string;
  endedAt?: string;
}): IClockWindow | undefined {
  const start = execution.startedAt ? Date.parse(execution.startedAt) : NaN;
  const end = execution.endedAt ? Date.parse(execution.endedAt) : start;
  if (Number.isNaN(start)) {
    return undefined;
  }
  return {
    startMs: start,
    endMs: Number.isNaN(end) ? start : Math.max(start, end)
  };
}
