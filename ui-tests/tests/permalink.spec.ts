/**
 * Permalinks: a link copied from one execution opens Trail on it, and the
 * palette command opens one from a pasted link.
 */
import { expect, test } from './fixtures';
import { recordedSession } from './records';

test.describe('permalinks', () => {
  test('a copied link opens the panel on its execution, in its session', async ({
    page,
    trail,
    tmpPath
  }) => {
    const recorded = recordedSession(`${tmpPath}/linked.ipynb`, [
      { code: 'first = 1', outputs: [] },
      {
        code: 'print("the linked step")',
        outputs: [
          { output_type: 'stream', name: 'stdout', text: 'linked output\n' }
        ]
      }
    ]);
    await trail.ingest(recorded.events);
    const target = recorded.executionIds[1];

    const link: string = await page.evaluate(
      id =>
        (window as any).jupyterapp.commands.execute('trail:copy-link', {
          executionId: id
        }),
      target
    );
    expect(link).toMatch(new RegExp(`/lab\\?trail-execution=${target}$`));

    // Following the link: the panel opens on the execution; the parameter
    // leaves the address bar.
    await page.goto(link);
    const panel = page.locator('#jp-trail-sidebar');
    const detail = panel.locator(
      `.jp-Trail-ExecutionDetail[data-execution-id="${target}"]`
    );
    await expect(detail).toBeVisible({ timeout: 30000 });
    await expect(detail.locator('.jp-Trail-Outputs')).toContainText(
      'linked output'
    );
    await expect.poll(() => page.url()).not.toContain('trail-execution');
    // Back leads to its session's timeline.
    await panel.getByRole('button', { name: 'Back' }).click();
    await expect(panel.locator('.jp-Trail-ExecutionItem')).toHaveCount(2);

    // The palette command takes a pasted link (or a bare id).
    await page.evaluate(
      link =>
        (window as any).jupyterapp.commands.execute('trail:open-execution', {
          executionId: link
        }),
      link.replace(target, recorded.executionIds[0])
    );
    await expect(
      panel.locator(
        `.jp-Trail-ExecutionDetail[data-execution-id="${recorded.executionIds[0]}"]`
      )
    ).toBeVisible();
    const labels = await page.evaluate(() => {
      const commands = (window as any).jupyterapp.commands;
      return [
        'trail:open-execution',
        'trail:copy-link',
        'trail:show-cell-history',
        'trail:show-team',
        'trail:search'
      ].map(id => commands.label(id));
    });
    expect(labels).toEqual([
      'Trail: Open Execution from Link…',
      'Trail: Copy Link to Execution',
      'Trail: History of This Cell',
      'Trail: Show Team',
      'Trail: Search History'
    ]);
  });
});
