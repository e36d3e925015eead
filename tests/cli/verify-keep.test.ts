/**
 * A verification never destroys the user's own outputs. `trail verify`
 * (the bundled command, real child processes, a real venv) runs pipeline.py
 * in the notebook's folder, where it writes the very paths the recording
 * wrote. The user's files are moved into `.trail-verify/<run>/recorded/`
 * for the run and put back after it with their sha256 and mtime, whatever
 * became of the run (differs, Ctrl-C, kill -9 then the next verify); what
 * the run wrote is kept in `.trail-verify/<run>/reproduced/`, and a second
 * verify still compares by content with the user's file.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VerifyDocument } from '../../src/cli/verify-command';
import {
  moveFile,
  putBack,
  setAside,
  startRun
} from '../../src/cli/verify-keep';
import { sampleSpec, writePipeline } from '../records/export-pipeline-support';
import { bundleCli, cleanEnv, runCli } from './support';

let tmp: string;
let bundle: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'trail-verify-keep-'));
  bundle = join(tmp, 'trail.cjs');
  bundleCli(bundle);
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

jest.setTimeout(180_000);

const sha = (path: string): string =>
  createHash('sha256').update(readFileSync(path)).digest('hex');

// What the recording wrote: a text file and a JSON table in a subfolder.
const OUT = 'recorded output\n';
const TABLE = '{\n  "a": 1,\n  "b": [1, 2]\n}\n';
const shaOf = (text: string): string =>
  createHash('sha256').update(text).digest('hex');
const OLD = new Date('2020-01-02T03:04:05.000Z');

/**
 * A pipeline writing out.txt (other bytes every run) and models/table.json
 * (the same content, other bytes); while `marks/sleep` exists it then
 * writes its pid to marks/pid and sleeps.
 */
function pipeline(name: string): { folder: string; marks: string } {
  const marks = join(tmp, `${name}-marks`);
  mkdirSync(marks, { recursive: true });
  const q = (path: string) => JSON.stringify(join(marks, path));
  const folder = writePipeline(
    sampleSpec({
      steps: [
        {
          step: 1,
          executionId: 'exec-1',
          reason: 'writes out.txt and models/table.json',
          python: [
            'import json, os, time',
            'with open("out.txt", "w") as f:',
            '    f.write("reproduced %r" % time.time())',
            'os.makedirs("models", exist_ok=True)',
            'with open("models/table.json", "w") as f:',
            '    json.dump({"a": 1, "b": [1, 2]}, f, separators=(",", ":"))',
            `if os.path.exists(${q('sleep')}):`,
            `    open(${q('pid')} + ".part", "w").write(str(os.getpid()))`,
            `    os.rename(${q('pid')} + ".part", ${q('pid')})`,
            '    time.sleep(300)'
          ].join('\n'),
          imports: ['json', 'os', 'time']
        }
      ],
      params: {},
      wiredParams: [],
      paramNotes: {},
      metrics: [],
      metricValues: {},
      inputs: [],
      outputs: ['out.txt', 'models/table.json'],
      pipRequirements: [],
      dropped: [],
      untranslated: [],
      expected: {
        files: [
          { path: 'out.txt', sha256: shaOf(OUT) },
          { path: 'models/table.json', sha256: shaOf(TABLE) }
        ],
        metrics: [],
        params: []
      }
    }),
    join(tmp, name)
  );
  // The user's own outputs, as the recording left them, a while ago.
  mkdirSync(join(folder, 'models'), { recursive: true });
  for (const [path, text] of [
    ['out.txt', OUT],
    ['models/table.json', TABLE]
  ]) {
    writeFileSync(join(folder, path), text);
    utimesSync(join(folder, path), OLD, OLD);
  }
  return { folder, marks };
}

/** The user's files are back: the recorded sha256, the old mtime. */
function expectOriginals(folder: string): void {
  expect(sha(join(folder, 'out.txt'))).toBe(shaOf(OUT));
  expect(sha(join(folder, 'models/table.json'))).toBe(shaOf(TABLE));
  expect(statSync(join(folder, 'out.txt')).mtimeMs).toBe(OLD.getTime());
  expect(statSync(join(folder, 'models/table.json')).mtimeMs).toBe(
    OLD.getTime()
  );
}

const runs = (folder: string): string[] =>
  readdirSync(join(folder, '.trail-verify')).sort();

const journal = (folder: string, run: string) =>
  JSON.parse(
    readFileSync(join(folder, '.trail-verify', run, 'restore.json'), 'utf8')
  ) as { restoredAt?: string; pid: number };

async function until(check: () => boolean, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) {
      throw new Error('timed out waiting');
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const verify = (folder: string, ...args: string[]) =>
  runCli(bundle, ['verify', folder, ...args], folder, cleanEnv({}));

function documentOf(stdout: string): VerifyDocument {
  return JSON.parse(stdout) as VerifyDocument;
}

/** `trail verify` started in the background (to stop it mid-run). */
function started(folder: string) {
  const child = spawn(process.execPath, [bundle, 'verify', folder], {
    cwd: folder,
    env: cleanEnv({}),
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stderr = '';
  child.stderr.on('data', chunk => (stderr += chunk));
  const exited = new Promise<number | null>(resolve =>
    child.once('close', code => resolve(code))
  );
  return { child, exited, stderr: () => stderr };
}

it("a file that differs: the user's is put back (sha256, mtime), the reproduced one kept in .trail-verify/<run>/reproduced; a second verify compares by content again; the last 3 runs kept", async () => {
  const { folder } = pipeline('differs');
  const first = await verify(folder, '--json');
  expect(first.code).toBe(1);
  expectOriginals(folder);
  const report = documentOf(first.stdout).report!;
  const [run] = runs(folder);
  const kept = join(folder, '.trail-verify', run);
  expect(report.kept).toEqual({
    folder: kept,
    reproduced: join(kept, 'reproduced'),
    restored: ['out.txt', 'models/table.json']
  });
  const [out, table] = report.files;
  expect(out).toMatchObject({ path: 'out.txt', same: false, within: false });
  expect(out.reproducedAt).toBe(join(kept, 'reproduced', 'out.txt'));
  expect(readFileSync(out.reproducedAt!, 'utf8')).toMatch(/^reproduced /);
  expect(sha(out.reproducedAt!)).toBe(out.reproduced);
  // Compared with the user's file by content: the same, other bytes.
  expect(table).toMatchObject({
    path: 'models/table.json',
    same: false,
    sameContent: true,
    reproducedAt: join(kept, 'reproduced', 'models', 'table.json')
  });
  expect(journal(folder, run).restoredAt).toBeTruthy();
  expect(readdirSync(join(kept, 'recorded', 'models'))).toEqual([]);

  // Again, the JSON table accepted by content: it is still the user's
  // file it is compared with (before, the first run had overwritten it).
  const second = await verify(
    folder,
    '--tolerance',
    'file:models/table.json=content'
  );
  expect(second.code).toBe(1);
  expect(second.stdout).toContain('content models/table.json: recorded');
  expect(second.stdout).toContain('    the same content (the bytes differ)');
  expect(second.stdout).toContain('DIFFERS out.txt');
  expect(second.stdout).toMatch(
    /^ {2}the files the run wrote are kept in .*\/\.trail-verify\/[^/]+\/reproduced; your own \(out\.txt, models\/table\.json\) were put back$/m
  );
  expectOriginals(folder);

  await verify(folder);
  await verify(folder);
  // Four verifications, the newest three folders kept.
  const left = runs(folder);
  expect(left).toHaveLength(3);
  expect(left).not.toContain(run);
  expectOriginals(folder);
});

it('Ctrl-C mid-run: the originals are back; a second verify meanwhile is refused, touching nothing', async () => {
  const { folder, marks } = pipeline('sigint');
  writeFileSync(join(marks, 'sleep'), '');
  const running = started(folder);
  await until(() => existsSync(join(marks, 'pid')));
  // The run did overwrite the user's paths (that is the danger).
  expect(readFileSync(join(folder, 'out.txt'), 'utf8')).toMatch(/^reproduced /);
  const [run] = runs(folder);
  expect(
    readFileSync(
      join(folder, '.trail-verify', run, 'recorded', 'out.txt'),
      'utf8'
    )
  ).toBe(OUT);

  const second = await verify(folder);
  expect(second.code).toBe(2);
  expect(second.stderr).toMatch(/is already being verified \(process \d+/);
  expect(runs(folder)).toEqual([run]);

  running.child.kill('SIGINT');
  expect(await running.exited).toBe(130);
  expect(running.stderr()).toContain('trail verify: verification interrupted');
  expectOriginals(folder);
  expect(
    readFileSync(
      join(folder, '.trail-verify', run, 'reproduced', 'out.txt'),
      'utf8'
    )
  ).toMatch(/^reproduced /);
  expect(journal(folder, run).restoredAt).toBeTruthy();
});

it('kill -9 mid-run: the next verify puts the originals back first, says so, then compares with them', async () => {
  const { folder, marks } = pipeline('crash');
  writeFileSync(join(marks, 'sleep'), '');
  const running = started(folder);
  await until(() => existsSync(join(marks, 'pid')));
  const python = Number(readFileSync(join(marks, 'pid'), 'utf8'));
  running.child.kill('SIGKILL');
  await running.exited;
  // The run is in a process group of its own: a crash of trail leaves it.
  process.kill(-python, 'SIGKILL');
  await until(() => !alive(python), 10_000);
  const [crashed] = runs(folder);
  expect(journal(folder, crashed).restoredAt).toBeUndefined();
  expect(readFileSync(join(folder, 'out.txt'), 'utf8')).toMatch(/^reproduced /);

  rmSync(join(marks, 'sleep'));
  const next = await verify(folder, '--json');
  expect(next.code).toBe(1);
  expect(next.stderr).toMatch(
    /^note: a verification started \S+ did not end: put back your out\.txt, models\/table\.json; what it wrote is in .*\/reproduced$/m
  );
  expectOriginals(folder);
  expect(journal(folder, crashed).restoredAt).toBeTruthy();
  expect(
    readFileSync(
      join(folder, '.trail-verify', crashed, 'reproduced', 'out.txt'),
      'utf8'
    )
  ).toMatch(/^reproduced /);
  // The new run compared with the user's table, put back before it ran.
  const table = documentOf(next.stdout).report!.files[1];
  expect(table).toMatchObject({ path: 'models/table.json', sameContent: true });
  expect(runs(folder)).toHaveLength(2);
});

// An output on another filesystem (an absolute recorded path): moved aside
// by a copy that keeps its times, put back the same way.
const SHM = '/dev/shm';
const otherDevice =
  existsSync(SHM) && statSync(SHM).dev !== statSync(tmpdir()).dev;

(otherDevice ? it : it.skip)(
  'across filesystems: the copy keeps content, mode and mtime, and the source is gone',
  () => {
    const elsewhere = mkdtempSync(join(SHM, 'trail-verify-keep-'));
    try {
      const output = join(elsewhere, 'model.bin');
      writeFileSync(output, 'recorded bytes', { mode: 0o640 });
      utimesSync(output, OLD, OLD);
      const moved = join(tmp, 'moved', 'model.bin');
      moveFile(output, moved);
      expect(existsSync(output)).toBe(false);
      expect(readFileSync(moved, 'utf8')).toBe('recorded bytes');
      expect(statSync(moved).mode & 0o777).toBe(0o640);
      expect(statSync(moved).mtimeMs).toBe(OLD.getTime());
      moveFile(moved, output);

      const folder = mkdtempSync(join(tmp, 'pipe-'));
      const run = startRun(folder);
      setAside(
        run,
        [{ path: output, sha256: shaOf('recorded bytes') }],
        folder
      );
      expect(existsSync(output)).toBe(false);
      writeFileSync(output, 'the run wrote this');
      const back = putBack(run);
      expect(readFileSync(output, 'utf8')).toBe('recorded bytes');
      expect(statSync(output).mtimeMs).toBe(OLD.getTime());
      expect(back.restored).toEqual([output]);
      const reproduced = back.reproduced.get(output)!;
      expect(reproduced).toBe(join(run.folder, 'reproduced', '0-model.bin'));
      expect(readFileSync(reproduced, 'utf8')).toBe('the run wrote this');
      // Again (as finally does after an early put back): nothing moves.
      putBack(run);
      expect(readFileSync(output, 'utf8')).toBe('recorded bytes');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }
);
