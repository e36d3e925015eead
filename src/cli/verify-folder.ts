/**
 * What a verification reads from the pipeline folder Trail wrote (see
 * src/records/export/pipeline/): where the notebook's folder is (pipeline.py's
 * `_NOTEBOOK_DIR`), the recorded inputs (dvc.yaml's deps after the script),
 * and the Python that runs pipeline.py and reports the params it used.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { InputFile } from '../records/replay/inputs';

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
