/**
 * The export report's Verify button (#15 item 4), for real: a notebook with
 * no third-party import (so the clean venv installs nothing and the test
 * stays offline and quick) is recorded, exported from the Trail panel into
 * the workspace, and Verify asks the Jupyter server (POST /trail/verify) to
 * run `trail verify` on the folder: the phases advance (venv, run, compare)
 * and the report says reproduced, with the model file and the metric each
 * marked reproduced. Screenshots of the report and the verification in the
 * light and dark themes go to TRAIL_SHOTS (default /tmp/shots).
 */
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { expect, openTrail, pythonNotebook, setTheme, test } from './fixtures';

const SHOTS = process.env.TRAIL_SHOTS || '/tmp/shots';

const CELLS = [
  {
    id: 'load',
    source:
      'import csv, time\nimport trail\n' +
      'with open("data/train.csv", newline="") as f:\n' +
      '    rows = list(csv.DictReader(f))'
  },
  { id: 'show', source: 'rows[:2]' },
  {
    id: 'fit',
    // The sleep keeps the run phase long enough to be seen.
    source:
      'lr = 0.5\n' +
      'trail.log_param("lr", lr)\n' +
      'weight = lr * sum(float(r["b"]) for r in rows) / sum(float(r["a"]) for r in rows)\n' +
      'trail.log_metric("weight", weight)\n' +
      'time.sleep(3)\n' +
      'with open("model.txt", "w") as f:\n' +
      '    f.write(f"{weight:.6f}\\n")'
  }
];

async function shoot(page: IJupyterLabPageFixture, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SHOTS, name) });
}

async function bothThemes(
  page: IJupyterLabPageFixture,
  name: string,
  scrollTo?: string
) {
  if (scrollTo) {
    // The report scrolls: bring the part shown to the top.
    await page
      .locator(scrollTo)
      .evaluate(el => el.scrollIntoView({ block: 'start' }));
  }
  await shoot(page, `${name}-light.png`);
  await setTheme(page, 'JupyterLab Dark');
  await shoot(page, `${name}-dark.png`);
  await setTheme(page, 'JupyterLab Light');
}

test.describe('verify an exported pipeline', () => {
  test.use({ viewport: { width: 1500, height: 900 } });
  test.use({ kernels: null } as any);

  test('Verify in the export report runs the pipeline in a clean venv and says it reproduced, file and metric', async ({
    page,
    trail,
    tmpPath
  }) => {
    test.setTimeout(180000);
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
    const fit = (await trail.executionsOf(tmpPath)).find(
      (e: any) => e.cellId === 'fit'
    );
    await expect
      .poll(
        async () =>
          (await trail.api(`/executions/${fit.id}`)).capture?.files?.find(
            (f: any) => f.path === 'model.txt'
          )?.sha256 ?? null,
        { timeout: 30000 }
      )
      .not.toBeNull();

    // Exported from the session's view in the Trail panel.
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
    const dialog = page.locator('.jp-Dialog');
    const folder = `${tmpPath}/pipelines/verify`;
    await dialog.locator('.jp-Trail-ExportDialog-folder').fill(folder);
    await dialog.getByRole('button', { name: 'Export' }).click();
    const report = page.locator('.jp-Trail-Export:visible');
    await expect(report.locator('.jp-Trail-Export-body')).toHaveAttribute(
      'data-phase',
      'done',
      { timeout: 90000 }
    );
    expect(
      await page.contents.fileExists(`${folder}/trail-expected.json`)
    ).toBe(true);
    const verify = report.locator('.jp-Trail-Export-verify');
    await expect(verify).toBeVisible();
    await expect(
      verify.locator('.jp-Trail-Export-tolerance[data-metric="weight"]')
    ).toBeVisible();
    await bothThemes(page, 'export-report');

    // Every phase marked current while it runs, in the order seen.
    await verify.evaluate(section => {
      const seen: string[] = [];
      (window as any).trailPhasesSeen = seen;
      new MutationObserver(() => {
        const current = section.querySelector(
          'li[data-state="current"]'
        ) as HTMLElement | null;
        const phase = current?.dataset.phase;
        if (phase && seen[seen.length - 1] !== phase) {
          seen.push(phase);
        }
      }).observe(section, {
        subtree: true,
        childList: true,
        attributes: true
      });
    });
    const started = Date.now();
    await verify.getByRole('button', { name: 'Verify', exact: true }).click();
    await expect(verify).toHaveAttribute('data-state', 'running');
    await expect(verify.locator('.jp-Trail-Export-cancelVerify')).toBeVisible();
    await expect(
      verify.locator('li[data-phase="run"][data-state="current"]')
    ).toBeVisible({ timeout: 60000 });
    // Nothing to pip install: that phase says so rather than a tick.
    await expect(verify.locator('li[data-phase="install"]')).toHaveAttribute(
      'data-state',
      'skipped'
    );
    await bothThemes(
      page,
      'export-verify-running',
      '.jp-Trail-Export:visible .jp-Trail-Export-verify'
    );
    const result = verify.locator('.jp-Trail-Export-verifyReport');
    await expect(result).toHaveAttribute('data-outcome', 'reproduced', {
      timeout: 60000
    });
    const took = Date.now() - started;
    await expect(
      verify.locator('.jp-Trail-Export-verifySummary')
    ).toContainText('Reproduced');
    await expect(result.locator('tr[data-file="model.txt"]')).toHaveAttribute(
      'data-verdict',
      'reproduced'
    );
    await expect(result.locator('tr[data-metric="weight"]')).toHaveAttribute(
      'data-verdict',
      'reproduced'
    );
    await expect(result.locator('tr[data-metric="weight"]')).toContainText(
      '0.75'
    );
    const seen: string[] = await page.evaluate(
      () => (window as any).trailPhasesSeen
    );
    // The phases advanced in order (no install: nothing to pip install).
    expect(seen).toContain('run');
    const order = ['venv', 'install', 'run', 'compare'];
    expect(seen.map(p => order.indexOf(p))).toEqual(
      [...seen.map(p => order.indexOf(p))].sort((a, b) => a - b)
    );
    expect(seen).not.toContain('install');
    await expect(verify.locator('.jp-Trail-Export-cancelVerify')).toHaveCount(
      0
    );
    await expect(
      verify.getByRole('button', { name: 'Verify again' })
    ).toBeEnabled();
    await bothThemes(
      page,
      'export-verify-result',
      '.jp-Trail-Export:visible .jp-Trail-Export-verify'
    );
    test.info().annotations.push({
      type: 'verify-ms',
      description: String(took)
    });
  });
});
