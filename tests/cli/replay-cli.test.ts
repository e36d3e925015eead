/**
 * `trail replay` end to end: the bundled command, run as a user would in
 * the folder of the data, against a real Trail server and real kernels of
 * its own jupyter server. A session is recorded through the one recorder
 * (read a CSV, compute, print, show a table); replaying it identically
 * passes; a changed CSV is flagged by the preflight and diverges at the
 * step that reads it; a recording made with other packages is reported with
 * the pip line; bad input and a dying kernel exit with their codes; and the
 * replay is a session of its own whose lineage names its source.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  unlinkSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrailClient } from '../../src/client';
import type { TrailEvent } from '../../src/records/schema';
import { KERNEL_DIED } from '../../src/records/status';
import type { ReplayDocument } from '../../src/cli/replay-document';
import {
  CLI,
  buildServer,
  exitOf,
  startCli,
  startServer,
  type RunningServer
} from '../server/support/process';
import {
  CELLS,
  CSV,
  bundleCli,
  cleanEnv,
  ingestCopy,
  recordSession,
  runCli,
  type CliRun
} from './support';

jest.setTimeout(120000);

const TOKEN = 'replay-cli-owner-token-0123456789';

let tmp: string;
let work: string;
let bundle: string;
let server: RunningServer;
let client: TrailClient;
let source: { sessionId: string; events: TrailEvent[] };

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'trail-replay-cli-'));
  work = join(tmp, 'work');
  bundle = join(tmp, 'trail.cjs');
  buildServer();
  bundleCli(bundle);
  server = await startServer(join(tmp, 'data'), TOKEN);
  client = new TrailClient({ baseUrl: server.line.url, token: TOKEN });
  mkdirSync(work);
  writeFileSync(join(work, 'data.csv'), CSV);
  source = await recordSession(client, work);
});

afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const env = () => cleanEnv({ TRAIL_URL: server.line.url, TRAIL_TOKEN: TOKEN });

function replay(args: string[]): Promise<CliRun> {
  return runCli(bundle, ['replay', ...args], work, env());
}

function documentOf(run: CliRun): ReplayDocument {
  try {
    return JSON.parse(run.stdout) as ReplayDocument;
  } catch {
    throw new Error(
      `not one JSON document:\n${run.stdout}\n--- stderr:\n${run.stderr}`
    );
  }
}

it('replays an identical session: every step the same, exit 0, recorded with its lineage', async () => {
  const run = await replay([source.sessionId]);
  expect(run.stderr).not.toMatch(/Error|error:/);
  expect(run.code).toBe(0);
  const lines = run.stdout.split('\n');
  // Each step's line says which cell and what it runs (its first line).
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (let step = 1; step <= CELLS.length; step++) {
    const firstLine = escape(CELLS[step - 1].code.split('\n')[0]);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^step ${step}/${CELLS.length}  cell ${step}  ${firstLine} +same`
        )
      )
    );
  }
  // The object's address differs from the recording's: not a divergence.
  expect(run.stdout).toMatch(
    /step 5\/5 .* same \(ignored: [^)]*memory address/
  );
  expect(run.stdout).toMatch(/same +data\.csv \(read at step 2\)/);
  expect(run.stdout).toMatch(
    /Ready: the same Python, packages and input files/
  );
  const recorded = run.stdout.match(
    /Recorded as session (\S+) \(a replay of (\S+) up to step 5\)/
  );
  expect(recorded?.[2]).toBe(source.sessionId);

  // The replay is a session of its own that names its source.
  const replays = await client.listReplays(source.sessionId);
  const mine = replays.items.find(item => item.id === recorded![1]);
  expect(mine).toMatchObject({
    notebookPath: 'analysis.ipynb',
    lineage: { kind: 'replay', sessionId: source.sessionId, step: 5 }
  });
  const executions = await client.listExecutions(recorded![1]);
  expect(executions.items.map(item => item.cellId)).toEqual(
    CELLS.map(cell => cell.id)
  );

  // It recorded its notebook (as executed: one cell per step), so the
  // replay viewer shows the replay as a notebook, not in execution order.
  const steps = await client.getSteps(recorded![1]);
  expect(steps).toMatchObject({ total: CELLS.length, structured: true });
  const last = await client.getStep(recorded![1], CELLS.length);
  expect(last.structured).toBe(true);
  expect(
    last.cells.map(cell => [
      cell.cellId,
      cell.cellType,
      cell.state,
      cell.source
    ])
  ).toEqual(CELLS.map(cell => [cell.id, 'code', 'ran', cell.code]));
  expect(last.cells[CELLS.length - 1].current).toBe(true);
  const second = await client.getStep(recorded![1], 2);
  expect(second.cells.map(cell => cell.state)).toEqual([
    'ran',
    'ran',
    ...CELLS.slice(2).map(() => 'not-run')
  ]);
  expect(second.cells[1]).toMatchObject({ cellId: 'cell-read', current: true });
});

it('flags a changed input file in the preflight and diverges at the step that reads it', async () => {
  writeFileSync(join(work, 'data.csv'), 'x,y,w\n1,10,0\n2,25,0\n3,30,0\n');
  let run: CliRun;
  try {
    // A permalink replays up to its execution (step 3 here).
    const third = (await client.getSteps(source.sessionId)).steps[2];
    const link = `http://hub.example/user/alice/lab?trail-execution=${third.executionId}`;
    run = await replay([link, '--json']);
  } finally {
    writeFileSync(join(work, 'data.csv'), CSV);
  }
  expect(run.code).toBe(1);
  const document = documentOf(run);
  expect(document.preflight?.ready).toBe(false);
  expect(document.preflight?.files).toEqual([
    expect.objectContaining({
      path: 'data.csv',
      step: 2,
      state: 'changed',
      columns: expect.objectContaining({
        added: [expect.objectContaining({ name: 'w' })]
      })
    })
  ]);
  expect(document.steps.map(step => step.verdict)).toEqual([
    'same',
    'differs',
    'differs'
  ]);
  expect(document.steps[1]).toMatchObject({
    firstDivergence: true,
    cellId: 'cell-read',
    firstLine: 'df = pd.read_csv("data.csv")'
  });
  expect(document.steps[1].differences[0].summary).toBeTruthy();
  expect(document.summary).toMatchObject({
    upto: 3,
    same: 1,
    diverged: 2,
    firstDivergence: 2,
    exitCode: 1,
    recorded: true
  });
  // Progress and logs went to stderr; the verdict lines too.
  expect(run.stderr).toMatch(
    /step 2\/3 +cell 2 +df = pd\.read_csv\("data\.csv"\) +differs: .*<- first divergence/
  );
});

it('reports packages the recording had and this kernel lacks or has in another version, with the pip line', async () => {
  const tampered = await ingestCopy(client, source.events, packages => {
    packages.push({ name: 'trail-fake-package', version: '1.2.3' });
    const pandas = packages.find(p => p.name.toLowerCase() === 'pandas')!;
    pandas.version = '99.0.0';
  });
  const run = await replay([tampered, '--json', '--upto', '1']);
  const document = documentOf(run);
  expect(run.code).toBe(0);
  const packages = document.preflight!.packages;
  expect(packages.missing).toEqual([
    expect.objectContaining({ name: 'trail-fake-package', recorded: '1.2.3' })
  ]);
  expect(packages.older).toEqual([
    expect.objectContaining({ name: 'pandas', recorded: '99.0.0' })
  ]);
  expect(document.preflight!.pipInstall).toMatch(
    /^pip install .*pandas==99\.0\.0/
  );
  expect(document.preflight!.pipInstall).toContain('trail-fake-package==1.2.3');
  expect(document.preflight!.ready).toBe(false);
  expect(document.steps.map(step => step.verdict)).toEqual(['same']);
});

it('exits 2 with a clear message for an unknown session, a step past the end, a kernel not installed', async () => {
  const before = (await client.listReplays(source.sessionId)).items.length;
  const unknown = await replay(['0000aaaa-bbbb-cccc-dddd-eeeeffff0000']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(
    /No session or execution 0000aaaa-bbbb-cccc-dddd-eeeeffff0000 .* not shared with you/
  );

  const past = await replay([source.sessionId, '--upto', '99', '--json']);
  expect(past.code).toBe(2);
  expect(documentOf(past as CliRun)).toMatchObject({
    error: {
      exitCode: 2,
      message: expect.stringMatching(/Step 99 is past the end: .* has 5 steps/)
    }
  });

  const started = Date.now();
  const kernel = await replay([source.sessionId, '--kernel', 'no-such-kernel']);
  const took = Date.now() - started;
  expect(kernel.code).toBe(2);
  // Checked against `jupyter kernelspec list` while the session loads,
  // not after a Jupyter server started (about 9 s on this machine then).
  // eslint-disable-next-line no-console
  console.log(`--kernel no-such-kernel failed in ${took} ms`);
  expect(took).toBeLessThan(6000);
  expect(kernel.stderr).toMatch(
    /The kernel "no-such-kernel" is not installed\. Installed kernels: .*python3/
  );

  // Nothing was recorded by these runs.
  expect((await client.listReplays(source.sessionId)).items).toHaveLength(
    before
  );
});

it('reports a kernel that dies at its step, records it, and exits 3', async () => {
  writeFileSync(join(work, 'die.flag'), '');
  let run: CliRun;
  try {
    run = await replay([source.sessionId]);
  } finally {
    unlinkSync(join(work, 'die.flag'));
  }
  expect(run.code).toBe(3);
  expect(run.stdout).toMatch(
    /step 5\/5 +cell 5 +import os, pathlib, time +kernel died/
  );
  expect(run.stdout).toMatch(/The kernel died at step 5\./);
  const id = run.stdout.match(/Recorded as session (\S+)/)![1];
  const executions = await client.listExecutions(id);
  // The step the kernel died in is recorded as interrupted, with what it printed.
  expect(executions.items.map(item => item.status)).toEqual([
    'ok',
    'ok',
    'ok',
    'ok',
    'interrupted'
  ]);
  const died = await client.getExecution(executions.items[4].id);
  expect(died.outputs).toEqual([
    expect.objectContaining({ name: 'stdout', text: 'dying\n' })
  ]);
  // ... and says the kernel died, not that someone stopped it.
  expect(died.error).toEqual(KERNEL_DIED);
});

it('with no TRAIL_URL, uses the local server of TRAIL_DATA_DIR: the running one, else one it starts and stops', async () => {
  const local = join(tmp, 'local');
  const env = cleanEnv({ TRAIL_DATA_DIR: local, TRAIL_SERVER_SCRIPT: CLI });
  const unknown = '1111aaaa-bbbb-cccc-dddd-eeeeffff1111';

  // None runs: started on loopback with the folder's token file, then stopped.
  const started = await runCli(bundle, ['replay', unknown], work, env);
  expect(started.code).toBe(2);
  expect(started.stderr).toMatch(
    /started the local server at http:\/\/127\.0\.0\.1:\d+ \(data in .*local\)/
  );
  expect(started.stderr).toMatch(/No session or execution 1111aaaa/);
  expect(existsSync(join(local, 'token'))).toBe(true);
  expect(existsSync(join(local, 'server.json'))).toBe(false);

  // One runs (as JupyterLab's): found through server.json, its token read.
  const running = await startCli([
    '--port',
    '0',
    '--data',
    local,
    '--token-file',
    join(local, 'token')
  ]);
  try {
    const found = await runCli(bundle, ['replay', unknown], work, env);
    expect(found.code).toBe(2);
    expect(found.stderr).toContain(`the local server at ${running.line.url}`);
    expect(found.stderr).toMatch(/No session or execution 1111aaaa/);
  } finally {
    running.child.kill('SIGTERM');
    await exitOf(running.child);
  }
});
