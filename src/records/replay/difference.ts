/**
 * The pieces of a replay's divergence rules that every kind of output
 * shares: what a comparison answers, the context that normalises both sides
 * (and remembers which rules hid a difference), and text compared by line.
 */
import { diffLines } from 'diff';
import type { ExecutionRecord } from '../schema';
import { IClockWindow, normaliseText } from './normalise';

/** How a replayed execution compares with the recorded one. */
export type Verdict = 'same' | 'differs' | 'new-error' | 'error-gone';

/** One difference between a recorded and a replayed output. */
export interface OutputDifference {
  /** The output's index among the recorded outputs (the replayed ones for `extra`). */
  index: number;
  kind: 'text' | 'image' | 'table' | 'missing' | 'extra' | 'type';
  /** The mime type compared, or `stream/stdout`, `stream/stderr`, `error`. */
  mimeType?: string;
  /** The recorded value as text (cut to {@link MAX_SHOWN_CHARS}); absent for images. */
  recorded?: string;
  replayed?: string;
  /** One line a person reads: what differs and where first. */
  summary: string;
}

/** The verdict, the differences, and what nondeterminism was normalised away. */
export interface ExecutionComparison {
  verdict: Verdict;
  differences: OutputDifference[];
  /** The normalisations that hid a difference, e.g. "memory address". */
  ignored: string[];
}

/** Options of {@link compareExecutions}. */
export interface ICompareOptions {
  /** Compare every character: no normalisation of nondeterministic tokens. */
  strict?: boolean;
}

/** A value shown in a difference is cut to this many characters. */
export const MAX_SHOWN_CHARS = 100_000;

/** The fields of an execution the rules read. */
export type ComparableExecution = Pick<
  ExecutionRecord,
  'status' | 'outputs' | 'error' | 'startedAt' | 'endedAt'
>;

/** Normalises both sides and remembers which rules hid a difference. */
export class ComparisonContext {
  readonly ignored = new Set<string>();

  constructor(
    private readonly options: ICompareOptions,
    private readonly recordedClock: IClockWindow | undefined,
    private readonly replayedClock: IClockWindow | undefined
  ) {}

  /** Both texts normalised (their own clock each). */
  normalise(recorded: string, replayed: string): [string, string] {
    const a = normaliseText(recorded, {
      strict: this.options.strict,
      clock: this.recordedClock
    });
    const b = normaliseText(replayed, {
      strict: this.options.strict,
      clock: this.replayedClock
    });
    if (a.text === b.text && recorded !== replayed) {
      // Report the rules that made the two equal: those without which
      // they would differ.
      for (const name of new Set([...a.applied, ...b.applied])) {
        if (
          !this.ignored.has(name) &&
          this.differsWithout(name, recorded, replayed)
        ) {
          this.ignored.add(name);
        }
      }
    }
    return [a.text, b.text];
  }

  private differsWithout(
    rule: string,
    recorded: string,
    replayed: string
  ): boolean {
    const a = normaliseText(recorded, {
      clock: this.recordedClock,
      skip: rule
    });
    const b = normaliseText(replayed, {
      clock: this.replayedClock,
      skip: rule
    });
    return a.text !== b.text;
  }

  sameText(recorded: string, replayed: string): boolean {
    const [a, b] = this.normalise(recorded, replayed);
    return a === b;
  }
}

/** A value shown in a difference, cut to {@link MAX_SHOWN_CHARS}. */
export function cut(text: string): string {
  return text.length > MAX_SHOWN_CHARS
    ? text.slice(0, MAX_SHOWN_CHARS) + '…'
    : text;
}

/** A line quoted for a summary, cut to 80 characters. */
export function quote(line: string): string {
  const short = line.length > 80 ? line.slice(0, 79) + '…' : line;
  return JSON.stringify(short);
}

/**
 * A line diff's summary: how many lines differ on each side and the first
 * differing pair, e.g. `stream/stdout differs (1 line recorded, 1 line
 * replayed); first at line 4: "acc 0.93" → "acc 0.91"`.
 */
export function textSummary(label: string, a: string, b: string): string {
  const changes = diffLines(a, b);
  const total = (kind: 'added' | 'removed') =>
    changes.filter(c => c[kind]).reduce((n, c) => n + (c.count ?? 0), 0);
  const removed = total('removed');
  const added = total('added');
  // The first hunk: the changes after the first unchanged run, up to the next.
  let line = 1;
  let at = 0;
  while (at < changes.length && !changes[at].added && !changes[at].removed) {
    line += changes[at].count ?? 0;
    at++;
  }
  let recorded: string | undefined;
  let replayed: string | undefined;
  for (
    ;
    at < changes.length && (changes[at].added || changes[at].removed);
    at++
  ) {
    const top = changes[at].value.split('\n')[0];
    if (changes[at].removed) {
      recorded = recorded ?? top;
    } else {
      replayed = replayed ?? top;
    }
  }
  const lines = (n: number) => (n === 1 ? '1 line' : `${n} lines`);
  const counts = [
    removed ? `${lines(removed)} recorded` : '',
    added ? `${lines(added)} replayed` : ''
  ]
    .filter(Boolean)
    .join(', ');
  const what =
    recorded !== undefined && replayed !== undefined
      ? `${quote(recorded)} → ${quote(replayed)}`
      : recorded !== undefined
        ? `${quote(recorded)} is gone`
        : `${quote(replayed ?? '')} is new`;
  return `${label} differs (${counts}); first at line ${line}: ${what}`;
}

/** Compares two texts (normalised); a `text` difference, or undefined. */
export function compareText(
  index: number,
  mimeType: string,
  recorded: string,
  replayed: string,
  context: ComparisonContext
): OutputDifference | undefined {
  const [a, b] = context.normalise(recorded, replayed);
  if (a === b) {
    return undefined;
  }
  return {
    index,
    kind: 'text',
    mimeType,
    recorded: cut(recorded),
    replayed: cut(replayed),
    summary: textSummary(mimeType, a, b)
  };
}
