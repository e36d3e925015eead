/**
 * MLproject and python_env.yaml: `mlflow run . --env-manager local` runs the
 * `main` entry point in the current environment (plain `mlflow run .`
 * builds a virtualenv with the recorded Python and the requirements first);
 * its parameters are the params, defaults the recorded values. MLflow only
 * substitutes their text into the command (the types are not checked):
 * pipeline.py's --NAME converts each back to its recorded type.
 */
import { isIdentifier, paramKind, yamlScalar, yamlText } from './literals';
import { SCRIPT } from './script';
import type { PipelineSpec } from './spec';

/** The recorded Python version (`3.11.9`), or undefined when it is not known. */
export function pythonVersion(spec: PipelineSpec): string | undefined {
  const language = spec.environment?.snapshot.language;
  if (!language || language.name.toLowerCase() !== 'python') {
    return undefined;
  }
  const match = /^(\d+)\.(\d+)(\.\d+)?/.exec(language.version);
  return match ? match[0] : undefined;
}

/** The project's name: the notebook's base name without `.ipynb`. */
export function projectName(spec: PipelineSpec): string {
  const base = spec.source.notebookPath.split('/').pop() ?? 'pipeline';
  return base.replace(/\.ipynb$/i, '') || 'pipeline';
}

/** The params MLflow can pass (a name must fit in `{name}` in the command). */
export function mlflowParams(spec: PipelineSpec): string[] {
  return Object.keys(spec.params).filter(isIdentifier);
}

export function mlproject(spec: PipelineSpec): string {
  const names = mlflowParams(spec);
  const lines = [
    `name: ${yamlText(projectName(spec))}`,
    'python_env: python_env.yaml',
    'entry_points:',
    '  main:'
  ];
  if (names.length > 0) {
    lines.push('    parameters:');
    for (const name of names) {
      const value = spec.params[name];
      const kind = paramKind(value);
      const type = kind === 'number' ? 'float' : 'string';
      const fallback =
        kind === 'none'
          ? '""'
          : kind === 'bool'
            ? JSON.stringify(String(value))
            : yamlScalar(value);
      lines.push(`      ${name}: {type: ${type}, default: ${fallback}}`);
    }
  }
  const command = [
    'python',
    SCRIPT,
    ...names.map(name => `--${name} {${name}}`)
  ].join(' ');
  lines.push(`    command: ${JSON.stringify(command)}`);
  return lines.join('\n') + '\n';
}

export function pythonEnvYaml(spec: PipelineSpec): string {
  const version = pythonVersion(spec);
  const lines = [
    "# The recorded run's Python and requirements, for `mlflow run` (written by Trail).",
    version
      ? `python: ${JSON.stringify(version)}`
      : '# The recording did not say which Python it ran; MLflow uses its own.',
    'build_dependencies:',
    '  - pip',
    'dependencies:',
    '  - -r requirements.txt'
  ];
  return lines.join('\n') + '\n';
}
