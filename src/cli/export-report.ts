/**
 * The text report of `trail export`: what was written, which steps were
 * kept and why, which were dropped and why, the magics left as comments,
 * the imports nothing pins, the inputs read by an absolute path, and how
 * to run each form of the pipeline.
 */
import { relative } from 'node:path';
import { isAbsolutePath } from '../records/export/effects';
import type { ExportResult } from './export-api';

/** How the target reads in a sentence. */
export function targetText(target: ExportResult['target']): string {
  switch (target.kind) {
    case 'file':
      return `the file ${target.path}`;
    case 'metric':
      return `the metric ${target.name}`;
    default:
      return 'the whole run';
  }
}

const plural = (n: number, word: string): string =>
  `${n} ${word}${n === 1 ? '' : 's'}`;

function valueText(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** The report's lines; `dir` is where the folder was written. */
export function exportLines(
  result: ExportResult,
  options: { dir: string; cwd: string; source?: string; verifying?: boolean }
): string[] {
  const lines: string[] = [];
  const shown = shownPath(options.dir, options.cwd);
  lines.push(
    `Exported ${targetText(result.target)} of session ${result.sessionId}` +
      `${options.source ? ` (${options.source})` : ''}, steps 1-${result.upto}, to ${shown}/ ` +
      `(${plural(result.files.length, 'file')}: ${result.files.map(f => f.path).join(', ')})`
  );
  lines.push('');
  lines.push(`Kept ${plural(result.kept.length, 'step')}:`);
  for (const step of result.kept) {
    lines.push(`  step ${step.step}: ${step.reason}`);
  }
  if (result.dropped.length) {
    lines.push(`Dropped ${plural(result.dropped.length, 'step')}:`);
    for (const step of result.dropped) {
      // "failed: KeyError: 'why'" rather than "failed (failed: ...)".
      const said = step.detail.startsWith(step.reason)
        ? step.detail
        : `${step.reason} (${step.detail})`;
      lines.push(`  step ${step.step}: ${said}`);
    }
  }
  const untranslated = result.translations.filter(
    t => t.action === 'untranslated'
  );
  if (untranslated.length) {
    lines.push(
      `Not translated (left in pipeline.py as comments; check them before running):`
    );
    for (const t of untranslated) {
      lines.push(
        `  step ${t.step}, line ${t.line}: ${t.magic}${t.reason ? ` (${t.reason})` : ''}`
      );
    }
  }
  const translated = result.translations.filter(
    t => t.action !== 'untranslated'
  );
  if (translated.length) {
    lines.push(
      `Translated: ${translated.map(t => `${t.magic} (step ${t.step}: ${t.action})`).join(', ')}`
    );
  }
  if (result.unresolvedImports.length) {
    lines.push(
      `Unresolved imports (not in the recorded environment nor the standard library, so not pinned in requirements.txt): ${result.unresolvedImports.join(', ')}`
    );
  }
  lines.push('');
  if (result.params.length) {
    lines.push(
      `Params (params.yaml; override with --NAME VALUE): ${result.params
        .map(
          p =>
            `${p.name}=${valueText(p.value)}${p.overridable === false ? ' (not overridable' + (p.note ? `: ${p.note}` : '') + ')' : ''}`
        )
        .join(', ')}`
    );
  }
  if (result.metrics.length) {
    lines.push(
      `Metrics (metrics.json): ${result.metrics.map(m => `${m.name}=${m.value}`).join(', ')}`
    );
  }
  if (result.inputs.length) {
    lines.push(
      `Inputs: ${result.inputs
        .map(
          i =>
            `${i.path}${i.sha256 ? ` (sha256 ${i.sha256.slice(0, 12)})` : ''}`
        )
        .join(', ')}`
    );
    const absolute = result.inputs.filter(i => isAbsolutePath(i.path));
    if (absolute.length) {
      lines.push(
        `Read by an absolute path: ${absolute.map(i => i.path).join(', ')}. ` +
          'On another machine (or in the Docker image) the pipeline finds ' +
          (absolute.length === 1 ? 'it' : 'them') +
          ' only at the same path.'
      );
    }
  }
  if (result.outputs.length) {
    lines.push(`Outputs: ${result.outputs.join(', ')}`);
  }
  lines.push('');
  lines.push(...howToRun(result, shown, options.verifying ?? false));
  return lines;
}

/** A path as the user would type it from `cwd`. */
function shownPath(dir: string, cwd: string): string {
  const path = relative(cwd, dir);
  return path === '' ? '.' : path.startsWith('..') ? dir : path;
}

function howToRun(
  result: ExportResult,
  shown: string,
  verifying: boolean
): string[] {
  const names = new Set(result.files.map(file => file.path));
  const lines = ['Run it:'];
  const cd = `cd ${/\s/.test(shown) ? JSON.stringify(shown) : shown}`;
  lines.push(
    `  ${cd} && pip install -r requirements.txt && python pipeline.py`
  );
  const param = result.params.find(p => p.overridable !== false);
  if (param) {
    lines.push(
      `  ${cd} && python pipeline.py --${param.name} VALUE   (another ${param.name}; params.yaml has the recorded one)`
    );
  }
  if (names.has('dvc.yaml')) {
    lines.push(
      `  dvc repro ${shown}/dvc.yaml   (from this folder, the notebook's: DVC's project root, where the outputs are written; once before: dvc init, or dvc init --no-scm outside git)`
    );
  }
  if (names.has('MLproject')) {
    lines.push(
      `  mlflow run ${shown} --env-manager local   (in the environment of requirements.txt)`
    );
  }
  if (names.has('Dockerfile')) {
    lines.push(
      `  docker build -t pipeline ${shown}   (README.md says how to run it)`
    );
  }
  if (!verifying) {
    const target =
      result.target.kind === 'file'
        ? ` --target ${result.target.path}`
        : result.target.kind === 'metric'
          ? ` --target metric:${result.target.name}`
          : '';
    lines.push(
      `Check that it reproduces the recording: trail export ${result.sessionId} --upto ${result.upto}${target} --out ${shown} --force --verify`
    );
  }
  return lines;
}
