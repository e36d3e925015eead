/**
 * Asks a kernel what a replay would run with: its environment and the
 * state of the files the recorded steps read (contract 5's
 * `_trail_probe`), by one silent execute_request. Silent requests are
 * neither in the kernel's history nor recorded by the recorder.
 */
import type { Kernel } from '@jupyterlab/services';
import type { EnvironmentSnapshot } from '../../records/schema';
import type { TargetFile } from './contracts';
import { executeSilent, isRunning, markedLines } from './silent';

/** What the probe answers. */
export interface ProbeResult {
  /** The kernel's environment, in the shape the helper captures it. */
  environment?: EnvironmentSnapshot;
  /** Each asked path as the kernel sees it. */
  files: TargetFile[];
}

/** Why a probe failed, for the view to say what to do. */
export type ProbeFailure =
  /** The notebook has no running kernel. */
  | 'no-kernel'
  /** The kernel is not Python, or has neither the helper nor the package. */
  | 'unsupported'
  /** The kernel answered with an error or nothing readable. */
  | 'failed';

/** A probe that could not be run; `reason` says which way. */
export class ProbeError extends Error {
  constructor(
    readonly reason: ProbeFailure,
    message: string
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

/** Marks the probe's answer among whatever else the kernel prints. */
export const PROBE_MARKER = '\u001etrail-probe ';

/**
 * The code of the probe request. It uses the injected helper's
 * `_trail_probe` (module `trail`) when the helper is loaded, else the
 * installed package's `jupyterlab_trail.kernel.probe.probe`, and prints
 * the answer as one marked JSON line. Paths go in as a JSON string, so no
 * path can break out of the literal.
 *
 * With `detail` (a fork's contract check) each existing path also gets
 * `kind`, `fileCount` (folders), `readable`/`error` and, for CSV/TSV,
 * `table.rows` counted (contract 2 of #14). Without it the request is the
 * replay's, unchanged.
 */
export function probeCode(
  paths: readonly string[],
  options: { detail?: boolean } = {}
): string {
  const literal = JSON.stringify(JSON.stringify(paths));
  const call = options.detail
    ? '    answer = probe(json.loads(paths_json), detail=True)'
    : '    answer = probe(json.loads(paths_json))';
  return [
    'def __trail_run_probe(paths_json):',
    '    import json, sys',
    '    helper = sys.modules.get("trail")',
    '    probe = None',
    '    if helper is not None and getattr(helper, "__trail_helper__", False):',
    '        probe = getattr(helper, "_trail_probe", None)',
    '    if probe is None:',
    '        from jupyterlab_trail.kernel.probe import probe',
    call,
    '    if not isinstance(answer, str):',
    '        answer = json.dumps(answer)',
    `    print(${JSON.stringify(PROBE_MARKER)} + answer.replace("\\n", " "), flush=True)`,
    'try:',
    `    __trail_run_probe(${literal})`,
    'finally:',
    '    del __trail_run_probe'
  ].join('\n');
}

/**
 * The probe's answer in what the kernel printed: the marked line, else
 * (a probe that printed its own JSON) the last line that parses as an
 * object with `files`.
 */
export function parseProbeOutput(stdout: string): ProbeResult | null {
  const marked = markedLines(stdout, PROBE_MARKER);
  const candidates = marked.length
    ? marked
    : stdout.split('\n').filter(line => line.trim().startsWith('{'));
  for (let i = candidates.length - 1; i >= 0; i--) {
    try {
      const value = JSON.parse(candidates[i]) as unknown;
      if (isProbeResult(value)) {
        return value;
      }
    } catch {
      // Not the answer: keep looking.
    }
  }
  return null;
}

function isProbeResult(value: unknown): value is ProbeResult {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const files = (value as { files?: unknown }).files;
  return (
    Array.isArray(files) &&
    files.every(
      file =>
        typeof file === 'object' &&
        file !== null &&
        typeof (file as TargetFile).path === 'string' &&
        typeof (file as TargetFile).exists === 'boolean'
    )
  );
}

/**
 * Runs the probe in `kernel` for `paths` and resolves with its answer.
 *
 * @throws ProbeError: `no-kernel` without a kernel, `unsupported` when the
 *   kernel has no way to probe (not Python, no helper nor package),
 *   `failed` otherwise.
 */
export async function runProbe(
  kernel: Kernel.IKernelConnection | null | undefined,
  paths: readonly string[],
  options: { timeoutMs?: number; detail?: boolean } = {}
): Promise<ProbeResult> {
  if (!isRunning(kernel)) {
    throw new ProbeError('no-kernel', 'The notebook has no running kernel.');
  }
  const timeoutMs = options.timeoutMs ?? 120000;
  const code = probeCode(paths, { detail: options.detail });
  const { stdout, error } = await executeSilent(kernel, code, {
    timeoutMs,
    timeoutError: () =>
      new ProbeError(
        'failed',
        `The kernel did not answer the probe within ${Math.round(timeoutMs / 1000)} s.`
      ),
    stoppedError: reason =>
      new ProbeError(
        'no-kernel',
        `The kernel stopped before it answered the probe (${String(reason)}).`
      )
  });
  const answer = parseProbeOutput(stdout);
  if (answer) {
    return answer;
  }
  const failure = error;
  if (failure) {
    const unsupported =
      failure.ename === 'ModuleNotFoundError' ||
      failure.ename === 'ImportError';
    throw new ProbeError(
      unsupported ? 'unsupported' : 'failed',
      unsupported
        ? 'This kernel has neither the Trail helper nor the jupyterlab_trail package: ' +
            `${failure.ename}: ${failure.evalue}`
        : `The probe failed in the kernel: ${failure.ename}: ${failure.evalue}`
    );
  }
  throw new ProbeError(
    'unsupported',
    'The kernel gave no readable answer to the probe (is it a Python kernel?).'
  );
}
