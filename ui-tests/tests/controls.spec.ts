import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import { expect, PYTHON, test } from './fixtures';

async function run(page: IJupyterLabPageFixture, index: number, code: string) {
  if (index > 0) {
    await page.notebook.addCell('code', code);
  } else {
    await page.notebook.setCell(0, 'code', code);
  }
  await page.notebook.runCell(index, true);
}

test.describe('recording controls', () => {
  test('the status bar pauses and resumes recording', async ({
    page,
    trail,
    tmpPath
  }) => {
    await page.notebook.createNew(undefined, PYTHON);
    await run(page, 0, 'print("recorded before pause")');
    await expect
      .poll(async () => (await trail.executionsOf(tmpPath)).length, {
        timeout: 20000
      })
      .toBe(1);

    const status = page.locator('.jp-Trail-DeliveryStatus');
    await status.getByRole('button').click();
    await expect(status).toHaveAttribute('data-recording', 'false');
    await run(page, 1, 'print("not recorded while paused")');

    await status.getByRole('button').click();
    await expect(status).toHaveAttribute('data-recording', 'true');
    await run(page, 2, 'print("recorded after resume")');

    await expect
      .poll(async () => (await trail.executionsOf(tmpPath)).length, {
        timeout: 20000
      })
      .toBe(2);
    await page.waitForTimeout(2000);
    const codes = (await trail.executionsOf(tmpPath)).map(e => e.code);
    expect(codes).toEqual([
      'print("recorded before pause")',
      'print("recorded after resume")'
    ]);
  });

  test('a notebook and a tagged cell can opt out', async ({
    page,
    trail,
    tmpPath
  }) => {
    await page.notebook.createNew(undefined, PYTHON);
    await run(page, 0, 'print("recorded")');
    await expect
      .poll(async () => (await trail.executionsOf(tmpPath)).length, {
        timeout: 20000
      })
      .toBe(1);

    // A cell tagged trail-skip is not recorded.
    await page.notebook.addCell('code', 'print("tagged, not recorded")');
    await page.evaluate(() => {
      const panel = (window as any).jupyterapp.shell.currentWidget;
      const cell = panel.content.widgets[1];
      cell.model.setMetadata('tags', ['trail-skip']);
    });
    await page.notebook.runCell(1, true);

    // The whole notebook opted out: saved in its metadata, nothing recorded.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute(
        'trail:toggle-notebook-recording'
      )
    );
    expect(
      await page.evaluate(() =>
        (window as any).jupyterapp.shell.currentWidget.model.getMetadata(
          'trail'
        )
      )
    ).toEqual({ record: false });
    await run(page, 2, 'print("notebook opted out")');

    await page.waitForTimeout(3000);
    const codes = (await trail.executionsOf(tmpPath)).map(e => e.code);
    expect(codes).toEqual(['print("recorded")']);
  });
});
