/**
 * The panel's labels in a real JupyterLab at its default sidebar width:
 * tabs that read whole in light and dark themes, breadcrumbs that name the
 * session under its notebook, the first run of a cell, a search hit in an
 * output, and Open Execution with text that is not a link.
 */
import type { Page } from '@playwright/test';
import { expect, openTrail, setTheme, test } from './fixtures';
import { recordedSession } from './records';

/** Where the screenshots go (looked at by people, not compared). */
const SHOTS = '/tmp/trail-panel-labels';

/** Each tab: its label's text if shown, whether it is cut, its name. */
function tabLabels(page: Page) {
  return page
    .locator('#jp-trail-sidebar .jp-Trail-AreaTab')
    .evaluateAll(nodes =>
      nodes.map(node => {
        const label = node.querySelector<HTMLElement>(
          'span:not(.jp-Trail-AreaTab-icon)'
        );
        const shown = !!label && label.offsetWidth > 0;
        return {
          shown,
          cut: shown && label!.scrollWidth > label!.clientWidth,
          name: node.getAttribute('aria-label') ?? node.textContent,
          title: node.getAttribute('title'),
          icon: !!node.querySelector('.jp-Trail-AreaTab-icon svg')
        };
      })
    );
}

test.describe('panel labels', () => {
  test('the area tabs read whole at the default sidebar width, light and dark', async ({
    page
  }) => {
    await openTrail(page);
    const panel = page.locator('#jp-trail-sidebar');
    await expect(panel.locator('.jp-Trail-AreaTab')).toHaveCount(3);
    // At the default sidebar width, with the default UI font and with one
    // step larger (as a wider system font renders it).
    for (const font of ['default', 'larger']) {
      if (font === 'larger') {
        await page.evaluate(() =>
          (window as any).jupyterapp.commands.execute(
            'apputils:incr-font-size',
            { key: 'ui-font-size1' }
          )
        );
      }
      for (const theme of ['JupyterLab Light', 'JupyterLab Dark']) {
        await setTheme(page, theme);
        await page.waitForTimeout(300);
        const name = theme.split(' ')[1].toLowerCase();
        await panel.screenshot({ path: `${SHOTS}/tabs-${font}-${name}.png` });
        const tabs = await tabLabels(page);
        expect(tabs.map(t => t.cut)).toEqual([false, false, false]);
        expect(tabs.map(t => t.name)).toEqual([
          'My sessions',
          'Team',
          'Search'
        ]);
        expect(tabs.map(t => t.title)).toEqual([
          'My sessions',
          'Team',
          'Search'
        ]);
        expect(tabs.every(t => t.icon)).toBe(true);
        // The current tab always says what it is.
        expect(tabs[0].shown).toBe(true);
      }
    }
    await panel.getByRole('tab', { name: 'Team' }).click();
    await expect(
      panel.locator(
        '.jp-Trail-AreaTab[data-area="team"] span:not(.jp-Trail-AreaTab-icon)'
      )
    ).toBeVisible();
    expect((await tabLabels(page)).map(t => t.cut)).toEqual([
      false,
      false,
      false
    ]);
    await panel.screenshot({ path: `${SHOTS}/tabs-larger-team.png` });
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('apputils:decr-font-size', {
        key: 'ui-font-size1'
      })
    );
    await setTheme(page, 'JupyterLab Light');
  });

  test('a session under its notebook, the first run of a cell, and Open Execution with text that is no link', async ({
    page,
    trail,
    tmpPath
  }) => {
    const notebook = `${tmpPath}/churn.ipynb`;
    // The second session starts now, so that churn.ipynb heads the
    // person's notebooks (most recently active first) however many
    // notebooks earlier specs left on the shared server: an older date put
    // it out of the virtualized list's view, never drawn.
    const day = new Date(Date.now() - 3600_000);
    const first = recordedSession(
      notebook,
      [{ code: 'rate = 0.1', outputs: [], cellId: 'fit' }],
      { startedAt: day }
    );
    const second = recordedSession(
      notebook,
      [{ code: 'rate = 0.2', outputs: [], cellId: 'fit' }],
      { startedAt: new Date(day.getTime() + 3600_000) }
    );
    await trail.ingest([...first.events, ...second.events]);
    await openTrail(page);
    const panel = page.locator('#jp-trail-sidebar');

    // Team › person › churn.ipynb › the session: named by when it started.
    await panel.getByRole('tab', { name: 'Team' }).click();
    await panel.locator('.jp-Trail-PersonItem:visible').first().click();
    await panel
      .locator('.jp-Trail-NotebookItem:visible', { hasText: 'churn.ipynb' })
      .click();
    await panel
      .locator(
        `.jp-Trail-SessionItem[data-session-id="${first.sessionId}"]:visible`
      )
      .click();
    await expect(panel.locator('.jp-Trail-ExecutionItem')).toHaveCount(1);
    const crumbs = panel.locator('.jp-Trail-Breadcrumb');
    await expect(crumbs).toHaveCount(4);
    await expect(crumbs.nth(2)).toHaveText('churn.ipynb');
    await expect(crumbs.nth(3)).not.toHaveText('churn.ipynb');
    await expect(crumbs.nth(3).locator('[title]')).toHaveAttribute(
      'title',
      /^Session started /
    );
    await panel.screenshot({ path: `${SHOTS}/breadcrumbs.png` });

    // The history of the cell, from its first run: A, with no "code changed".
    const oldest = first.executionIds[0];
    await page.evaluate(
      id =>
        (window as any).jupyterapp.commands.execute('trail:open-execution', {
          executionId: id
        }),
      oldest
    );
    await expect(
      panel.locator(`.jp-Trail-ExecutionDetail[data-execution-id="${oldest}"]`)
    ).toBeVisible();
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('trail:show-cell-history')
    );
    const run = panel.locator(
      `.jp-Trail-CellRun[data-execution-id="${oldest}"]`
    );
    await expect(run).toHaveAttribute('data-compare', 'left');
    await expect(run.locator('.jp-Trail-CodeChange')).toHaveText('first run');
    await expect(
      panel.locator(
        `.jp-Trail-CellRun[data-execution-id="${second.executionIds[0]}"]`
      )
    ).toHaveAttribute('data-compare', 'right');
    await panel.screenshot({ path: `${SHOTS}/cell-history.png` });

    // Text that is not a link: said so, no request, no Retry.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('trail:open-execution', {
        executionId: 'hello'
      })
    );
    await expect(
      page.locator('.Toastify__toast', {
        hasText: '“hello” is not a Trail link or execution id.'
      })
    ).toBeVisible();
    await expect(panel.locator('.jp-Trail-RetryButton')).toHaveCount(0);
    await page.screenshot({ path: `${SHOTS}/open-execution-hello.png` });
  });
});
