/**
 * The README's "Check a reproduction" section: how `trail verify` tells
 * whether a run of this folder reproduces the recorded one (what it
 * compares, the tolerances, its exit codes), from trail-expected.json.
 */
import { EXPECTED_FILE } from './expected-file';
import { notebookDir } from './script';
import type { PipelineSpec } from './spec';

const plural = (n: number, word: string): string =>
  `${n} ${word}${n === 1 ? '' : 's'}`;

export function howToVerify(spec: PipelineSpec): string[] {
  const lines = ['## Check a reproduction', ''];
  const expected = spec.expected;
  if (!expected) {
    lines.push(
      `This folder has no \`${EXPECTED_FILE}\`: export it again with \`trail export --verify\` to check a reproduction.`
    );
    return lines;
  }
  const root = notebookDir(spec);
  lines.push(
    'From this folder, with Trail installed (`pip install jupyterlab-trail`):',
    '',
    '```sh',
    'trail verify .',
    '```',
    '',
    `It makes a clean venv from \`requirements.txt\`, runs \`pipeline.py\` in it on the recorded inputs (at their recorded paths, relative to the notebook's folder${root === '.' ? '' : ` \`${root}\``}), and compares the run with the recording kept in \`${EXPECTED_FILE}\`:`,
    '',
    `- ${plural(expected.files.length, 'output file')} by sha256${expected.files.length ? `: ${expected.files.map(f => `\`${f.path}\``).join(', ')}` : ''}`,
    `- ${plural(expected.metrics.length, 'metric')}${expected.metrics.length ? ` (${expected.metrics.map(m => `\`${m.name}\``).join(', ')})` : ''}, exactly unless given a tolerance`,
    `- ${plural(expected.params.length, 'param')} the run used, against the recorded values`,
    '',
    "A tolerance is an absolute difference: `trail verify . --tolerance 0.001` allows every metric to differ by up to 0.001, `--tolerance NAME=0.01` one metric (both may be given; a metric's own wins). `--json` prints one JSON document.",
    '',
    'It exits 0 when the run reproduced every file, metric and param, 1 when something differs (each is listed), 6 when it could not run (a recorded input missing, a requirement pip cannot install), 2 on bad input. With `TRAIL_URL` (and `TRAIL_TOKEN`) set, the verification run is recorded to Trail as a run of this export.',
    '',
    'Your own output files are never overwritten: for the run they are moved into `.trail-verify/<run>/recorded/` in this folder and put back afterwards (after Ctrl-C too; after a crash, by the next `trail verify`). What the run wrote is kept in `.trail-verify/<run>/reproduced/` for the last 3 verifications; leave `.trail-verify/` out of version control (the Dockerfile copies only `pipeline.py` and `params.yaml`).'
  );
  return lines;
}
