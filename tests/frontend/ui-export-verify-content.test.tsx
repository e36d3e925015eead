/**
 * The Verify report shows what the content comparison found under a file
 * whose hash differs: where the content differs (with the id() hint), the
 * same content (and whether a file tolerance accepted it), or why it could
 * not be compared. The report's files are made by the CLI's own rules
 * (compareFiles) from content comparisons as content_compare answers them;
 * the verifier (the Jupyter server) is met at its seam.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import {
  compareFiles,
  type ContentComparison,
  type ContentResult
} from '../../src/cli/verify-compare';
import {
  ExportModel,
  IVerifyDocument,
  VerifyModel
} from '../../src/model/export';
import { ExportWidget } from '../../src/ui/export';
import { memoryContents, sampleResult } from './export-support';
import { waitFor } from './ui-wait';

const trans = nullTranslator.load('jupyterlab-trail');
const FOLDER = 'work/pipelines/text-2026-12-07';

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

function documentOf(): IVerifyDocument {
  const expected = [
    { path: 'model.pkl', sha256: '1'.repeat(64) },
    { path: 'table.csv', sha256: '2'.repeat(64) },
    { path: 'scores.json', sha256: '3'.repeat(64) },
    { path: 'plot.png', sha256: '4'.repeat(64) }
  ];
  const hashes = new Map(expected.map(f => [f.path, '9'.repeat(64)]));
  const contents = new Map<string, ContentResult>([
    ['model.pkl', ID_ONLY],
    [
      'table.csv',
      { ...ID_ONLY, format: 'csv', same: true, differences: [], count: 0 }
    ],
    ['scores.json', { error: 'the recorded file is not on disk' }]
  ]);
  const files = compareFiles(
    expected,
    hashes,
    { files: { 'table.csv': { mode: 'content', tolerance: 0 } } },
    contents
  );
  return {
    folder: `/root/${FOLDER}`,
    outcome: 'not-reproduced',
    exitCode: 1,
    report: {
      environment: { installed: true, requirements: 3 },
      run: { exitCode: 0, durationMs: 900, stderr: '' },
      files,
      metrics: [],
      reproduced: false,
      durationMs: 3000
    }
  };
}

describe('the Verify report: files compared by content', () => {
  const widgets: Widget[] = [];
  afterEach(() => widgets.splice(0).forEach(w => w.dispose()));

  it('lists where the content differs, the hint, the same content and why not compared', async () => {
    const model = new ExportModel({
      sessionId: 'sess-abc123',
      notebookPath: 'work/text.ipynb',
      folder: FOLDER,
      exporter: { exportPipeline: async () => sampleResult() },
      contents: memoryContents()
    });
    const verify = new VerifyModel({
      folder: model.folder,
      verifier: { verify: async () => documentOf() }
    });
    const widget = new ExportWidget({ model, trans, verify });
    Widget.attach(widget, document.body);
    widgets.push(widget);
    const $ = (s: string) => widget.node.querySelector(s);
    await model.run();
    await waitFor(() => $('.jp-Trail-Export-verifyButton'));
    ($('.jp-Trail-Export-verifyButton') as HTMLElement).click();
    await waitFor(() => $('.jp-Trail-Export-verifyReport'));

    const rows = Array.from(
      widget.node.querySelectorAll('.jp-Trail-Export-verifyTable tbody tr')
    ).map(tr =>
      tr.hasAttribute('data-file')
        ? `file ${tr.getAttribute('data-file')} ${tr.getAttribute('data-verdict')}`
        : `content ${tr.getAttribute('data-content-of')}: ${tr.textContent}`
    );
    expect(rows).toEqual([
      'file model.pkl differs',
      'content model.pkl: The content differs in 1 place:steps[0][1]._stop_words_id: recorded 140021949156784, reproduced 140093300952496' +
        'Hint: looks like a memory address (id()); `--tolerance file:model.pkl=exists` accepts it' +
        // ui-export-verify-accept.test.tsx presses it.
        'Accept as written',
      // Accepted by its content tolerance: reproduced although the bytes differ.
      'file table.csv reproduced',
      'content table.csv: The same content (the bytes differ).',
      'file scores.json differs',
      'content scores.json: cannot compare by content: the recorded file is not on disk',
      // Not a format compared by content: nothing under it.
      'file plot.png differs'
    ]);
    expect(
      $(
        'tr[data-content-of="model.pkl"] .jp-Trail-Export-verifyDifferences code'
      )!.textContent
    ).toBe('steps[0][1]._stop_words_id');
    expect(
      $('tr[data-content-of="model.pkl"]')!.getAttribute('data-same-content')
    ).toBe('false');
  });
});
