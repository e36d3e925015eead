/**
 * dvc.yaml: one stage `train` running the script, its deps the recorded
 * inputs and the script, its outs the files the kept steps wrote that are
 * not inputs, its params those of params.yaml and its metrics metrics.json
 * (kept in git, not in the DVC cache).
 */
import { isAbsolutePath } from '../effects';
import { yamlText } from './literals';
import { notebookDir, METRICS_FILE, PARAMS_FILE, SCRIPT } from './script';
import type { PipelineSpec } from './spec';

/** Param names DVC reads from a flat params.yaml (a dot would mean nesting). */
export function isDvcParam(name: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(name);
}

/** Outputs DVC can track: inside the workspace (an absolute path is not). */
export function dvcOutputs(spec: PipelineSpec): string[] {
  const own = new Set([SCRIPT, PARAMS_FILE, METRICS_FILE]);
  const inputs = new Set(spec.inputs.map(input => input.path));
  return spec.outputs.filter(
    path => !isAbsolutePath(path) && !own.has(path) && !inputs.has(path)
  );
}

export function dvcYaml(spec: PipelineSpec): string {
  // Recorded paths are relative to the notebook's folder: the stage runs there.
  const wdir = notebookDir(spec);
  const folder =
    wdir === '.' ? '' : `${spec.placement?.pipelineDir.replace(/\/+$/, '')}/`;
  const own = (file: string): string => `${folder}${file}`;
  const lines = ['stages:', '  train:'];
  if (wdir !== '.') {
    lines.push(`    wdir: ${yamlText(wdir)}`);
  }
  lines.push(`    cmd: ${yamlText(`python ${own(SCRIPT)}`)}`);
  lines.push('    deps:', `      - ${yamlText(own(SCRIPT))}`);
  for (const input of spec.inputs) {
    lines.push(`      - ${yamlText(input.path)}`);
  }
  const params = Object.keys(spec.params).filter(isDvcParam);
  if (params.length > 0) {
    lines.push('    params:');
    if (folder) {
      lines.push(`      - ${yamlText(own(PARAMS_FILE))}:`);
      params.forEach(name => lines.push(`          - ${yamlText(name)}`));
    } else {
      params.forEach(name => lines.push(`      - ${yamlText(name)}`));
    }
  }
  const outs = dvcOutputs(spec);
  if (outs.length > 0) {
    lines.push('    outs:');
    outs.forEach(path => lines.push(`      - ${yamlText(path)}`));
  }
  lines.push(
    '    metrics:',
    `      - ${yamlText(own(METRICS_FILE))}:`,
    '          cache: false'
  );
  return lines.join('\n') + '\n';
}
