/**
 * What a verification reads from the pipeline folder Trail wrote (see
 * src/records/export/pipeline/): where the notebook's folder is (pipeline.py's
 * `_NOTEBOOK_DIR`), the recorded inputs (dvc.yaml's deps after the script)
 * and whether they are there, the outputs the run wrote, and the Python
 * that runs pipeline.py and reports the params it used.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { InputFile } from '../records/replay/inputs';
import type { VerifyExpected } from './verify-compare';

/** Why a verification could not start. */
export type VerifyFailure = 'bad-input' | 'input-missing';

/**
 * The verification could not run: the folder is no pipeline, a tolerance is
 * wrong (`bad-input`), or a recorded input is missing (`input-missing`,
 * which names every missing one). Nothing was run.
 */
export class VerifyError extends Error {
  constructor(
    readonly code: VerifyFailure,
    message: string
  ) {
    super(message);
    this.name = 'VerifyError';
  }
}

/** A recorded input as found at verify time. */
export interface InputCheck {
  path: string;
  /** Where it was looked for. */
  resolved: string;
  recorded?: string;
  /** Its sha256 now (files only, when one was recorded). */
  found?: string;
  /** false: it changed since the recording (the run may differ for that reason). */
  same?: boolean;
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** A recorded path (relative to the notebook's folder, or absolute) on this machine. */
export function placed(notebookFolder: string, path: string): string {
  return isAbsolute(path) ? path : resolve(notebookFolder, path);
}

/** The recorded inputs as they are now; throws naming the missing ones. */
export function checkInputs(
  inputs: readonly InputFile[],
  notebookFolder: string
): InputCheck[] {
  const checks = inputs.map(input => {
    const check: InputCheck = {
      path: input.path,
      resolved: placed(notebookFolder, input.path)
    };
    if (input.sha256) {
      check.recorded = input.sha256;
    }
    return check;
  });
  const missing = checks.filter(check => !existsSync(check.resolved));
  if (missing.length > 0) {
    const names = missing
      .map(check => `${check.path} (looked for ${check.resolved})`)
      .join(', ');
    throw new VerifyError(
      'input-missing',
      `the pipeline's recorded input${missing.length > 1 ? 's are' : ' is'} missing: ${names}. ` +
        `It reads its inputs at their recorded paths, relative to the notebook's folder ${notebookFolder}; nothing was run.`
    );
  }
  for (const check of checks) {
    if (check.recorded && statSync(check.resolved).isFile()) {
      check.found = sha256(check.resolved);
      check.same = check.found === check.recorded;
    }
  }
  return checks;
}

/** Each output's sha256 if this run wrote it (an older file is not a reproduction). */
export function outputHashes(
  files: VerifyExpected['files'],
  notebookFolder: string,
  before: ReadonlyMap<string, number>
): Map<string, string | undefined> {
  const hashes = new Map<string, string | undefined>();
  for (const { path } of files) {
    const where = placed(notebookFolder, path);
    let hash: string | undefined;
    if (existsSync(where)) {
      const stat = statSync(where);
      if (stat.isFile() && before.get(path) !== stat.mtimeMs) {
        hash = sha256(where);
      }
    }
    hashes.set(path, hash);
  }
  return hashes;
}

export function mtimes(
  files: VerifyExpected['files'],
  notebookFolder: string
): Map<string, number> {
  const times = new Map<string, number>();
  for (const { path } of files) {
    const where = placed(notebookFolder, path);
    if (existsSync(where)) {
      times.set(path, statSync(where).mtimeMs);
    }
  }
  return times;
}

/** pipeline.py's `_NOTEBOOK_DIR` (the writer's `placement.notebookDir`), '.' when absent. */
export function notebookDirOf(script: string): string {
  const match = /^_NOTEBOOK_DIR = ("(?:[^"\\]|\\.)*")\s*$/m.exec(script);
  if (!match) {
    return '.';
  }
  const value = JSON.parse(match[1]) as unknown;
  return typeof value === 'string' && value ? value : '.';
}

/** A YAML scalar as the writer's yamlText writes it (bare, or a JSON string). */
function yamlTextValue(text: string): string {
  const trimmed = text.trim();
  return trimmed.startsWith('"') ? (JSON.parse(trimmed) as string) : trimmed;
}

/**
 * The inputs dvc.yaml declares: the stage's deps after the first (the
 * script), paths relative to its wdir, the notebook's folder. None when
 * there is no dvc.yaml.
 */
export function inputsOfDvcYaml(path: string): InputFile[] {
  if (!existsSync(path)) {
    return [];
  }
  const lines = readFileSync(path, 'utf-8').split(/\r?\n/);
  const start = lines.findIndex(line => /^\s+deps:\s*$/.test(line));
  if (start < 0) {
    return [];
  }
  const deps: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const match = /^\s+- (.+)$/.exec(line);
    if (!match) {
      break;
    }
    deps.push(yamlTextValue(match[1]));
  }
  return deps.slice(1).map(dep => ({ path: dep, step: 0 }));
}

/**
 * Runs pipeline.py as `python pipeline.py` does (as __main__, its folder
 * first on sys.path, no arguments) and, once it finished, writes to
 * argv[1] the params it was handed (PARAMS) and those its code logged.
 */
export const RUNNER_PY = String.raw`
import json, math, os, runpy, sys

answer, script = sys.argv[1], sys.argv[2]
sys.argv = [script]
sys.path[0] = os.path.dirname(os.path.abspath(script))
names = runpy.run_path(script, run_name="__main__")


def plain(value):
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    return repr(value)


def mapping(value):
    try:
        return {str(name): plain(item) for name, item in dict(value or {}).items()}
    except (TypeError, ValueError):
        return {}


trail = names.get("_trail")
with open(answer, "w", encoding="utf-8") as stream:
    json.dump({"given": mapping(names.get("PARAMS")), "logged": mapping(getattr(trail, "params", None))}, stream)
`;
