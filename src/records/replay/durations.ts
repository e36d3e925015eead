/**
 * Durations a replay prints differently because the clock runs at another
 * speed: %time and %timeit, "took 1.2 s", progress lines. Only a duration
 * in a timing phrase is the clock: a unit of time next to a timing word,
 * in IPython's or tqdm's or Keras' own formats, at the end of a status
 * line in parentheses, or on a progress line. A `<n> ms` anywhere else
 * ("sampling period 0.5 ms", a column of latencies) is data, and a
 * different number there is a divergence.
 */
import type { INormalisation } from './normalise';

const UNIT =
  '(?:ns|µs|μs|us|ms|s|sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?)';
const NUMBER = '\\d+(?:[.,]\\d+)?';
const AMOUNT = `${NUMBER}\\s?${UNIT}`;

/**
 * Words after which an amount of time is how long something took:
 * "lstsq takes 0.096 ms", "took 12 ms", "finished in 3.2ms",
 * "elapsed: 0.5 s", "time spent 1.1 s".
 */
const TIMING_WORDS = [
  'took',
  'Took',
  'takes',
  'Takes',
  'take',
  'taking',
  'Taking',
  'elapsed',
  'Elapsed',
  'in',
  'In',
  'after',
  'After',
  'duration',
  'Duration',
  'time',
  'Time',
  'runtime',
  'Runtime',
  'spent',
  'Spent',
  'lasted',
  'wall',
  'Wall'
].join('|');

/** Between a timing word and its amount: ":", "=", "about", "~". */
const TIMING_GAP = '(:?\\s*=?\\s*(?:~\\s*|about\\s+|approx\\.?\\s+)?)';

/**
 * A bar of a progress line, `[#####.....]`, `|████      |`, `[===>  ]`:
 * only bar characters, at least five, one of them drawn.
 */
const PROGRESS_BAR = /[[|](?=[^\]|]*[#=>█▉▊▋▌▍▎▏-])[ #=>.█▉▊▋▌▍▎▏-]{5,}[\]|]/;

/** A line starting with a count of steps done: `200/200 ...`, `Epoch 3/10 ...`. */
const PROGRESS_COUNT =
  /^\s*(?:(?:[Ee]poch|EPOCH|[Ss]tep|[Bb]atch|[Ii]ter(?:ation)?)\s*)?(\d+)\s*\/\s*(\d+)\b/;

/** A progress line: a bar, or a count of steps done (n of N) at its start. */
function isProgressLine(line: string): boolean {
  if (PROGRESS_BAR.test(line)) {
    return true;
  }
  const count = PROGRESS_COUNT.exec(line);
  return count !== null && Number(count[1]) <= Number(count[2]);
}

/** An amount of time standing as a word of its own (not `0.5s/it`, not `5 sheep`). */
const LONE_AMOUNT = new RegExp(
  `(?<![\\w.,:/<])${NUMBER}\\s?${UNIT}(?![\\w/])`,
  'g'
);

/** On a progress line, every amount of time is the clock: `... loss 0.0101 0.005s`. */
function progressLineTimes(text: string): string {
  return text
    .split('\n')
    .map(line =>
      isProgressLine(line) ? line.replace(LONE_AMOUNT, '<duration>') : line
    )
    .join('\n');
}

/**
 * Durations in timing phrases: IPython's %time and %timeit, "took 1.2 s",
 * "elapsed: 0.1s", "in 3.2 seconds", tqdm's [elapsed<remaining, rate],
 * Keras' "12ms/step" and "ETA: 3s", joblib's "elapsed: 1.2s", a status
 * line's "done (1.2s)", the times on a progress line.
 */
export const DURATION: INormalisation = {
  name: 'duration',
  apply: text =>
    progressLineTimes(
      text
        // CPU times: user 1.2 ms, sys: 0 ns, total: 1.2 ms
        .replace(
          new RegExp(
            `\\b(user|sys|total|Wall time|Wall|CPU time|CPU times)(:?\\s*)${AMOUNT}`,
            'g'
          ),
          '$1$2<duration>'
        )
        // %timeit: 1.2 ms ± 3.4 µs per loop (mean ± std. dev. of 7 runs, 1,000 loops each)
        .replace(
          new RegExp(
            `${AMOUNT}\\s*±\\s*${AMOUNT} per loop \\(mean ± std\\. dev\\. of [\\d,]+ runs?, [\\d,]+ loops? each\\)`,
            'g'
          ),
          '<duration> per loop (<timeit runs>)'
        )
        // The slowest run took 4.5 times longer than the fastest.
        .replace(
          /\bThe slowest run took [\d.]+ times longer/g,
          'The slowest run took <n> times longer'
        )
        // tqdm: [00:01<00:02, 95.23it/s] and [00:01, 3.2s/it]
        .replace(
          /\[(\d+:)?\d+:\d+(<(\d+:)?\d+:\d+|<\?)?(,\s*(\?|[\d.]+[kMG]?)\s?(it|[A-Za-z]+)\/s|,\s*[\d.]+s\/(it|[A-Za-z]+))?\]/g,
          '[<elapsed>]'
        )
        // Keras: 12ms/step, 1s/epoch; a loop's 0.005s/it outside tqdm's brackets
        .replace(
          new RegExp(
            `\\b${NUMBER}\\s?(ms|s|us|µs)\\/(step|epoch|sample|it|iter|batch)\\b`,
            'g'
          ),
          '<duration>/$2'
        )
        // a rate of iterations: 1234.5it/s, 12.3 it/s
        .replace(/\b\d+(?:\.\d+)?\s?(it|iters?)\/s\b/g, '<rate> $1/s')
        .replace(/\bETA:\s*(\d+:)*\d+s?\b/g, 'ETA: <duration>')
        // took 1.2 s, lstsq takes 0.096 ms, in 3.2 seconds, elapsed: 0.1s, time: 0.3s
        .replace(
          new RegExp(`\\b(${TIMING_WORDS})${TIMING_GAP}${AMOUNT}\\b`, 'g'),
          '$1$2<duration>'
        )
        // elapsed: 0:00:01.23 / took 0:00:03
        .replace(
          new RegExp(
            `\\b(${TIMING_WORDS})(:?\\s*=?\\s*)\\d+:\\d{2}:\\d{2}(\\.\\d+)?\\b`,
            'g'
          ),
          '$1$2<duration>'
        )
        // a status line's own timing at its end: "done (1.2s)", "fitted (12 ms)."
        // (a fraction or a unit below the second; "window (5 s)" is a setting)
        .replace(
          new RegExp(
            `\\((?:\\d+[.,]\\d+\\s?${UNIT}|\\d+\\s?(?:ns|µs|μs|us|ms))\\)(?=[.!]?[ \\t]*$)`,
            'gm'
          ),
          '(<duration>)'
        )
    )
};
