/**
 * Where an exported pipeline goes in the workspace, and writing it there
 * with the Contents API so that nothing is half-written: the files go into
 * a new sibling folder first, which then takes the folder's name in one
 * rename (the folder replaced, when the user agreed, only after that).
 */
import { PathExt } from '@jupyterlab/coreutils';
import type { Contents } from '@jupyterlab/services';

/** The Contents API calls the writer makes. */
export type IExportContents = Pick<
  Contents.IManager,
  'get' | 'save' | 'delete' | 'rename'
>;

/** A workspace path: no leading or trailing slash, no `./`. */
export function normalisePath(path: string): string {
  return PathExt.normalize(path.trim().replace(/^\/+|\/+$/g, '')).replace(
    /^\.$/,
    ''
  );
}

/** `2026-12-06` in local time (the day the user sees). */
export function exportDate(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The notebook's name without folder or extension (`train` for `a/train.ipynb`). */
export function notebookStem(notebookPath: string): string {
  const base = PathExt.basename(notebookPath.replace(/\\/g, '/'));
  const stem = base.replace(/\.ipynb$/i, '');
  return stem || 'notebook';
}

/**
 * The default pipeline folder, beside the notebook:
 * `<notebook folder>/pipelines/<notebook>-<date>`.
 */
export function defaultExportFolder(
  notebookPath: string,
  now: Date = new Date()
): string {
  const dir = PathExt.dirname(notebookPath.replace(/\\/g, '/'));
  const folder = `pipelines/${notebookStem(notebookPath)}-${exportDate(now)}`;
  return normalisePath(dir && dir !== '.' ? `${dir}/${folder}` : folder);
}

/**
 * The pipeline folder as the export API wants it: relative to the
 * notebook's folder (`pipelines/train-2026-12-06`, or `../out` for a folder
 * elsewhere in the workspace).
 */
export function folderFromNotebook(
  notebookPath: string,
  folder: string
): string {
  const dir = PathExt.dirname(notebookPath.replace(/\\/g, '/'));
  const from = normalisePath(dir === '.' ? '' : dir);
  return PathExt.relative(from, normalisePath(folder)) || '.';
}

/** What is at a workspace path now. */
export type FolderState =
  | { kind: 'missing' }
  | { kind: 'file' }
  | { kind: 'empty' }
  | { kind: 'full'; items: string[] };

/** Whether the folder exists, and what it holds. */
export async function folderState(
  contents: Pick<Contents.IManager, 'get'>,
  folder: string
): Promise<FolderState> {
  let model: Contents.IModel;
  try {
    model = await contents.get(normalisePath(folder), { content: true });
  } catch (reason) {
    if (isNotFound(reason)) {
      return { kind: 'missing' };
    }
    throw reason;
  }
  if (model.type !== 'directory') {
    return { kind: 'file' };
  }
  const items = ((model.content as Contents.IModel[] | null) ?? [])
    .map(item => item.name)
    .filter(name => name !== '.ipynb_checkpoints');
  return items.length ? { kind: 'full', items } : { kind: 'empty' };
}

/** Why a pipeline folder could not be written, for the user. */
export class ExportFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportFolderError';
  }
}

/** One file to write, its path relative to the pipeline folder. */
export interface ExportFile {
  path: string;
  content: string;
}

/**
 * Write `files` as the folder `folder`. A folder that exists and holds
 * anything is refused unless `replace`; then it is replaced as a whole
 * once every file is written. Parent folders are made as needed.
 * `onProgress(done, total)` follows the files. Answers the workspace paths
 * written, in the order given.
 */
export async function writeExportFolder(options: {
  contents: IExportContents;
  folder: string;
  files: readonly ExportFile[];
  replace?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** A short random tag for the temporary names (tests fix it). */
  tag?: string;
}): Promise<string[]> {
  const { contents, files } = options;
  const folder = normalisePath(options.folder);
  if (!folder) {
    throw new ExportFolderError(
      'Choose a folder for the pipeline: the workspace root cannot be replaced.'
    );
  }
  for (const file of files) {
    const path = normalisePath(file.path);
    if (
      !path ||
      path.startsWith('..') ||
      /^([/\\]|[A-Za-z]:)/.test(file.path)
    ) {
      throw new ExportFolderError(
        `The export named a file outside its folder: “${file.path}”.`
      );
    }
  }
  const state = await folderState(contents, folder);
  if (state.kind === 'file') {
    throw new ExportFolderError(`“${folder}” is a file, not a folder.`);
  }
  if (state.kind === 'full' && !options.replace) {
    throw new ExportFolderError(
      `The folder “${folder}” is not empty (${state.items.length} items): nothing was written.`
    );
  }
  const parent = PathExt.dirname(folder);
  const name = PathExt.basename(folder);
  await makeFolders(contents, parent === '.' ? '' : parent);
  const tag = options.tag ?? Math.random().toString(36).slice(2, 8);
  const join = (...parts: string[]) =>
    parts.filter(part => part && part !== '.').join('/');
  const staging = join(parent, `${name}.trail-partial-${tag}`);
  const made = new Set<string>();
  const written: string[] = [];
  try {
    await contents.save(staging, { type: 'directory' });
    made.add(staging);
    options.onProgress?.(0, files.length);
    for (const file of files) {
      const relative = normalisePath(file.path);
      const dir = PathExt.dirname(relative);
      if (dir && dir !== '.') {
        await makeFolders(contents, join(staging, dir), made);
      }
      await contents.save(join(staging, relative), {
        type: 'file',
        format: 'text',
        content: file.content
      });
      written.push(join(folder, relative));
      options.onProgress?.(written.length, files.length);
    }
  } catch (reason) {
    await removeTree(contents, staging).catch(() => undefined);
    throw new ExportFolderError(
      `Could not write the pipeline beside “${folder}”: ${messageOf(reason)}. Nothing was written.`
    );
  }
  let old: string | null = null;
  if (state.kind === 'full' || state.kind === 'empty') {
    old = join(parent, `${name}.trail-old-${tag}`);
    try {
      await contents.rename(folder, old);
    } catch (reason) {
      await removeTree(contents, staging).catch(() => undefined);
      throw new ExportFolderError(
        `Could not replace “${folder}”: ${messageOf(reason)}. It is left as it was.`
      );
    }
  }
  try {
    await contents.rename(staging, folder);
  } catch (reason) {
    if (old) {
      await contents.rename(old, folder).catch(() => undefined);
    }
    await removeTree(contents, staging).catch(() => undefined);
    throw new ExportFolderError(
      `Could not move the pipeline into “${folder}”: ${messageOf(reason)}. Nothing was written.`
    );
  }
  if (old) {
    // The new folder is in place; the old one goes (a leftover says its name).
    await removeTree(contents, old).catch(reason => {
      console.warn(
        `Trail: could not remove the replaced folder ${old}`,
        reason
      );
    });
  }
  return written;
}

/** Make `folder` and its missing parents. */
async function makeFolders(
  contents: Pick<Contents.IManager, 'get' | 'save'>,
  folder: string,
  made: Set<string> = new Set()
): Promise<void> {
  const parts = normalisePath(folder).split('/').filter(Boolean);
  let path = '';
  for (const part of parts) {
    path = path ? `${path}/${part}` : part;
    if (made.has(path)) {
      continue;
    }
    const state = await folderState(contents, path);
    if (state.kind === 'file') {
      throw new ExportFolderError(`“${path}” is a file, not a folder.`);
    }
    if (state.kind === 'missing') {
      await contents.save(path, { type: 'directory' });
    }
    made.add(path);
  }
}

/** Delete a folder and everything under it, deepest first. */
export async function removeTree(
  contents: Pick<Contents.IManager, 'get' | 'delete'>,
  path: string
): Promise<void> {
  let model: Contents.IModel;
  try {
    model = await contents.get(path, { content: true });
  } catch (reason) {
    if (isNotFound(reason)) {
      return;
    }
    throw reason;
  }
  if (model.type === 'directory') {
    for (const item of (model.content as Contents.IModel[] | null) ?? []) {
      await removeTree(contents, item.path);
    }
  }
  await contents.delete(path);
}

function isNotFound(reason: unknown): boolean {
  const status = (reason as { response?: { status?: number } } | null)?.response
    ?.status;
  if (status !== undefined) {
    return status === 404;
  }
  return /\b404\b|not found|does not exist|no such file/i.test(
    messageOf(reason)
  );
}

function messageOf(reason: unknown): string {
  const message = (reason as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(reason);
}
