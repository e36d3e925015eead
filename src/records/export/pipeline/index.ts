/**
 * The pipeline writer (#15, contract 3): a recorded run's kept steps as a
 * folder of files that run it outside the notebook (script, params,
 * requirements, DVC, MLflow, Docker, papermill) with a README saying where
 * it came from. Pure: the caller writes the files.
 */
import { dockerfile } from './docker';
import { dvcYaml } from './dvc';
import { mlproject, pythonEnvYaml } from './mlflow';
import { pipelineNotebook } from './notebook';
import { paramsYaml } from './params';
import { readme } from './readme';
import {
  requirementsLock,
  requirementsTxt,
  resolveRequirements
} from './requirements';
import { NOTEBOOK, pipelineScript } from './script';
import { EXPECTED_FILE, expectedJson } from './expected-file';
import type { Pipeline, PipelineSpec } from './spec';

export * from './spec';
export { EXPECTED_FILE, parseExpectedFile } from './expected-file';
export type { ExpectedFile } from './expected-file';
export { resolveRequirements, IMPORT_DISTRIBUTIONS } from './requirements';
export { pipelineSpecOf } from './assemble';
export type { PipelineSpecInput } from './assemble';

/** The files of the pipeline folder, in a stable order. */
export function buildPipeline(spec: PipelineSpec): Pipeline {
  const imports = spec.steps.flatMap(step => step.imports);
  const environment = spec.environment?.snapshot;
  const resolved = resolveRequirements(
    imports,
    spec.pipRequirements,
    environment
  );
  const files = [
    { path: 'pipeline.py', content: pipelineScript(spec) },
    { path: 'params.yaml', content: paramsYaml(spec) },
    { path: 'requirements.txt', content: requirementsTxt(resolved) },
    { path: 'requirements.lock', content: requirementsLock(environment) },
    { path: 'python_env.yaml', content: pythonEnvYaml(spec) },
    { path: 'MLproject', content: mlproject(spec) },
    { path: 'dvc.yaml', content: dvcYaml(spec) },
    { path: 'Dockerfile', content: dockerfile(spec) },
    {
      path: NOTEBOOK,
      content: JSON.stringify(pipelineNotebook(spec), null, 1) + '\n'
    },
    { path: 'README.md', content: readme(spec, resolved.unresolved) }
  ];
  if (spec.expected) {
    files.push({
      path: EXPECTED_FILE,
      content: expectedJson(spec, spec.expected)
    });
  }
  return { files, unresolvedImports: resolved.unresolved };
}
