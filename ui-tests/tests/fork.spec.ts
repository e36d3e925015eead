/**
 * Fork onto my data (#14), one person: a notebook that reads
 * data/train.csv through a path built with os.path.join is recorded; from
 * its session's Inputs in the Trail panel it is forked onto mine/train.csv;
 * the fork notebook's contract report is clean, the fork runs with the
 * recorded code unchanged and its outputs show the new data ("differs from
 * parent"), and the session is recorded as a fork of the parent. A map onto
 * a CSV lacking a column shows the error and "Run fork" stays disabled.
 */
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { expect, openTrail, pythonNotebook, setTheme, test } from './fixtures';

/** Where the screenshots go (looked at by people, not compared). */
const SHOTS = process.env.TRAIL_FORK_SHOTS || '/tmp/shots-fork';

const RECORDED_CSV = 'a,b\n1,2\n3,4\n';
const MINE_CSV = 'a,b\n10,20\n30,40\n50,60\n';
const BAD_CSV = 'a\n1\n2\n';

const CELLS = [
  {
    id: 'load',
    source:
      'import os\nimport pandas as pd\n' +
      'df = pd.read_csv(os.path.join("data", "train.csv"))\n' +
      'print(len(df), "rows")'
  },
  { id: 'total', source: 'print("total b:", df["b"].sum())' }
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

test.describe('fork onto my data', () => {
  test.use({ viewport: { width: 1500, height: 900 } });
  test.use({ kernels: null } as any);

  test('forks a recorded session onto my CSV from its Inputs, checks the contract, runs the fork; a CSV lacking a column is stopped', async ({
    page,
    trail,
    tmpPath
  }) => {
    for (const [file, text] of [
      ['data/train.csv', RECORDED_CSV],
      ['mine/train.csv', MINE_CSV],
      ['bad/train.csv', BAD_CSV]
    ]) {
      await page.contents.uploadContent(text, 'text', `${tmpPath}/${file}`);
    }
    await page.contents.uploadContent(
      JSON.stringify(pythonNotebook(CELLS)),
      'text',
      `${tmpPath}/train.ipynb`
    );

    // The parent: recorded as it runs.
    await page.notebook.openByPath(`${tmpPath}/train.ipynb`);
    await page.notebook.activate('train.ipynb');
    await page.notebook.runCell(0, true);
    await page.notebook.runCell(1, true);
    expect(await page.notebook.getCellTextOutput(0)).toEqual(['2 rows\n']);
    await expect
      .poll(async () => (await trail.executionsOf(tmpPath)).length, {
        timeout: 30000
      })
      .toBe(2);
    const [first] = await trail.executionsOf(tmpPath);
    const sessionId: string = first.sessionId;
    // The read of data/train.csv, with its schema, is an input of the session.
    await expect
      .poll(
        async () =>
          (await trail.api(`/sessions/${sessionId}/inputs?upto=2`)).inputs.map(
            (input: any) => `${input.path}:${input.table?.columns?.length}`
          ),
        { timeout: 30000 }
      )
      .toEqual(['data/train.csv:2']);

    // The session's view shows its inputs and offers the fork.
    await openTrail(page);
    await page.evaluate(
      id =>
        (window as any).jupyterapp.commands.execute('trail:open-execution', {
          executionId: id
        }),
      first.id
    );
    const sidebar = page.locator('#jp-trail-sidebar');
    await sidebar.getByRole('button', { name: 'Back' }).click();
    const inputs = sidebar.locator('.jp-Trail-Inputs');
    const input = inputs.locator('.jp-Trail-Input[data-path="data/train.csv"]');
    await expect(input).toBeVisible();
    await expect(input.locator('.jp-Trail-Input-columns')).toContainText(
      'a int64'
    );
    await expect(input).toContainText('first read at step 1');
    await inputs.getByRole('button', { name: 'Fork onto my data…' }).click();

    // The Fork widget: one row per input; map it onto my file.
    const fork = page.locator('.jp-Trail-Fork:visible');
    const row = fork.locator(
      '.jp-Trail-Fork-row[data-recorded="data/train.csv"]'
    );
    await expect(row).toBeVisible({ timeout: 30000 });
    await expect(fork.locator('.jp-Trail-Fork-stepInput')).toHaveValue('2');
    await expect(fork.locator('.jp-Trail-Fork-input').last()).toHaveValue(
      tmpPath
    );
    const create = fork.getByRole('button', { name: 'Create fork notebook' });
    await expect(create).toBeDisabled();
    // Browse…: the dialog opens in the notebook's folder; into mine/, pick the CSV.
    await row.getByRole('button', { name: 'Browse…' }).click();
    const dialog = page.locator('.jp-Dialog .jp-Open-Dialog');
    await expect(dialog).toBeVisible();
    await dialog.locator('.jp-DirListing-item[title^="Name: mine"]').dblclick();
    await dialog
      .locator('.jp-DirListing-item[title^="Name: train.csv"]')
      .click();
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Select' })
      .click();
    await expect(row.locator('.jp-Trail-Fork-path')).toHaveValue(
      `${tmpPath}/mine/train.csv`
    );
    await expect(create).toBeEnabled();
    await bothThemes(page, 'fork-widget');
    await create.click();

    // The fork notebook opens with its check: the contract is clean.
    const check = page.locator('.jp-Trail-ForkCheck:visible');
    const title = check.locator('.jp-Trail-ForkCheck-title');
    await expect(title).toHaveAttribute('data-ready', 'true', {
      timeout: 90000
    });
    const entry = check.locator(
      '.jp-Trail-Contract-entry[data-recorded="data/train.csv"]'
    );
    await expect(entry).toHaveAttribute('data-path', 'mine/train.csv');
    await expect(entry.locator('.jp-Trail-Contract-facts')).toContainText(
      'rows'
    );
    await expect(
      page.locator(
        '.jp-NotebookPanel-toolbar .jp-Trail-RunForkToolbarButton:visible'
      )
    ).toHaveCount(1);
    await expect(
      page.locator('.jp-NotebookPanel-toolbar .jp-Trail-ReplayButton:visible')
    ).toHaveCount(0);
    await bothThemes(page, 'fork-contract-clean');

    // Run it: the recorded code reads my data.
    await check.locator('.jp-Trail-RunForkButton').click();
    await page
      .getByRole('button', { name: 'Run in the running kernel' })
      .click();
    const run = page.locator('.jp-Trail-ReplayRun:visible');
    const status = run.locator('.jp-Trail-ReplayRun-status');
    await expect(status).toHaveAttribute('data-state', 'finished', {
      timeout: 90000
    });
    await expect(status).toContainText('differ from the parent');
    const step = (k: number) =>
      run.locator(`.jp-Trail-ReplayRun-step[data-step="${k}"]`);
    await expect(step(1)).toHaveAttribute('data-verdict', 'differs');
    await expect(step(1).locator('.jp-Trail-ReplayRun-verdict')).toHaveText(
      'differs from parent'
    );
    await expect(step(2)).toHaveAttribute('data-verdict', 'differs');
    const notebook = page.locator('.jp-NotebookPanel:visible');
    await expect(notebook.locator('.jp-OutputArea-output')).toContainText([
      '3 rows',
      'total b: 120'
    ]);
    await bothThemes(page, 'fork-run');

    // The fork is recorded as a fork of the parent, with its substitution.
    await expect
      .poll(
        async () =>
          (await trail.api(`/sessions/${sessionId}/replays`)).items.map(
            (item: any) => item.lineage
          ),
        { timeout: 30000 }
      )
      .toEqual([
        expect.objectContaining({
          kind: 'fork',
          sessionId,
          step: 2,
          substitutions: [
            expect.objectContaining({
              recorded: 'data/train.csv',
              path: 'mine/train.csv'
            })
          ]
        })
      ]);

    // A CSV lacking column b: the error names it, Run fork stays disabled.
    // (The first fork's tabs closed first, for a readable screenshot.)
    await page.evaluate(async () => {
      const commands = (window as any).jupyterapp.commands;
      await commands.execute('docmanager:save-all');
      await commands.execute('application:close-all');
    });
    await page.evaluate(async id => {
      await (window as any).jupyterapp.commands.execute('trail:fork-session', {
        sessionId: id
      });
    }, sessionId);
    const again = page.locator('.jp-Trail-Fork:visible');
    const badRow = again.locator(
      '.jp-Trail-Fork-row[data-recorded="data/train.csv"]'
    );
    await expect(badRow).toBeVisible({ timeout: 30000 });
    await badRow
      .locator('.jp-Trail-Fork-path')
      .fill(`${tmpPath}/bad/train.csv`);
    await again.getByRole('button', { name: 'Create fork notebook' }).click();
    const badCheck = page.locator('.jp-Trail-ForkCheck:visible');
    await expect(badCheck.locator('.jp-Trail-ForkCheck-title')).toHaveAttribute(
      'data-ready',
      'false',
      { timeout: 90000 }
    );
    const missing = badCheck.locator(
      '.jp-Trail-Contract-problem[data-code="missing-columns"]'
    );
    await expect(missing).toHaveAttribute('data-level', 'error');
    await expect(missing).toContainText('bad/train.csv');
    await expect(missing).toContainText('b');
    await expect(badCheck.locator('.jp-Trail-RunForkButton')).toBeDisabled();
    await bothThemes(page, 'fork-contract-error');
    // From the replay viewer, "Fork…" forks up to the step shown.
    await page.evaluate(async id => {
      await (window as any).jupyterapp.commands.execute('trail:open-replay', {
        sessionId: id,
        step: 1
      });
    }, sessionId);
    const viewer = page.locator('.jp-Trail-ReplayWidget:visible');
    await viewer.locator('.jp-Trail-ForkStepButton').click();
    const fromViewer = page.locator('.jp-Trail-Fork:visible');
    await expect(fromViewer.locator('.jp-Trail-Fork-stepInput')).toHaveValue(
      '1',
      { timeout: 30000 }
    );
    await expect(fromViewer.locator('.jp-Trail-Fork-row')).toHaveCount(1);

    // Nothing ran in it: no new fork session with executions.
    const forks = (await trail.api(`/sessions/${sessionId}/replays`)).items;
    expect(forks.filter((item: any) => item.executionCount > 0)).toHaveLength(
      1
    );
  });
});
