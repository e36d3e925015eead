/**
 * Clock noise the replay benchmark (bench/replay, 13_training_loop_timings)
 * found flagged as divergences: a `<n> ms` after a timing word, the repr of
 * `datetime.now()`, a progress line's elapsed seconds. Each rule is tested
 * on both sides: the clock is ignored, a data value that merely looks like
 * it still differs.
 */
import {
  compareExecutions,
  ComparableExecution
} from '../../src/records/replay/compare';
import { normaliseText } from '../../src/records/replay/normalise';
import type { Output } from '../../src/records/schema';

const RECORDED_AT = {
  startedAt: '2026-11-02T09:15:00.000Z',
  endedAt: '2026-11-02T09:15:02.000Z'
};
const REPLAYED_AT = {
  startedAt: '2026-12-06T21:05:02.000Z',
  endedAt: '2026-12-06T21:05:04.500Z'
};

const stdout = (text: string): Output => ({
  output_type: 'stream',
  name: 'stdout',
  text
});
const result = (plain: string): Output => ({
  output_type: 'execute_result',
  execution_count: 9,
  data: { 'text/plain': plain },
  metadata: {}
});
const run = (outputs: Output[], at = RECORDED_AT): ComparableExecution => ({
  status: 'ok',
  outputs,
  ...at
});

/** The verdict of a recorded and a replayed output, and what was ignored. */
function compare(recorded: Output, replayed: Output) {
  const { verdict, ignored } = compareExecutions(
    run([recorded]),
    run([replayed], REPLAYED_AT)
  );
  return { verdict, ignored };
}

describe('durations in timing phrases', () => {
  it('ignores "<n> ms" after a timing word (the benchmark\'s "lstsq takes 0.096 ms")', () => {
    expect(
      compare(
        stdout('lstsq takes 0.096 ms\n'),
        stdout('lstsq takes 0.104 ms\n')
      )
    ).toEqual({ verdict: 'same', ignored: ['duration'] });
    for (const [a, b] of [
      ['fit took 12 ms', 'fit took 9 ms'],
      ['done in 3.2ms', 'done in 2.7ms'],
      ['elapsed: 0.5 s', 'elapsed: 0.61 s'],
      ['Took about 1.5 s', 'Took about 1.1 s'],
      ['time spent 40 ms', 'time spent 38 ms'],
      ['model fitted (1.2s)', 'model fitted (0.9s)'],
      ['saved to disk (12 ms).', 'saved to disk (15 ms).']
    ]) {
      expect(compare(stdout(a), stdout(b))).toEqual({
        verdict: 'same',
        ignored: ['duration']
      });
    }
    expect(normaliseText('lstsq takes 0.096 ms').text).toBe(
      'lstsq takes <duration>'
    );
  });

  it('still finds a different duration that is data, not a timing', () => {
    for (const [a, b] of [
      // a unit of time with no timing word: a setting or a measured value
      ['sampling period 0.096 ms', 'sampling period 0.104 ms'],
      ['latency p95: 12 ms', 'latency p95: 14 ms'],
      // a table of durations
      [
        '   trip  duration_s\n0  A    12 s\n1  B    30 s',
        '   trip  duration_s\n0  A    12 s\n1  B    31 s'
      ],
      // in parentheses but a whole number of seconds: a window size
      ['rolling window (5 s)', 'rolling window (10 s)'],
      // a fraction in parentheses, but not a line's closing timing
      ['limit (1.2s) exceeded by 3 calls', 'limit (1.5s) exceeded by 3 calls']
    ]) {
      expect(compare(stdout(a), stdout(b)).verdict).toBe('differs');
    }
    // A timing word does not hide the numbers around it.
    expect(
      compare(
        stdout('lstsq takes 0.096 ms, residual 0.0123\n'),
        stdout('lstsq takes 0.104 ms, residual 0.0124\n')
      ).verdict
    ).toBe('differs');
  });
});

describe('the repr of datetime.now() and date.today()', () => {
  it("ignores a datetime repr inside the run's window", () => {
    expect(
      compare(
        result('datetime.datetime(2026, 11, 2, 9, 15, 1, 270652)'),
        result('datetime.datetime(2026, 12, 6, 21, 5, 3, 123456)')
      )
    ).toEqual({ verdict: 'same', ignored: ['timestamp'] });
    // today's date, a whole-second time, and pandas' Timestamp
    expect(
      compare(
        result(
          '(datetime.date(2026, 11, 2), datetime.datetime(2026, 11, 2, 9, 15))'
        ),
        result(
          '(datetime.date(2026, 12, 6), datetime.datetime(2026, 12, 6, 21, 5, 3))'
        )
      ).verdict
    ).toBe('same');
    expect(
      compare(
        result("Timestamp('2026-11-02 09:15:01.412000')"),
        result("Timestamp('2026-12-06 21:05:03.120000')")
      ).verdict
    ).toBe('same');
    expect(
      normaliseText(
        'datetime.datetime(2026, 12, 6, 21, 5, 3, 123456, tzinfo=datetime.timezone.utc)',
        {
          clock: {
            startMs: Date.parse(REPLAYED_AT.startedAt),
            endMs: Date.parse(REPLAYED_AT.endedAt)
          }
        }
      ).text
    ).toBe('datetime.datetime(<timestamp>, tzinfo=datetime.timezone.utc)');
  });

  it('still finds a different date of the data, and a time zone that changed', () => {
    // far from either run: data
    expect(
      compare(
        result('datetime.datetime(2019, 3, 1, 9, 30)'),
        result('datetime.datetime(2019, 3, 1, 9, 45)')
      ).verdict
    ).toBe('differs');
    expect(
      compare(
        result('datetime.date(2019, 3, 1)'),
        result('datetime.date(2019, 3, 2)')
      ).verdict
    ).toBe('differs');
    // the clock recorded, a data date replayed
    expect(
      compare(
        result('datetime.datetime(2026, 11, 2, 9, 15, 1)'),
        result('datetime.datetime(2019, 3, 1, 9, 15, 1)')
      ).verdict
    ).toBe('differs');
    // the same numbers, not a datetime: a tuple of data
    expect(
      compare(
        result('(2026, 11, 2, 9, 15, 1, 270652)'),
        result('(2026, 12, 6, 21, 5, 3, 123456)')
      ).verdict
    ).toBe('differs');
    // the zone is compared
    expect(
      compare(
        result(
          'datetime.datetime(2026, 11, 2, 9, 15, 1, tzinfo=datetime.timezone.utc)'
        ),
        result(
          "datetime.datetime(2026, 12, 6, 21, 5, 3, tzinfo=zoneinfo.ZoneInfo(key='Europe/Paris'))"
        )
      ).verdict
    ).toBe('differs');
  });
});

describe('times on a progress line', () => {
  const line = (loss: string, elapsed: string) =>
    `\r[#####...............] 50/200 loss 0.512000 0.001s` +
    `\r[####################] 200/200 loss ${loss} ${elapsed}\n`;

  it("ignores the elapsed seconds of a hand-written progress line (the benchmark's)", () => {
    expect(
      compare(
        stdout(line('0.010085', '0.005s')),
        stdout(line('0.010085', '0.007s'))
      )
    ).toEqual({ verdict: 'same', ignored: ['duration'] });
    expect(normaliseText(line('0.010085', '0.005s')).text).toBe(
      '[####################] 200/200 loss 0.010085 <duration>\n'
    );
    for (const [a, b] of [
      ['Epoch 3/10 - loss 0.4410 - 1.2s', 'Epoch 3/10 - loss 0.4410 - 0.9s'],
      ['120/120 done, 0.005s/it', '120/120 done, 0.008s/it'],
      ['step 40/100 1234.5it/s', 'step 40/100 2210.0it/s'],
      ['loop: 0.005s/it', 'loop: 0.011s/it']
    ]) {
      expect(compare(stdout(a), stdout(b))).toEqual({
        verdict: 'same',
        ignored: ['duration']
      });
    }
  });

  it('still finds a different loss on the line, and seconds on a line that is no progress', () => {
    expect(
      compare(
        stdout(line('0.010085', '0.005s')),
        stdout(line('0.010091', '0.005s'))
      ).verdict
    ).toBe('differs');
    for (const [a, b] of [
      // not a progress line: a ratio in the middle, a setting in seconds
      ['ratio 3/4 at 0.005s', 'ratio 3/4 at 0.007s'],
      ['debounce 0.005s', 'debounce 0.007s'],
      // a count that is not n of N (more done than the total): data
      ['12/5 0.5s', '12/5 0.7s'],
      // a speed that is not iterations per second
      ['50/100 wind 3.2 m/s', '50/100 wind 3.9 m/s']
    ]) {
      expect(compare(stdout(a), stdout(b)).verdict).toBe('differs');
    }
  });
});
