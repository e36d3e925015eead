/**
 * A fork's substitution in the kernel (issue #14, contract 6): installs,
 * by one silent execute_request, the map from the recorded input paths to
 * the user's files or folders. From then on the recorded code, unchanged,
 * reads the user's data whatever builds the path or opens it, and the
 * recording's file capture names the files really read
 * (jupyterlab_trail/kernel/redirect.py).
 */
import type { Kernel } from '@jupyterlab/services';
import type { ForkMapping } from '../../records/fork/contract';
import { executeSilent, isRunning, markedLines } from './silent';

/** One installed redirection, as the kernel resolved it. */
export interface Redirect {
  /** The recorded path, absolute (relative ones from the notebook's folder). */
  recorded: string;
  /** The user's path, absolute. */
  path: string;
  /** A folder maps every path under it; a file only itself. */
  kind: 'file' | 'folder';
}

/** Why the map could not be installed. */
export type RedirectFailure =
  /** The notebook has no running kernel. */
  | 'no-kernel'
  /** The kernel has no Trail helper (not Python, or not injected yet). */
  | 'no-helper'
  /** The map itself is wrong (an empty path, a recorded path twice). */
  | 'invalid'
  /** The kernel answered with an error or nothing readable. */
  | 'failed';

/** The map was not installed; `reason` says which way. */
export class RedirectError extends Error {
  constructor(
    readonly reason: RedirectFailure,
    message: string
  ) {
    super(message);
    this.name = 'RedirectError';
  }
}

/** Marks the answer among whatever else the kernel prints. */
export const REDIRECT_MARKER = '\u001etrail-redirect ';

/** The ename the request raises when the kernel has no helper. */
const NO_HELPER = 'TrailHelperMissing';

/**
 * The code of the request: the injected helper's `_trail_redirect`
 * (module `trail`) with the map, its answer printed as one marked JSON
 * line. The map goes in as a JSON string, so no path can break out of the
 * literal. An empty map clears the redirection.
 */
export function redirectCode(map: readonly ForkMapping[]): string {
  const pairs = map.map(({ recorded, path }) => ({ recorded, path }));
  const literal = JSON.stringify(JSON.stringify(pairs));
  return [
    'def __trail_run_redirect(map_json):',
    '    import json, sys',
    '    helper = sys.modules.get("trail")',
    '    redirect = None',
    '    if helper is not None and getattr(helper, "__trail_helper__", False):',
    '        redirect = getattr(helper, "_trail_redirect", None)',
    '    if redirect is None:',
    `        raise type(${JSON.stringify(NO_HELPER)}, (RuntimeError,), {})(`,
    '            "this kernel has no Trail helper with _trail_redirect")',
    '    mapping = {}',
    '    for pair in json.loads(map_json):',
    '        mapping[pair["recorded"]] = pair["path"]',
    '    answer = redirect(mapping)',
    `    print(${JSON.stringify(REDIRECT_MARKER)} + json.dumps(answer), flush=True)`,
    'try:',
    `    __trail_run_redirect(${literal})`,
    'finally:',
    '    del __trail_run_redirect'
  ].join('\n');
}

/** The redirections in what the kernel printed, or null. */
export function parseRedirectOutput(stdout: string): Redirect[] | null {
  const lines = markedLines(stdout, REDIRECT_MARKER);
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const value = JSON.parse(lines[i]) as {
        redirects?: unknown;
      };
      if (Array.isArray(value?.redirects)) {
        const redirects = value.redirects as Redirect[];
        if (
          redirects.every(
            r =>
              typeof r?.recorded === 'string' &&
              typeof r.path === 'string' &&
              (r.kind === 'file' || r.kind === 'folder')
          )
        ) {
          return redirects;
        }
      }
    } catch {
      // Not the answer: keep looking.
    }
  }
  return null;
}

/** Rejects a map the kernel would take wrongly: empty paths, a recorded path twice. */
function checkMap(map: readonly ForkMapping[]): void {
  const seen = new Set<string>();
  for (const { recorded, path } of map) {
    if (typeof recorded !== 'string' || !recorded) {
      throw new RedirectError('invalid', 'A recorded path is empty.');
    }
    if (typeof path !== 'string' || !path) {
      throw new RedirectError(
        'invalid',
        `The new path for "${recorded}" is empty.`
      );
    }
    if (seen.has(recorded)) {
      throw new RedirectError(
        'invalid',
        `"${recorded}" is mapped twice: map each recorded path once.`
      );
    }
    seen.add(recorded);
  }
}

/**
 * Installs `map` in `kernel` (replacing any previous one; `[]` clears it)
 * and resolves with the redirections as the kernel resolved them, in the
 * order of `map`. Silent: neither in the kernel's history nor recorded.
 *
 * @throws RedirectError: `no-kernel` without a running kernel, `no-helper`
 *   when the kernel has no Trail helper, `invalid` for a bad map, `failed`
 *   otherwise.
 */
export async function installRedirects(
  kernel: Kernel.IKernelConnection | null | undefined,
  map: readonly ForkMapping[],
  options: { timeoutMs?: number } = {}
): Promise<Redirect[]> {
  checkMap(map);
  if (!isRunning(kernel)) {
    throw new RedirectError('no-kernel', 'The notebook has no running kernel.');
  }
  const timeoutMs = options.timeoutMs ?? 60000;
  const { stdout, error } = await executeSilent(kernel, redirectCode(map), {
    timeoutMs,
    timeoutError: () =>
      new RedirectError(
        'failed',
        `The kernel did not install the substitutions within ${Math.round(timeoutMs / 1000)} s.`
      ),
    stoppedError: reason =>
      new RedirectError(
        'no-kernel',
        `The kernel stopped before it installed the substitutions (${String(reason)}).`
      )
  });
  const answer = parseRedirectOutput(stdout);
  if (answer) {
    return answer;
  }
  const failure = error;
  if (failure?.ename === NO_HELPER) {
    throw new RedirectError(
      'no-helper',
      'This kernel has no Trail helper, so the fork cannot substitute its inputs ' +
        '(is it a Python kernel with Trail recording?).'
    );
  }
  if (failure) {
    throw new RedirectError(
      failure.ename === 'ValueError' || failure.ename === 'TypeError'
        ? 'invalid'
        : 'failed',
      `The kernel could not install the substitutions: ${failure.ename}: ${failure.evalue}`
    );
  }
  throw new RedirectError(
    'no-helper',
    'The kernel gave no readable answer to the substitution request (is it a Python kernel?).'
  );
}
