/**
 * Where an exported pipeline's folder goes (#15): by default
 * `pipelines/<notebook stem>-<YYYY-MM-DD>` beside the notebook, otherwise a
 * folder the user names relative to the notebook's folder, never above it
 * (recorded relative paths start from the notebook's folder, and the
 * pipeline reaches them back through `notebookDir`).
 */
import type { PipelinePlacement } from './pipeline/spec';

/** The default folder of a notebook's export made on `date` (UTC day). */
export function defaultExportFolder(notebookPath: string, date: Date): string {
  const base = notebookPath.replace(/\\/g, '/').split('/').pop() || 'notebook';
  const stem = base.replace(/\.ipynb$/i, '') || 'notebook';
  return `pipelines/${stem}-${date.toISOString().slice(0, 10)}`;
}

/**
 * Why `folder` cannot hold a pipeline relative to the notebook's folder
 * (absolute, a `..` segment, empty), or null when it can.
 */
export function exportFolderProblem(folder: string): string | null {
  const path = folder.replace(/\\/g, '/');
  if (/^\//.test(path) || /^[A-Za-z]:/.test(path)) {
    return 'must be relative to the notebook’s folder, not absolute';
  }
  const segments = path.split('/').filter(s => s !== '' && s !== '.');
  if (segments.includes('..')) {
    return 'must not leave the notebook’s folder (no .. segment)';
  }
  if (segments.length === 0) {
    return 'must name a folder below the notebook’s folder';
  }
  return null;
}

/** `folder` with POSIX separators, no `.` or empty segments. */
export function normaliseExportFolder(folder: string): string {
  return folder
    .replace(/\\/g, '/')
    .split('/')
    .filter(s => s !== '' && s !== '.')
    .join('/');
}

/** The placement of a (normalised, valid) folder for the pipeline writer. */
export function placementOf(folder: string): PipelinePlacement {
  const depth = folder.split('/').length;
  return {
    notebookDir: Array.from({ length: depth }, () => '..').join('/'),
    pipelineDir: folder
  };
}
