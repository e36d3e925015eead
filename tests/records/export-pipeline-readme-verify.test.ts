/**
 * The exported README says how to check a reproduction (`trail verify .`:
 * what it compares, the tolerances, the exit codes) and names the Trail
 * server the session lives on, which trail-expected.json carries too
 * (source.server); a folder without expectations says how to get them.
 */
import {
  buildPipeline,
  EXPECTED_FILE,
  parseExpectedFile,
  type PipelineSpec
} from '../../src/records/export/pipeline';
import { sampleSpec } from './export-pipeline-support';

const fileOf = (spec: PipelineSpec, path: string): string => {
  const file = buildPipeline(spec).files.find(f => f.path === path);
  if (!file) {
    throw new Error(`no ${path}`);
  }
  return file.content;
};

const expected = {
  files: [
    { path: 'model.pkl', sha256: 'a'.repeat(64) },
    { path: 'plot.png', sha256: 'b'.repeat(64) }
  ],
  metrics: [{ name: 'accuracy', value: 0.9 }],
  params: [{ name: 'lr', value: 0.1 }]
};

describe('the README: checking a reproduction, and the Trail server', () => {
  it('says how to verify a run with trail verify: what it compares, the tolerances and the exit codes', () => {
    const text = fileOf(sampleSpec({ expected }), 'README.md');
    const section = text.slice(text.indexOf('## Check a reproduction'));
    expect(section).not.toBe(text);
    expect(section).toContain('```sh\ntrail verify .\n```');
    expect(section).toContain(
      '2 output files by sha256: `model.pkl`, `plot.png`'
    );
    expect(section).toContain(
      '1 metric (`accuracy`), exactly unless given a tolerance'
    );
    expect(section).toContain('1 param the run used');
    expect(section).toContain('--tolerance 0.001');
    // Where verify keeps the user's files during the run, and the run's.
    expect(section).toContain(
      'Your own output files are never overwritten: for the run they are moved into `.trail-verify/<run>/recorded/`'
    );
    expect(section).toContain('--tolerance NAME=0.01');
    expect(section).toContain('absolute difference');
    expect(section).toMatch(
      /exits 0 .* 1 when something differs .* 6 when it could not run/
    );
    expect(section).toContain(`\`${EXPECTED_FILE}\``);
    // The notebook's folder, where the recorded inputs are found.
    expect(section).toContain("relative to the notebook's folder");
  });

  it('without expectations, says how to get them instead', () => {
    const { expected: _, ...spec } = sampleSpec();
    const text = fileOf(spec, 'README.md');
    expect(text).toContain(
      `This folder has no \`${EXPECTED_FILE}\`: export it again with \`trail export --verify\``
    );
    expect(text).not.toContain('trail verify .');
  });

  it('names the Trail server in the provenance and in trail-expected.json; without one, neither does', () => {
    const spec = sampleSpec({ expected });
    expect(fileOf(spec, 'README.md')).toContain(
      '- Session: `sess-abc123` on http://trail.example:8765'
    );
    const file = parseExpectedFile(fileOf(spec, EXPECTED_FILE));
    expect(file.source).toEqual({
      sessionId: 'sess-abc123',
      step: 6,
      notebookPath: 'work/train.ipynb',
      server: 'http://trail.example:8765'
    });
    const { server: _, ...source } = spec.source;
    const local = { ...spec, source };
    expect(fileOf(local, 'README.md')).toContain('- Session: `sess-abc123`\n');
    expect(
      parseExpectedFile(fileOf(local, EXPECTED_FILE)).source
    ).not.toHaveProperty('server');
  });
});
