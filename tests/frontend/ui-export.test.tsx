/**
 * Exporting from the panel (#15, contract E), the views: the report in the
 * main area while the export works and once it is written (kept steps with
 * reasons, dropped ones grouped by reason, untranslated magics, imports not
 * pinned, files that open, how to run), a refusal shown as the server said
 * it, the folder dialog, and the entry points in the Trail panel (the
 * session, an execution, a written file, a metric). The export API and the
 * Contents API are met at their seams; the report's rules and the writer
 * are the real ones.
 */
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { TrailResponseError } from '../../src/client/errors';
import { TrailBrowserModel } from '../../src/model';
import {
  ExportModel,
  ExportResult,
  IPipelineExporter
} from '../../src/model/export';
import type { IExportTarget } from '../../src/tokens';
import { TrailSidebar } from '../../src/ui';
import { ExportDialogBody, ExportWidget } from '../../src/ui/export';
import { memoryContents, sampleResult } from './export-support';
import { captureReader } from './ui-capture-reader';
import { waitFor } from './ui-wait';

const trans = nullTranslator.load('jupyterlab-trail');

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const click = (element: Element | null | undefined) => {
  if (!element) {
    throw new Error('nothing to click');
  }
  (element as HTMLElement).click();
};

describe('the export report', () => {
  const widgets: Widget[] = [];
  afterEach(() => {
    widgets.splice(0).forEach(widget => widget.dispose());
  });

  function mount(exporter: IPipelineExporter, extra = {}) {
    const contents = memoryContents();
    const model = new ExportModel({
      sessionId: 'sess-abc123',
      notebookPath: 'work/train.ipynb',
      folder: 'work/pipelines/train-2026-12-06',
      exporter,
      contents
    });
    const opened: string[] = [];
    const executions: string[] = [];
    let retried = 0;
    const widget = new ExportWidget({
      model,
      trans,
      onOpenFile: path => opened.push(path),
      onOpenExecution: id => executions.push(id),
      onRetry: () => retried++,
      ...extra
    });
    Widget.attach(widget, document.body);
    widgets.push(widget);
    const $ = (selector: string) => widget.node.querySelector(selector);
    const $$ = (selector: string) =>
      Array.from(widget.node.querySelectorAll(selector));
    return {
      model,
      widget,
      contents,
      opened,
      executions,
      retries: () => retried,
      $,
      $$
    };
  }

  it('shows progress while the server works, then the report of what was written', async () => {
    const answer = deferred<ExportResult>();
    const ui = mount({ exportPipeline: () => answer.promise });
    const running = ui.model.run();
    const body = await waitFor(() => ui.$('.jp-Trail-Export-body'));
    expect(body.getAttribute('data-phase')).toBe('exporting');
    expect(body.getAttribute('aria-busy')).toBe('true');
    expect(ui.$('.jp-Trail-Export-status')!.textContent).toContain(
      'Finding the code that produced the result'
    );
    expect(ui.$('.jp-Trail-Export-facts')!.textContent).toBe(
      'train.ipynb · the run → work/pipelines/train-2026-12-06'
    );
    expect(ui.widget.title.label).toBe('Pipeline: train-2026-12-06');
    const result = sampleResult();
    answer.resolve(result);
    expect(await running).toBe(true);
    await waitFor(
      () => body.getAttribute('data-phase') === 'done' || undefined
    );
    expect(ui.$('.jp-Trail-Export-status')!.textContent).toContain(
      `Pipeline written: ${result.files.length} files in work/pipelines/train-2026-12-06.`
    );

    // The files, each opened with the docmanager by its workspace path.
    const files = ui.$$('.jp-Trail-Export-files li');
    expect(files.map(li => li.textContent)).toEqual(
      result.files.map(f => f.path)
    );
    click(
      ui.$(
        '.jp-Trail-Export-files li[data-path="work/pipelines/train-2026-12-06/dvc.yaml"] button'
      )
    );
    click(ui.$('.jp-Trail-Export-openScript'));
    expect(ui.opened).toEqual([
      'work/pipelines/train-2026-12-06/dvc.yaml',
      'work/pipelines/train-2026-12-06/pipeline.py'
    ]);
    expect(
      ui.contents.files.get('work/pipelines/train-2026-12-06/params.yaml')
    ).toBe(result.files.find(f => f.path === 'params.yaml')!.content);

    // Kept steps with why.
    expect(ui.$('.jp-Trail-Export-kept h3')!.textContent).toBe('2 steps kept');
    expect(
      ui.$$('.jp-Trail-Export-keptStep').map(li => li.textContent)
    ).toEqual([
      'Step 1defines rows used by step 4',
      'Step 4writes model.txt; logs score'
    ]);

    // Dropped ones grouped by reason, failures first; a step opens in the panel.
    expect(ui.$('.jp-Trail-Export-dropped h3')!.textContent).toBe(
      '3 steps dropped'
    );
    const groups = ui.$$('.jp-Trail-Export-dropGroup');
    expect(groups.map(g => g.getAttribute('data-reason'))).toEqual([
      'failed',
      'display'
    ]);
    expect(groups[1].querySelector('h4')!.textContent).toBe('Display only 2');
    expect(
      Array.from(groups[1].querySelectorAll('li')).map(li => li.textContent)
    ).toEqual(['Step 2only shows rows.head()', 'Step 5only shows a plot']);
    click(groups[1].querySelector('li[data-step="2"] button'));
    expect(ui.executions).toEqual(['execution-2']);

    // What needs the user's eye.
    const magic = ui.$('.jp-Trail-Export-magic')!;
    expect(magic.textContent).toBe(
      'Step 4, line 7%load_ext fooan extension of its own'
    );
    expect(ui.$$('.jp-Trail-Export-magic')).toHaveLength(1);
    expect(ui.$('.jp-Trail-Export-unresolved')!.textContent).toContain(
      'helpers_of_mine'
    );
    // Every input is relative to the notebook: nothing to say of paths.
    expect(ui.$('.jp-Trail-Export-absolute')).toBeNull();

    // Params and metrics; how to run each form.
    expect(ui.$('tr[data-param="seed"]')!.textContent).toContain(
      'None cannot be given on the command line'
    );
    expect(ui.$('tr[data-param="lr"]')!.textContent).toContain(
      'param: --lr VALUE'
    );
    expect(ui.$('tr[data-metric="score"]')!.textContent).toContain('1.2');
    const forms = ui.$$('.jp-Trail-Export-form');
    expect(forms.map(f => f.getAttribute('data-form'))).toEqual(
      expect.arrayContaining(['Python', 'DVC', 'MLflow', 'Docker'])
    );
    const dvc = ui.$('.jp-Trail-Export-form[data-form="DVC"] code')!;
    expect(dvc.textContent).toContain('cd work/pipelines/train-2026-12-06\n');
    expect(dvc.textContent).toContain('dvc repro');
  });

  it('names the inputs read by an absolute path among what needs the user’s eye', async () => {
    const result = sampleResult();
    result.inputs = [
      ...result.inputs,
      { ...result.inputs[0], path: '/mnt/shared/labels.csv', step: 3 }
    ];
    const ui = mount({ exportPipeline: async () => result });
    expect(await ui.model.run()).toBe(true);
    const block = await waitFor(() => ui.$('.jp-Trail-Export-absolute'));
    expect(block.querySelector('h3')!.textContent).toBe(
      '1 input read by an absolute path'
    );
    expect(
      Array.from(block.querySelectorAll('li')).map(li => li.textContent)
    ).toEqual(['Step 3/mnt/shared/labels.csv']);
    expect(block.textContent).toContain('only at the same path');
  });

  it('says a refusal as the server said it, writes nothing and offers to try again', async () => {
    const message =
      'Nothing in session sess-abc123 up to step 6 logged the metric f1.';
    const ui = mount({
      exportPipeline: () =>
        Promise.reject(
          new TrailResponseError(422, 'target-not-produced', message)
        )
    });
    expect(await ui.model.run()).toBe(false);
    const error = await waitFor(() => ui.$('.jp-Trail-Export-error'));
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.getAttribute('data-code')).toBe('target-not-produced');
    expect(error.querySelector('.jp-Trail-Export-message')!.textContent).toBe(
      message
    );
    expect(ui.$('.jp-Trail-Export-files')).toBeNull();
    expect(ui.$('.jp-Trail-Export-kept')).toBeNull();
    expect(ui.contents.files.size).toBe(0);
    click(ui.$('.jp-Trail-Export-retry'));
    expect(ui.retries()).toBe(1);
  });

  it('a folder that cannot be written still shows what the export held', async () => {
    const ui = mount({ exportPipeline: async () => sampleResult() });
    await ui.contents.save('work', { type: 'directory' });
    await ui.contents.save('work/pipelines', { type: 'directory' });
    await ui.contents.save('work/pipelines/train-2026-12-06', {
      type: 'directory'
    });
    await ui.contents.save('work/pipelines/train-2026-12-06/x.txt', {
      type: 'file',
      content: 'x'
    });
    expect(await ui.model.run()).toBe(false);
    const error = await waitFor(() => ui.$('.jp-Trail-Export-error'));
    expect(error.getAttribute('data-stage')).toBe('write');
    expect(error.textContent).toContain(
      'The folder “work/pipelines/train-2026-12-06” is not empty (1 items): nothing was written.'
    );
    expect(ui.$$('.jp-Trail-Export-keptStep')).toHaveLength(2);
    expect(ui.$('.jp-Trail-Export-files')).toBeNull();
    expect(ui.$('.jp-Trail-Export-run')).toBeNull();
  });
});

describe('the folder dialog', () => {
  it('offers the default folder and answers what the user typed', () => {
    const body = new ExportDialogBody({
      trans,
      summary: 'train.ipynb · the run up to step 4',
      folder: 'work/pipelines/train-2026-12-06'
    });
    Widget.attach(body, document.body);
    const input = body.node.querySelector('input')!;
    expect(input.value).toBe('work/pipelines/train-2026-12-06');
    expect(document.activeElement).toBe(input);
    expect(body.node.textContent).toContain(
      'train.ipynb · the run up to step 4'
    );
    input.value = '  out/p  ';
    expect(body.getValue()).toBe('out/p');
    body.dispose();
  });
});

describe('Export as pipeline in the Trail panel', () => {
  let sidebar: TrailSidebar | undefined;
  let model: TrailBrowserModel | undefined;
  afterEach(() => {
    sidebar?.dispose();
    model?.dispose();
  });

  function mount(onExport?: (target: IExportTarget) => void) {
    model = new TrailBrowserModel({ reader: captureReader() });
    sidebar = new TrailSidebar({
      model,
      rendermime: new RenderMimeRegistry({
        initialFactories: standardRendererFactories
      }),
      onExport
    });
    Widget.attach(sidebar, document.body);
    return {
      model,
      $: (selector: string) => sidebar!.node.querySelector(selector),
      $$: (selector: string) =>
        Array.from(sidebar!.node.querySelectorAll(selector))
    };
  }

  it('offers the whole session, up to an execution, a written file and a metric', async () => {
    const asked: IExportTarget[] = [];
    const ui = mount(target => asked.push(target));
    await ui.model.openSession('s1');
    click(await waitFor(() => ui.$('.jp-Trail-ExportButton')));
    expect(asked).toEqual([{ sessionId: 's1' }]);

    await ui.model.openExecution('run');
    const files = await waitFor(() => {
      const found = ui.$$('.jp-Trail-File');
      return found.length === 4 && found;
    });
    const exportHere = await waitFor(() =>
      ui
        .$$('.jp-Trail-ExportButton')
        .find(button => button.textContent === 'Export up to here…')
    );
    click(exportHere);
    // Only what the execution wrote is asked about, not what it read.
    const whatProduced = (path: string) =>
      files
        .find(f => f.getAttribute('data-path') === path)!
        .querySelector('.jp-Trail-WhatProduced');
    expect(whatProduced('data/train.csv')).toBeNull();
    expect(whatProduced('model.pkl')!.textContent).toBe('What produced this?');
    click(whatProduced('model.pkl'));
    click(
      ui.$('.jp-Trail-MetricRow[data-metric="accuracy"] .jp-Trail-WhatProduced')
    );
    expect(asked.slice(1)).toEqual([
      { executionId: 'run' },
      { executionId: 'run', file: 'model.pkl' },
      { executionId: 'run', metric: 'accuracy' }
    ]);
  });

  it('offers none of them without an export command', async () => {
    const ui = mount();
    await ui.model.openExecution('run');
    await waitFor(() => ui.$$('.jp-Trail-File').length === 4 || undefined);
    expect(ui.$('.jp-Trail-ExportButton')).toBeNull();
    expect(ui.$('.jp-Trail-WhatProduced')).toBeNull();
  });
});
