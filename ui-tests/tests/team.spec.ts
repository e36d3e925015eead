/**
 * Two people on one Trail server, each in their own JupyterLab and browser
 * context with their own token: Alice works, Bob watches and explores her
 * work live, her malicious output stays inert in his page, and her private
 * notebook never reaches him.
 */
import type { Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { expect, openTrail, setTheme, test } from './fixtures';
import { addMember, openNotebook, PersonalLab, runCell } from './team-lab';

/** Where the screenshots of the team views go (looked at by people). */
const SHOTS = path.resolve(__dirname, '..', 'test-results', 'screenshots');

const HOSTILE_HTML =
  '<b class="trail-html">bold from Alice</b>' +
  '<script>window.__pwned = "script"</script>' +
  '<img src="x" onerror="window.__pwned = \\\'img\\\'; alert(1)">';

async function openWideTrail(page: Page) {
  await openTrail(page);
  // A wide side panel, as people use it for details.
  await page.evaluate(() => {
    const split = (window as any).jupyterapp.shell._hsplitPanel;
    split?.setRelativeSizes?.([0.36, 0.64, 0]);
  });
}

async function shoot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.waitForTimeout(300);
  await page
    .locator('#jp-trail-sidebar')
    .screenshot({ path: path.join(SHOTS, name) });
}

test.describe('team workspace', () => {
  test.describe.configure({ timeout: 360000 });

  test('Bob follows Alice live, reads her cell history, is safe from her HTML, never sees her private notebook', async ({
    browser,
    trail
  }) => {
    const alice = await addMember(trail.dataDir, 'alice', 'Alice Archer');
    const bob = await addMember(trail.dataDir, 'bob', 'Bob Baker');
    const aliceLab = new PersonalLab(8891, alice);
    const bobLab = new PersonalLab(8892, bob);
    await Promise.all([aliceLab.start(), bobLab.start()]);
    try {
      await aliceLab.writeNotebook('work/analysis.ipynb', [
        { id: 'load', source: 'x = 21\nprint("hello", x * 2)' },
        { id: 'train', source: 'lr = 0.1\nprint("loss", lr * 5)' },
        {
          id: 'show',
          source: `from IPython.display import HTML\nHTML('${HOSTILE_HTML}')`
        }
      ]);
      await aliceLab.writeNotebook(
        'work/secret.ipynb',
        [{ id: 'secret', source: 'print("top secret plans")' }],
        { trail: { visibility: 'private' } }
      );

      const a = await aliceLab.open(browser);
      const b = await bobLab.open(browser);
      const dialogs: string[] = [];
      b.page.on('dialog', dialog => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });

      // Bob opens the team view: Alice is there, nothing recorded yet.
      await openWideTrail(b.page);
      const bobPanel = b.page.locator('#jp-trail-sidebar');
      await bobPanel.getByRole('tab', { name: 'Team' }).click();
      const alicePerson = bobPanel.locator(
        `.jp-Trail-PersonItem[data-user-id="${alice.id}"]`
      );
      await expect(alicePerson).toContainText('Alice Archer');
      await expect(
        bobPanel.locator(`.jp-Trail-PersonItem[data-user-id="${bob.id}"]`)
      ).toContainText('Bob Baker (you)');
      await alicePerson.click();
      await expect(
        bobPanel.locator('.jp-Trail-NotebooksView .jp-Trail-Empty')
      ).toBeVisible();

      // Alice works: her private notebook first, then the shared one.
      await openNotebook(a.page, 'work/secret.ipynb');
      await runCell(a.page, 0);
      await openNotebook(a.page, 'work/analysis.ipynb');
      for (const index of [0, 1, 2]) {
        await runCell(a.page, index);
      }
      // Her own panel marks the private session with a lock.
      await openWideTrail(a.page);
      const alicePanel = a.page.locator('#jp-trail-sidebar');
      const secretItem = alicePanel.locator('.jp-Trail-SessionItem', {
        hasText: 'secret.ipynb'
      });
      await expect(secretItem).toHaveAttribute('data-visibility', 'private', {
        timeout: 20000
      });
      await expect(secretItem.locator('.jp-Trail-PrivateMark')).toBeVisible();

      // Bob sees her notebook appear without reloading: the shared one only.
      const notebookItem = bobPanel.locator(
        '.jp-Trail-NotebookItem[data-notebook-path="work/analysis.ipynb"]'
      );
      await expect(notebookItem).toBeVisible({ timeout: 20000 });
      await expect(bobPanel.locator('.jp-Trail-NotebookItem')).toHaveCount(1);
      await setTheme(b.page, 'JupyterLab Light');
      await shoot(b.page, 'team-notebooks-light.png');
      await notebookItem.click();
      await bobPanel.locator('.jp-Trail-SessionItem').first().click();
      const rows = bobPanel.locator('.jp-Trail-ExecutionItem');
      await expect(rows).toHaveCount(3, { timeout: 20000 });
      await expect(
        bobPanel.locator('.jp-Trail-TimelineView .jp-Trail-Author')
      ).toHaveText('Alice Archer');
      // Someone else's session: no visibility control.
      await expect(
        bobPanel.locator('.jp-Trail-TimelineView .jp-Trail-Visibility')
      ).toHaveCount(0);

      // Alice changes her learning rate and runs the cell again; Bob's open
      // timeline shows the new run within two seconds of it being stored.
      await runCell(a.page, 1, 'lr = 0.01\nprint("loss", lr * 5)');
      await expect
        .poll(
          async () =>
            (
              await trail.send(
                'GET',
                `/sessions?author=${alice.id}&notebook=${encodeURIComponent('work/analysis.ipynb')}`,
                undefined,
                alice.token
              )
            ).items[0]?.executionCount,
          { timeout: 20000, intervals: [100] }
        )
        .toBe(4);
      await expect(rows).toHaveCount(4, { timeout: 2000 });
      await expect(rows.nth(3)).toContainText('lr = 0.01');

      // Bob opens the new run, then the history of its cell, and its diff.
      await rows.nth(3).click();
      await bobPanel
        .getByRole('button', { name: 'History of this cell' })
        .click();
      const runs = bobPanel.locator('.jp-Trail-CellRun');
      await expect(runs).toHaveCount(2);
      await expect(runs.first()).toContainText('Alice Archer');
      await expect(runs.first()).toContainText('code changed');
      const merge = bobPanel.locator('.jp-Trail-CodeDiff .cm-mergeView');
      await expect(merge).toBeVisible();
      await expect(merge.locator('.cm-merge-a')).toContainText('lr = 0.1');
      await expect(merge.locator('.cm-merge-b')).toContainText('lr = 0.01');
      await expect(merge.locator('.cm-changedText').first()).toBeVisible();
      const sides = bobPanel.locator('.jp-Trail-CompareOutputs-side');
      await expect(sides.nth(0)).toContainText('loss 0.5');
      await expect(sides.nth(1)).toContainText('loss 0.05');
      await shoot(b.page, 'cell-history-light.png');
      await setTheme(b.page, 'JupyterLab Dark');
      await shoot(b.page, 'cell-history-dark.png');
      await setTheme(b.page, 'JupyterLab Light');

      // Alice's HTML output, in Bob's page: rendered, inert.
      await bobPanel.getByRole('button', { name: 'Back' }).click();
      await bobPanel.getByRole('button', { name: 'Back' }).click();
      await rows.nth(2).click();
      const frame = bobPanel
        .locator('.jp-Trail-Outputs')
        .frameLocator('iframe.jp-Trail-SandboxFrame');
      await expect(frame.locator('b.trail-html')).toHaveText('bold from Alice');
      await b.page.waitForTimeout(1000);
      expect(
        await b.page.evaluate(() => (window as any).__pwned)
      ).toBeUndefined();
      expect(dialogs).toEqual([]);

      // Search: Alice's runs are found with the match marked; her private
      // notebook is not, from Bob's side.
      await bobPanel.getByRole('tab', { name: 'Search' }).click();
      const input = bobPanel.getByRole('searchbox', { name: 'Search text' });
      // Alice's work only (earlier tests recorded losses too).
      await bobPanel
        .getByRole('combobox', { name: 'Person' })
        .selectOption({ label: 'Alice Archer' });
      await input.fill('loss');
      await input.press('Enter');
      const hits = bobPanel.locator('.jp-Trail-SearchHit');
      await expect(hits).toHaveCount(2);
      await expect(
        hits.first().locator('mark.jp-Trail-Match').first()
      ).toHaveText(/^loss$/i);
      await expect(hits.first()).toContainText('Alice Archer');
      await setTheme(b.page, 'JupyterLab Light');
      await shoot(b.page, 'search-light.png');
      await setTheme(b.page, 'JupyterLab Dark');
      await shoot(b.page, 'search-dark.png');
      // By word forms "losses" finds the same two (its stem is "loss"),
      // and the toggle runs the search again; as a piece of text, none.
      const wordForms = bobPanel.getByRole('button', {
        name: 'Match word forms'
      });
      await input.fill('losses');
      await wordForms.click();
      await expect(wordForms).toHaveAttribute('aria-pressed', 'true');
      await expect(hits).toHaveCount(2);
      await expect(
        hits.first().locator('mark.jp-Trail-Match').first()
      ).toHaveText(/^loss$/i);
      await shoot(b.page, 'search-words-dark.png');
      await wordForms.click();
      await expect(wordForms).toHaveAttribute('aria-pressed', 'false');
      await expect(
        bobPanel.locator('.jp-Trail-SearchView .jp-Trail-Empty')
      ).toContainText('Nothing matches');
      await bobPanel.getByRole('tab', { name: 'Team' }).click();
      await bobPanel
        .locator('.jp-Trail-Breadcrumb-link', { hasText: 'Team' })
        .click();
      await expect(
        bobPanel.locator(`.jp-Trail-PersonItem[data-user-id="${alice.id}"]`)
      ).toBeVisible();
      await shoot(b.page, 'team-people-dark.png');
      await setTheme(b.page, 'JupyterLab Light');
      await bobPanel.getByRole('tab', { name: 'Search' }).click();
      await input.fill('top secret');
      await input.press('Enter');
      await expect(
        bobPanel.locator('.jp-Trail-SearchView .jp-Trail-Empty')
      ).toContainText('Nothing matches');

      // A result opens its step, in its session.
      await input.fill('"lr = 0.01"');
      await input.press('Enter');
      await hits.first().click();
      await expect(
        bobPanel.locator('.jp-Trail-ExecutionDetail .jp-Trail-Code')
      ).toContainText('lr = 0.01');
      await bobPanel.getByRole('button', { name: 'Back' }).click();
      await expect(bobPanel.locator('.jp-Trail-ExecutionItem')).toHaveCount(4);

      // Nothing of the private notebook reaches Bob through the API either.
      const bobSees = await trail.send(
        'GET',
        `/notebooks?author=${alice.id}`,
        undefined,
        bob.token
      );
      expect(bobSees.items.map((n: any) => n.notebookPath)).toEqual([
        'work/analysis.ipynb'
      ]);
      const aliceSees = await trail.send(
        'GET',
        `/notebooks?author=${alice.id}`,
        undefined,
        alice.token
      );
      expect(aliceSees.items.map((n: any) => n.notebookPath).sort()).toEqual([
        'work/analysis.ipynb',
        'work/secret.ipynb'
      ]);

      // Alice's own view of the team: her notebooks with their controls.
      await alicePanel.getByRole('tab', { name: 'Team' }).click();
      await alicePanel
        .locator(`.jp-Trail-PersonItem[data-user-id="${alice.id}"]`)
        .click();
      await expect(alicePanel.locator('.jp-Trail-NotebookItem')).toHaveCount(2);
      await expect(
        alicePanel.getByRole('combobox', {
          name: 'Who can see this notebook’s sessions'
        })
      ).toHaveCount(2);
      await expect(
        alicePanel.locator(
          '.jp-Trail-NotebookItem[data-notebook-path="work/secret.ipynb"]'
        )
      ).toBeVisible();
      await shoot(a.page, 'team-own-notebooks-light.png');
      await setTheme(a.page, 'JupyterLab Dark');
      await shoot(a.page, 'team-own-notebooks-dark.png');

      // Alice makes her shared session private, then team again: Bob's open
      // list of her sessions drops it and shows it again, without reloading.
      // Bob's Team area is where he left it: its root, the people.
      await bobPanel.getByRole('tab', { name: 'Team' }).click();
      await bobPanel
        .locator(`.jp-Trail-PersonItem[data-user-id="${alice.id}"]`)
        .click();
      await notebookItem.click();
      const shared = (
        await trail.send(
          'GET',
          `/sessions?author=${alice.id}&notebook=${encodeURIComponent('work/analysis.ipynb')}`,
          undefined,
          alice.token
        )
      ).items[0];
      const sharedItem = bobPanel.locator(
        `.jp-Trail-SessionItem[data-session-id="${shared.id}"]`
      );
      await expect(sharedItem).toBeVisible();
      const setVisibility = (visibility: string) =>
        trail.send(
          'PATCH',
          `/sessions/${shared.id}`,
          { visibility },
          alice.token
        );
      await setVisibility('private');
      await expect(sharedItem).toHaveCount(0, { timeout: 5000 });
      await setVisibility('team');
      await expect(sharedItem).toBeVisible({ timeout: 5000 });

      await a.context.close();
      await b.context.close();
    } finally {
      await Promise.all([aliceLab.stop(), bobLab.stop()]);
    }
  });
});
