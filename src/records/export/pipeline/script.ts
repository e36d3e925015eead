/**
 * pipeline.py: the prologue (params, the script's own `trail`), the kept
 * steps' code in execution order, each under a comment naming its source
 * step and cell, and the epilogue that writes metrics.json.
 */
import type { ParamValue } from '../../schema';
import { pythonLiteral } from './literals';
import { COERCE_PY, READ_PARAMS_PY, TRAIL_PY } from './prologue';
import type { PipelineSpec, PipelineStep } from './spec';

/** The file names of the pipeline folder that its code refers to. */
export const SCRIPT = 'pipeline.py';
export const NOTEBOOK = 'pipeline.ipynb';
export const PARAMS_FILE = 'params.yaml';
export const METRICS_FILE = 'metrics.json';

/**
 * Lines binding the name `trail` to Trail's kernel module
 * (`import jupyterlab_trail.kernel as trail`, `from jupyterlab_trail import
 * kernel as trail`): outside the kernel the script's own `trail` stands in.
 * `import trail` needs nothing: the prologue installs the object as the
 * module `trail`.
 */
const TRAIL_IMPORT =
  /^([ \t]*)(?:import\s+jupyterlab_trail(?:\.kernel)?(?:\.api)?\s+as\s+trail|from\s+jupyterlab_trail(?:\.kernel)?\s+import\s+(?:kernel|api)\s+as\s+trail)\s*(?:#.*)?$/;

/** A step's code with the lines importing Trail's kernel module as `trail` neutralised. */
export function stepCode(python: string): string {
  return python
    .split('\n')
    .map(line => {
      const match = TRAIL_IMPORT.exec(line);
      return match
        ? `${match[1]}pass  # trail: the pipeline's own trail object stands in for: ${line.trim()}`
        : line;
    })
    .join('\n');
}

/** The comment a step's code sits under. */
export function stepHeading(step: PipelineStep): string {
  const cell = step.cellId ? `cell ${step.cellId}, ` : '';
  return `# ---- Step ${step.step} (${cell}execution ${step.executionId}): ${oneLine(step.reason)}`;
}

/** Text safe inside a one-line comment. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The dict literal of the recorded params. */
export function recordedParamsLiteral(
  params: Record<string, ParamValue>
): string {
  const entries = Object.entries(params).map(
    ([name, value]) => `    ${JSON.stringify(name)}: ${pythonLiteral(value)},`
  );
  return entries.length ? `{\n${entries.join('\n')}\n}` : '{}';
}

/** The dict literal of the provenance the recorder (and --help) reads. */
export function sourceLiteral(spec: PipelineSpec): string {
  const { source } = spec;
  const fields: [string, string | number | undefined][] = [
    ['session', source.sessionId],
    ['notebook', source.notebookPath],
    ['step', source.step],
    ['author', source.author],
    ['server', source.server],
    ['environment', spec.environment?.id]
  ];
  const entries = fields
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `    "${key}": ${JSON.stringify(value)},`);
  return `{\n${entries.join('\n')}\n}`;
}

/** The notebook's folder as seen from the pipeline folder ('.' by default). */
export function notebookDir(spec: PipelineSpec): string {
  return spec.placement?.notebookDir || '.';
}

/** The kept steps, each under its heading. */
export function stepsPy(spec: PipelineSpec): string[] {
  return spec.steps.map(
    step =>
      `${stepHeading(step)}\n${stepCode(step.python).replace(/\s+$/, '')}\n`
  );
}

/** pipeline.py. */
export function pipelineScript(spec: PipelineSpec): string {
  const { source } = spec;
  const docstring = [
    `"""${source.notebookPath} as a pipeline, exported by Trail from session ${source.sessionId} (up to step ${source.step}).`,
    '',
    `Params come from ${PARAMS_FILE}; \`python ${SCRIPT} --NAME VALUE\` overrides one.`,
    `The metrics the run logs are written to ${METRICS_FILE}. See README.md.`,
    '"""'
  ]
    .join('\n')
    .replace(/\\/g, '\\\\');
  const prologue = [
    '#!/usr/bin/env python3',
    docstring,
    '# ---- Trail prologue: params, the trail object, display() ----',
    'import argparse as _argparse',
    'import json as _json',
    'import os as _os',
    'import sys as _sys',
    '',
    '_HERE = _os.path.dirname(_os.path.abspath(__file__))',
    `_NOTEBOOK_DIR = ${JSON.stringify(notebookDir(spec))}`,
    `_SOURCE = ${sourceLiteral(spec)}`,
    `_RECORDED_PARAMS = ${recordedParamsLiteral(spec.params)}`,
    '# Plots are written to files, never shown in a window.',
    '_os.environ.setdefault("MPLBACKEND", "Agg")',
    COERCE_PY,
    READ_PARAMS_PY,
    `PARAMS = _parse_args(_read_params(_os.path.join(_HERE, ${JSON.stringify(PARAMS_FILE)})))`,
    TRAIL_PY
  ].join('\n');
  const epilogue = [
    '# ---- Trail epilogue ----',
    `_trail.finish(_os.path.join(_HERE, ${JSON.stringify(METRICS_FILE)}))`
  ].join('\n');
  return [prologue, ...stepsPy(spec), epilogue].join('\n') + '\n';
}
