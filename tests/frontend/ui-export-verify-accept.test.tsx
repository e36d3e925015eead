/**
 * The Verify report offers to accept a file whose hash differs when the
 * content comparison says it may count as reproduced: "Accept by content"
 * (the same content) or "Accept as written" (only an id() differs). The
 * button verifies again with that file tolerance (the handler's
 * tolerance.files, trail verify's --tolerance file:PATH=...); the
 * tolerances in effect are listed above Verify and can be dropped. The
 * report's files are made by the CLI's own rules (compareFiles) from the
 * tolerance the verifier seam received, as trail verify would.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import {
  compareFiles,
  type ContentComparison,
  type ContentResult,
  type VerifyTolerance
} from '../../src/cli/verify-compare';
import {
  ExportModel,
  IVerifyDocument,
  IVerifyTolerance,
  VerifyModel
} from '../../src/model/export';
import { ExportWidget } from '../../src/ui/export';
import { memoryContents, sampleResult } from './export-support';
import { waitFor } from './ui-wait';

const trans = nullTranslator.load('jupyterlab-trail');
const FOLDER = 'work/pipelines/text-2026-12-07';
const KEPT = `/root/${FOLDER}/.trail-verify/2026-12-07T10-00-00-000Z-42`;

const ID_ONLY: ContentComparison = {
  comparable: true,
  same: false,
  format: 'pickle',
  differences: [
    {
      path: 'steps[0][1]._stop_words_id',
      recorded: '140021949156784',
      reproduced: '140093300952496'
    }
  ],
  count: 1,
  complete: true
};

/** The handler's file tolerances as trail verify parses them. */
function cliTolerance(given: IVerifyTolerance): VerifyTolerance {
  const files: VerifyTolerance['files'] = {};
  for (const [path, text] of Object.entries(given.files ?? {})) {
    files[path] =
      text === 'exists'
        ? { mode: 'exists' }
        : { mode: 'content', tolerance: Number(text.split(':')[1] ?? 0) };
  }
  return { files };
}

/** What trail verify answers with that tolerance. */
function documentFor(tolerance: IVerifyTolerance): IVerifyDocument {
  const expected = [
    { path: 'model.pkl', sha256: '1'.repeat(64) },
    { path: 'table.csv', sha256: '2'.repeat(64) },
    { path: 'plot.png', sha256: '4'.repeat(64) },
    { path: 'notes.txt', sha256: '5'.repeat(64) }
  ];
  const hashes = new Map(
    expected.map(f => [
      f.path,
      f.path === 'notes.txt' ? f.sha256 : '9'.repeat(64)
    ])
  );
  const contents = new Map<string, ContentResult>([
    ['model.pkl', ID_ONLY],
    [
      'table.csv',
      { ...ID_ONLY, format: 'csv', same: true, differences: [], count: 0 }
    ]
  ]);
  const files = compareFiles(
    expected,
    hashes,
    cliTolerance(tolerance),
    contents
  ).map(file => ({ ...file, reproducedAt: `${KEPT}/reproduced/${file.path}` }));
  const reproduced = files.every(file => file.within);
  return {
    folder: `/root/${FOLDER}`,
    outcome: reproduced ? 'reproduced' : 'not-reproduced',
    exitCode: reproduced ? 0 : 1,
    report: {
      environment: { installed: true, requirements: 3 },
      run: { exitCode: 0, durationMs: 900, stderr: '' },
      files,
      metrics: [],
      reproduced,
      durationMs: 3000,
      kept: {
        folder: KEPT,
        reproduced: `${KEPT}/reproduced`,
        restored: expected.map(f => f.path)
      }
    }
  };
}

describe('the Verify report: accepting a file by content or as written', () => {
  const widgets: Widget[] = [];
  afterEach(() => widgets.splice(0).forEach(w => w.dispose()));

  it('verifies again with the file tolerance the button names, lists it, and drops it on ×', async () => {
    const calls: IVerifyTolerance[] = [];
    const model = new ExportModel({
      sessionId: 'sess-abc123',
      notebookPath: 'work/text.ipynb',
      folder: FOLDER,
      exporter: { exportPipeline: async () => sampleResult() },
      contents: memoryContents()
    });
    const verify = new VerifyModel({
      folder: model.folder,
      verifier: {
        verify: async (_folder, tolerance) => {
          calls.push(tolerance);
          return documentFor(tolerance);
        }
      }
    });
    const widget = new ExportWidget({ model, trans, verify });
    Widget.attach(widget, document.body);
    widgets.push(widget);
    const $ = (s: string) => widget.node.querySelector(s);
    const buttons = () =>
      Array.from(
        widget.node.querySelectorAll('.jp-Trail-Export-acceptFile')
      ).map(
        b =>
          `${b.closest('tr')!.getAttribute('data-content-of')}: ${b.textContent} (${b.getAttribute('data-accept')})`
      );
    const verdicts = () =>
      Array.from(widget.node.querySelectorAll('tr[data-file]')).map(
        tr =>
          `${tr.getAttribute('data-file')} ${tr.getAttribute('data-verdict')}`
      );
    await model.run();
    await waitFor(() => $('.jp-Trail-Export-verifyButton'));
    ($('.jp-Trail-Export-verifyButton') as HTMLElement).click();
    await waitFor(() => $('.jp-Trail-Export-verifyReport'));
    expect(calls).toEqual([{}]);
    // Only files that may count as reproduced get a button: not the plot
    // (not compared), not the text file (the same hash).
    expect(buttons()).toEqual([
      'model.pkl: Accept as written (exists)',
      'table.csv: Accept by content (content)'
    ]);
    expect($('.jp-Trail-Export-verifyKept')!.textContent).toBe(
      `The files the run wrote are kept in ${KEPT}/reproduced; your own were put back.`
    );
    expect($('.jp-Trail-Export-fileTolerances')).toBeNull();

    (
      $(
        'tr[data-content-of="table.csv"] .jp-Trail-Export-acceptFile'
      ) as HTMLElement
    ).click();
    await waitFor(() => calls.length === 2 && verify.state === 'done');
    expect(calls[1]).toEqual({ files: { 'table.csv': 'content' } });
    await waitFor(() => buttons().length === 1);
    expect(buttons()).toEqual(['model.pkl: Accept as written (exists)']);
    expect(verdicts()).toEqual([
      'model.pkl differs',
      'table.csv reproduced',
      'plot.png differs',
      'notes.txt reproduced'
    ]);
    expect(
      Array.from(
        widget.node.querySelectorAll('.jp-Trail-Export-fileTolerances li')
      ).map(li => li.textContent)
    ).toEqual(['table.csv accepted by content ×']);

    (
      $(
        'tr[data-content-of="model.pkl"] .jp-Trail-Export-acceptFile'
      ) as HTMLElement
    ).click();
    await waitFor(() => calls.length === 3 && verify.state === 'done');
    expect(calls[2]).toEqual({
      files: { 'table.csv': 'content', 'model.pkl': 'exists' }
    });
    await waitFor(() => buttons().length === 0);
    expect(verdicts()).toEqual([
      'model.pkl reproduced',
      'table.csv reproduced',
      'plot.png differs',
      'notes.txt reproduced'
    ]);

    // Dropped: the next verification compares table.csv by its hash again.
    (
      $(
        '.jp-Trail-Export-fileTolerances li[data-file="table.csv"] .jp-Trail-Export-dropFileTolerance'
      ) as HTMLElement
    ).click();
    await waitFor(
      () =>
        widget.node.querySelectorAll('.jp-Trail-Export-fileTolerances li')
          .length === 1
    );
    ($('.jp-Trail-Export-verifyButton') as HTMLElement).click();
    await waitFor(() => calls.length === 4 && verify.state === 'done');
    expect(calls[3]).toEqual({ files: { 'model.pkl': 'exists' } });
    await waitFor(() => buttons().length === 1);
    expect(buttons()).toEqual(['table.csv: Accept by content (content)']);
  });
});
