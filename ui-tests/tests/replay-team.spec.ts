/**
 * Replay between two people (#13, "Tests" and "Done when"): Alice records a
 * notebook that reads data/train.csv in her own JupyterLab; Bob, in his,
 * with his own copy of the CSV whose values he changed, steps through her
 * session in the replay viewer, opens a step as a notebook, reads the
 * preflight (the CSV changed), replays in his kernel (it pauses at the step
 * that reads the CSV: the printed mean differs) and goes on to the end;
 * Alice then sees Bob's replay under her session. Everything is recorded by
 * the real recorder and kernel helper; nothing is seeded through the API.
 */
import type { Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { expect, openTrail, setTheme, test } from './fixtures';
import { addMember, openNotebook, PersonalLab, runCell } from './team-lab';

/**
 * Where the screenshots go (looked at by people, not compared); Playwright
 * empties test-results at each run, so TRAIL_SCREENSHOTS may keep them.
 */
const SHOTS =
  process.env.TRAIL_SCREENSHOTS ||
  path.resolve(__dirname, '..', 'test-results', 'screenshots');

const ALICE_CSV = 'id,value\n1,1.0\n2,2.0\n3,3.0\n4,4.0\n';
/** Bob's copy: same rows and columns, other values. */
const BOB_CSV = 'id,value\n1,10.0\n2,20.0\n3,30.0\n4,40.0\n';

const SCALE_2 = 'print("scaled", mean * 2)';
const SCALE_10 = 'print("scaled", mean * 10)';

/** Alice's notebook: a markdown cell, then four code cells. */
const CELLS = [
  {
    id: 'intro',
    type: 'markdown',
    source: '# Training data\nMean of `value`.'
  },
  { id: 'setup', type: 'code', source: 'import pandas as pd\nprint("ready")' },
  {
    id: 'load',
    type: 'code',
    source:
      'df = pd.read_csv("data/train.csv")\nmean = df["value"].mean()\nprint("mean value", mean)'
  },
  { id: 'count', type: 'code', source: 'print("rows", len(df))' },
  { id: 'scale', type: 'code', source: SCALE_2 }
];

/** The step Bob opens as a notebook and replays (of Alice's six). */
const K = 5;

function notebook() {
  return {
    cells: CELLS.map(cell =>
      cell.type === 'markdown'
        ? {
            cell_type: 'markdown',
            id: cell.id,
            source: cell.source,
            metadata: {}
          }
        : {
            cell_type: 'code',
            id: cell.id,
            source: cell.source,
            metadata: {},
            outputs: [],
            execution_count: null
          }
    ),
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3 (ipykernel)',
        language: 'python'
      },
      language_info: { name: 'python' }
    },
    nbformat: 4,
    nbformat_minor: 5
  };
}

async function writeCsv(lab: PersonalLab, content: string): Promise<void> {
  await lab.contents('data', { type: 'directory' });
  await lab.contents('data/train.csv', {
    type: 'file',
    format: 'text',
    content
  });
}

/** A screenshot of the page in the light and the dark theme. */
async function shootBoth(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  // JupyterLab's own question about its news would hide part of the view.
  const news = page
    .locator('.Toastify__toast', { hasText: 'Jupyter news' })
    .getByRole('button', { name: 'No', exact: true });
  if (await news.count()) {
    await news.click();
  }
  await setTheme(page, 'JupyterLab Light');
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SHOTS, `${name}-light.png`) });
  await setTheme(page, 'JupyterLab Dark');
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SHOTS, `${name}-dark.png`) });
  await setTheme(page, 'JupyterLab Light');
}

test.describe('replay between two people', () => {
  test.describe.configure({ timeout: 240000 });

  test("Bob steps through Alice's session, opens a step as a notebook, sees the changed CSV in the preflight and the divergence in his replay; Alice sees his replay", async ({
    browser,
    trail
  }) => {
    const alice = await addMember(trail.dataDir, 'alice-r', 'Alice Archer');
    const bob = await addMember(trail.dataDir, 'bob-r', 'Bob Baker');
    const aliceLab = new PersonalLab(8895, alice);
    const bobLab = new PersonalLab(8896, bob);
    await Promise.all([aliceLab.start(), bobLab.start()]);
    try {
      await writeCsv(aliceLab, ALICE_CSV);
      await writeCsv(bobLab, BOB_CSV);
      await aliceLab.contents('analysis.ipynb', {
        type: 'notebook',
        format: 'json',
        content: notebook()
      });
      const a = await aliceLab.open(browser);
      const b = await bobLab.open(browser);

      // 1. Alice works: setup, load (reads the CSV), count twice, scale,
      // then scale edited and run again: six steps.
      await openNotebook(a.page, 'analysis.ipynb');
      for (const index of [1, 2, 3, 3, 4]) {
        await runCell(a.page, index);
      }
      await runCell(a.page, 4, SCALE_10);
      // Her session is shared with the team by default: Bob reads it.
      const listed = async () =>
        (
          await trail.send(
            'GET',
            `/sessions?author=${alice.id}`,
            undefined,
            bob.token
          )
        ).items;
      await expect
        .poll(async () => (await listed())[0]?.executionCount, {
          timeout: 30000
        })
        .toBe(6);
      const [session] = await listed();
      expect(session.notebookPath).toBe('analysis.ipynb');
      // The helper saw the CSV read at step 2, relative to the notebook.
      const steps = await trail.send(
        'GET',
        `/sessions/${session.id}/inputs?upto=${K}`,
        undefined,
        bob.token
      );
      expect(steps.inputs.map((i: any) => [i.path, i.step])).toEqual([
        ['data/train.csv', 2]
      ]);

      // 2. Bob opens Alice's session in his Trail panel: "Step through".
      await openTrail(b.page);
      const bobPanel = b.page.locator('#jp-trail-sidebar');
      await bobPanel.getByRole('tab', { name: 'Team' }).click();
      await bobPanel
        .locator(`.jp-Trail-PersonItem[data-user-id="${alice.id}"]`)
        .click();
      await bobPanel
        .locator('.jp-Trail-NotebookItem[data-notebook-path="analysis.ipynb"]')
        .click();
      await bobPanel
        .locator(`.jp-Trail-SessionItem[data-session-id="${session.id}"]`)
        .click();
      await bobPanel.getByRole('button', { name: 'Step through' }).click();

      const viewer = b.page.locator('.jp-Trail-ReplayViewer');
      const cell = (id: string) =>
        viewer.locator(`[data-cell-key="cell:${id}"]`);
      await expect(viewer).toHaveAttribute('data-trail-step', '1', {
        timeout: 30000
      });
      await expect(viewer.locator('.jp-Trail-ReplayPosition')).toHaveText(
        'Step 1 of 6'
      );
      await expect(viewer).toContainText('Alice Archer');
      await expect(cell('setup')).toHaveAttribute('data-current', 'true');
      await expect(cell('setup')).toContainText('ready');
      await expect(cell('load')).toContainText('not run yet');
      // The notebook's markdown cell is there, in its place.
      await expect(viewer.locator('[data-cell-key]').first()).toHaveAttribute(
        'data-cell-key',
        'cell:intro'
      );

      // The buttons and the keys.
      await viewer.getByRole('button', { name: 'Next step (→)' }).click();
      await expect(viewer).toHaveAttribute('data-trail-step', '2');
      await expect(cell('load')).toHaveAttribute('data-current', 'true');
      await expect(cell('load')).toContainText('mean value 2.5');
      await viewer.focus();
      await b.page.keyboard.press('End');
      await expect(viewer).toHaveAttribute('data-trail-step', '6');
      await expect(cell('scale')).toContainText('mean * 10');
      await expect(cell('scale')).toContainText('scaled 25.0');
      await b.page.keyboard.press('ArrowLeft');
      await expect(viewer).toHaveAttribute('data-trail-step', String(K));
      // Step 5: the scale cell as it ran then, before Alice edited it.
      await expect(cell('scale')).toHaveAttribute('data-current', 'true');
      await expect(cell('scale')).toContainText('mean * 2');
      await expect(cell('scale')).toContainText('scaled 5.0');
      await expect(cell('count')).toContainText('rows 4');
      await viewer.getByRole('button', { name: 'Previous step (←)' }).click();
      await expect(viewer).toHaveAttribute('data-trail-step', '4');
      await expect(cell('count')).toHaveAttribute('data-current', 'true');
      await expect(cell('scale')).toContainText('not run yet');
      await viewer.focus();
      await b.page.keyboard.press('ArrowRight');
      await expect(viewer).toHaveAttribute('data-trail-step', String(K));
      await shootBoth(b.page, 'replay-team-viewer');

      // "Open as Notebook…" at step 5, as executed, in his workspace root.
      await b.page.locator('.jp-Trail-OpenAsNotebookButton').click();
      const dialog = b.page.locator('.jp-Dialog');
      await expect(dialog).toContainText('As executed');
      await expect(dialog.locator('input[value="as-executed"]')).toBeChecked();
      // The choice shows: radio buttons, not blank text-field boxes.
      expect(
        await dialog
          .locator('input[value="as-executed"]')
          .evaluate(radio => getComputedStyle(radio).appearance)
      ).not.toBe('none');
      fs.mkdirSync(SHOTS, { recursive: true });
      await dialog
        .locator('.jp-Dialog-content')
        .screenshot({ path: path.join(SHOTS, 'replay-team-open-dialog.png') });
      await dialog.getByRole('button', { name: 'Open' }).click();
      const opened = b.page.locator('.jp-NotebookPanel');
      await expect(opened).toBeVisible({ timeout: 30000 });
      const written = path.join(bobLab.rootDir, `analysis-step${K}.ipynb`);
      await expect.poll(() => fs.existsSync(written)).toBe(true);
      const document = JSON.parse(fs.readFileSync(written, 'utf-8'));
      expect(document.metadata.trail.source).toMatchObject({
        sessionId: session.id,
        step: K,
        form: 'as-executed',
        notebookPath: 'analysis.ipynb'
      });
      const code = document.cells.filter((c: any) => c.cell_type === 'code');
      expect(
        code.map((c: any) => c.metadata.trail.sourceExecution.step)
      ).toEqual([1, 2, 3, 4, 5]);
      const text = (source: string | string[]) => [source].flat().join('');
      expect(text(code[4].source)).toBe(SCALE_2);
      // The note names the data file the steps read.
      expect(text(document.cells[0].source)).toContain('data/train.csv');

      // "Check before replaying": the CSV changed; Python is the same.
      await b.page
        .locator('.jp-NotebookPanel-toolbar .jp-Trail-ReplayButton')
        .click();
      const preflight = b.page.locator('.jp-Trail-Preflight');
      await expect(
        preflight.locator('.jp-Trail-Preflight-title')
      ).toContainText(/1 difference/, { timeout: 60000 });
      const csv = preflight.locator(
        '.jp-Trail-Preflight-file[data-path="data/train.csv"]'
      );
      await expect(csv).toHaveAttribute('data-state', 'changed');
      await expect(csv).toContainText('other content, same columns');
      await expect(
        preflight.locator('.jp-Trail-Preflight-consequence')
      ).toContainText('From step 2 on');
      await expect(
        preflight.locator(
          '.jp-Trail-Preflight-python .jp-Trail-Preflight-badge'
        )
      ).toHaveAttribute('data-state', 'same');
      await shootBoth(b.page, 'replay-team-preflight');

      // "Replay in my kernel": it pauses at step 2, where the mean differs.
      await preflight
        .getByRole('button', { name: 'Replay in my kernel' })
        .click();
      await b.page.getByRole('button', { name: 'Restart and replay' }).click();
      const run = b.page.locator('.jp-Trail-ReplayRun');
      // The run takes the preflight's place beside the notebook, as a tab
      // of the same area, rather than squeezing a third column in.
      const runTab = b.page.locator('.lm-DockPanel-tabBar', {
        has: b.page.locator('.lm-TabBar-tab', { hasText: 'Replay: ' })
      });
      await expect(runTab).toHaveCount(1);
      await expect(runTab).toContainText('Preflight: ');
      const status = run.locator('.jp-Trail-ReplayRun-status');
      await expect(status).toHaveAttribute('data-state', 'paused', {
        timeout: 60000
      });
      await expect(status).toContainText('Paused at step 2: differs');
      const step = (k: number) =>
        run.locator(`.jp-Trail-ReplayRun-step[data-step="${k}"]`);
      await expect(step(1)).toHaveAttribute('data-verdict', 'same');
      await expect(step(2)).toHaveAttribute('data-verdict', 'differs');
      await expect(step(2)).toHaveAttribute('data-first-divergence', 'true');
      await expect(step(3)).toHaveAttribute('data-state', 'pending');
      const merge = run.locator('.jp-Trail-ReplayDetail .cm-mergeView');
      await expect(merge).toBeVisible();
      await expect(merge.locator('.cm-merge-a')).toContainText(
        'mean value 2.5'
      );
      await expect(merge.locator('.cm-merge-b')).toContainText(
        'mean value 25.0'
      );
      await expect(step(2)).toContainText(
        'stream/stdout differs (1 line recorded, 1 line replayed)'
      );
      await shootBoth(b.page, 'replay-team-divergence');

      await run.getByRole('button', { name: 'Continue' }).click();
      await expect(status).toHaveAttribute('data-state', 'finished', {
        timeout: 60000
      });
      await expect(step(3)).toHaveAttribute('data-verdict', 'same');
      await expect(step(4)).toHaveAttribute('data-verdict', 'same');
      await expect(step(5)).toHaveAttribute('data-verdict', 'differs');
      await expect(status).toContainText(
        `3 of ${K} steps reproduced; the first divergence is at step 2`
      );

      // 3. Alice refreshes her session's view: Bob's replay is listed.
      await openTrail(a.page);
      const alicePanel = a.page.locator('#jp-trail-sidebar');
      await alicePanel
        .locator(`.jp-Trail-SessionItem[data-session-id="${session.id}"]`)
        .click();
      await expect(alicePanel.locator('.jp-Trail-ExecutionItem')).toHaveCount(
        6
      );
      const replay = alicePanel.locator('.jp-Trail-ReplayItem');
      await expect
        .poll(
          async () => {
            await alicePanel.locator('.jp-Trail-RefreshButton').click();
            return replay.count();
          },
          { timeout: 30000, intervals: [1000] }
        )
        .toBe(1);
      await expect(replay).toContainText(`Bob Baker replayed up to step ${K}`);
      // Bob's recorder delivers his executions in batches: refresh until the
      // last ones have arrived rather than reading the first listing.
      await expect
        .poll(
          async () => {
            await alicePanel.locator('.jp-Trail-RefreshButton').click();
            return replay.textContent();
          },
          { timeout: 30000, intervals: [1000] }
        )
        .toContain(`${K} of ${K} steps run`);
      // In the sidebar's default width the step is read, not cut off.
      expect(
        await replay
          .locator('.jp-Trail-Item-title')
          .evaluate(title => title.scrollWidth <= title.clientWidth)
      ).toBe(true);
      fs.mkdirSync(SHOTS, { recursive: true });
      await alicePanel.screenshot({
        path: path.join(SHOTS, 'replay-team-replays-light.png')
      });

      await a.context.close();
      await b.context.close();
    } finally {
      await Promise.all([aliceLab.stop(), bobLab.stop()]);
    }
  });
});
