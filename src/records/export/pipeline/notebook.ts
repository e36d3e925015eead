/**
 * pipeline.ipynb: the pipeline as a notebook for papermill. Its
 * `parameters` cell binds the params (papermill injects overrides after
 * it); the next cell builds PARAMS from them and defines the same `trail`
 * as the script; then one cell per kept step, and a last one writing
 * metrics.json.
 */
import { isIdentifier, pythonLiteral, pythonName } from './literals';
import { TRAIL_PY } from './prologue';
import {
  METRICS_FILE,
  NOTEBOOK,
  notebookDir,
  recordedParamsLiteral,
  sourceLiteral,
  stepCode,
  stepHeading
} from './script';
import type { PipelineSpec } from './spec';

interface Cell {
  id: string;
  cell_type: 'code' | 'markdown';
  metadata: Record<string, unknown>;
  source: string;
  execution_count?: null;
  outputs?: [];
}

function code(id: string, source: string, tags?: string[]): Cell {
  return {
    id,
    cell_type: 'code',
    metadata: tags ? { tags } : {},
    source: source.replace(/\s+$/, ''),
    execution_count: null,
    outputs: []
  };
}

/** The notebook as an nbformat 4.5 document. */
export function pipelineNotebook(spec: PipelineSpec): Record<string, unknown> {
  const names = Object.keys(spec.params);
  const parameters = names.length
    ? names
        .map(name => {
          const variable = pythonName(name);
          const note = isIdentifier(name)
            ? ''
            : `  # param ${JSON.stringify(name)}`;
          return `${variable} = ${pythonLiteral(spec.params[name])}${note}`;
        })
        .join('\n')
    : '# The run logged no params.';
  const prologue = [
    '# Trail prologue: PARAMS from the parameters above, the trail object, display()',
    'import json as _json',
    'import os as _os',
    'import sys as _sys',
    '',
    '_HERE = _os.path.abspath("")',
    "# The notebook names itself, so a run under papermill is recorded as this notebook's.",
    `_NOTEBOOK_FORM = ${JSON.stringify(NOTEBOOK)}`,
    `_NOTEBOOK_DIR = ${JSON.stringify(notebookDir(spec))}`,
    `_SOURCE = ${sourceLiteral(spec)}`,
    `_RECORDED_PARAMS = ${recordedParamsLiteral(spec.params)}`,
    `PARAMS = {${names.map(name => `${JSON.stringify(name)}: ${pythonName(name)}`).join(', ')}}`,
    TRAIL_PY
  ].join('\n');
  const { source } = spec;
  const cells: Cell[] = [
    {
      id: 'trail-about',
      cell_type: 'markdown',
      metadata: {},
      source:
        `# ${source.notebookPath} as a pipeline\n\n` +
        `Exported by Trail from session \`${source.sessionId}\` up to step ${source.step}. ` +
        `Run it with papermill from its folder: \`papermill ${NOTEBOOK} out.ipynb -p NAME VALUE\`.`
    },
    code('trail-parameters', parameters, ['parameters']),
    code('trail-prologue', prologue),
    ...spec.steps.map(step =>
      code(
        `step-${step.step}`,
        `${stepHeading(step)}\n${stepCode(step.python)}`
      )
    ),
    code(
      'trail-epilogue',
      `_trail.finish(_os.path.join(_HERE, ${JSON.stringify(METRICS_FILE)}))`
    )
  ];
  const version = spec.environment?.snapshot.language.version;
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3',
        language: 'python'
      },
      language_info: { name: 'python', ...(version ? { version } : {}) },
      trail: {
        exportedFrom: { sessionId: source.sessionId, step: source.step }
      }
    },
    cells
  };
}
