/**
 * Runs compared side by side (#16 item 3) in a real JupyterLab against a
 * real Trail server: three runs stored through the API (params, a metric
 * over steps, different input data and environments, different code), and
 * another person's private run among the ids, opened by a permalink. The
 * sections show what differs, the three plotly plots draw, a plot saves as
 * PNG, and fewer than two runs says so. Screenshots in the light and dark
 * themes go to TRAIL_SHOTS (/tmp/shots).
 */
import type { Page } from '@playwright/test';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { expect, setTheme, test, trailUserSettings } from './fixtures';
import { recordedSession } from './records';
import { addMember } from './team-lab';

const SHOTS = process.env.TRAIL_SHOTS || '/tmp/shots';

const hash = (c: string) => c.repeat(64);

/** One run: read a CSV, fit over steps logging loss and accuracy. */
function runEvents(
  notebookPath: string,
  options: {
    lr: number;
    model: string;
    loss: number[];
    accuracy: number;
    dataHash: string;
    columns: { name: string; type: string }[];
    numpy: string;
    minutesAgo: number;
    visibility?: 'private';
  }
) {
  const startedAt = new Date(Date.now() - options.minutesAgo * 60_000);
  const recorded = recordedSession(
    notebookPath,
    [
      {
        code: 'import pandas as pd\ndf = pd.read_csv("data/train.csv")',
        outputs: [],
        cellId: 'load'
      },
      {
        code: `model = make_model("${options.model}", lr=${options.lr})\nfor step in range(${options.loss.length}):\n    trail.log_metric("loss", fit_epoch(model), step=step)`,
        outputs: [],
        cellId: 'fit'
      },
      {
        code: 'trail.log_metric("accuracy", evaluate(model))',
        outputs: [],
        cellId: 'eval'
      }
    ],
    { startedAt, visibility: options.visibility }
  );
  const at = new Date(startedAt.getTime() + 2000).toISOString();
  const events = recorded.events as any[];
  events[1].execution.capture = {
    files: [
      {
        path: 'data/train.csv',
        access: 'read',
        kind: 'file',
        size: 1024,
        sha256: hash(options.dataHash),
        schema: { format: 'csv', columns: options.columns, rows: null }
      }
    ]
  };
  events[2].execution.capture = {
    params: {
      lr: options.lr,
      model: options.model,
      epochs: options.loss.length
    },
    metrics: options.loss.map((value, step) => ({
      name: 'loss',
      value,
      step,
      at
    }))
  };
  events[3].execution.capture = {
    metrics: [{ name: 'accuracy', value: options.accuracy, at }]
  };
  events.splice(1, 0, {
    id: randomUUID(),
    kind: 'environment.captured',
    sessionId: recorded.sessionId,
    fromSeq: 1,
    environment: {
      capturedAt: startedAt.toISOString(),
      language: { name: 'python', version: '3.11.4' },
      platform: { system: 'Linux' },
      packages: [
        { name: 'numpy', version: options.numpy },
        { name: 'pandas', version: '2.2.3' }
      ]
    }
  });
  return { sessionId: recorded.sessionId, events };
}

async function openByLink(page: Page, ids: string[]) {
  const link: string = await page.evaluate(ids => {
    const url = new URL('/lab', window.location.origin);
    url.searchParams.set('trail-compare', ids.join(','));
    return url.href;
  }, ids);
  // Not galata's goto: it waits for the launcher, which the view covers.
  await page.evaluate(link => window.location.assign(link), link);
  const view = page.locator('.jp-Trail-CompareWidget');
  await expect(view).toBeVisible({ timeout: 30_000 });
  return view;
}

test.describe('compare runs', () => {
  test('three runs and a private one by link: differences, three plots, PNG', async ({
    page,
    trail,
    tmpPath
  }) => {
    test.setTimeout(180_000);
    const folder = `cmp-${tmpPath}`;
    const base = [
      { name: 'x', type: 'int64' },
      { name: 'y', type: 'float64' }
    ];
    const runs = [
      runEvents(`${folder}/train.ipynb`, {
        lr: 0.01,
        model: 'rf',
        loss: [0.9, 0.62, 0.48, 0.41, 0.37],
        accuracy: 0.88,
        dataHash: 'a',
        columns: base,
        numpy: '1.26.4',
        minutesAgo: 30
      }),
      runEvents(`${folder}/train.ipynb`, {
        lr: 0.1,
        model: 'rf',
        loss: [0.85, 0.5, 0.33, 0.3, 0.29],
        accuracy: 0.93,
        dataHash: 'a',
        columns: base,
        numpy: '1.26.4',
        minutesAgo: 20
      }),
      runEvents(`${folder}/train.ipynb`, {
        lr: 0.05,
        model: 'gbm',
        loss: [0.95, 0.7, 0.55, 0.5, 0.47],
        accuracy: 0.81,
        dataHash: 'b',
        columns: [
          { name: 'x', type: 'float64' },
          { name: 'y', type: 'float64' },
          { name: 'weight', type: 'float64' }
        ],
        numpy: '2.1.0',
        minutesAgo: 10
      })
    ];
    for (const run of runs) {
      await trail.ingest(run.events);
    }
    const carol = await addMember(
      trail.dataDir,
      `carol${Date.now() % 100000}`,
      'Carol Diaz'
    );
    const secret = runEvents(`${folder}/carol/secret.ipynb`, {
      lr: 0.5,
      model: 'secret',
      loss: [0.1],
      accuracy: 0.999,
      dataHash: 'c',
      columns: base,
      numpy: '1.26.4',
      minutesAgo: 5,
      visibility: 'private'
    });
    await trail.ingest(secret.events, carol.token);

    const ids = [...runs.map(r => r.sessionId), secret.sessionId];
    const view = await openByLink(page, ids);
    await expect.poll(() => page.url()).not.toContain('trail-compare');

    // A card per run; Carol's private run is not found, in its column only.
    const cards = view.locator('.jp-Trail-CompareCard');
    await expect(cards).toHaveCount(4);
    await expect(cards.nth(0)).toHaveClass(/jp-mod-base/);
    await expect(cards.nth(0)).toContainText('train.ipynb');
    await expect(cards.nth(3)).toHaveClass(/jp-mod-not-found/);
    await expect(cards.nth(3)).toContainText('was not found');
    await expect(view).not.toContainText('secret');

    // Params: lr differs in runs 2 and 3, model in run 3 only.
    const params = view.locator('.jp-Trail-Compare-params');
    const lr = params.locator('tr', {
      has: page.locator('th', { hasText: /^lr$/ })
    });
    await expect(lr.locator('td.jp-Trail-Compare-differs')).toHaveCount(2);
    const model = params.locator('tr', {
      has: page.locator('th', { hasText: /^model$/ })
    });
    await expect(model.locator('td').nth(2)).toHaveClass(
      /jp-Trail-Compare-differs/
    );
    await expect(model.locator('td').nth(3)).toHaveText('not found');
    await expect(params.locator('.jp-Trail-Compare-count')).toHaveText(
      '2 of 3 differ'
    );

    // Metrics: the best accuracy (higher) and the best loss (lower) marked.
    const metrics = view.locator('.jp-Trail-Compare-metrics');
    const accuracy = metrics.locator('tr', { hasText: 'accuracy' });
    await expect(accuracy.locator('td.jp-mod-best')).toHaveCount(1);
    await expect(accuracy.locator('td').nth(1)).toHaveClass(/jp-mod-best/);
    const loss = metrics.locator('tr', { hasText: 'loss' });
    await expect(loss.locator('td').nth(1)).toHaveClass(/jp-mod-best/);
    await expect(loss.locator('td').nth(1)).toContainText('0.29');
    await expect(loss.locator('td').nth(1)).toContainText('5 points');

    // Input data: run 3 read other content with a column added and one retyped.
    const inputs = view.locator('.jp-Trail-Compare-inputs');
    const train = inputs.locator('tbody tr');
    await expect(train).toHaveCount(1);
    await expect(train.locator('td').nth(1)).toContainText('same');
    await expect(train.locator('td').nth(2)).toContainText('different');
    await expect(train.locator('td').nth(2)).toContainText('+ weight');
    await expect(train.locator('td').nth(2)).toContainText('int64 → float64');

    // Environment: numpy changed for run 3 only.
    const env = view.locator('.jp-Trail-Compare-environment');
    await expect(env.locator('.jp-Trail-Compare-envRun').nth(0)).toContainText(
      'The same environment'
    );
    await expect(env.locator('.jp-Trail-Compare-envRun').nth(1)).toContainText(
      'numpy'
    );
    await expect(env.locator('.jp-Trail-Compare-envRun').nth(1)).toContainText(
      '2.1.0'
    );

    // Code: the fit cell differs (opened, with a merge view), the others not.
    const code = view.locator('.jp-Trail-Compare-code');
    await expect(code.locator('.jp-Trail-Compare-count')).toHaveText(
      '1 of 3 cells differ'
    );
    const fit = code.locator('.jp-Trail-Compare-cell.jp-mod-differs');
    await expect(fit).toHaveAttribute('open', '');
    await expect(fit.locator('.cm-mergeView')).toHaveCount(2);
    await expect(fit.locator('.cm-mergeView').nth(0)).toContainText('lr=0.1');

    // The three plots draw: lines per run, parallel coordinates, scatter.
    const plots = view.locator('.jp-Trail-ComparePlots');
    const metricPlot = plots.locator(
      '.jp-Trail-ComparePlot[data-plot="metric"]'
    );
    const parcoords = plots.locator(
      '.jp-Trail-ComparePlot[data-plot="parcoords"]'
    );
    const scatter = plots.locator('.jp-Trail-ComparePlot[data-plot="scatter"]');
    for (const plot of [metricPlot, parcoords, scatter]) {
      await expect(plot).toHaveAttribute('data-state', 'drawn', {
        timeout: 60_000
      });
      await expect(plot.locator('svg.main-svg').first()).toBeVisible();
    }
    await expect(metricPlot.locator('.scatterlayer .trace')).toHaveCount(3);
    await expect(metricPlot.locator('.legendtext')).toHaveCount(3);
    // lr, model and the metric: epochs is 5 in every run, no axis.
    await expect(parcoords.locator('.y-axis')).toHaveCount(3);
    await expect(parcoords.locator('canvas').first()).toBeAttached();
    await expect(scatter.locator('.scatterlayer .trace')).toHaveCount(3);
    await expect(plots.locator('.jp-Trail-ComparePlots-total')).toHaveText(
      '3 runs'
    );
    const loadMs = Number(await plots.getAttribute('data-load-ms'));
    expect(loadMs).toBeGreaterThan(0);
    console.log(`compare: plotly fetched and first plot drawn in ${loadMs} ms`);

    // Another metric picked: the lines are redrawn.
    await plots
      .locator('.jp-Trail-ComparePlots-metric select')
      .selectOption('accuracy');
    await expect(metricPlot.locator('.scatterlayer .trace')).toHaveCount(3);
    await expect(metricPlot.locator('.ytitle')).toHaveText('accuracy');
    await plots
      .locator('.jp-Trail-ComparePlots-metric select')
      .selectOption('loss');

    // Save as PNG: a download of a PNG image.
    fs.mkdirSync(SHOTS, { recursive: true });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      metricPlot.locator('.jp-Trail-ComparePlot-save').click()
    ]);
    expect(download.suggestedFilename()).toBe('trail-metric.png');
    const saved = path.join(SHOTS, 'compare-saved-metric.png');
    await download.saveAs(saved);
    expect(fs.readFileSync(saved).subarray(1, 4).toString()).toBe('PNG');

    // Light and dark: the plots take the theme's colours.
    const paper = () =>
      metricPlot
        .locator('svg.main-svg rect.bg')
        .first()
        .evaluate(node => (node as SVGRectElement).style.fill);
    const lightPaper = await paper();
    // Tall enough for the whole view, wide enough for plots side by side.
    await page.setViewportSize({ width: 1500, height: 2400 });
    for (const [theme, suffix] of [
      ['JupyterLab Light', 'light'],
      ['JupyterLab Dark', 'dark']
    ]) {
      await setTheme(page, theme);
      await page.waitForTimeout(800);
      if (suffix === 'dark') {
        await expect.poll(paper).not.toBe(lightPaper);
      }
      await view.screenshot({
        path: path.join(SHOTS, `compare-${suffix}.png`)
      });
      await plots.scrollIntoViewIfNeeded();
      await plots.screenshot({
        path: path.join(SHOTS, `compare-plots-${suffix}.png`)
      });
    }
    await setTheme(page, 'JupyterLab Light');

    // "Only differences" hides the params that are the same (epochs).
    await expect(params.locator('tbody tr')).toHaveCount(3);
    await view.getByLabel('Only differences').check();
    await expect(params.locator('tbody tr')).toHaveCount(2);

    // Saying lower accuracy is better moves the mark, and is remembered:
    // the same comparison opened again (JupyterLab reloaded) says it too.
    const toggle = accuracy.locator('.jp-Trail-Compare-direction');
    await expect(toggle).toHaveText('↑');
    await toggle.click();
    await expect(toggle).toHaveText('↓');
    await expect(accuracy.locator('td').nth(1)).not.toHaveClass(/jp-mod-best/);
    const bestWhenLower = await accuracy
      .locator('td')
      .evaluateAll(cells =>
        cells.findIndex(cell => cell.classList.contains('jp-mod-best'))
      );
    expect(bestWhenLower).toBeGreaterThan(-1);
    await expect
      .poll(async () => (await trailUserSettings(page)).metricDirections)
      .toEqual({ accuracy: 'lower' });
    const again = await openByLink(page, ids);
    const accuracyAgain = again
      .locator('.jp-Trail-Compare-metrics')
      .locator('tr', { hasText: 'accuracy' });
    await expect(
      accuracyAgain.locator('.jp-Trail-Compare-direction')
    ).toHaveText('↓');
    await expect(accuracyAgain.locator('td').nth(bestWhenLower)).toHaveClass(
      /jp-mod-best/
    );
    // Back to the guess for the tests that follow.
    await accuracyAgain.locator('.jp-Trail-Compare-direction').click();
    await expect(
      accuracyAgain.locator('.jp-Trail-Compare-direction')
    ).toHaveText('↑');

    // A compared run still recording is followed: the gbm run logs a
    // better accuracy, and the comparison shows it without a Refresh.
    const done = runs[2].events.filter(
      (e: any) => e.kind === 'execution.completed'
    );
    const more = JSON.parse(JSON.stringify(done[done.length - 1]));
    more.id = randomUUID();
    more.execution.id = randomUUID();
    more.execution.msgId = randomUUID();
    more.execution.seq += 1;
    more.execution.capture = {
      metrics: [{ name: 'accuracy', value: 0.99, at: new Date().toISOString() }]
    };
    await trail.ingest([more]);
    await expect(accuracyAgain.locator('td').nth(2)).toHaveClass(
      /jp-mod-best/,
      { timeout: 15_000 }
    );
    await expect(accuracyAgain.locator('td').nth(2)).toContainText('0.99');
    await expect(accuracyAgain.locator('td').nth(1)).not.toHaveClass(
      /jp-mod-best/
    );
  });

  test('fewer than two runs, or more than ten, is said', async ({ page }) => {
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('trail:compare-runs', {
        ids: ['only-one-run-id']
      })
    );
    const view = page.locator('.jp-Trail-CompareWidget');
    await expect(view).toContainText('Choose at least 2 runs to compare');
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('trail:compare-runs', {
        ids: Array.from({ length: 11 }, (_, i) => `run-id-${i}-xxxx`)
      })
    );
    await expect(page.locator('.jp-Trail-CompareWidget').last()).toContainText(
      'At most 10 runs can be compared'
    );
  });
});
