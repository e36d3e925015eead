/**
 * Fork between two people (#14, "Tests" and "Done when"): Alice records a
 * small training notebook that reads data/train.csv (the path built with
 * os.path.join) and logs a param and a metric, in her own JupyterLab. Bob,
 * in his, has no data/train.csv, only his own CSV elsewhere (more rows, an
 * extra column): he opens Alice's session from the team panel, forks it
 * onto his CSV ("Fork onto my data…", the map, "Create fork notebook"),
 * reads the contract report, runs the fork; then Alice and Bob both see the
 * fork under Alice's session and open its comparison with the parent: the
 * metric differs, the substituted input shows both hashes. Everything is
 * recorded by the real recorder and kernel helper; nothing is seeded
 * through the API.
 */
import type { Locator, Page } from '@playwright/test';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { expect, openTrail, setTheme, test } from './fixtures';
import { addMember, openNotebook, PersonalLab, runCell } from './team-lab';

/** Where the screenshots go (looked at by people, not compared). */
const SHOTS =
  process.env.TRAIL_SCREENSHOTS ||
  path.resolve(__dirname, '..', 'test-results', 'screenshots');

const ALICE_CSV = 'x,y\n1,2.0\n2,4.1\n3,5.9\n4,8.2\n';
/** Bob's data: the same columns, two more rows, other values, one column more. */
const BOB_CSV =
  'x,y,weight\n1,3.0,1\n2,5.5,1\n3,9.1,1\n4,11.8,1\n5,15.2,1\n6,17.9,1\n';
const BOB_PATH = 'my-data/bob-train.csv';

const sha256 = (text: string) =>
  crypto.createHash('sha256').update(text).digest('hex');

/** Alice's notebook: three code cells, three steps. */
const CELLS = [
  {
    id: 'setup',
    source: 'import os\nimport pandas as pd\nimport trail\nprint("ready")'
  },
  {
    id: 'load',
    source:
      'path = os.path.join("data", "train" + ".csv")\ndf = pd.read_csv(path)\nprint("rows", len(df))'
  },
  {
    id: 'train',
    source: [
      'trail.log_param("alpha", 0.5)',
      'trail.log_param("rows", len(df))',
      'slope = float((df["x"] * df["y"]).sum() / (df["x"] ** 2).sum())',
      'mse = float(((df["y"] - slope * df["x"]) ** 2).mean())',
      'trail.log_metric("mse", round(mse, 4))',
      'print("slope", round(slope, 3))'
    ].join('\n')
  }
];

/** A screenshot of one element in the light and the dark theme. */
async function shootBoth(
  page: Page,
  target: Locator,
  name: string
): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const news = page
    .locator('.Toastify__toast', { hasText: 'Jupyter news' })
    .getByRole('button', { name: 'No', exact: true });
  if (await news.count()) {
    await news.click();
  }
  for (const [theme, suffix] of [
    ['JupyterLab Light', 'light'],
    ['JupyterLab Dark', 'dark']
  ]) {
    await setTheme(page, theme);
    await page.waitForTimeout(300);
    await target.screenshot({
      path: path.join(SHOTS, `${name}-${suffix}.png`)
    });
  }
  await setTheme(page, 'JupyterLab Light');
}

/** Opens a person's session in the panel: Team, the person, the notebook, the session. */
async function openTeamSession(
  page: Page,
  person: { id: string },
  notebookPath: string,
  sessionId: string
): Promise<Locator> {
  await openTrail(page);
  const panel = page.locator('#jp-trail-sidebar');
  await panel.getByRole('tab', { name: 'Team' }).click();
  await panel
    .locator(`.jp-Trail-PersonItem[data-user-id="${person.id}"]`)
    .click();
  await panel
    .locator(`.jp-Trail-NotebookItem[data-notebook-path="${notebookPath}"]`)
    .click();
  await panel
    .locator(`.jp-Trail-SessionItem[data-session-id="${sessionId}"]`)
    .click();
  return panel;
}

/** The checks every reader of the comparison makes (Alice and Bob alike). */
async function checkComparison(
  comparison: Locator,
  parentMse: number,
  forkMse: number
): Promise<void> {
  await expect(comparison.locator('.jp-Trail-Lineage-title')).toHaveText(
    'Fork compared with its parent',
    { timeout: 30000 }
  );
  await expect(
    comparison.locator('.jp-Trail-Lineage-side[data-side="parent"]')
  ).toContainText('train.ipynb');
  await expect(
    comparison.locator('.jp-Trail-Lineage-side[data-side="parent"]')
  ).toContainText('steps 1–3');
  // Params: alpha the same, rows differs (4 against 6).
  const param = (name: string) =>
    comparison.locator(`.jp-Trail-Lineage-params tr[data-name="${name}"]`);
  await expect(param('alpha')).toHaveAttribute('data-same', 'true');
  await expect(param('rows')).toHaveAttribute('data-same', 'false');
  await expect(param('rows').locator('td')).toHaveText(['4', '6']);
  // The metric: the parent's and the fork's values, and they differ.
  const mse = comparison.locator(
    '.jp-Trail-Lineage-metrics tr[data-name="mse"]'
  );
  await expect(mse).toHaveAttribute('data-same', 'false');
  await expect(mse.locator('td').nth(0)).toHaveText(String(parentMse));
  await expect(mse.locator('td').nth(1)).toHaveText(String(forkMse));
  // The substituted input, with both hashes (short, the full one on hover).
  const input = comparison.locator(
    '.jp-Trail-Lineage-input[data-recorded="data/train.csv"]'
  );
  await expect(input.locator('.jp-Trail-Lineage-mapping')).toContainText(
    'data/train.csv →'
  );
  await expect(input.locator('.jp-Trail-Lineage-mapping')).toContainText(
    'bob-train.csv'
  );
  const hash = (side: string) =>
    input.locator(`tr[data-fact="sha256"] td[data-side="${side}"] code`);
  await expect(hash('parent')).toHaveText(sha256(ALICE_CSV).slice(0, 12));
  await expect(hash('parent')).toHaveAttribute('title', sha256(ALICE_CSV));
  await expect(hash('fork')).toHaveText(sha256(BOB_CSV).slice(0, 12));
  await expect(input.locator('[data-change="added"]')).toContainText('weight');
  // The steps reading Bob's data differ from the parent; setup does not.
  const steps = comparison.locator('.jp-Trail-Lineage-step');
  await expect(steps.locator('.jp-Trail-Lineage-verdict')).toHaveText([
    'differs from parent',
    'differs from parent'
  ]);
  await expect(steps.nth(0)).toHaveAttribute('data-step', '2');
  await expect(steps.nth(1)).toHaveAttribute('data-step', '3');
}

/** The mse the notebook's code computes on a CSV of x,y (rounded as logged). */
function mseOf(csv: string): number {
  const rows = csv
    .trim()
    .split('\n')
    .slice(1)
    .map(line => line.split(',').map(Number));
  const xy = rows.reduce((sum, [x, y]) => sum + x * y, 0);
  const xx = rows.reduce((sum, [x]) => sum + x * x, 0);
  const slope = xy / xx;
  const mse =
    rows.reduce((sum, [x, y]) => sum + (y - slope * x) ** 2, 0) / rows.length;
  return Number(mse.toFixed(4));
}

test.describe('fork between two people', () => {
  test.describe.configure({ timeout: 300000 });

  test("Bob forks Alice's training notebook onto his CSV from the panel, reads the contract, runs it; both see the fork under her session and its comparison", async ({
    browser,
    trail
  }) => {
    const alice = await addMember(trail.dataDir, 'alice-f', 'Alice Archer');
    const bob = await addMember(trail.dataDir, 'bob-f', 'Bob Baker');
    const aliceLab = new PersonalLab(8897, alice);
    const bobLab = new PersonalLab(8898, bob);
    await Promise.all([aliceLab.start(), bobLab.start()]);
    try {
      await aliceLab.contents('data', { type: 'directory' });
      await aliceLab.contents('data/train.csv', {
        type: 'file',
        format: 'text',
        content: ALICE_CSV
      });
      await aliceLab.writeNotebook('train.ipynb', CELLS);
      // Bob has no data/train.csv: only a redirect lets the code read his.
      await bobLab.contents('my-data', { type: 'directory' });
      await bobLab.contents(BOB_PATH, {
        type: 'file',
        format: 'text',
        content: BOB_CSV
      });
      const a = await aliceLab.open(browser);
      const b = await bobLab.open(browser);

      // 1. Alice trains: three steps.
      await openNotebook(a.page, 'train.ipynb');
      for (const index of [0, 1, 2]) {
        await runCell(a.page, index);
      }
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
      // The helper saw the CSV read at step 2, whatever built its path.
      await expect
        .poll(
          async () =>
            (
              await trail.send(
                'GET',
                `/sessions/${session.id}/inputs?upto=3`,
                undefined,
                bob.token
              )
            ).inputs.map((input: any) => [input.path, input.sha256]),
          { timeout: 30000 }
        )
        .toEqual([['data/train.csv', sha256(ALICE_CSV)]]);

      // Alice keeps her session open in her panel: the fork is to show up
      // there by itself (the change feed), with no refresh.
      await openTrail(a.page);
      const alicePanel = a.page.locator('#jp-trail-sidebar');
      await alicePanel
        .locator(`.jp-Trail-SessionItem[data-session-id="${session.id}"]`)
        .click();
      await expect(alicePanel.locator('.jp-Trail-ExecutionItem')).toHaveCount(
        3
      );
      await expect(alicePanel.locator('.jp-Trail-Replays')).toHaveCount(0);

      // 2. Bob opens Alice's session from the team panel: "Fork onto my data…".
      const bobPanel = await openTeamSession(
        b.page,
        alice,
        'train.ipynb',
        session.id
      );
      await bobPanel
        .locator('.jp-Trail-Inputs')
        .getByRole('button', { name: 'Fork onto my data…' })
        .click();
      const fork = b.page.locator('.jp-Trail-Fork');
      const row = fork.locator(
        '.jp-Trail-Fork-row[data-recorded="data/train.csv"]'
      );
      await expect(row).toBeVisible({ timeout: 30000 });
      await row
        .getByRole('textbox', { name: 'Your file for data/train.csv' })
        .fill(BOB_PATH);
      await expect(row).toHaveAttribute('data-mapped', 'true');
      fs.mkdirSync(SHOTS, { recursive: true });
      await fork.screenshot({
        path: path.join(SHOTS, 'fork-team-widget-light.png')
      });
      await fork.locator('.jp-Trail-CreateForkButton').click();

      // The fork notebook opens with its check beside it: the contract
      // report (no error; a note for the extra column and the rows).
      const check = b.page.locator('.jp-Trail-ForkCheck');
      const title = check.locator('.jp-Trail-ForkCheck-title');
      await expect(title).toHaveAttribute('data-ready', 'true', {
        timeout: 90000
      });
      await expect(title).toHaveAttribute('data-errors', '0');
      const entry = check.locator(
        '.jp-Trail-Contract-entry[data-recorded="data/train.csv"]'
      );
      await expect(entry).toContainText(BOB_PATH);
      await expect(entry.locator('[data-change="added"]')).toContainText(
        'weight'
      );
      await check.screenshot({
        path: path.join(SHOTS, 'fork-team-contract-light.png')
      });

      // 3. Bob runs the fork, from a clean kernel.
      await check.locator('.jp-Trail-RunForkButton').click();
      await b.page.getByRole('button', { name: 'Restart and run' }).click();
      const run = b.page.locator('.jp-Trail-ReplayRun');
      await expect(run.locator('.jp-Trail-ReplayRun-status')).toHaveAttribute(
        'data-state',
        /paused|finished/,
        { timeout: 90000 }
      );
      // A difference from the parent is expected in a fork: it goes on.
      const status = run.locator('.jp-Trail-ReplayRun-status');
      for (let i = 0; i < 5; i++) {
        if ((await status.getAttribute('data-state')) !== 'paused') {
          break;
        }
        await run.getByRole('button', { name: 'Continue' }).click();
        await b.page.waitForTimeout(500);
      }
      await expect(status).toHaveAttribute('data-state', 'finished', {
        timeout: 90000
      });
      const forkRun = b.page.locator('.jp-NotebookPanel').filter({
        hasText: 'rows 6'
      });
      await expect(forkRun).toHaveCount(1);

      // The fork session is recorded, linked to Alice's at step 3.
      const replays = async (token: string) =>
        (
          await trail.send(
            'GET',
            `/sessions/${session.id}/replays`,
            undefined,
            token
          )
        ).items;
      await expect
        .poll(async () => (await replays(bob.token))[0]?.executionCount, {
          timeout: 30000
        })
        .toBe(3);
      const [forkSession] = await replays(bob.token);
      expect(forkSession.lineage).toMatchObject({
        kind: 'fork',
        sessionId: session.id,
        step: 3
      });
      expect(forkSession.lineage.substitutions).toHaveLength(1);

      const parentMse = mseOf(ALICE_CSV);
      const forkMse = mseOf(BOB_CSV);
      expect(parentMse).not.toBe(forkMse);

      // 4. Bob's panel still shows Alice's session: his fork appears under
      // it (live), and he compares.
      const bobItem = bobPanel.locator(
        `.jp-Trail-ReplayItem[data-session-id="${forkSession.id}"]`
      );
      await expect(bobItem).toContainText('You forked up to step 3', {
        timeout: 30000
      });
      await expect(bobItem).toContainText('1 input replaced');
      await bobPanel
        .locator(
          `.jp-Trail-CompareParentButton[data-session-id="${forkSession.id}"]`
        )
        .click();
      const bobComparison = b.page.locator('.jp-Trail-Lineage');
      await checkComparison(bobComparison, parentMse, forkMse);
      await shootBoth(
        b.page,
        b.page.locator('.jp-Trail-LineageWidget'),
        'fork-team-comparison'
      );

      // The fork session's own view offers the comparison too; asked
      // again, the comparison already open comes to the front.
      await bobItem.click();
      await bobPanel
        .locator('.jp-Trail-Actions')
        .getByRole('button', { name: 'Compare with parent' })
        .click();
      await expect(b.page.locator('.jp-Trail-LineageWidget')).toHaveCount(1);
      await expect(b.page.locator('.jp-Trail-LineageWidget')).toBeVisible();

      // A step link opens the replay viewer at that step of the parent.
      await bobComparison
        .locator(
          '.jp-Trail-Lineage-step[data-step="3"] .jp-Trail-Lineage-openParent'
        )
        .click();
      const viewer = b.page.locator('.jp-Trail-ReplayViewer');
      await expect(viewer).toHaveAttribute('data-trail-step', '3', {
        timeout: 30000
      });

      // 5. Alice sees Bob's fork under her session, live, and compares.
      const aliceItem = alicePanel.locator(
        `.jp-Trail-ReplayItem[data-session-id="${forkSession.id}"]`
      );
      await expect(aliceItem).toContainText('Bob Baker forked up to step 3', {
        timeout: 30000
      });
      await expect(aliceItem).toContainText('3 of 3 steps run', {
        timeout: 30000
      });
      await expect(aliceItem).toContainText('1 input replaced');
      await alicePanel.screenshot({
        path: path.join(SHOTS, 'fork-team-replays-light.png')
      });
      await alicePanel
        .locator(
          `.jp-Trail-CompareParentButton[data-session-id="${forkSession.id}"]`
        )
        .click();
      const aliceComparison = a.page.locator('.jp-Trail-Lineage');
      await checkComparison(aliceComparison, parentMse, forkMse);
      await expect(
        aliceComparison.locator('.jp-Trail-Lineage-side[data-side="fork"]')
      ).toContainText('Bob Baker');
      await shootBoth(
        a.page,
        a.page.locator('.jp-Trail-LineageWidget'),
        'fork-team-comparison-alice'
      );

      await a.context.close();
      await b.context.close();
    } finally {
      await Promise.all([aliceLab.stop(), bobLab.stop()]);
    }
  });
});
