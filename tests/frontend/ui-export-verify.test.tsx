/**
 * The export report's Verify section (#15 item 4): hidden until the folder
 * is written; tolerances typed per metric reach the verifier (the Jupyter
 * server's POST /trail/verify, met at its seam) as numbers; the phases show
 * while it runs; the report marks each file and metric reproduced, differs
 * or could not run; a bad tolerance or a failed request is said, nothing sent.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import {
  ExportModel,
  IVerifyDocument,
  IVerifyTolerance,
  VerifyModel,
  VerifyPhaseName
} from '../../src/model/export';
import { ExportWidget } from '../../src/ui/export';
import { memoryContents, sampleResult } from './export-support';
import { waitFor } from './ui-wait';

const trans = nullTranslator.load('jupyterlab-trail');
const FOLDER = 'work/pipelines/train-2026-12-06';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function input(element: Element | null, value: string): void {
  const field = element as HTMLInputElement;
  const setter = Object.getOwnPropertyDescriptor(
    HTMLInputElement.prototype,
    'value'
  )!.set!;
  setter.call(field, value);
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('the Verify section of the export report', () => {
  const widgets: Widget[] = [];
  afterEach(() => widgets.splice(0).forEach(w => w.dispose()));

  async function mount(
    verify: (folder: string, t: IVerifyTolerance) => Promise<IVerifyDocument>,
    phase?: (folder: string) => Promise<VerifyPhaseName | null>
  ) {
    const result = sampleResult();
    const model = new ExportModel({
      sessionId: 'sess-abc123',
      notebookPath: 'work/train.ipynb',
      folder: FOLDER,
      exporter: { exportPipeline: async () => result },
      contents: memoryContents()
    });
    const verifyModel = new VerifyModel({
      folder: model.folder,
      verifier: phase ? { verify, phase } : { verify },
      pollMs: 10
    });
    const widget = new ExportWidget({ model, trans, verify: verifyModel });
    Widget.attach(widget, document.body);
    widgets.push(widget);
    const $ = (s: string) => widget.node.querySelector(s);
    const $$ = (s: string) => Array.from(widget.node.querySelectorAll(s));
    const running = model.run();
    // Not before the folder is written.
    expect($('.jp-Trail-Export-verify')).toBeNull();
    await running;
    await waitFor(() => $('.jp-Trail-Export-verifyButton'));
    return { result, $, $$, verifyModel };
  }

  it('sends the typed tolerances, shows the phases, then each file and metric with its verdict', async () => {
    const answer = deferred<IVerifyDocument>();
    const calls: [string, IVerifyTolerance][] = [];
    let serverPhase: VerifyPhaseName | null = null;
    const ui = await mount(
      (folder, tolerance) => {
        calls.push([folder, tolerance]);
        return answer.promise;
      },
      async folder => (folder === FOLDER ? serverPhase : null)
    );
    const metrics = (ui.result.expected?.metrics ?? ui.result.metrics).map(
      m => m.name
    );
    expect(metrics.length).toBeGreaterThan(0);
    const first = metrics[0];
    input(ui.$('.jp-Trail-Export-tolerance[data-metric=""]'), '0.001');
    input(ui.$(`.jp-Trail-Export-tolerance[data-metric="${first}"]`), '0.05');
    (ui.$('.jp-Trail-Export-verifyButton') as HTMLElement).click();
    await waitFor(() => ui.$('.jp-Trail-Export-verifyPhases'));
    expect(
      ui
        .$$('.jp-Trail-Export-verifyPhases li')
        .map(li => li.getAttribute('data-phase'))
    ).toEqual(['venv', 'install', 'run', 'compare']);
    expect(
      (ui.$('.jp-Trail-Export-verifyButton') as HTMLButtonElement).disabled
    ).toBe(true);
    expect(calls).toEqual([
      [FOLDER, { default: 0.001, metrics: { [first]: 0.05 } }]
    ]);
    // The phase the server says: the earlier ones done, this one current.
    serverPhase = 'run';
    await waitFor(() => ui.$('li[data-phase="run"][data-state="current"]'));
    expect(
      ui
        .$$('.jp-Trail-Export-verifyPhases li')
        .map(li => li.getAttribute('data-state'))
    ).toEqual(['done', 'done', 'current', '']);

    answer.resolve({
      folder: `/root/${FOLDER}`,
      outcome: 'not-reproduced',
      exitCode: 1,
      report: {
        environment: { installed: true, requirements: 2 },
        run: { exitCode: 0, durationMs: 900, stderr: '' },
        files: [
          {
            path: 'model.pkl',
            recorded: 'a'.repeat(64),
            reproduced: 'a'.repeat(64),
            same: true
          },
          {
            path: 'plot.png',
            recorded: 'b'.repeat(64),
            reproduced: 'c'.repeat(64),
            same: false
          }
        ],
        metrics: [
          {
            name: first,
            recorded: 0.9,
            reproduced: 0.8,
            within: false,
            tolerance: 0.05,
            difference: 0.1
          }
        ],
        reproduced: false,
        durationMs: 4200
      }
    });
    await waitFor(() => ui.$('.jp-Trail-Export-verifyReport'));
    expect(ui.$('.jp-Trail-Export-verifyPhases')).toBeNull();
    expect(ui.$('.jp-Trail-Export-verifySummary')!.textContent).toContain(
      'Not reproduced'
    );
    const verdicts = ui
      .$$('.jp-Trail-Export-verifyTable tbody tr')
      .map(tr => [
        tr.getAttribute('data-file') ?? tr.getAttribute('data-metric'),
        tr.getAttribute('data-verdict'),
        tr.lastElementChild!.textContent
      ]);
    expect(verdicts).toEqual([
      ['model.pkl', 'reproduced', 'reproduced'],
      ['plot.png', 'differs', 'differs'],
      [first, 'differs', 'differs']
    ]);
    expect(
      ui.$(`.jp-Trail-Export-verifyTable tr[data-metric="${first}"]`)!
        .textContent
    ).toContain('tolerance 0.05');
    expect(ui.$('.jp-Trail-Export-verifyButton')!.textContent).toBe(
      'Verify again'
    );
  });

  it('could not run: every row says so, with the reason', async () => {
    const ui = await mount(async () => ({
      folder: FOLDER,
      outcome: 'could-not-run',
      exitCode: 6,
      error: {
        message: 'Cannot verify: pip could not install nosuchpkg',
        exitCode: 6
      },
      report: {
        environment: { installed: false, error: 'pip failed' },
        files: [{ path: 'model.pkl', recorded: 'a'.repeat(64), same: false }],
        metrics: [],
        reproduced: false,
        durationMs: 10
      }
    }));
    (ui.$('.jp-Trail-Export-verifyButton') as HTMLElement).click();
    await waitFor(() => ui.$('.jp-Trail-Export-verifyReport'));
    expect(ui.$('.jp-Trail-Export-verifySummary')!.textContent).toContain(
      'nosuchpkg'
    );
    expect(
      ui.$('tr[data-file="model.pkl"]')!.getAttribute('data-verdict')
    ).toBe('could-not-run');
  });

  it('a bad tolerance or a failed request is said; a bad tolerance sends nothing', async () => {
    let calls = 0;
    const ui = await mount(async () => {
      calls++;
      throw new Error('The Jupyter server could not verify: 400 Bad Request');
    });
    input(ui.$('.jp-Trail-Export-tolerance[data-metric=""]'), '-1');
    (ui.$('.jp-Trail-Export-verifyButton') as HTMLElement).click();
    await waitFor(() => ui.$('.jp-Trail-Export-verify .jp-Trail-Export-error'));
    expect(
      ui.$('.jp-Trail-Export-verify .jp-Trail-Export-error')!.textContent
    ).toContain('"-1"');
    expect(calls).toBe(0);
    input(ui.$('.jp-Trail-Export-tolerance[data-metric=""]'), '');
    (ui.$('.jp-Trail-Export-verifyButton') as HTMLElement).click();
    const said = await waitFor(() => {
      const alert = ui.$('.jp-Trail-Export-verify .jp-Trail-Export-error');
      return alert?.textContent?.includes('400') ? alert : undefined;
    });
    expect(said.textContent).toContain('could not verify');
    expect(calls).toBe(1);
  });
});
