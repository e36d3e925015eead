/**
 * README.md of the pipeline folder: where the run came from (session,
 * author, step, input hashes, environment), what the export kept and
 * dropped and why, what it could not translate, and how to run each form.
 */
import { isAbsolutePath } from '../effects';
import { dvcOutputs, isDvcParam } from './dvc';
import { mlflowParams, projectName, pythonVersion } from './mlflow';
import { NOTEBOOK, notebookDir, oneLine, PARAMS_FILE, SCRIPT } from './script';
import { howToVerify } from './readme-verify';
import type { PipelineSpec } from './spec';

/** Text safe in a Markdown table cell. */
function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|');
}

function targetText(spec: PipelineSpec): string {
  const { target } = spec.source;
  switch (target.kind) {
    case 'file':
      return `what produced the file \`${target.path}\``;
    case 'metric':
      return `what produced the metric \`${target.name}\``;
    default:
      return `the whole session up to step ${spec.source.step}`;
  }
}

function provenance(spec: PipelineSpec): string[] {
  const { source } = spec;
  const environment = spec.environment;
  const lines = [
    '## Where it comes from',
    '',
    `- Session: \`${source.sessionId}\`${source.server ? ` on ${source.server}` : ''}`,
    `- Notebook: \`${source.notebookPath}\``,
    `- Author: ${source.author ?? 'not recorded'}`,
    `- Exported: ${targetText(spec)}${source.exportedAt ? `, on ${source.exportedAt}` : ''}`,
    `- Environment: ${environment?.id ? `\`${environment.id}\`` : 'no snapshot recorded'}` +
      (environment
        ? ` (${environment.snapshot.language.name} ${environment.snapshot.language.version}, ${environment.snapshot.packages.length} packages)`
        : '')
  ];
  lines.push('', '### Inputs', '');
  if (spec.inputs.length === 0) {
    lines.push('The kept steps read no recorded file.');
  } else {
    lines.push(
      '| Path | sha256 | Size | First read at step |',
      '|---|---|---|---|'
    );
    for (const input of spec.inputs) {
      const kind =
        input.kind === 'folder'
          ? ` (folder${input.fileCount !== undefined ? `, ${input.fileCount} files` : ''})`
          : '';
      lines.push(
        `| \`${cell(input.path)}\`${kind} | ${input.sha256 ? `\`${input.sha256}\`` : 'not hashed'} | ${input.size ?? ''} | ${input.step} |`
      );
    }
    const absolute = spec.inputs.filter(input => isAbsolutePath(input.path));
    if (absolute.length > 0) {
      lines.push(
        '',
        `**Read by an absolute path:** ${absolute.map(input => `\`${input.path}\``).join(', ')}. ` +
          'On another machine (or in the Docker image, which mounts only this folder) the pipeline finds ' +
          (absolute.length === 1 ? 'it' : 'them') +
          ' only at the same path: put ' +
          (absolute.length === 1 ? 'the file' : 'the files') +
          ' there, or change the path in `pipeline.py`, and check the sha256 above.'
      );
    }
  }
  lines.push('', '### Outputs', '');
  lines.push(
    spec.outputs.length === 0
      ? 'The kept steps wrote no file.'
      : spec.outputs.map(path => `- \`${path}\``).join('\n')
  );
  const skipped = spec.outputs.filter(path => !dvcOutputs(spec).includes(path));
  if (skipped.length > 0) {
    lines.push(
      '',
      `Not declared as DVC outputs (outside the workspace): ${skipped.map(p => `\`${p}\``).join(', ')}.`
    );
  }
  return lines;
}

function paramsAndMetrics(spec: PipelineSpec): string[] {
  const lines = ['## Params and metrics', ''];
  const names = Object.keys(spec.params);
  if (names.length === 0) {
    lines.push('The run logged no params.');
  } else {
    const wired = new Set(spec.wiredParams ?? names);
    lines.push(
      '| Param | Recorded value | Read by the code |',
      '|---|---|---|'
    );
    for (const name of names) {
      lines.push(
        `| \`${cell(name)}\` | \`${cell(JSON.stringify(spec.params[name]))}\` | ${wired.has(name) ? 'yes' : `no: ${oneLine(spec.paramNotes?.[name] ?? 'the code sets it itself')}; overriding it changes only what is logged`} |`
      );
    }
  }
  lines.push('');
  if (spec.metrics.length === 0) {
    lines.push('The run logged no metrics; metrics.json will be `{}`.');
  } else {
    lines.push(
      `The script writes these metrics to \`metrics.json\` when it ends:`,
      ''
    );
    for (const name of spec.metrics) {
      const value = spec.metricValues?.[name];
      lines.push(
        `- \`${name}\`${value !== undefined ? ` (recorded: ${value === null ? 'NaN or infinite' : value})` : ''}`
      );
    }
  }
  return lines;
}

function keptAndDropped(spec: PipelineSpec): string[] {
  const lines = ['## What the export kept and dropped', ''];
  lines.push(
    `Kept ${spec.steps.length} step${spec.steps.length === 1 ? '' : 's'}, in execution order:`,
    ''
  );
  for (const step of spec.steps) {
    lines.push(
      `- step ${step.step}${step.cellId ? ` (cell \`${step.cellId}\`)` : ''}: ${oneLine(step.reason)}`
    );
  }
  lines.push('');
  if (spec.dropped.length === 0) {
    lines.push('Dropped nothing.');
  } else {
    lines.push(
      '| Step | Cell | Dropped because | Detail |',
      '|---|---|---|---|'
    );
    for (const drop of spec.dropped) {
      lines.push(
        `| ${drop.step} | ${drop.cellId ? `\`${drop.cellId}\`` : ''} | ${drop.reason} | ${cell(drop.detail)} |`
      );
    }
  }
  if (spec.untranslated.length > 0) {
    lines.push(
      '',
      '### Not translated to plain Python',
      '',
      'Left in pipeline.py as `# trail: not translated` comments:',
      ''
    );
    for (const line of spec.untranslated) {
      lines.push(
        `- step ${line.step}, line ${line.line}: \`${cell(line.magic)}\`${line.reason ? ` (${oneLine(line.reason)})` : ''}`
      );
    }
  }
  if (spec.unresolvedNames && spec.unresolvedNames.length > 0) {
    lines.push(
      '',
      '### Names nothing kept defines',
      '',
      'The kept code reads these, but no kept step defines them (defined by a failed step, or outside the recording); the pipeline may stop on them:',
      '',
      ...spec.unresolvedNames.map(u => `- \`${u.name}\` (step ${u.step})`)
    );
  }
  return lines;
}

/** How `mlflow run` is told to use the environment it runs in. */
export const MLFLOW_ENV = '--env-manager local';

function howToRun(
  spec: PipelineSpec,
  unresolvedImports: readonly string[]
): string[] {
  const example = Object.keys(spec.params)[0];
  const exampleValue =
    example === undefined ? undefined : JSON.stringify(spec.params[example]);
  const root = notebookDir(spec);
  const lines = ['## How to run it', ''];
  if (root !== '.') {
    lines.push(
      `Recorded paths are relative to the notebook's folder, \`${root}\` from here: the script changes into it, and \`dvc.yaml\` runs there.`,
      ''
    );
  }
  lines.push(
    '### Python',
    '',
    '```sh',
    'python -m venv .venv && . .venv/bin/activate',
    'pip install -r requirements.txt   # pinned; requirements.lock constrains the rest',
    `python ${SCRIPT}`
  );
  if (example !== undefined) {
    lines.push(
      `python ${SCRIPT} --${example} ${exampleValue}   # override a param of ${PARAMS_FILE}`
    );
  }
  lines.push('```', '', '### DVC', '', '```sh');
  if (root === '.') {
    lines.push(
      'dvc init   # once, in a git repository (or `dvc init --no-scm`)',
      'dvc repro'
    );
  } else {
    // The stage runs in the notebook's folder and writes its outputs there:
    // DVC's project is that folder (outputs outside a project are refused).
    const pipelineDir = spec.placement?.pipelineDir ?? '.';
    lines.push(
      `cd ${root}   # the notebook's folder: the project's root, where the outputs are written`,
      'dvc init   # once, in a git repository (or `dvc init --no-scm`)',
      `dvc repro ${pipelineDir}/dvc.yaml`
    );
  }
  if (example !== undefined && isDvcParam(example)) {
    lines.push(`dvc exp run -S ${example}=${exampleValue}`);
  }
  // --env-manager local: the Python environment set up above. Without it
  // MLflow builds a virtualenv from python_env.yaml, which needs pyenv.
  lines.push(
    '```',
    '',
    '### MLflow',
    '',
    'From this folder, in the environment set up above with `mlflow` installed (or `mlflow-skinny`, given a tracking store in `MLFLOW_TRACKING_URI`):',
    '',
    '```sh',
    `mlflow run . ${MLFLOW_ENV}`
  );
  const mlflowExample = mlflowParams(spec)[0];
  if (mlflowExample !== undefined) {
    lines.push(
      `mlflow run . ${MLFLOW_ENV} -P ${mlflowExample}=${JSON.stringify(spec.params[mlflowExample])}   # override a param`
    );
  }
  lines.push(
    '```',
    '',
    `Without \`${MLFLOW_ENV}\` MLflow builds its own virtualenv from \`python_env.yaml\` (it needs pyenv and virtualenv).`,
    ''
  );
  lines.push(
    '### Docker',
    '',
    '```sh',
    `docker build -t ${projectName(spec)
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, '-')}-pipeline .`
  );
  lines.push(
    root === '.'
      ? `docker run --rm -v "$PWD":/pipeline ${projectName(spec)
          .toLowerCase()
          .replace(/[^a-z0-9_.-]+/g, '-')}-pipeline`
      : `docker run --rm -v "$(cd ${root} && pwd)":/data -w /data/${spec.placement?.pipelineDir ?? '.'} ${projectName(
          spec
        )
          .toLowerCase()
          .replace(/[^a-z0-9_.-]+/g, '-')}-pipeline python ${SCRIPT}`
  );
  lines.push(
    '```',
    '',
    `The image runs Python ${pythonVersion(spec) ?? '3 (the recording did not say which)'}; the folder is mounted so the inputs are found and the outputs land beside them.`
  );
  lines.push(
    '',
    '### papermill',
    '',
    `From this folder, with \`papermill\` installed and a \`python3\` kernel that has the requirements:`,
    '',
    '```sh',
    `papermill ${NOTEBOOK} out.ipynb` +
      (example !== undefined ? ` -p ${example} ${exampleValue}` : ''),
    '```'
  );
  lines.push(
    '',
    'Each run of any form is recorded to Trail, with its params, metrics and files, as a run of this export, when its Python can import `jupyterlab_trail` and a Trail server is configured (`TRAIL_URL` and `TRAIL_TOKEN`, or the local server); otherwise it runs on its own. `TRAIL_DISABLED=1` turns recording off.'
  );
  if (unresolvedImports.length > 0) {
    lines.push(
      '',
      `**Not pinned:** ${unresolvedImports.map(name => `\`${name}\``).join(', ')}: imported by the kept code but found neither in the recorded environment nor in the standard library (a module of your own? put it beside the script).`
    );
  }
  return lines;
}

export function readme(
  spec: PipelineSpec,
  unresolvedImports: readonly string[]
): string {
  return (
    [
      `# ${projectName(spec)}: a pipeline exported by Trail`,
      '',
      `The code that produced ${targetText(spec)} of \`${spec.source.notebookPath}\`, as a script, with its params, pinned requirements and declared inputs and outputs.`,
      '',
      ...provenance(spec),
      '',
      ...paramsAndMetrics(spec),
      '',
      ...keptAndDropped(spec),
      '',
      ...howToRun(spec, unresolvedImports),
      '',
      ...howToVerify(spec)
    ].join('\n') + '\n'
  );
}
