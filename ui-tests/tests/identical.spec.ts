/**
 * "Who already computed this?" between two people (#16 item 4, "Tests"
 * and "Done when"): Alice, in her JupyterLab, runs a notebook whose
 * second cell reads a CSV; Bob, in his (another folder, the same
 * packages), opens the same notebook with the same CSV and runs the same
 * cells: when he starts the third, a notification names Alice and offers
 * her step, which opens in the replay viewer; once recorded, his cell
 * carries "identical to Alice's step 3", and his session in the panel
 * says "identical to Alice's session up to step 3". Everything is
 * recorded by the real recorder and kernel helper.
 */
import * as fs from 'fs';
import * as path from 'path';
import { expect, openTrail, setTheme, test } from './fixtures';
import { addMember, openNotebook, PersonalLab, runCell } from './team-lab';

const SHOTS =
  process.env.TRAIL_SCREENSHOTS ||
  path.resolve(__dirname, '..', 'test-results', 'screenshots');

const CSV = 'id,value\n1,1.5\n2,2.5\n3,3.5\n';
const CELLS = [
  { id: 'setup', source: 'import pandas as pd\nprint("ready")' },
  {
    id: 'load',
    source: 'df = pd.read_csv("data/train.csv")\nprint("rows", len(df))'
  },
  {
    id: 'fit',
    source:
      'import time\ntime.sleep(3)  # the expensive step\nprint("fitted", df["value"].sum())'
  }
];

async function prepare(lab: PersonalLab): Promise<void> {
  await lab.contents('data', { type: 'directory' });
  await lab.contents('data/train.csv', {
    type: 'file',
    format: 'text',
    content: CSV
  });
  await lab.writeNotebook('train.ipynb', CELLS);
}

/** Runs cell `index` and waits until the kernel is idle again. */
async function runAndWait(
  page: import('@playwright/test').Page,
  index: number
): Promise<void> {
  await runCell(page, index);
  await page.waitForFunction(() => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    return panel?.sessionContext?.session?.kernel?.status === 'idle';
  });
}

test.describe('who already computed this, between two people', () => {
  test.describe.configure({ timeout: 240000 });

  test('Bob is told that Alice ran the same step on the same data, opens it, and his cell and session say so', async ({
    browser,
    trail
  }) => {
    const alice = await addMember(trail.dataDir, 'alice-i', 'Alice Archer');
    const bob = await addMember(trail.dataDir, 'bob-i', 'Bob Baker');
    const aliceLab = new PersonalLab(8901, alice);
    const bobLab = new PersonalLab(8902, bob);
    await Promise.all([aliceLab.start(), bobLab.start()]);
    try {
      await Promise.all([prepare(aliceLab), prepare(bobLab)]);
      const a = await aliceLab.open(browser);
      const b = await bobLab.open(browser);

      // 1. Alice runs the three cells.
      await openNotebook(a.page, 'train.ipynb');
      for (const index of [0, 1, 2]) {
        await runAndWait(a.page, index);
      }
      // Bob may read her session, and its last step has a fingerprint.
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
        .toBe(3);
      const [session] = await listed();
      const steps = await trail.send(
        'GET',
        `/sessions/${session.id}/steps`,
        undefined,
        bob.token
      );
      const fitId = steps.steps[2].executionId;
      await expect
        .poll(
          async () =>
            (
              await trail.send(
                'GET',
                `/executions/${fitId}/identical`,
                undefined,
                alice.token
              )
            ).fingerprint,
          { timeout: 30000 }
        )
        .toMatch(/^[0-9a-f]{64}$/);

      // 2. Bob runs the same cells in his own JupyterLab; at the third he
      // is told, while it runs.
      await openNotebook(b.page, 'train.ipynb');
      await runAndWait(b.page, 0);
      await runAndWait(b.page, 1);
      const started = Date.now();
      // The command resolves when the cell has run: not awaited here.
      const running = runCell(b.page, 2);
      const toast = b.page.locator('.Toastify__toast', {
        hasText: 'Alice Archer ran this same code after the same steps'
      });
      await expect(toast).toBeVisible({ timeout: 10000 });
      const toldAfterMs = Date.now() - started;
      await expect(toast).toContainText('on the same data and environment');
      // Told while the 3-second cell runs.
      expect(toldAfterMs).toBeLessThan(3000);
      test.info().annotations.push({
        type: 'told after (ms)',
        description: String(toldAfterMs)
      });
      console.log(
        `identical: Bob told ${toldAfterMs} ms after the cell started`
      );
      await running;
      fs.mkdirSync(SHOTS, { recursive: true });
      await b.page.screenshot({
        path: path.join(SHOTS, 'identical-notification-light.png')
      });

      // 3. "Open Alice's step": her step 3 in the replay viewer.
      await toast
        .getByRole('button', { name: 'Open Alice Archer’s step' })
        .click();
      const viewer = b.page.locator('.jp-Trail-ReplayViewer');
      await expect(viewer).toHaveAttribute('data-trail-step', '3', {
        timeout: 30000
      });
      await expect(viewer).toContainText('Alice Archer');

      // 4. Once his run is recorded, his cell says whose step it repeats.
      await b.page
        .getByRole('tab', { name: 'train.ipynb', exact: true })
        .click();
      const mark = b.page.locator(
        '.jp-Notebook .jp-Cell:nth-child(3) .jp-trail-IdenticalMark'
      );
      await expect(mark).toHaveText('≡ identical to Alice Archer’s step 3', {
        timeout: 40000
      });
      await setTheme(b.page, 'JupyterLab Dark');
      await b.page.screenshot({
        path: path.join(SHOTS, 'identical-mark-dark.png')
      });
      await setTheme(b.page, 'JupyterLab Light');

      // 5. His session in the panel: identical to Alice's up to step 3.
      await openTrail(b.page);
      const panel = b.page.locator('#jp-trail-sidebar');
      await panel.locator('.jp-Trail-SessionItem').first().click();
      await expect(panel.locator('.jp-trail-IdenticalPrefix')).toContainText(
        'identical to Alice Archer’s session up to step 3',
        { timeout: 30000 }
      );
      await a.context.close();
      await b.context.close();
    } finally {
      await Promise.all([aliceLab.stop(), bobLab.stop()]);
    }
  });
});
