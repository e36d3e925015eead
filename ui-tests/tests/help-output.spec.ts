/**
 * Help shown through IPython's pager (`obj?`, `obj??`, %quickref, %magic):
 * the kernel answers with a `page` payload in its execute_reply, which the
 * notebook shows as the cell's output. Trail records that same output.
 */
import { galata } from '@jupyterlab/galata';
import { expect, PYTHON, test } from './fixtures';
import { TRAIL_TOKEN, TRAIL_URL } from './trail-server';

const CELLS = ['len?', 'len??', '%quickref', '%magic'];

// What is compared is the output itself: redaction of secret-looking text
// (tested on its own) is off here, as it may rewrite parts of long help.
test.use({
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    'jupyterlab-trail:plugin': { redaction: { enabled: false } }
  }
});

/**
 * Outputs as stored, with the texts the server keeps as blobs (%magic's
 * 100 kB) read back in their place.
 */
async function withBlobs(outputs: any[]): Promise<any[]> {
  for (const output of outputs) {
    for (const [mime, value] of Object.entries<any>(output.data ?? {})) {
      if (value && typeof value === 'object' && '$blob' in value) {
        const response = await fetch(
          `${TRAIL_URL}/api/v1/blobs/${value.$blob}`,
          { headers: { Authorization: `Bearer ${TRAIL_TOKEN}` } }
        );
        expect(response.ok).toBe(true);
        output.data[mime] = await response.text();
      }
    }
  }
  return outputs;
}

test('help shown in a cell is recorded as the cell shows it', async ({
  page,
  trail,
  tmpPath
}) => {
  await page.notebook.createNew(`help-${Date.now()}.ipynb`, PYTHON);
  for (const [i, code] of CELLS.entries()) {
    if (i > 0) {
      await page.notebook.addCell('code', code);
    } else {
      await page.notebook.setCell(0, 'code', code);
    }
    await page.notebook.runCell(i, true);
  }
  // What the notebook shows: each cell's outputs as JupyterLab holds them.
  const shown: unknown[][] = await page.evaluate(() => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    return panel.content.widgets.map((cell: any) =>
      cell.model.outputs.toJSON()
    );
  });
  expect(shown.map(outputs => outputs.length)).toEqual([1, 1, 1, 1]);
  expect((shown[0][0] as any).data['text/plain']).toContain('len(obj, /)');

  let stored: any[] = [];
  await expect
    .poll(
      async () => {
        stored = await trail.executionsOf(tmpPath);
        return stored.length;
      },
      { timeout: 30000 }
    )
    .toBe(CELLS.length);
  const outputs = [];
  for (const summary of stored) {
    outputs.push(
      await withBlobs((await trail.api(`/executions/${summary.id}`)).outputs)
    );
  }
  expect(stored.map(e => e.code)).toEqual(CELLS);
  expect(outputs).toEqual(shown);
});
