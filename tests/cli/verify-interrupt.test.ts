/**
 * Ctrl-C during a verification: `trail verify <folder>` (the bundled
 * command, a real child process) on a pipeline whose run sleeps is sent
 * SIGINT while the run is under way; it exits 130 saying "verification
 * interrupted", the pipeline's python (and what it started) is gone, and
 * no temporary venv is left. runProcess's stop reaches its child's whole
 * process group (what pip starts, what a pipeline starts).
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '../../src/cli/verify-venv';
import { sampleSpec, writePipeline } from '../records/export-pipeline-support';
import { bundleCli, cleanEnv } from './support';

let tmp: string;
let bundle: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'trail-verify-interrupt-'));
  bundle = join(tmp, 'trail.cjs');
  bundleCli(bundle);
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

jest.setTimeout(120_000);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) {
      throw new Error('timed out waiting');
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** A pipeline whose one step writes its pid and a child's, then sleeps. */
function sleepingPipeline(marks: string): string {
  return writePipeline(
    sampleSpec({
      steps: [
        {
          step: 1,
          executionId: 'exec-1',
          reason: 'writes out.txt',
          python: [
            'import os, subprocess, time',
            'child = subprocess.Popen(["sleep", "300"])',
            `open(${JSON.stringify(join(marks, 'pids'))} + ".part", "w").write("%d %d" % (os.getpid(), child.pid))`,
            `os.rename(${JSON.stringify(join(marks, 'pids'))} + ".part", ${JSON.stringify(join(marks, 'pids'))})`,
            'time.sleep(300)',
            'open("out.txt", "w").write("done")'
          ].join('\n'),
          imports: ['os', 'subprocess', 'time']
        }
      ],
      params: {},
      wiredParams: [],
      paramNotes: {},
      metrics: [],
      metricValues: {},
      inputs: [],
      outputs: ['out.txt'],
      pipRequirements: [],
      dropped: [],
      untranslated: [],
      expected: {
        files: [{ path: 'out.txt', sha256: '0'.repeat(64) }],
        metrics: [],
        params: []
      }
    }),
    join(tmp, 'work', 'pipe')
  );
}

it('SIGINT while the pipeline runs: exit 130, "verification interrupted", its processes killed, no venv left', async () => {
  const marks = join(tmp, 'marks');
  const scratch = join(tmp, 'tmpdir');
  mkdirSync(marks, { recursive: true });
  mkdirSync(scratch, { recursive: true });
  const folder = sleepingPipeline(marks);
  const child = spawn(process.execPath, [bundle, 'verify', folder], {
    cwd: folder,
    // The venv is made under TMPDIR: this test's own, to look into after.
    env: cleanEnv({ TMPDIR: scratch }),
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', chunk => (stdout += chunk));
  child.stderr.on('data', chunk => (stderr += chunk));
  const exited = new Promise<number | null>(resolve =>
    child.once('close', code => resolve(code))
  );

  const pidsFile = join(marks, 'pids');
  await until(() => existsSync(pidsFile));
  const [python, sleeper] = readFileSync(pidsFile, 'utf8')
    .split(' ')
    .map(Number);
  expect(alive(python)).toBe(true);
  expect(alive(sleeper)).toBe(true);
  expect(
    readdirSync(scratch).filter(name => name.startsWith('trail-verify-'))
  ).toHaveLength(1);

  const sent = Date.now();
  child.kill('SIGINT');
  const code = await exited;
  expect(code).toBe(130);
  // Promptly: not after the run's 300 s.
  expect(Date.now() - sent).toBeLessThan(10_000);
  expect(stderr).toContain('trail verify: verification interrupted');
  expect(stdout).not.toContain('Reproduced');
  // The run and what it started are gone (killed with their group).
  await until(() => !alive(python) && !alive(sleeper), 5000);
  // The temporary venv (and its folder) removed.
  expect(
    readdirSync(scratch).filter(name => name.startsWith('trail-verify-'))
  ).toEqual([]);
  expect(existsSync(join(folder, 'out.txt'))).toBe(false);
});

it('runProcess: an abort kills the child and its process group, and says so', async () => {
  const stop = new AbortController();
  const marks = mkdtempSync(join(tmp, 'group-'));
  const pidFile = join(marks, 'pid');
  const running = runProcess(
    'sh',
    [
      '-c',
      `sleep 300 & echo $! > ${pidFile}.part; mv ${pidFile}.part ${pidFile}; wait`
    ],
    { signal: stop.signal }
  );
  await until(() => existsSync(pidFile));
  const grandchild = Number(readFileSync(pidFile, 'utf8'));
  expect(alive(grandchild)).toBe(true);
  stop.abort();
  const run = await running;
  expect(run.aborted).toBe(true);
  expect(run.signal).toBe('SIGKILL');
  await until(() => !alive(grandchild), 5000);
  // Already aborted: nothing started.
  const never = await runProcess('sh', ['-c', `touch ${marks}/never`], {
    signal: stop.signal
  });
  expect(never.aborted).toBe(true);
  expect(existsSync(join(marks, 'never'))).toBe(false);
});
