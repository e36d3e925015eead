/**
 * What the export report shows, as pure functions of the API's answer:
 * dropped steps grouped by reason, the magics left untranslated, and the
 * "how to run" commands of each form (read from the pipeline's own
 * README, so the panel says what the folder says).
 */
import type { DropReason, SliceDrop } from '../../records/export/slice-types';
import type { ExportResult, ExportTarget, ExportTranslation } from './types';

/** The order dropped groups are listed in: the most telling first. */
const DROP_ORDER: DropReason[] = [
  'failed',
  'interrupted',
  'aborted',
  'superseded',
  'display',
  'unused',
  'unparsable'
];

/** Dropped steps sharing a reason, in step order. */
export interface DropGroup {
  reason: DropReason;
  steps: SliceDrop[];
}

/** The dropped steps grouped by reason, each group in step order. */
export function groupDropped(dropped: readonly SliceDrop[]): DropGroup[] {
  const groups = new Map<DropReason, SliceDrop[]>();
  for (const drop of dropped) {
    const group = groups.get(drop.reason) ?? [];
    group.push(drop);
    groups.set(drop.reason, group);
  }
  const rank = (reason: DropReason) => {
    const index = DROP_ORDER.indexOf(reason);
    return index < 0 ? DROP_ORDER.length : index;
  };
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([reason, steps]) => ({
      reason,
      steps: [...steps].sort((a, b) => a.step - b.step)
    }));
}

/** The magics the pipeline keeps as comments: they need the user's eye. */
export function untranslatedOf(
  translations: readonly ExportTranslation[]
): ExportTranslation[] {
  return translations
    .filter(t => t.action === 'untranslated')
    .sort((a, b) => a.step - b.step || a.line - b.line);
}

/** One way to run the pipeline: its title and shell lines. */
export interface RunForm {
  title: string;
  lines: string[];
}

/**
 * The commands of each form (Python, DVC, MLflow, Docker, papermill) from
 * the README's "How to run it" section, each after `cd <folder>`. Without
 * such a section, the plain script and `dvc repro`.
 */
export function howToRun(
  result: Pick<ExportResult, 'files'>,
  folder: string
): RunForm[] {
  const cd = `cd ${shellQuote(folder || '.')}`;
  const readme = result.files.find(
    file => file.path.toLowerCase() === 'readme.md'
  )?.content;
  const forms: RunForm[] = [];
  if (readme) {
    const text = readme.replace(/\r\n/g, '\n');
    const start = text.search(/^## How to run/m);
    if (start >= 0) {
      const rest = text.slice(start);
      const next = rest.slice(3).search(/^## /m);
      const section = next >= 0 ? rest.slice(0, next + 3) : rest;
      let title: string | null = null;
      let fence: string[] | null = null;
      for (const line of section.split('\n')) {
        const heading = /^### (.+)$/.exec(line);
        if (heading && !fence) {
          title = heading[1].trim();
          continue;
        }
        if (/^```/.test(line)) {
          if (fence) {
            if (title && fence.length) {
              forms.push({ title, lines: [cd, ...fence] });
            }
            fence = null;
          } else {
            fence = [];
          }
          continue;
        }
        if (fence) {
          fence.push(line);
        }
      }
    }
  }
  if (forms.length) {
    return forms;
  }
  const has = (path: string) => result.files.some(file => file.path === path);
  const fallback: RunForm[] = [
    { title: 'Python', lines: [cd, 'python pipeline.py'] }
  ];
  if (has('dvc.yaml')) {
    fallback.push({ title: 'DVC', lines: [cd, 'dvc repro'] });
  }
  if (has('MLproject')) {
    fallback.push({
      title: 'MLflow',
      lines: [cd, 'mlflow run . --env-manager local']
    });
  }
  return fallback;
}

/** What an export explains, in words. */
export function describeTarget(target: ExportTarget, upto?: number): string {
  switch (target.kind) {
    case 'file':
      return `what produced ${target.path}`;
    case 'metric':
      return `what produced the metric ${target.name}`;
    default:
      return upto !== undefined ? `the run up to step ${upto}` : 'the run';
  }
}

/** A path as one shell word. */
export function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path)
    ? path
    : `'${path.replace(/'/g, `'\\''`)}'`;
}
