/**
 * Dockerfile: the recorded Python's slim image, the requirements, the
 * pipeline (the script and its params, nothing else of the folder).
 * Inputs are not copied in: the folder holding them is mounted (the README
 * says how), so outputs land beside them.
 */
import { pythonVersion } from './mlflow';
import { SCRIPT } from './script';
import type { PipelineSpec } from './spec';

export function dockerfile(spec: PipelineSpec): string {
  const version = pythonVersion(spec);
  const minor = version ? version.split('.').slice(0, 2).join('.') : '3';
  return (
    [
      `# The recorded run's Python (${version ?? 'version not recorded'}) with its pinned requirements (written by Trail).`,
      `FROM python:${minor}-slim`,
      'WORKDIR /pipeline',
      'COPY requirements.txt requirements.lock ./',
      'RUN pip install --no-cache-dir -r requirements.txt',
      // Only what the script needs: never the folder's .trail-verify/ (the
      // user's outputs a verification moved aside), a .venv or caches.
      `COPY ${SCRIPT} params.yaml ./`,
      `CMD ["python", "${SCRIPT}"]`
    ].join('\n') + '\n'
  );
}
