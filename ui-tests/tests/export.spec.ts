/**
 * Export as pipeline (#15), from JupyterLab: a notebook that reads a CSV,
 * shows it (a display-only cell), logs a param and a metric and writes a
 * model file is recorded; "Export as pipeline…" on its session in the
 * Trail panel writes the pipeline folder into the workspace beside the
 * notebook (pipeline.py, dvc.yaml, params.yaml, ...) and the report lists
 * the dropped display cell; "What produced this?" on the written file
 * exports what produced it; exporting into the same folder again asks
 * before replacing it; a file nothing produced is refused with the
 * server's message.
 */
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { expect, openTrail, pythonNotebook, setTheme, test } from './fixtures';

/** Where the screenshots go (looked at by people, not compared). */
const SHOTS = process.env.TRAIL_EXPORT_SHOTS || '/tmp/shots-export';

const CELLS = [
  {
    id: 'load',
    source:
      'import pandas as pd\nimport trail\ndf = pd.read_csv("data/train.csv")'
  },
  { id: 'show', source: 'df.head()' },
  {
    id: 'fit',
    source:
      'lr = 0.5\n' +
      'trail.log_param("lr", lr)\n' +
      'weight = lr * df["b"].sum() / df["a"].sum()\n' +
      'trail.log_metric("weight", weight)\n' +
      'with open("model.txt", "w") as f:\n' +
      '    f.write(f"{weight:.6f}\\n")'
  }
];

async function shoot(page: IJupyterLabPageFixture, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SHOTS, name) });
}

async function bothThemes(page: IJupyterLabPageFixture, name: string) {
  await shoot(page, `${name}-light.png`);
  await setTheme(page, 'JupyterLab Dark');
  await shoot(page, `${name}-dark.png`);
  await setTheme(page, 'JupyterLab Light');
}

test.describe('export as pipeline', () => {
  test.use({ viewport: { width: 1500, height: 900 } });
  test.use({ kernels: null } as any);

  test('exports a recorded session into the workspace, reports what it dropped, and explains a written file', async ({
    page,
    trail,
    tmpPath
  }) => {
    // A recording, three exports through the server's analysis, and a refusal.
    test.setTimeout(300000);
    await page.contents.uploadContent(
      'a,b\n1,2\n3,4\n',
      'text',
      `${tmpPath}/data/train.csv`
    );
    await page.contents.uploadContent(
      JSON.stringify(pythonNotebook(CELLS)),
      'text',
      `${tmpPath}/train.ipynb`
    );
    await page.notebook.openByPath(`${tmpPath}/train.ipynb`);
    await page.notebook.activate('train.ipynb');
    for (const cell of [0, 1, 2]) {
      await page.notebook.runCell(cell, true);
    }
    await expect
      .poll(async () => (await trail.executionsOf(tmpPath)).length, {
        timeout: 30000
      })
      .toBe(3);
    const executions = await trail.executionsOf(tmpPath);
    const fit = executions.find((e: any) => e.cellId === 'fit');
    // The model file's hash is in (hashes come late, from the kernel).
    await expect
      .poll(
        async () =>
          (await trail.api(`/executions/${fit.id}`)).capture?.files?.find(
            (f: any) => f.path === 'model.txt'
          )?.sha256 ?? null,
        { timeout: 30000 }
      )
      .not.toBeNull();

    // The session's view offers the export.
    await openTrail(page);
    await page.evaluate(
      id =>
        (window as any).jupyterapp.commands.execute('trail:open-execution', {
          executionId: id
        }),
      fit.id
    );
    const sidebar = page.locator('#jp-trail-sidebar');
    await sidebar.getByRole('button', { name: 'Back' }).click();
    await sidebar.getByRole('button', { name: 'Export as pipeline…' }).click();

    // The dialog: the folder beside the notebook, named after it and the day.
    const dialog = page.locator('.jp-Dialog');
    const folderInput = dialog.locator('.jp-Trail-ExportDialog-folder');
    await expect(folderInput).toHaveValue(
      new RegExp(`^${tmpPath}/pipelines/train-\\d{4}-\\d{2}-\\d{2}$`)
    );
    const folder = await folderInput.inputValue();
    await expect(dialog).toContainText('train.ipynb · the run');
    await bothThemes(page, 'export-dialog');
    await dialog.getByRole('button', { name: 'Export' }).click();

    // The report: written, with the display cell dropped.
    const report = page.locator('.jp-Trail-Export:visible');
    const body = report.locator('.jp-Trail-Export-body');
    await expect(body).toHaveAttribute('data-phase', 'done', {
      timeout: 90000
    });
    for (const file of [
      'pipeline.py',
      'params.yaml',
      'dvc.yaml',
      'requirements.txt',
      'MLproject',
      'Dockerfile',
      'README.md'
    ]) {
      expect(await page.contents.fileExists(`${folder}/${file}`)).toBe(true);
      await expect(
        report.locator(
          `.jp-Trail-Export-files li[data-path="${folder}/${file}"]`
        )
      ).toBeVisible();
    }
    const params = await page.evaluate(
      async p =>
        (
          await (window as any).jupyterapp.serviceManager.contents.get(p, {
            content: true
          })
        ).content,
      `${folder}/params.yaml`
    );
    expect(params).toContain('lr: 0.5');
    const display = report.locator(
      '.jp-Trail-Export-dropGroup[data-reason="display"]'
    );
    await expect(display.locator('li[data-step="2"]')).toBeVisible();
    await expect(
      report
        .locator('.jp-Trail-Export-keptStep')
        .evaluateAll(items => items.map(item => item.getAttribute('data-step')))
    ).resolves.toEqual(['1', '3']);
    await expect(
      report.locator('.jp-Trail-Export-form[data-form="DVC"]')
    ).toContainText('dvc repro');
    await bothThemes(page, 'export-report');

    // The folder in the file browser; pipeline.py opens in an editor.
    await report.getByRole('button', { name: 'Show in file browser' }).click();
    await expect(
      page.locator('.jp-DirListing-item[title^="Name: dvc.yaml"]')
    ).toBeVisible();
    await report
      .locator(
        `.jp-Trail-Export-files li[data-path="${folder}/pipeline.py"] button`
      )
      .click();
    await expect(
      page.locator('.lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel', {
        hasText: 'pipeline.py'
      })
    ).toBeVisible();

    // What produced this? on the written model file.
    await page.evaluate(
      id =>
        (window as any).jupyterapp.commands.execute('trail:open-execution', {
          executionId: id
        }),
      fit.id
    );
    const model = sidebar.locator('.jp-Trail-File[data-path="model.txt"]');
    await expect(model).toBeVisible();
    await expect(
      sidebar.locator(
        '.jp-Trail-File[data-path="data/train.csv"] .jp-Trail-WhatProduced'
      )
    ).toHaveCount(0);
    await bothThemes(page, 'export-what-produced');
    await model.getByRole('button', { name: 'What produced this?' }).click();
    await expect(dialog).toContainText('what produced model.txt');
    await folderInput.fill(`${tmpPath}/pipelines/model`);
    await dialog.getByRole('button', { name: 'Export' }).click();
    const explained = page.locator('.jp-Trail-Export:visible');
    await expect(explained.locator('.jp-Trail-Export-body')).toHaveAttribute(
      'data-phase',
      'done',
      { timeout: 90000 }
    );
    await expect(explained.locator('.jp-Trail-Export-facts')).toContainText(
      'what produced model.txt'
    );
    await expect(
      explained.locator('.jp-Trail-Export-dropGroup[data-reason="display"]')
    ).toContainText('Step 2');
    expect(
      await page.contents.fileExists(`${tmpPath}/pipelines/model/pipeline.py`)
    ).toBe(true);

    // The same folder again: asked before it is replaced.
    await page.evaluate(
      id =>
        void (window as any).jupyterapp.commands.execute(
          'trail:export-pipeline',
          {
            sessionId: id
          }
        ),
      fit.sessionId
    );
    await folderInput.fill(`${tmpPath}/pipelines/model`);
    await dialog.getByRole('button', { name: 'Export' }).click();
    await expect(dialog).toContainText('Replace it as a whole');
    await dialog.getByRole('button', { name: 'Replace' }).click();
    await expect(
      page
        .locator('.jp-Trail-Export:visible .jp-Trail-Export-facts')
        .filter({ hasText: 'the run →' })
    ).toBeVisible();
    await expect(
      page.locator('.jp-Trail-Export:visible .jp-Trail-Export-body')
    ).toHaveAttribute('data-phase', 'done', { timeout: 90000 });

    // A file nothing produced: the server's refusal, as it said it.
    await page.evaluate(
      id =>
        void (window as any).jupyterapp.commands.execute(
          'trail:export-pipeline',
          {
            sessionId: id,
            file: 'nothing.csv'
          }
        ),
      fit.sessionId
    );
    await folderInput.fill(`${tmpPath}/pipelines/nothing`);
    await dialog.getByRole('button', { name: 'Export' }).click();
    const refused = page.locator(
      '.jp-Trail-Export:visible .jp-Trail-Export-error'
    );
    await expect(refused).toHaveAttribute('data-code', 'target-not-produced', {
      timeout: 90000
    });
    await expect(refused).toContainText('nothing.csv');
    expect(
      await page.contents.directoryExists(`${tmpPath}/pipelines/nothing`)
    ).toBe(false);
    await bothThemes(page, 'export-refused');
  });
});
