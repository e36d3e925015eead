/**
 * The divergence rules of a replay, on outputs as ipykernel really prints
 * them: pandas frames, scikit-learn reprs with addresses, %time and
 * %timeit, tqdm bars, tracebacks, matplotlib figures.
 */
import {
  compareExecutions,
  ComparableExecution
} from '../../src/records/replay/compare';
import { textSummary } from '../../src/records/replay/difference';
import { normaliseText } from '../../src/records/replay/normalise';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { Output } from '../../src/records/schema';

const RECORDED_AT = {
  startedAt: '2026-11-02T09:15:00.000Z',
  endedAt: '2026-11-02T09:15:02.000Z'
};
const REPLAYED_AT = {
  startedAt: '2026-12-06T18:40:10.000Z',
  endedAt: '2026-12-06T18:40:11.500Z'
};

function run(
  outputs: Output[],
  at = RECORDED_AT,
  status: ComparableExecution['status'] = 'ok'
): ComparableExecution {
  const error = outputs.find(o => o.output_type === 'error') as
    { ename: string; evalue: string } | undefined;
  return {
    status: error ? 'error' : status,
    outputs,
    ...(error ? { error: { ename: error.ename, evalue: error.evalue } } : {}),
    ...at
  };
}

const stdout = (text: string): Output => ({
  output_type: 'stream',
  name: 'stdout',
  text
});
const stderr = (text: string): Output => ({
  output_type: 'stream',
  name: 'stderr',
  text
});
const result = (data: Record<string, unknown>): Output => ({
  output_type: 'execute_result',
  execution_count: 3,
  data,
  metadata: {}
});
const display = (data: Record<string, unknown>): Output => ({
  output_type: 'display_data',
  data,
  metadata: {}
});
const error = (
  ename: string,
  evalue: string,
  file = '/tmp/ipykernel_48213/2310283751.py'
): Output => ({
  output_type: 'error',
  ename,
  evalue,
  traceback: [
    '\u001b[0;31m---------------------------------------------------------------------------\u001b[0m',
    `\u001b[0;31m${ename}\u001b[0m                         Traceback (most recent call last)`,
    `File \u001b[0;32m${file}:3\u001b[0m\n\u001b[1;32m      1\u001b[0m df \u001b[38;5;241m=\u001b[39m load()\n`,
    `\u001b[0;31m${ename}\u001b[0m: ${evalue}`
  ]
});

function frameHtml(rows: [string, number, string][], shape?: string): string {
  const body = rows
    .map(
      ([idx, a, b]) =>
        `    <tr>\n      <th>${idx}</th>\n      <td>${a}</td>\n      <td>${b}</td>\n    </tr>`
    )
    .join('\n');
  return `<div>\n<style scoped>\n    .dataframe tbody tr th:only-of-type {\n        vertical-align: middle;\n    }\n</style>\n<table border="1" class="dataframe">\n  <thead>\n    <tr style="text-align: right;">\n      <th></th>\n      <th>price</th>\n      <th>city</th>\n    </tr>\n  </thead>\n  <tbody>\n${body}\n  </tbody>\n</table>\n${shape ? `<p>${shape}</p>\n` : ''}</div>`;
}

function frameText(rows: [string, number, string][]): string {
  return [
    '   price    city',
    ...rows.map(([i, a, b]) => `${i}  ${a}  ${b}`)
  ].join('\n');
}

describe('compareExecutions', () => {
  it('finds a pandas frame with the same values the same, and names the differing cell', () => {
    const rows: [string, number, string][] = [
      ['0', 231000, 'Lyon'],
      ['1', 180500, 'Lille']
    ];
    const recorded = run([
      result({ 'text/plain': frameText(rows), 'text/html': frameHtml(rows) })
    ]);
    const same = run(
      [result({ 'text/plain': frameText(rows), 'text/html': frameHtml(rows) })],
      REPLAYED_AT
    );
    expect(compareExecutions(recorded, same)).toEqual({
      verdict: 'same',
      differences: [],
      ignored: []
    });

    const changed: [string, number, string][] = [
      ['0', 231000, 'Lyon'],
      ['1', 199000, 'Lille']
    ];
    const replayed = run(
      [
        result({
          'text/plain': frameText(changed),
          'text/html': frameHtml(changed)
        })
      ],
      REPLAYED_AT
    );
    const comparison = compareExecutions(recorded, replayed);
    expect(comparison.verdict).toBe('differs');
    expect(comparison.differences).toHaveLength(1);
    const [difference] = comparison.differences;
    expect(difference).toMatchObject({
      index: 0,
      kind: 'table',
      mimeType: 'text/html'
    });
    expect(difference.summary).toBe(
      'table differs: 1 value(s) differ; first at row 2, column "price": "180500" → "199000"'
    );
    expect(difference.replayed).toContain('199000');
  });

  it('compares a truncated frame by the shape pandas states', () => {
    const rows: [string, number, string][] = [['0', 1, 'a']];
    const recorded = run([
      result({ 'text/html': frameHtml(rows, '1000 rows × 2 columns') })
    ]);
    const replayed = run(
      [result({ 'text/html': frameHtml(rows, '998 rows × 2 columns') })],
      REPLAYED_AT
    );
    const [difference] = compareExecutions(recorded, replayed).differences;
    expect(difference.summary).toBe('table differs: shape 1000×2 → 998×2');
  });

  it('compares Table Schema bundles by columns and values', () => {
    const bundle = (score: number) => ({
      'application/vnd.dataresource+json': {
        schema: {
          fields: [
            { name: 'index', type: 'integer' },
            { name: 'score', type: 'number' }
          ]
        },
        data: [
          { index: 0, score: 0.5 },
          { index: 1, score }
        ]
      },
      'text/plain': `   score\n0    0.5\n1    ${score}`
    });
    const comparison = compareExecutions(
      run([display(bundle(0.75))]),
      run([display(bundle(0.8))], REPLAYED_AT)
    );
    expect(comparison.differences[0]).toMatchObject({
      kind: 'table',
      mimeType: 'application/vnd.dataresource+json'
    });
    expect(comparison.differences[0].summary).toContain('"0.75" → "0.8"');
  });

  it('ignores the memory address in a scikit-learn repr, unless strict', () => {
    const repr = (address: string) =>
      `<sklearn.pipeline.Pipeline object at ${address}>\nPipeline(steps=[('scale', StandardScaler()),\n                ('model', LogisticRegression(max_iter=500))])`;
    const recorded = run([
      result({ 'text/plain': repr('0x7f3a2c1d9e50') + "\n{'b', 'a'}" })
    ]);
    // The set prints in the same order on both sides: not reported.
    const replayed = run(
      [result({ 'text/plain': repr('0x7fb80a6b3c10') + "\n{'b', 'a'}" })],
      REPLAYED_AT
    );
    expect(compareExecutions(recorded, replayed)).toEqual({
      verdict: 'same',
      differences: [],
      ignored: ['memory address']
    });
    const strict = compareExecutions(recorded, replayed, { strict: true });
    expect(strict.verdict).toBe('differs');
    expect(strict.ignored).toEqual([]);
    expect(strict.differences[0].summary).toContain('first at line 1');
  });

  it('prefers text/plain to an estimator diagram, whose HTML ids are counters', () => {
    const html = (n: number) =>
      `<style>#sk-container-id-${n} {color: black;}</style><div id="sk-container-id-${n}" class="sk-top-container">LogisticRegression()</div>`;
    const recorded = run([
      result({ 'text/plain': 'LogisticRegression()', 'text/html': html(3) })
    ]);
    const replayed = run(
      [result({ 'text/plain': 'LogisticRegression()', 'text/html': html(1) })],
      REPLAYED_AT
    );
    expect(compareExecutions(recorded, replayed).verdict).toBe('same');
  });

  it('ignores %time and %timeit figures, but not the numbers a cell prints', () => {
    const recorded = run([
      stdout(
        'CPU times: user 1.21 s, sys: 84.2 ms, total: 1.3 s\nWall time: 1.31 s\n' +
          '12.3 ms ± 412 µs per loop (mean ± std. dev. of 7 runs, 100 loops each)\n' +
          'accuracy 0.9312\n'
      )
    ]);
    const replayed = run(
      [
        stdout(
          'CPU times: user 998 ms, sys: 51 ms, total: 1.05 s\nWall time: 1.07 s\n' +
            '9.87 ms ± 1.02 ms per loop (mean ± std. dev. of 7 runs, 10 loops each)\n' +
            'accuracy 0.9312\n'
        )
      ],
      REPLAYED_AT
    );
    expect(compareExecutions(recorded, replayed)).toEqual({
      verdict: 'same',
      differences: [],
      ignored: ['duration']
    });
    const otherAccuracy = run(
      [
        stdout(
          'CPU times: user 998 ms, sys: 51 ms, total: 1.05 s\nWall time: 1.07 s\n' +
            '9.87 ms ± 1.02 ms per loop (mean ± std. dev. of 7 runs, 10 loops each)\naccuracy 0.9313\n'
        )
      ],
      REPLAYED_AT
    );
    const comparison = compareExecutions(recorded, otherAccuracy);
    expect(comparison.verdict).toBe('differs');
    expect(comparison.differences[0]).toMatchObject({
      kind: 'text',
      mimeType: 'stream/stdout',
      index: 0
    });
    expect(comparison.differences[0].summary).toBe(
      'stream/stdout differs (1 line recorded, 1 line replayed); first at line 4: "accuracy 0.9312" → "accuracy 0.9313"'
    );
  });

  it('renders tqdm carriage returns and ignores its rates and times', () => {
    const bar = (n: number, t: string, rate: string) =>
      `${Math.round((n / 200) * 100)}%|${'█'.repeat(n / 20)}${' '.repeat(10 - n / 20)}| ${n}/200 [${t}<00:00, ${rate}it/s]`;
    const recorded = run([
      stderr(
        `\r${bar(0, '00:00', '?')}\r${bar(100, '00:01', '96.12')}\r${bar(200, '00:02', '98.40')}\n`
      )
    ]);
    const replayed = run(
      [stderr(`\r${bar(0, '00:00', '?')}\r${bar(200, '00:01', '187.03')}\n`)],
      REPLAYED_AT
    );
    const comparison = compareExecutions(recorded, replayed);
    expect(comparison.verdict).toBe('same');
    expect(comparison.ignored).toEqual(['duration']);
    expect(normaliseText(`\r${bar(200, '00:02', '98.40')}\n`).text).toBe(
      '100%|██████████| 200/200 [<elapsed>]\n'
    );
  });

  it('ignores clock times near the run, not the dates of the data', () => {
    const log = (at: string) =>
      `${at} INFO training started\nrows from 2019-03-01 to 2019-06-30\n`;
    const recorded = run([stdout(log('2026-11-02 09:15:00,412'))]);
    const replayed = run([stdout(log('2026-12-06 18:40:10,077'))], REPLAYED_AT);
    expect(compareExecutions(recorded, replayed)).toMatchObject({
      verdict: 'same',
      ignored: ['timestamp']
    });
    const otherData = run(
      [
        stdout(
          '2026-12-06 18:40:10,077 INFO training started\nrows from 2019-03-01 to 2019-07-31\n'
        )
      ],
      REPLAYED_AT
    );
    expect(compareExecutions(recorded, otherData).verdict).toBe('differs');
  });

  it('ignores where the packages are installed and epoch times of the run, not other numbers', () => {
    const warning = (prefix: string, at: number, n: number) =>
      `${prefix}/lib/python3.11/site-packages/sklearn/linear_model/_logistic.py:469: ConvergenceWarning: lbfgs failed to converge (status=1)\n` +
      `started at ${at}, ${n} iterations\n`;
    const recordedAt = Date.parse(RECORDED_AT.startedAt) / 1000 + 0.25;
    const replayedAt = Date.parse(REPLAYED_AT.startedAt) / 1000 + 0.5;
    const recorded = run([
      stderr(warning('/home/alice/.venv', recordedAt, 100))
    ]);
    const replayed = run(
      [stderr(warning('/opt/conda/envs/bob', replayedAt, 100))],
      REPLAYED_AT
    );
    expect(compareExecutions(recorded, replayed)).toEqual({
      verdict: 'same',
      differences: [],
      ignored: ['library path', 'timestamp']
    });
    const moreIterations = run(
      [stderr(warning('/opt/conda/envs/bob', replayedAt, 101))],
      REPLAYED_AT
    );
    expect(compareExecutions(recorded, moreIterations).verdict).toBe('differs');
    // A number that only looks like an epoch, far from the run, is data.
    expect(
      normaliseText('id 1234567890', {
        clock: {
          startMs: Date.parse(REPLAYED_AT.startedAt),
          endMs: Date.parse(REPLAYED_AT.endedAt)
        }
      }).text
    ).toBe('id 1234567890');
  });

  it('ignores the order of a set of strings (hash salting), not what is in it', () => {
    const recorded = run([stdout("cities {'Lyon', 'Lille', 'Paris'}\n")]);
    const reordered = run(
      [stdout("cities {'Paris', 'Lyon', 'Lille'}\n")],
      REPLAYED_AT
    );
    expect(compareExecutions(recorded, reordered)).toEqual({
      verdict: 'same',
      differences: [],
      ignored: ['set order']
    });
    const other = run(
      [stdout("cities {'Paris', 'Lyon', 'Nice'}\n")],
      REPLAYED_AT
    );
    expect(compareExecutions(recorded, other).verdict).toBe('differs');
    // A dict keeps its insertion order: its order is compared.
    expect(
      compareExecutions(
        run([stdout("{'a': 1, 'b': 2}\n")]),
        run([stdout("{'b': 2, 'a': 1}\n")], REPLAYED_AT)
      ).verdict
    ).toBe('differs');
  });

  it('ignores uuids, process ids and temporary paths', () => {
    const recorded = run([
      stdout(
        'run 5f1d7c1e-3b2a-4c8e-9d2f-0a1b2c3d4e5f saved to /tmp/tmpa8f3k2/model.pkl by pid 48213\n'
      )
    ]);
    const replayed = run(
      [
        stdout(
          'run 0e9c2d4b-71aa-4f0e-8c3b-5d6e7f809a1b saved to /tmp/tmpq01zzx/model.pkl by pid 911\n'
        )
      ],
      REPLAYED_AT
    );
    expect(compareExecutions(recorded, replayed)).toEqual({
      verdict: 'same',
      differences: [],
      ignored: ['object id', 'process id', 'temporary path']
    });
  });

  it('tells a new error, a gone error, and the same error with another traceback', () => {
    const ok = run([stdout('loaded 120 rows\n')]);
    const failed = run(
      [
        error(
          'FileNotFoundError',
          "[Errno 2] No such file or directory: 'data/houses.csv'"
        )
      ],
      REPLAYED_AT
    );
    const newError = compareExecutions(ok, failed);
    expect(newError.verdict).toBe('new-error');
    expect(newError.differences.map(d => d.kind).sort()).toEqual([
      'extra',
      'missing'
    ]);
    expect(compareExecutions(failed, ok).verdict).toBe('error-gone');

    const sameError = run(
      [
        error(
          'FileNotFoundError',
          "[Errno 2] No such file or directory: 'data/houses.csv'",
          '/tmp/ipykernel_911/99.py'
        )
      ],
      RECORDED_AT
    );
    expect(compareExecutions(sameError, failed).verdict).toBe('same');
    const otherError = run([error('KeyError', "'price'")], REPLAYED_AT);
    expect(compareExecutions(sameError, otherError).verdict).toBe('new-error');
  });

  it('compares images by their bytes and gives both sizes', () => {
    const png = (bytes: number[]) => Buffer.from(bytes).toString('base64');
    const figure = (bytes: number[]) =>
      display({
        'image/png': png(bytes),
        'text/plain': '<Figure size 640x480 with 1 Axes>'
      });
    const a = Array.from({ length: 3000 }, (_, i) => i % 251);
    const b = [...a, 1, 2, 3];
    const recorded = run([figure(a)]);
    expect(
      compareExecutions(recorded, run([figure(a)], REPLAYED_AT)).verdict
    ).toBe('same');
    const comparison = compareExecutions(
      recorded,
      run([figure(b)], REPLAYED_AT)
    );
    expect(comparison.verdict).toBe('differs');
    expect(comparison.differences[0]).toEqual({
      index: 0,
      kind: 'image',
      mimeType: 'image/png',
      summary: 'image/png differs: 2.9 KiB recorded, 2.9 KiB replayed'
    });
    // A stored blob of the same text is the same image.
    const text = png(a);
    const blob = {
      $blob: bytesToHex(sha256(utf8ToBytes(text))),
      size: text.length,
      encoding: 'text'
    };
    expect(
      compareExecutions(
        run([display({ 'image/png': blob })]),
        run([figure(a)], REPLAYED_AT)
      ).verdict
    ).toBe('same');
  });

  it('compares a value left as a blob by its hash, never as the JSON of the reference', () => {
    const html = '<div>' + 'x'.repeat(5000) + '</div>';
    const ref = {
      $blob: bytesToHex(sha256(utf8ToBytes(html))),
      size: html.length,
      encoding: 'text'
    };
    expect(
      compareExecutions(
        run([display({ 'text/html': ref })]),
        run([display({ 'text/html': html })], REPLAYED_AT)
      ).verdict
    ).toBe('same');
    const other = compareExecutions(
      run([display({ 'text/html': ref })]),
      run([display({ 'text/html': html + ' ' })], REPLAYED_AT)
    );
    expect(other.differences[0]).toMatchObject({
      kind: 'text',
      mimeType: 'text/html'
    });
    expect(other.differences[0].summary).toContain('compared unread');
  });

  it('reports missing, extra and retyped outputs', () => {
    const recorded = run([
      stdout('done\n'),
      display({ 'text/plain': 'A' }),
      display({ 'text/plain': 'B' })
    ]);
    const fewer = run(
      [stdout('done\n'), display({ 'text/plain': 'A' })],
      REPLAYED_AT
    );
    expect(compareExecutions(recorded, fewer).differences).toEqual([
      {
        index: 2,
        kind: 'missing',
        mimeType: 'text/plain',
        summary:
          'the replay has no display_data (text/plain) (recorded output 3)'
      }
    ]);
    const more = run(
      [
        display({ 'text/plain': 'A' }),
        display({ 'text/plain': 'B' }),
        display({ 'text/plain': 'C' })
      ],
      REPLAYED_AT
    );
    const comparison = compareExecutions(recorded, more);
    expect(comparison.differences.map(d => [d.kind, d.mimeType])).toEqual([
      ['missing', 'stream/stdout'],
      ['extra', 'text/plain']
    ]);
    const image = run(
      [
        stdout('done\n'),
        display({ 'image/png': 'iVBORw0KGgo=' }),
        display({ 'text/plain': 'B' })
      ],
      REPLAYED_AT
    );
    expect(compareExecutions(recorded, image).differences[0]).toMatchObject({
      kind: 'type',
      index: 1
    });
  });

  it('summarises a line the replay added or dropped at its place', () => {
    const recorded = run([stdout('epoch 1\nepoch 2\ndone\n')]);
    const added = compareExecutions(
      recorded,
      run(
        [stdout('epoch 1\nepoch 2\nwarning: early stop\ndone\n')],
        REPLAYED_AT
      )
    );
    expect(added.differences[0].summary).toBe(
      'stream/stdout differs (1 line replayed); first at line 3: "warning: early stop" is new'
    );
    const dropped = compareExecutions(
      recorded,
      run([stdout('epoch 1\ndone\n')], REPLAYED_AT)
    );
    expect(dropped.differences[0].summary).toBe(
      'stream/stdout differs (1 line recorded); first at line 2: "epoch 2" is gone'
    );
  });

  it('does not let a warning printed earlier shift every output after it', () => {
    const recorded = run([
      stdout('fitting\n'),
      stderr('UserWarning: X has feature names\n'),
      stdout('score 0.81\n')
    ]);
    const replayed = run(
      [
        stderr('UserWarning: X has feature names\n'),
        stdout('fitting\nscore 0.81\n')
      ],
      REPLAYED_AT
    );
    expect(compareExecutions(recorded, replayed).verdict).toBe('same');
  });
});

describe('textSummary', () => {
  it('counts lines in words a reader expects: one line, two lines', () => {
    expect(textSummary('stream/stdout', 'a\nb\nc\n', 'a\nB\nC\n')).toBe(
      'stream/stdout differs (2 lines recorded, 2 lines replayed); first at line 2: "b" → "B"'
    );
    expect(textSummary('text/plain', 'mean 2.5\n', 'mean 25.0\n')).toBe(
      'text/plain differs (1 line recorded, 1 line replayed); first at line 1: "mean 2.5" → "mean 25.0"'
    );
  });
});
