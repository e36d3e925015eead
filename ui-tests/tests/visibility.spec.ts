/**
 * Visibility from the panel: the author makes a session and a notebook
 * private; the server is asked (PATCH, PUT) and the lock shows.
 */
import { expect, test } from './fixtures';
import type { Page } from '@playwright/test';
import { recordedSession } from './records';

test.describe('visibility', () => {
  // A plain browser context: galata's page fixture routes requests in a
  // way that skips the CORS preflight, which PATCH and PUT need.
  test('the author makes a session, then a notebook, private from the panel', async ({
    browser,
    trail,
    tmpPath
  }) => {
    const notebookPath = `${tmpPath}/private-later.ipynb`;
    const first = recordedSession(notebookPath, [
      { code: 'a = 1', outputs: [] }
    ]);
    const second = recordedSession(
      notebookPath,
      [{ code: 'b = 2', outputs: [] }],
      {
        startedAt: new Date(Date.now() + 1000)
      }
    );
    await trail.ingest([...first.events, ...second.events]);

    // A plain browser context (no galata routing), as a person's browser.
    const context = await browser.newContext();
    const page: Page = await context.newPage();
    await page.goto('http://localhost:8888/lab');
    await page.waitForFunction(
      () => !!document.querySelector('#jp-trail-sidebar')
    );
    await page.evaluate(() => (window as any).jupyterapp.restored);
    await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('trail:open-panel')
    );
    const panel = page.locator('#jp-trail-sidebar');
    await panel
      .locator(`.jp-Trail-SessionItem[data-session-id="${first.sessionId}"]`)
      .click();
    const control = panel.getByRole('combobox', {
      name: 'Who can see this session'
    });
    await expect(control).toHaveValue('team');
    await control.selectOption('private');
    await expect(
      panel.locator(
        '.jp-Trail-TimelineView .jp-Trail-ViewHeader .jp-Trail-PrivateMark'
      )
    ).toBeVisible();
    await expect
      .poll(
        async () => (await trail.api(`/sessions/${first.sessionId}`)).visibility
      )
      .toBe('private');

    // The notebook: its rule applies to every session of it.
    await panel.getByRole('tab', { name: 'Team' }).click();
    const me = await trail.api('/me');
    await panel
      .locator(`.jp-Trail-PersonItem[data-user-id="${me.id}"]`)
      .click();
    const row = panel.locator('.jp-Trail-Row', {
      has: page.locator(
        `.jp-Trail-NotebookItem[data-notebook-path="${notebookPath}"]`
      )
    });
    await row
      .getByRole('combobox', { name: 'Who can see this notebook’s sessions' })
      .selectOption('private');
    await expect
      .poll(
        async () =>
          (await trail.api(`/sessions/${second.sessionId}`)).visibility
      )
      .toBe('private');
    await expect(row.locator('.jp-Trail-PrivateMark')).toBeVisible();
    await context.close();
  });
});
