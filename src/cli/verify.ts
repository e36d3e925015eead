/**
 * `trail export --verify` (#15, contract C): runs an exported pipeline in a
 * clean venv made from its requirements.txt, on the recorded inputs at their
 * recorded paths (relative to the notebook's folder), and says whether it
 * reproduced the recorded run: each output file by sha256, each metric
 * exactly or within a tolerance, each param the run used against the
 * recorded one. With `record`, the verification run itself is recorded to
 * Trail through jupyterlab_trail.pipeline_run (lineage kind 'export').
 * The run writes the paths the recording wrote: the user's own files are
 * moved aside for it and put back after it (verify-keep.ts).
 */
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { InputFile } from '../records/replay/inputs';
import type { ParamValue } from '../records/schema';
import {
  badTolerance,
  compareFiles,
  compareMetrics,
  compareParams,
  FileCheck,
  MetricCheck,
  ParamCheck,
  VerifyExpected,
  VerifyTolerance
} from './verify-compare';
import {
  checkInputs,
  inputsOfDvcYaml,
  notebookDirOf,
  RUNNER_PY,
  sha256,
  VerifyError
} from './verify-folder';
import type { InputCheck } from './verify-folder';
import {
  compareContents,
  keepRecorded,
  trailPackageLink
} from './verify-content';
import { makeVenv, pipCacheDir, runProcess, venvPython } from './verify-venv';
import {
  pruneRuns,
  putBack,
  recoverLeftovers,
  setAside,
  startRun,
  type PutBack
} from './verify-keep';

export { VerifyError } from './verify-folder';

/**
 * The verification was stopped by its caller's signal (Ctrl-C): its venv,
 * pip and run were killed and its temporary folder removed; no report.
 */
export class VerifyInterrupted extends Error {
  constructor() {
    super('verification interrupted');
    this.name = 'VerifyInterrupted';
  }
}
export type { InputCheck, VerifyFailure } from './verify-folder';
export type {
  FileCheck,
  MetricCheck,
  ParamCheck,
  VerifyExpected,
  VerifyTolerance
} from './verify-compare';

/** The phase a verification is in. */
export type VerifyPhase = 'venv' | 'install' | 'run' | 'compare';

/** Told of each phase as it starts: a line to show, and the phase. */
export type VerifyProgress = (message: string, phase: VerifyPhase) => void;

/** `trail record-run`'s answer: the session a recorded run became. */
export interface RecordedRun {
  sessionId: string;
  executionId?: string;
  server?: string;
}

export interface VerifyReport {
  environment: {
    /** The venv's folder (removed after the run unless keepVenv or given as venvDir). */
    venv: string;
    installed: boolean;
    error?: string;
    /** How many requirement lines requirements.txt gave pip. */
    requirements?: number;
    createMs?: number;
    installMs?: number;
  };
  inputs: InputCheck[];
  /** The run of pipeline.py (absent when the environment could not be made). */
  run?: {
    exitCode: number | null;
    signal?: string;
    timedOut?: boolean;
    durationMs: number;
    /** The end of its stderr (all of it up to 8,000 characters). */
    stderr: string;
    /** Whether the run was handed to Trail's recorder, and if not why. */
    recording: string;
    /** The session the recorder made of the run (`trail record-run`'s answer). */
    recordedAs?: RecordedRun;
  };
  files: FileCheck[];
  metrics: MetricCheck[];
  params: ParamCheck[];
  reproduced: boolean;
  durationMs: number;
  /**
   * Where this verification kept files (`<pipeline>/.trail-verify/<run>`):
   * the user's outputs were moved to `recorded/` during the run and put
   * back after it; what the run wrote is in `reproduced/`.
   */
  kept?: {
    folder: string;
    reproduced: string;
    /** The recorded paths whose user's file was put back. */
    restored: string[];
  };
}

/** Where to record the verification run (the Trail server the export came from). */
export interface VerifyRecord {
  url: string;
  token?: string;
  /** The jupyterlab_trail package folder (default: the one `python` imports). */
  packageDir?: string;
  /**
   * The exported session and step: the recorder's lineage is
   * `{kind: 'export', sessionId, step}`, read from pipeline.py's `_SOURCE`,
   * which carries the same; given here for the caller's own use.
   */
  sessionId?: string;
  step?: number;
}

export interface VerifyOptions {
  /** The pipeline folder (pipeline.py, requirements.txt, ...). */
  folder: string;
  /** The Python the venv is made from. */
  python: string;
  expected: VerifyExpected;
  tolerance: VerifyTolerance;
  onProgress?: VerifyProgress;
  record?: VerifyRecord;
  /** The recorded inputs (the export's `inputs`; default: dvc.yaml's deps). */
  inputs?: readonly InputFile[];
  /** The notebook's folder as seen from the pipeline folder (default: pipeline.py's). */
  notebookDir?: string;
  /** Where to make the venv: a new or empty folder (default: a new temporary folder). */
  venvDir?: string;
  /** Keep the venv after the run (default: removed). */
  keepVenv?: boolean;
  /** pip's cache (default: {@link pipCacheDir}). */
  cacheDir?: string;
  /** Milliseconds for the install and for the run, each (default 30 minutes). */
  timeoutMs?: number;
  /** The jupyterlab_trail package folder, for the content comparison (default: the one `python` imports). */
  packageDir?: string;
  /**
   * Told what was done before anything else (an earlier verification killed
   * in the middle had its moved-aside outputs put back).
   */
  onNotice?: (message: string) => void;
  /** The environment the venv is made and the run started in (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /**
   * Stops the verification: the venv's making, pip or the run is killed
   * with its process group, the temporary folder removed, and
   * verifyPipeline rejects with {@link VerifyInterrupted}.
   */
  signal?: AbortSignal;
}

/** What the CLI makes of a report: exit 0, 1 or 6 (contract B). */
export function verifyOutcome(
  report: VerifyReport
): 'reproduced' | 'not-reproduced' | 'could-not-run' {
  if (!report.environment.installed) {
    return 'could-not-run';
  }
  return report.reproduced ? 'reproduced' : 'not-reproduced';
}

const STDERR_KEPT = 8000;

/**
 * The environment of the run: this one without another Python's settings,
 * and without where Trail records to (the `record` option says that);
 * TRAIL_NODE and TRAIL_CLI, how to run the recorder, are kept.
 */
function runEnvironment(
  base: NodeJS.ProcessEnv,
  venv: string
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (
      !/^(PYTHONPATH|PYTHONHOME|PYTHONSTARTUP|PYTHONUSERBASE|VIRTUAL_ENV|CONDA_PREFIX|TRAIL_(DISABLED|URL|TOKEN|TOKEN_FILE|DATA_DIR|DEFAULT_DATA_DIR|RUN_RESULT))$/.test(
        name
      )
    ) {
      env[name] = value;
    }
  }
  env.VIRTUAL_ENV = venv;
  env.PATH = [dirname(venvPython(venv)), base.PATH]
    .filter(Boolean)
    .join(delimiter);
  env.PYTHONNOUSERSITE = '1';
  return env;
}

/**
 * Makes jupyterlab_trail (and nothing else of `python`'s site-packages)
 * importable by the run, for its recorder; answers why not when it cannot.
 */
function recordingPath(
  record: VerifyRecord,
  python: string,
  scratch: string,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal
): Promise<{ path?: string; why?: string }> {
  return trailPackageLink(python, scratch, env, record.packageDir, signal);
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf-8'));
  } catch {
    return undefined;
  }
}

/** Verifies the pipeline in `options.folder` (see the module's comment). */
export async function verifyPipeline(
  options: VerifyOptions
): Promise<VerifyReport> {
  const started = Date.now();
  const progress = (phase: VerifyPhase, message: string) =>
    options.onProgress?.(message, phase);
  const folder = resolve(options.folder);
  const script = join(folder, 'pipeline.py');
  if (!existsSync(script)) {
    throw new VerifyError(
      'bad-input',
      `${folder} is not an exported pipeline: it has no pipeline.py`
    );
  }
  const wrongTolerance = badTolerance(
    options.tolerance,
    options.expected.files
  );
  if (wrongTolerance) {
    throw new VerifyError('bad-input', wrongTolerance);
  }
  const notebookFolder = resolve(
    folder,
    options.notebookDir ?? notebookDirOf(readFileSync(script, 'utf-8'))
  );
  const inputs = checkInputs(
    options.inputs ?? inputsOfDvcYaml(join(folder, 'dvc.yaml')),
    notebookFolder
  );

  if (
    options.venvDir &&
    existsSync(options.venvDir) &&
    readdirSync(options.venvDir).length > 0
  ) {
    throw new VerifyError(
      'bad-input',
      `the venv folder ${options.venvDir} is not empty: a verification makes a new venv`
    );
  }

  const { signal } = options;
  const stopIfAborted = () => {
    if (signal?.aborted) {
      throw new VerifyInterrupted();
    }
  };
  stopIfAborted();
  // Outputs an earlier verification killed in the middle moved aside go
  // back first; then this one's journal (a second verification is refused).
  recoverLeftovers(folder, message => options.onNotice?.(message));
  const keep = startRun(folder);
  let back: PutBack | undefined;
  const restore = (): PutBack => (back = back ?? putBack(keep));
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 30 * 60 * 1000;
  const scratch = mkdtempSync(join(tmpdir(), 'trail-verify-'));
  const venv = resolve(options.venvDir ?? join(scratch, 'venv'));
  const report: VerifyReport = {
    environment: { venv, installed: false },
    inputs,
    files: [],
    metrics: [],
    params: [],
    reproduced: false,
    durationMs: 0
  };
  try {
    progress('venv', `creating a clean venv at ${venv}`);
    const made = await makeVenv({
      python: options.python,
      venv,
      folder,
      requirementsFile: join(folder, 'requirements.txt'),
      cacheDir: options.cacheDir ?? pipCacheDir(env),
      env,
      timeoutMs,
      onInstall: () =>
        progress('install', 'installing requirements.txt with pip'),
      signal
    });
    stopIfAborted();
    report.environment = { venv, ...made };
    if (!made.installed) {
      return report;
    }

    const runEnv = runEnvironment(env, venv);
    let recording = 'not asked to record the run';
    if (options.record) {
      const path = await recordingPath(
        options.record,
        options.python,
        scratch,
        env,
        signal
      );
      stopIfAborted();
      if (path.path) {
        runEnv.PYTHONPATH = path.path;
        runEnv.TRAIL_URL = options.record.url;
        runEnv.TRAIL_RUN_RESULT = join(scratch, 'recorded.json');
        if (options.record.token) {
          runEnv.TRAIL_TOKEN = options.record.token;
        }
        recording = `handed to jupyterlab_trail.pipeline_run to record to ${options.record.url}`;
      } else {
        runEnv.TRAIL_DISABLED = '1';
        recording = `not recorded: ${path.why}`;
      }
    } else {
      runEnv.TRAIL_DISABLED = '1';
    }

    progress('run', 'running pipeline.py');
    // The run writes the paths the recording wrote: the user's files are
    // moved aside, and put back as soon as it ends (or in `finally`).
    setAside(keep, options.expected.files, notebookFolder);
    const answer = join(scratch, 'run.json');
    const runStarted = Date.now();
    const run = await runProcess(
      venvPython(venv),
      ['-c', RUNNER_PY, answer, script],
      { cwd: folder, env: runEnv, timeoutMs, signal }
    );
    const { reproduced: reproducedAt, restored } = restore();
    report.kept = {
      folder: keep.folder,
      reproduced: join(keep.folder, 'reproduced'),
      restored
    };
    stopIfAborted();
    // The files the recording wrote (back in place), for the content comparison.
    const kept = keepRecorded(
      options.expected.files,
      notebookFolder,
      undefined,
      options.tolerance
    );
    report.run = {
      exitCode: run.code,
      durationMs: Date.now() - runStarted,
      stderr: run.stderr.slice(-STDERR_KEPT),
      recording
    };
    if (run.signal) {
      report.run.signal = run.signal;
    }
    const recorded = runEnv.TRAIL_RUN_RESULT
      ? (readJson(runEnv.TRAIL_RUN_RESULT) as RecordedRun | undefined)
      : undefined;
    if (recorded && typeof recorded.sessionId === 'string') {
      report.run.recordedAs = recorded;
      report.run.recording = `recorded as session ${recorded.sessionId} on ${options.record?.url}`;
    } else if (runEnv.TRAIL_RUN_RESULT) {
      report.run.recording = `not recorded (see the run's stderr): asked to record to ${options.record?.url}`;
    }
    if (run.timedOut) {
      report.run.timedOut = true;
    }

    progress(
      'compare',
      'comparing outputs, metrics and params with the recording'
    );
    const ran = run.code === 0;
    const used = ran
      ? (readJson(answer) as
          | {
              given?: Record<string, ParamValue>;
              logged?: Record<string, ParamValue>;
            }
          | undefined)
      : undefined;
    const metricsFile = ran
      ? readJson(join(folder, 'metrics.json'))
      : undefined;
    // Every file at an output's path after the run was written by it (the
    // user's were moved aside): hashed where it is kept now.
    const hashes = new Map<string, string | undefined>();
    if (ran) {
      for (const { path } of options.expected.files) {
        const where = reproducedAt.get(path);
        hashes.set(path, where ? sha256(where) : undefined);
      }
    }
    const contents = await compareContents({
      python: venvPython(venv),
      link: () =>
        trailPackageLink(
          options.python,
          scratch,
          env,
          options.packageDir ?? options.record?.packageDir,
          signal
        ),
      files: options.expected.files,
      hashes,
      kept,
      reproducedAt,
      notebookFolder,
      pipelineFolder: folder,
      tolerance: options.tolerance,
      env: runEnv,
      signal
    });
    stopIfAborted();
    report.files = compareFiles(
      options.expected.files,
      hashes,
      options.tolerance,
      contents
    ).map(file => {
      const where = reproducedAt.get(file.path);
      return where && file.reproduced ? { ...file, reproducedAt: where } : file;
    });
    report.metrics = compareMetrics(
      options.expected.metrics,
      metricsFile && typeof metricsFile === 'object'
        ? (metricsFile as Record<string, unknown>)
        : {},
      options.tolerance
    );
    report.params = compareParams(options.expected.params, {
      logged: used?.logged ?? {},
      given: used?.given ?? {}
    });
    report.reproduced =
      ran &&
      report.files.every(file => file.within) &&
      report.metrics.every(metric => metric.within) &&
      report.params.every(param => param.same);
    return report;
  } finally {
    // Whatever happened (a failed run, Ctrl-C, an exception), the user's
    // files are back before this returns.
    restore();
    try {
      pruneRuns(folder);
    } catch {
      // Older verification folders are a nicety to remove.
    }
    report.durationMs = Date.now() - started;
    if (!options.keepVenv || signal?.aborted) {
      // A venvDir given is the caller's to remove; a stopped one is half made.
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}
