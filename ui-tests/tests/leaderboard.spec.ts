/**
 * The leaderboard (#16 item 2) in a real JupyterLab against a real Trail
 * server, with two people's runs stored through the API: filtered (a
 * filter typed, a filter that does not parse), sorted on a header click,
 * grouped by notebook, a run opened from its row, a new run arriving while
 * it shows, a permalink; another person's private run never appears.
 * Screenshots in the light and dark themes go to TRAIL_SHOTS (/tmp/shots).
 */
import type { Locator, Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { expect, setTheme, test, trailUserSettings } from './fixtures';
import { recordedSession } from './records';
import { addMember } from './team-lab';

const SHOTS = process.env.TRAIL_SHOTS || '/tmp/shots';

/** The events of a run: one session whose cells logged params and metrics. */
function runEvents(
  notebookPath: string,
  options: {
    params: Record<string, string | number>;
    metrics: Record<string, number | number[]>;
    tags?: string[];
    minutesAgo: number;
    visibility?: 'team' | 'private';
  }
) {
  const startedAt = new Date(Date.now() - options.minutesAgo * 60_000);
  const recorded = recordedSession(
    notebookPath,
    [
      { code: 'import trail\ntrail.log_params(params)', outputs: [] },
      {
        code: 'model.fit(X, y)\ntrail.log_metric("accuracy", acc)',
        outputs: []
      }
    ],
    { startedAt, visibility: options.visibility }
  );
  const at = new Date(startedAt.getTime() + 2000).toISOString();
  const metrics = Object.entries(options.metrics).flatMap(([name, value]) =>
    Array.isArray(value)
      ? value.map((v, step) => ({ name, value: v, step, at }))
      : [{ name, value, at }]
  );
  const events = recorded.events as any[];
  events[1].execution.capture = {
    params: options.params,
    tags: options.tags ?? []
  };
  events[2].execution.capture = { metrics };
  return { sessionId: recorded.sessionId, events };
}

async function openLeaderboard(
  page: Page,
  args: { filter?: string; sort?: string }
): Promise<Locator> {
  await page.evaluate(
    args =>
      (window as any).jupyterapp.commands.execute(
        'trail:open-leaderboard',
        args
      ),
    args
  );
  const board = page.locator('.jp-Trail-LeaderboardWidget');
  await expect(board).toBeVisible();
  return board;
}

/** The text of one column's cell in the row at `index` (0-based, in order). */
function cellText(board: Locator, index: number, column: string) {
  return board.evaluate(
    (node, { index, column }) => {
      const headers = Array.from(
        node.querySelectorAll<HTMLElement>(
          '.jp-Trail-RunsTable-head [role="columnheader"]'
        )
      );
      const at = headers.findIndex(h => h.dataset.column === column);
      const row = node.querySelector(
        `.jp-Trail-RunsTable-row[data-index="${index}"]`
      );
      return (
        row?.querySelectorAll('[role="gridcell"]')[at]?.textContent ?? null
      );
    },
    { index, column }
  );
}

test.describe('leaderboard', () => {
  test('two people’s runs filtered, sorted, grouped and opened; a new run arrives live', async ({
    page,
    trail,
    tmpPath
  }) => {
    test.setTimeout(120_000);
    const folder = `lb-${tmpPath}`;
    const bob = await addMember(
      trail.dataDir,
      `bob${Date.now() % 100000}`,
      'Bob Lee'
    );
    const mine = [
      runEvents(`${folder}/train.ipynb`, {
        params: { model: 'rf', lr: 0.01 },
        metrics: { accuracy: 0.91, loss: [0.9, 0.5, 0.31] },
        tags: ['baseline'],
        minutesAgo: 50
      }),
      runEvents(`${folder}/train.ipynb`, {
        params: { model: 'rf', lr: 0.1 },
        metrics: { accuracy: 0.87, loss: [0.8, 0.45] },
        minutesAgo: 40
      }),
      runEvents(`${folder}/eval.ipynb`, {
        params: { model: 'gb' },
        metrics: { accuracy: 0.78 },
        minutesAgo: 30
      })
    ];
    for (const run of mine) {
      await trail.ingest(run.events);
    }
    await trail.ingest(
      runEvents(`${folder}/bob/train.ipynb`, {
        params: { model: 'svm', lr: 0.05 },
        metrics: { accuracy: 0.95 },
        minutesAgo: 20
      }).events,
      bob.token
    );
    // Bob's private run: never seen by anyone else, nor counted.
    await trail.ingest(
      runEvents(`${folder}/bob/secret.ipynb`, {
        params: { model: 'secret' },
        metrics: { accuracy: 0.999 },
        minutesAgo: 10,
        visibility: 'private'
      }).events,
      bob.token
    );

    const scope = `notebook ~ "${folder}"`;
    const board = await openLeaderboard(page, { filter: scope, sort: '' });
    const total = board.locator('.jp-Trail-Leaderboard-total');
    const rows = board.locator('.jp-Trail-RunsTable-row[data-run]');
    await expect(total).toHaveText('4 runs match');
    await expect(rows).toHaveCount(4);
    await expect(board).not.toContainText('secret');
    await expect(board.locator('.jp-Trail-FilterBox-input')).toHaveValue(scope);

    // A header click sorts best first; again, the other way round.
    const accuracy = board.locator(
      '.jp-Trail-RunsTable-head [data-column="metrics.accuracy"]'
    );
    await accuracy.locator('button').click();
    await expect(accuracy).toHaveAttribute('aria-sort', 'descending');
    await expect(board.locator('.jp-Trail-Leaderboard-sort code')).toHaveText(
      '-metrics.accuracy'
    );
    await expect
      .poll(() => cellText(board, 0, 'metrics.accuracy'))
      .toBe('0.95');
    expect(await cellText(board, 0, 'author')).toBe('Bob Lee');
    expect(await cellText(board, 3, 'metrics.accuracy')).toBe('0.78');
    await accuracy.locator('button').click();
    await expect(accuracy).toHaveAttribute('aria-sort', 'ascending');
    await expect
      .poll(() => cellText(board, 0, 'metrics.accuracy'))
      .toBe('0.78');
    await accuracy.locator('button').click();
    await expect
      .poll(() => cellText(board, 0, 'metrics.accuracy'))
      .toBe('0.95');
    // The sort is remembered in the settings.
    await expect
      .poll(async () => (await trailUserSettings(page)).leaderboardSort ?? null)
      .toBe('-metrics.accuracy');

    // A filter typed, with completion of a metric name.
    const input = board.locator('.jp-Trail-FilterBox-input');
    await input.fill(`${scope} and metrics.acc`);
    const completions = board.locator('.jp-Trail-FilterBox-completions');
    await expect(completions).toContainText('metrics.accuracy');
    await input.press('ArrowDown');
    await input.press('Enter');
    await expect(input).toHaveValue(`${scope} and metrics.accuracy`);
    await input.pressSequentially(' > 0.9');
    await input.press('Enter');
    await expect(total).toHaveText('2 runs match');
    await expect(rows).toHaveCount(2);

    // A filter that does not parse: said under the box, at its position.
    await input.fill(`${scope} and metrics.accuracy >`);
    await input.press('Enter');
    const problem = board.locator('.jp-Trail-FilterBox-problem');
    await expect(problem).toContainText('expected a value');
    await expect(problem.locator('mark')).toBeVisible();
    await expect(rows).toHaveCount(2);

    // Nothing matching says so.
    await input.fill(`${scope} and params.model = "xgboost"`);
    await input.press('Enter');
    await expect(board.locator('.jp-Trail-Empty')).toContainText(
      'No runs match'
    );

    // Group by notebook: a header per notebook with its count.
    await input.fill(scope);
    await input.press('Enter');
    await expect(rows).toHaveCount(4);
    await board.getByLabel('Group by notebook').check();
    const groups = board.locator('.jp-Trail-RunsTable-row.jp-mod-group');
    await expect(groups).toHaveCount(3);
    await expect(groups.nth(0)).toContainText(`${folder}/bob/train.ipynb`);
    await expect(groups.nth(1)).toContainText('2 runs');
    await groups.nth(1).click();
    await expect(rows).toHaveCount(2);
    await groups.nth(1).click();
    await expect(rows).toHaveCount(4);

    // Two runs ticked: Compare counts them and runs trail:compare-runs
    // with their ids and the filter.
    await rows.nth(0).locator('input[type="checkbox"]').check();
    await rows.nth(1).locator('input[type="checkbox"]').check();
    const compare = board.locator('.jp-Trail-Leaderboard-compare');
    await expect(compare).toHaveText('Compare (2)');
    const ticked = await rows.evaluateAll(nodes =>
      nodes.slice(0, 2).map(node => (node as HTMLElement).dataset.run)
    );
    const hasCompare = await page.evaluate(() =>
      (window as any).jupyterapp.commands.hasCommand('trail:compare-runs')
    );
    if (hasCompare) {
      await page.evaluate(() => {
        const commands = (window as any).jupyterapp.commands;
        (window as any).comparedWith = null;
        commands.commandExecuted.connect((_: unknown, call: any) => {
          if (call.id === 'trail:compare-runs') {
            (window as any).comparedWith = call.args;
          }
        });
      });
      await compare.click();
      await expect
        .poll(() => page.evaluate(() => (window as any).comparedWith))
        .toEqual({ ids: ticked, filter: scope });
      await board.evaluate(node => {
        // Back to the leaderboard's tab for the screenshots.
        const id = node.closest('.lm-Widget[id]')?.id;
        if (id) {
          (window as any).jupyterapp.shell.activateById(id);
        }
      });
    } else {
      await expect(compare).toBeDisabled();
    }

    fs.mkdirSync(SHOTS, { recursive: true });
    for (const [theme, suffix] of [
      ['JupyterLab Dark', 'dark'],
      ['JupyterLab Light', 'light']
    ]) {
      await setTheme(page, theme);
      await page.waitForTimeout(300);
      await board.screenshot({
        path: path.join(SHOTS, `leaderboard-${suffix}.png`)
      });
    }
    // Scrolled sideways, the run and its author stay in view.
    await board.getByLabel('Group by notebook').uncheck();
    const scroller = board.locator('.jp-Trail-RunsScroll');
    await scroller.evaluate(node => (node.scrollLeft = 400));
    const runCell = rows.nth(0).locator('[role="gridcell"]').nth(2);
    const scrollerBox = (await scroller.boundingBox())!;
    await expect
      .poll(async () => (await runCell.boundingBox())!.x - scrollerBox.x)
      .toBeLessThan(120);
    await board.screenshot({
      path: path.join(SHOTS, 'leaderboard-scrolled-light.png')
    });
    await scroller.evaluate(node => (node.scrollLeft = 0));
    await board.getByRole('button', { name: 'Clear' }).click();

    // A new run arrives while the leaderboard shows: it takes its place.
    const best = runEvents(`${folder}/train.ipynb`, {
      params: { model: 'rf', lr: 0.03 },
      metrics: { accuracy: 0.97 },
      minutesAgo: 1
    });
    await trail.ingest(best.events);
    await expect(total).toHaveText('5 runs match', { timeout: 30_000 });
    await expect
      .poll(() => cellText(board, 0, 'metrics.accuracy'))
      .toBe('0.97');

    // A row opens its run: the session's timeline in the Trail panel.
    await board.locator(`[data-run="${best.sessionId}"]`).click();
    const panel = page.locator('#jp-trail-sidebar');
    await expect(panel).toBeVisible();
    await expect(panel.locator('.jp-Trail-ExecutionItem')).toHaveCount(2);
  });

  test('reads on as it scrolls and keeps its place when a run arrives', async ({
    page,
    trail,
    tmpPath
  }) => {
    test.setTimeout(120_000);
    const folder = `lbs-${tmpPath}`;
    const events: unknown[] = [];
    for (let i = 0; i < 250; i++) {
      events.push(
        ...runEvents(`${folder}/sweep-${i % 7}.ipynb`, {
          params: { lr: 0.001 * (i + 1), model: i % 2 ? 'rf' : 'svm' },
          metrics: { accuracy: 0.5 + i / 1000 },
          minutesAgo: 300 - i
        }).events
      );
    }
    for (let i = 0; i < events.length; i += 500) {
      await trail.ingest(events.slice(i, i + 500));
    }
    const scope = `notebook ~ "${folder}"`;
    // From the command to the first rows on screen, timed in the page.
    const firstRows = await page.evaluate(async filter => {
      const started = performance.now();
      void (window as any).jupyterapp.commands.execute(
        'trail:open-leaderboard',
        { filter, sort: '-metrics.accuracy' }
      );
      await new Promise<void>(resolve => {
        const check = () => {
          const row = document.querySelector(
            '.jp-Trail-LeaderboardWidget .jp-Trail-RunsTable-row[data-run]'
          );
          if (row && row.getBoundingClientRect().height > 0) {
            resolve();
          } else {
            requestAnimationFrame(check);
          }
        };
        check();
      });
      return performance.now() - started;
    }, scope);
    console.log(
      `leaderboard: first rows on screen ${Math.round(firstRows)} ms after trail:open-leaderboard`
    );
    const board = page.locator('.jp-Trail-LeaderboardWidget');
    const rows = board.locator('.jp-Trail-RunsTable-row[data-run]');
    await expect(board.locator('.jp-Trail-Leaderboard-total')).toHaveText(
      '250 runs match'
    );
    // Only a window of rows is in the page.
    expect(await rows.count()).toBeLessThan(80);

    // Scrolling to the end reads the next pages by itself.
    const scroller = board.locator('.jp-Trail-RunsScroll');
    await expect
      .poll(
        async () => {
          await scroller.evaluate(node => (node.scrollTop = node.scrollHeight));
          return board.locator('[aria-rowindex="251"]').count();
        },
        { timeout: 30_000 }
      )
      .toBe(1);
    await expect(board.locator('[aria-rowindex="251"]')).toContainText('0.5');

    // Halfway down, a new run arrives: its rank is first, the rows in view
    // and the scroll position stay.
    const middle = await scroller.evaluate(node => {
      node.scrollTop = node.scrollHeight / 2;
      return node.scrollTop;
    });
    await page.waitForTimeout(300);
    const inView = await rows.first().getAttribute('data-run');
    await trail.ingest(
      runEvents(`${folder}/sweep-new.ipynb`, {
        params: { lr: 0.5, model: 'rf' },
        metrics: { accuracy: 0.999 },
        minutesAgo: 0
      }).events
    );
    await expect(board.locator('.jp-Trail-Leaderboard-total')).toHaveText(
      '251 runs match',
      { timeout: 30_000 }
    );
    expect(await scroller.evaluate(node => node.scrollTop)).toBe(middle);
    expect(await board.locator(`[data-run="${inView}"]`).count()).toBe(1);
    await scroller.evaluate(node => (node.scrollTop = 0));
    await expect
      .poll(() => cellText(board, 0, 'metrics.accuracy'))
      .toBe('0.999');
  });

  test('a permalink opens the leaderboard on its filter and sort', async ({
    page,
    tmpPath
  }) => {
    const filter = `notebook ~ "lb-${tmpPath}" and metrics.accuracy > 0.5`;
    const link: string = await page.evaluate(
      ({ filter }) => {
        const url = new URL('/lab', window.location.origin);
        url.searchParams.set('trail-runs', filter);
        url.searchParams.set('trail-sort', '-metrics.accuracy');
        return url.href;
      },
      { filter }
    );
    // Not galata's goto: it waits for the launcher, which the leaderboard
    // opened by the link covers.
    await page.evaluate(link => window.location.assign(link), link);
    const board = page.locator('.jp-Trail-LeaderboardWidget');
    await expect(board).toBeVisible({ timeout: 30_000 });
    await expect(board.locator('.jp-Trail-FilterBox-input')).toHaveValue(
      filter
    );
    await expect(board.locator('.jp-Trail-Leaderboard-sort code')).toHaveText(
      '-metrics.accuracy'
    );
    await expect(board.locator('.jp-Trail-Empty')).toContainText(
      'No runs match'
    );
    await expect.poll(() => page.url()).not.toContain('trail-runs');
  });
});
