/**
 * `trail fork` end to end: the bundled command, run as a user would in the
 * folder of their data, against a real Trail server and real kernels of its
 * own jupyter server. The parent session reads a CSV through a path built
 * at run time (`os.path.join`), so only the kernel's redirection can make
 * the unchanged code read the new file. A fork onto a compatible CSV with
 * other values runs (exit 0), differs from the parent where the data show,
 * and is recorded as a fork of the parent with its substitutions, its
 * executions naming the new file; one onto a CSV lacking a column stops at
 * the contract (exit 5) with nothing recorded, and runs with --force; a
 * map naming a file the experiment did not read exits 2 before any kernel.
 * A folder the parent named with trail.dataset and globbed maps to a
 * folder of the user's; a file given for it stops at the contract.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrailClient } from '../../src/client';
import type { ForkDocument } from '../../src/cli/fork-document';
import {
  buildServer,
  startServer,
  type RunningServer
} from '../server/support/process';
import {
  bundleCli,
  cleanEnv,
  recordSession,
  runCli,
  type CliRun
} from './support';

jest.setTimeout(180000);

const TOKEN = 'fork-cli-owner-token-0123456789';

/** The parent: the input's path is built at run time, never a literal. */
const CELLS = [
  { id: 'cell-import', code: 'import os\nimport pandas as pd' },
  {
    id: 'cell-read',
    code:
      'folder = "inputs"\n' +
      'df = pd.read_csv(os.path.join(folder, "train" + ".csv"))\n' +
      'print(df.shape)'
  },
  {
    id: 'cell-total',
    code: 'total = int(df["y"].sum())\nprint("total", total)'
  },
  { id: 'cell-columns', code: 'print(list(df.columns))' }
];
const INPUT = 'inputs/train.csv';
const PARENT_CSV = 'x,y\n1,10\n2,20\n3,30\n';
/** Same columns and types, other values and rows. */
const COMPATIBLE_CSV = 'x,y\n1,5\n2,6\n3,7\n4,8\n';
/** No "y": step 3 reads it. */
const LACKING_CSV = 'x,w\n1,0\n2,0\n';

let tmp: string;
let work: string;
let bundle: string;
let server: RunningServer;
let client: TrailClient;
let parent: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'trail-fork-cli-'));
  work = join(tmp, 'work');
  bundle = join(tmp, 'trail.cjs');
  buildServer();
  bundleCli(bundle);
  server = await startServer(join(tmp, 'data'), TOKEN);
  client = new TrailClient({ baseUrl: server.line.url, token: TOKEN });
  mkdirSync(join(work, 'inputs'), { recursive: true });
  mkdirSync(join(work, 'mine'));
  writeFileSync(join(work, INPUT), PARENT_CSV);
  writeFileSync(join(work, 'mine', 'compatible.csv'), COMPATIBLE_CSV);
  writeFileSync(join(work, 'mine', 'lacking.csv'), LACKING_CSV);
  parent = (await recordSession(client, work, { cells: CELLS, input: INPUT }))
    .sessionId;
});

afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const env = () => cleanEnv({ TRAIL_URL: server.line.url, TRAIL_TOKEN: TOKEN });

function fork(args: string[]): Promise<CliRun> {
  return runCli(bundle, ['fork', ...args], work, env());
}

function documentOf(run: CliRun): ForkDocument & {
  error?: { message: string; exitCode: number };
} {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(
      `not one JSON document:\n${run.stdout}\n--- stderr:\n${run.stderr}`
    );
  }
}

/** Every session on the server (to see that nothing was recorded). */
async function sessionCount(): Promise<number> {
  return (await client.listSessions({ limit: 200 })).items.length;
}

const sha256 = (text: string) =>
  createHash('sha256').update(text).digest('hex');

it('forks onto a compatible CSV: runs the same code on it, differs from parent where the data show, exit 0, recorded with its lineage', async () => {
  const run = await fork([parent, '--map', `${INPUT}=mine/compatible.csv`]);
  expect(run.stderr).not.toMatch(/Error|error:/);
  expect(run.code).toBe(0);
  const out = run.stdout;
  // The contract report: the pair, both sides, no error.
  expect(out).toMatch(
    /Data contract \(steps 1-4\): 0 errors, 0 warnings, \d+ notes?/
  );
  expect(out).toContain(`  ${INPUT} -> mine/compatible.csv (read at step 2)`);
  expect(out).toMatch(
    new RegExp(
      `new +csv table, 4 data rows, 20 bytes, sha256 ${sha256(COMPATIBLE_CSV).slice(0, 12)}`
    )
  );
  expect(out).toMatch(/columns +the same names and types/);
  expect(out).toMatch(
    /note +"mine\/compatible\.csv" is 20 bytes; "inputs\/train\.csv" was 19 bytes\./
  );
  expect(out).toMatch(
    /Redirecting \/.*\/inputs\/train\.csv -> \/.*\/mine\/compatible\.csv \(file\)/
  );
  // The steps: the data show at steps 2 and 3, as expected of a fork.
  expect(out).toMatch(/step 1\/4 +cell 1 +import os +same/);
  expect(out).toMatch(
    /step 2\/4 +cell 2 +folder = "inputs" +differs from parent: /
  );
  expect(out).toMatch(/step 3\/4 +cell 3 +total = .* differs from parent: /);
  expect(out).toMatch(/step 4\/4 +cell 4 +print\(list\(df\.columns\)\) +same/);
  expect(out).not.toMatch(/first divergence|problem/);
  expect(out).toMatch(
    /Forked 4 of 4 steps: 2 same, 2 differ from parent, 0 new errors\./
  );
  const recorded = out.match(
    /Recorded as session (\S+) \(a fork of (\S+) up to step 4\)/
  );
  expect(recorded?.[2]).toBe(parent);
  const forkId = recorded![1];

  // The fork's session names its parent, step and substitution.
  const session = await client.getSession(forkId);
  expect(session.lineage).toEqual({
    kind: 'fork',
    sessionId: parent,
    step: 4,
    substitutions: [
      {
        recorded: INPUT,
        path: 'mine/compatible.csv',
        sha256: sha256(COMPATIBLE_CSV)
      }
    ]
  });
  // The parent lists it with its replays.
  const listed = await client.listReplays(parent);
  expect(listed.items.map(item => item.id)).toContain(forkId);
  expect(listed.items.find(item => item.id === forkId)?.lineage?.kind).toBe(
    'fork'
  );
  // The read step's capture names the file really read: the new one.
  const executions = await client.listExecutions(forkId);
  expect(executions.items.map(item => item.cellId)).toEqual(
    CELLS.map(cell => cell.id)
  );
  const read = await client.getExecution(executions.items[1].id);
  const files = read.capture?.files ?? [];
  expect(files).toContainEqual(
    expect.objectContaining({
      path: expect.stringMatching(/mine\/compatible\.csv$/),
      access: 'read',
      sha256: sha256(COMPATIBLE_CSV)
    })
  );
  expect(files.map(file => file.path)).not.toContain(INPUT);
  // It really read the new data.
  const total = await client.getExecution(executions.items[2].id);
  expect(JSON.stringify(total.outputs)).toContain('total 26');
  // The server compares it with its parent: the substituted input with
  // both hashes, and the steps whose outputs differ.
  const comparison = await client.parentComparison(forkId);
  expect(comparison.parent).toMatchObject({
    sessionId: parent,
    step: 4,
    kind: 'fork'
  });
  expect(comparison.inputs).toEqual([
    expect.objectContaining({
      recorded: INPUT,
      path: 'mine/compatible.csv',
      parent: expect.objectContaining({ sha256: sha256(PARENT_CSV) }),
      fork: expect.objectContaining({ sha256: sha256(COMPATIBLE_CSV) })
    })
  ]);
  expect(comparison.steps.map(step => step.verdict)).toEqual([
    'same',
    'differs',
    'differs',
    'same'
  ]);
  expect(comparison.differing).toBe(2);
});

it('a substitution path holding a secret reaches the server redacted, and the comparison still pairs the input', async () => {
  // Assembled at run time: no literal token in the repository.
  const token = ['ghp_', 'k'.repeat(20), 'Q'.repeat(16)].join('');
  const name = `mine/token=${token}`;
  writeFileSync(join(work, name), COMPATIBLE_CSV);
  const run = await fork([parent, '--map', `${INPUT}=${name}`]);
  expect(run.code).toBe(0);
  const forkId = run.stdout.match(/Recorded as session (\S+)/)![1];
  const session = await client.getSession(forkId);
  expect(JSON.stringify(session)).not.toContain(token);
  expect(session.lineage?.substitutions).toEqual([
    {
      recorded: INPUT,
      path: 'mine/token=[REDACTED:github-token]',
      sha256: sha256(COMPATIBLE_CSV)
    }
  ]);
  const comparison = await client.parentComparison(forkId);
  expect(JSON.stringify(comparison)).not.toContain(token);
  expect(comparison.inputs).toEqual([
    expect.objectContaining({
      recorded: INPUT,
      path: 'mine/token=[REDACTED:github-token]',
      fork: expect.objectContaining({ sha256: sha256(COMPATIBLE_CSV) })
    })
  ]);
});

it('stops at the contract when the new CSV lacks a column the code reads: exit 5, the file and the column named, nothing recorded', async () => {
  const before = await sessionCount();
  const run = await fork([
    parent,
    '--map',
    `${INPUT}=mine/lacking.csv`,
    '--json'
  ]);
  expect(run.code).toBe(5);
  const document = documentOf(run);
  expect(document.error).toMatchObject({ exitCode: 5 });
  expect(document.error!.message).toMatch(/mine\/lacking\.csv.*"y"/);
  expect(document.contract).toMatchObject({ ok: false, errors: 1 });
  const [entry] = document.contract.entries;
  expect(entry).toMatchObject({
    recorded: INPUT,
    path: 'mine/lacking.csv',
    columns: {
      removed: [expect.objectContaining({ name: 'y' })],
      added: [expect.objectContaining({ name: 'w' })]
    }
  });
  expect(entry.problems).toContainEqual(
    expect.objectContaining({
      level: 'error',
      code: 'missing-columns',
      columns: ['y']
    })
  );
  // The report went to stderr (stdout is the document), then the reason.
  expect(run.stderr).toMatch(/columns +missing y \(int64\); extra w \(int64\)/);
  expect(run.stderr).toMatch(
    /error +"mine\/lacking\.csv" \(for "inputs\/train\.csv"\) lacks 1 column .*"y"/
  );
  expect(run.stderr).toMatch(
    /trail fork: the data contract check found 1 error/
  );
  expect(run.stderr).not.toMatch(/step 1\/4/);
  // Nothing was recorded: no session at all (not even an empty one).
  expect(await sessionCount()).toBe(before);
});

it('runs anyway with --force: the step that reads the missing column is a new error (exit 1), recorded as a fork', async () => {
  const run = await fork([
    parent,
    '--map',
    `./${INPUT}=mine/lacking.csv`,
    '--force',
    '--json'
  ]);
  expect(run.code).toBe(1);
  const document = documentOf(run);
  expect(document.forced).toBe(true);
  expect(document.contract.ok).toBe(false);
  expect(document.steps.map(step => step.verdict)).toEqual([
    'same',
    'differs',
    'new-error',
    'differs'
  ]);
  expect(document.steps[2].replayedError).toMatch(/^KeyError/);
  expect(document.summary).toMatchObject({
    newErrors: 1,
    firstNewError: 3,
    differs: 2,
    exitCode: 1,
    recorded: true
  });
  expect(run.stderr).toMatch(/forking anyway \(--force\)/);
  expect(run.stderr).toMatch(/step 3\/4 .* new error: KeyError.*<- problem/);
  // The recorded path is the input's, as the session named it.
  const session = await client.getSession(document.summary.forkSessionId!);
  expect(session.lineage).toMatchObject({
    kind: 'fork',
    substitutions: [
      { recorded: INPUT, path: 'mine/lacking.csv', sha256: sha256(LACKING_CSV) }
    ]
  });
});

it('exits 2 before any kernel starts for a map naming a file the experiment did not read, or an input mapped twice', async () => {
  const before = await sessionCount();
  const started = Date.now();
  const unknown = await fork([
    parent,
    '--map',
    'other.csv=mine/compatible.csv'
  ]);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(
    /trail fork: --map: "other\.csv" \(mapped to "mine\/compatible\.csv"\) is not a file this experiment read: its inputs are "inputs\/train\.csv"/
  );
  // No Jupyter server was started (about 9 s on this machine).
  expect(Date.now() - started).toBeLessThan(6000);

  const twice = await fork([
    parent,
    '--map',
    `${INPUT}=mine/compatible.csv`,
    '--map',
    `${INPUT}=mine/lacking.csv`
  ]);
  expect(twice.code).toBe(2);
  expect(twice.stderr).toMatch(/"inputs\/train\.csv" is mapped twice/);

  const malformed = await fork([parent, '--map', 'inputs/train.csv']);
  expect(malformed.code).toBe(2);
  expect(malformed.stderr).toMatch(/A mapping is RECORDED=NEW .* has no "="/);
  expect(await sessionCount()).toBe(before);
});

describe('a folder input', () => {
  /** The parent names a folder with trail.dataset and reads every CSV in it. */
  const FOLDER_CELLS = [
    { id: 'cell-import', code: 'import glob, trail\nimport pandas as pd' },
    {
      id: 'cell-list',
      code:
        'files = sorted(glob.glob(trail.dataset("parts", "train") + "/*.csv"))\n' +
        'print(len(files))'
    },
    {
      id: 'cell-sum',
      code: 'df = pd.concat([pd.read_csv(f) for f in files])\nprint(int(df["a"].sum()))'
    }
  ];
  let folderParent: string;

  beforeAll(async () => {
    mkdirSync(join(work, 'parts'));
    mkdirSync(join(work, 'myparts'));
    writeFileSync(join(work, 'parts', 'p1.csv'), 'a,b\n1,2\n');
    writeFileSync(join(work, 'parts', 'p2.csv'), 'a,b\n3,4\n');
    for (const [name, a] of [
      ['q1.csv', 5],
      ['q2.csv', 7],
      ['q3.csv', 9]
    ] as const) {
      writeFileSync(join(work, 'myparts', name), `a,b\n${a},0\n`);
    }
    folderParent = (
      await recordSession(client, work, { cells: FOLDER_CELLS, input: 'parts' })
    ).sessionId;
  });

  it('maps to a folder: the glob over the recorded folder lists the new one, exit 0', async () => {
    const run = await fork([folderParent, '--map', 'parts=myparts']);
    expect(run.stderr).not.toMatch(/Error|error:/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ {2}parts -> myparts \(read at step 2\)/);
    expect(run.stdout).toMatch(/recorded +folder of 2 files/);
    expect(run.stdout).toMatch(/new +folder of 3 files/);
    expect(run.stdout).toMatch(
      /Redirecting \/.*\/parts -> \/.*\/myparts \(folder\)/
    );
    expect(run.stdout).toMatch(/step 2\/3 .* differs from parent: .*"2" → "3"/);
    expect(run.stdout).toMatch(
      /step 3\/3 .* differs from parent: .*"4" → "21"/
    );
    const id = run.stdout.match(/Recorded as session (\S+) \(a fork of/)![1];
    expect((await client.getSession(id)).lineage).toMatchObject({
      kind: 'fork',
      sessionId: folderParent,
      substitutions: [{ recorded: 'parts', path: 'myparts' }]
    });
  });

  it('refuses a file where the recording read a folder: exit 5, nothing recorded', async () => {
    const before = await sessionCount();
    const run = await fork([
      folderParent,
      '--map',
      'parts=mine/compatible.csv'
    ]);
    expect(run.code).toBe(5);
    expect(run.stdout).toMatch(
      /error +"parts" is a folder in the recording but "mine\/compatible\.csv" is a file/
    );
    expect(await sessionCount()).toBe(before);
  });
});
