/**
 * `trail verify <folder> --tolerance file:PATH=...` end to end, in a REAL
 * fresh venv: a pipeline (written by the real writer) pickles a model that
 * holds an id(), as scikit-learn's CountVectorizer does, so its bytes differ
 * in every process. Without a file tolerance it does not reproduce, and
 * the report says where the content differs with the id() hint; `exists`
 * accepts it; `content` does not (an id() is a difference); a recorded
 * file no longer on disk cannot be compared and says so; a tolerance for a
 * file the run did not record is refused before anything runs.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runProgram } from '../../src/cli/program';
import type { CliIO } from '../../src/cli/session-command';
import type { VerifyDocument } from '../../src/cli/verify-command';
import type { PipelineSpec } from '../../src/records/export/pipeline';
import {
  PYTHON,
  sampleSpec,
  writePipeline
} from '../records/export-pipeline-support';

// The notebook's cell, as recorded and as the pipeline runs it.
const CELL = [
  'import pickle, types',
  'stop_words = frozenset(["a", "the"])',
  'model = types.SimpleNamespace(coef=[0.5, 1.5], vocabulary={"good": 0, "bad": 1}, _stop_words_id=id(stop_words))',
  'with open("model.pkl", "wb") as f:',
  '    pickle.dump(model, f)'
].join('\n');

function spec(sha256: string): PipelineSpec {
  return sampleSpec({
    steps: [
      {
        step: 1,
        executionId: 'exec-1',
        reason: 'writes model.pkl',
        python: CELL,
        imports: ['pickle', 'types']
      }
    ],
    params: {},
    wiredParams: [],
    paramNotes: {},
    metrics: [],
    metricValues: {},
    inputs: [],
    outputs: ['model.pkl'],
    pipRequirements: [],
    dropped: [],
    untranslated: [],
    expected: {
      files: [{ path: 'model.pkl', sha256 }],
      metrics: [],
      params: []
    }
  });
}

const sha = (path: string): string =>
  createHash('sha256').update(readFileSync(path)).digest('hex');

async function trail(
  args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('TRAIL_')) {
      env[key] = value;
    }
  }
  const io: CliIO = {
    env: { ...env, TRAIL_PYTHON: PYTHON },
    cwd: '/',
    out: text => out.push(text),
    err: text => err.push(text),
    confirm: null,
    interrupted: new Promise(() => undefined)
  };
  const code = await runProgram(args, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

jest.setTimeout(240_000);

describe('trail verify --tolerance file:PATH=... (a pickle holding an id())', () => {
  it('says where the content differs, hints at the id(), and accepts it only when told', async () => {
    // The recording: the cell run once in its own process wrote model.pkl
    // in the notebook's folder (here the pipeline's own).
    const recordedRun = writePipeline(spec('0'.repeat(64)));
    execFileSync(PYTHON, ['-c', CELL], { cwd: recordedRun });
    const recorded = join(recordedRun, 'model.pkl');
    const folder = writePipeline(spec(sha(recorded)));
    const model = join(folder, 'model.pkl');
    const restore = () => copyFileSync(recorded, model);
    restore();

    const plain = await trail(['verify', folder]);
    expect(plain.stderr).not.toMatch(/trail verify:/);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toContain('DIFFERS model.pkl: recorded');
    expect(plain.stdout).toContain('    the content differs in 1 place:');
    expect(plain.stdout).toMatch(
      /^ {6}_stop_words_id: recorded \d+, reproduced \d+$/m
    );
    expect(plain.stdout).toContain(
      '    hint: looks like a memory address (id()); `--tolerance file:model.pkl=exists` accepts it'
    );
    expect(plain.stdout).toContain('Not reproduced');

    // The user's model was put back after the run: a second verify
    // compares with it by content again.
    expect(sha(model)).toBe(sha(recorded));
    const again = await trail(['verify', folder, '--json']);
    expect(again.code).toBe(1);
    const againFile = (JSON.parse(again.stdout) as VerifyDocument).report!
      .files[0];
    expect(againFile).toMatchObject({
      same: false,
      within: false,
      sameContent: false,
      differenceCount: 1
    });

    // A recorded file no longer on disk cannot be compared.
    rmSync(model);
    const gone = await trail(['verify', folder, '--json']);
    expect(gone.code).toBe(1);
    const goneFile = (JSON.parse(gone.stdout) as VerifyDocument).report!
      .files[0];
    expect(goneFile).toMatchObject({
      same: false,
      within: false,
      contentNote: 'cannot compare by content: the recorded file is not on disk'
    });
    expect(goneFile.sameContent).toBeUndefined();
    expect(existsSync(model)).toBe(false);

    restore();
    const content = await trail([
      'verify',
      folder,
      '--json',
      '--tolerance',
      'file:model.pkl=content'
    ]);
    expect(content.code).toBe(1);
    const contentFile = (JSON.parse(content.stdout) as VerifyDocument).report!
      .files[0];
    expect(contentFile).toMatchObject({
      same: false,
      within: false,
      sameContent: false,
      tolerance: { mode: 'content', tolerance: 0 },
      differenceCount: 1,
      differences: [
        {
          path: '_stop_words_id',
          recorded: expect.stringMatching(/^\d+$/),
          reproduced: expect.stringMatching(/^\d+$/)
        }
      ]
    });

    const exists = await trail([
      'verify',
      folder,
      '--tolerance',
      'file:./model.pkl=exists'
    ]);
    expect(exists.code).toBe(0);
    expect(exists.stdout).toContain('written model.pkl: recorded');
    expect(exists.stdout).toContain('    written, not compared (exists)');
    expect(exists.stdout).toContain(
      'Reproduced: every recorded file and metric, 1 file as --tolerance accepts'
    );

    const wrong = await trail([
      'verify',
      folder,
      '--tolerance',
      'file:out/model.pkl=exists'
    ]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      'out/model.pkl is not a file the recorded run wrote (it wrote model.pkl)'
    );
    expect(wrong.stderr).not.toContain('phase');
  });
});
