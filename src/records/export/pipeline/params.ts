/**
 * params.yaml: the params the run logged, flat `name: value`, strings
 * always quoted so that each value reads back in its recorded type.
 */
import { yamlScalar, yamlText } from './literals';
import type { PipelineSpec } from './spec';

export function paramsYaml(spec: PipelineSpec): string {
  const lines = [
    `# The params session ${spec.source.sessionId} logged (written by Trail).`,
    '# Change a value here, or give --NAME VALUE to pipeline.py, or `dvc exp run -S NAME=VALUE`.'
  ];
  for (const [name, value] of Object.entries(spec.params)) {
    lines.push(`${yamlText(name)}: ${yamlScalar(value)}`);
  }
  return lines.join('\n') + '\n';
}
