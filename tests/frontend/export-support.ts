/**
 * An export API answer for the panel's tests: its files are what the real
 * pipeline writer makes of the records tests' sample spec.
 */
import type { Contents } from '@jupyterlab/services';
import type { ExportResult, IExportContents } from '../../src/model/export';
import { buildPipeline } from '../../src/records/export/pipeline';
import { sampleSpec } from '../records/export-pipeline-support';

/** The API's ids are 8 characters or more ('exec-1' -> 'execution-1'). */
const longId = (id: string) => id.replace(/^exec-/, 'execution-');

/** An export answer whose files are the real writer's, for sampleSpec. */
export function sampleResult(): ExportResult {
  const spec = sampleSpec();
  const pipeline = buildPipeline(spec);
  return {
    sessionId: spec.source.sessionId,
    upto: 6,
    target: { kind: 'session' },
    folder: 'pipelines/train-2026-12-06',
    files: pipeline.files,
    kept: spec.steps.map(({ step, executionId, cellId, reason }) => ({
      step,
      executionId: longId(executionId),
      cellId,
      reason
    })),
    dropped: [
      ...spec.dropped.map(drop => ({
        ...drop,
        executionId: longId(drop.executionId)
      })),
      {
        step: 5,
        executionId: 'execution-5',
        reason: 'display',
        detail: 'only shows a plot'
      }
    ],
    translations: [
      { step: 4, line: 2, magic: '%matplotlib inline', action: 'dropped' },
      {
        step: 4,
        line: 7,
        magic: '%load_ext foo',
        action: 'untranslated',
        reason: 'an extension of its own'
      }
    ],
    unresolvedImports: pipeline.unresolvedImports,
    params: [
      {
        name: 'lr',
        value: 0.1,
        step: 4,
        executionId: 'execution-4',
        target: 'lr',
        overridable: true
      },
      {
        name: 'seed',
        value: null,
        step: 4,
        executionId: 'execution-4',
        overridable: false,
        note: 'None cannot be given on the command line'
      }
    ],
    metrics: [
      {
        name: 'score',
        value: 1.2,
        step: 4,
        executionId: 'execution-4',
        points: 1
      }
    ],
    inputs: spec.inputs,
    outputs: spec.outputs,
    expected: {
      files: [{ path: 'model.txt', sha256: 'e'.repeat(64) }],
      metrics: [{ name: 'score', value: 1.2 }],
      params: [{ name: 'lr', value: 0.1 }]
    }
  };
}

/**
 * The Contents API at its seam, in memory: folders and text files by path,
 * with the calls the export writer makes (get, save, delete, rename).
 */
export function memoryContents(): IExportContents & {
  files: Map<string, string>;
  folders: Set<string>;
} {
  const files = new Map<string, string>();
  const folders = new Set<string>(['']);
  const parentOf = (path: string) =>
    path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);
  const missing = (path: string) =>
    Object.assign(new Error(`No such file or directory: ${path}`), {
      response: { status: 404 }
    });
  const model = (path: string, type: 'file' | 'directory') =>
    ({ path, name: nameOf(path), type }) as Contents.IModel;
  const children = (path: string) =>
    [...folders, ...files.keys()]
      .filter(p => p !== path && p !== '' && parentOf(p) === path)
      .map(p => model(p, folders.has(p) ? 'directory' : 'file'));
  const contents = {
    files,
    folders,
    get: async (path: string) => {
      if (folders.has(path)) {
        return { ...model(path, 'directory'), content: children(path) };
      }
      if (files.has(path)) {
        return { ...model(path, 'file'), content: files.get(path) };
      }
      throw missing(path);
    },
    save: async (path: string, options?: Partial<Contents.IModel>) => {
      if (!folders.has(parentOf(path))) {
        throw missing(parentOf(path));
      }
      if (options?.type === 'directory') {
        folders.add(path);
      } else {
        files.set(path, String(options?.content ?? ''));
      }
      return model(path, options?.type === 'directory' ? 'directory' : 'file');
    },
    delete: async (path: string) => {
      if (!files.delete(path) && !folders.delete(path)) {
        throw missing(path);
      }
    },
    rename: async (from: string, to: string) => {
      const move = (p: string) =>
        p === from || p.startsWith(`${from}/`) ? to + p.slice(from.length) : p;
      for (const [p, text] of [...files]) {
        files.delete(p);
        files.set(move(p), text);
      }
      for (const p of [...folders]) {
        folders.delete(p);
        folders.add(move(p));
      }
      return model(to, folders.has(to) ? 'directory' : 'file');
    }
  };
  return contents as unknown as IExportContents & {
    files: Map<string, string>;
    folders: Set<string>;
  };
}
