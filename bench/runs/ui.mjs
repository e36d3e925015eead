/**
 * The runs benchmark in Chromium: a real JupyterLab (the built
 * labextension) pointed at the benchmark's Trail server as bob
 * (TRAIL_URL/TRAIL_TOKEN, as a team deployment does), then
 *
 * - the leaderboard: from `trail:open-leaderboard` to its first rows drawn
 *   (the first open of the page, then a second open after closing it);
 * - scrolling 2,000 rows (the table reads the next page of 100 as the end
 *   comes into view): frame intervals and long tasks while it scrolls;
 * - the compare view of three runs: the plotly chunk's size (raw, gzip)
 *   and the first plot's `data-load-ms` (fetching plotly and drawing).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = new URL('../../', import.meta.url).pathname;
const require = createRequire(join(root, 'ui-tests', 'package.json'));
const statics = join(root, 'jupyterlab_trail', 'labextension', 'static');

/** The plotly chunks of the built labextension: name, raw and gzip bytes. */
export function plotlyChunks() {
  return readdirSync(statics)
    .filter(name => /plotly/.test(name) && name.endsWith('.js'))
    .map(name => {
      const bytes = readFileSync(join(statics, name));
      return {
        name,
        raw: bytes.length,
        gzip: gzipSync(bytes, { level: 9 }).length
      };
    });
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length
    ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]
    : NaN;
};

export async function measureUi({ serverUrl, token, log, sampleRunIds }) {
  const { chromium } = require('playwright');
  const work = mkdtempSync(join(tmpdir(), 'trail-runs-ui-'));
  const port = 8990 + Math.floor(Math.random() * 40);
  const labToken = 'bench';
  const lab = spawn(
    join(root, '.venv', 'bin', 'jupyter'),
    [
      'lab',
      '--no-browser',
      '--allow-root',
      `--port=${port}`,
      `--ServerApp.root_dir=${work}`,
      `--IdentityProvider.token=${labToken}`,
      '--LabApp.extension_manager=readonly',
      '--ServerApp.port_retries=0',
      '--LabApp.expose_app_in_browser=True'
    ],
    {
      env: {
        ...process.env,
        TRAIL_URL: serverUrl,
        TRAIL_TOKEN: token,
        JUPYTERLAB_SETTINGS_DIR: join(work, 'settings'),
        JUPYTERLAB_WORKSPACES_DIR: join(work, 'workspaces')
      },
      stdio: 'ignore'
    }
  );
  const stopLab = () => lab.kill('SIGTERM');
  process.on('exit', stopLab);
  const figures = { plotlyChunks: plotlyChunks() };
  let browser;
  try {
    for (let i = 0; ; i++) {
      try {
        const r = await fetch(
          `http://127.0.0.1:${port}/api/status?token=${labToken}`
        );
        if (r.ok) break;
      } catch {}
      if (i > 240) throw new Error('JupyterLab did not start');
      await new Promise(r => setTimeout(r, 500));
    }
    browser = await chromium.launch({
      executablePath: process.env.TRAIL_CHROMIUM || '/usr/bin/chromium',
      args: [
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update'
      ]
    });
    const page = await browser.newPage({
      viewport: { width: 1600, height: 1000 }
    });
    page.on('pageerror', e => log(`page error: ${e.message}`));
    await page.goto(`http://127.0.0.1:${port}/lab?token=${labToken}`);
    await page.waitForFunction(
      () => window.jupyterapp?.commands?.hasCommand('trail:open-leaderboard'),
      null,
      {
        timeout: 180_000
      }
    );
    await page.waitForTimeout(2000); // JupyterLab's own start-up work settles

    // From the command to the first rows drawn (the frame after they are in the DOM).
    const openBoard = () =>
      page.evaluate(async () => {
        const t0 = performance.now();
        void window.jupyterapp.commands.execute('trail:open-leaderboard');
        await new Promise((resolve, reject) => {
          const until = t0 + 60_000;
          const poll = () => {
            if (
              document.querySelector(
                '.jp-Trail-LeaderboardWidget .jp-Trail-RunsTable-row[data-run]'
              )
            )
              resolve();
            else if (performance.now() > until)
              reject(new Error('no rows in 60 s'));
            else requestAnimationFrame(poll);
          };
          poll();
        });
        await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
        return {
          ms: performance.now() - t0,
          total:
            document.querySelector('.jp-Trail-Leaderboard-total')
              ?.textContent ?? ''
        };
      });
    const first = await openBoard();
    figures.leaderboardFirstRowsMs = first.ms;
    figures.leaderboardTotal = first.total;
    log(`leaderboard: first rows ${first.ms.toFixed(0)} ms (${first.total})`);
    await page.waitForTimeout(1000);
    await page.evaluate(() => {
      const id = window.jupyterapp.shell.currentWidget?.id;
      if (id) window.jupyterapp.shell.currentWidget.close();
    });
    await page.waitForTimeout(1000);
    const again = await openBoard();
    figures.leaderboardReopenMs = again.ms;
    log(`leaderboard: reopened, first rows ${again.ms.toFixed(0)} ms`);
    await page.waitForTimeout(1000);

    // Scroll 2,000 rows, 300 px a frame (a fast wheel), waiting where the
    // next page is still being read. TRAIL_BENCH_SCROLL_PROFILE=FILE keeps
    // a CPU profile of the page while it scrolls.
    const profileTo = process.env.TRAIL_BENCH_SCROLL_PROFILE;
    const cdp = profileTo ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    figures.scroll = await page.evaluate(async target => {
      const scroller = document.querySelector(
        '.jp-Trail-LeaderboardWidget .jp-Trail-RunsScroll'
      );
      const longTasks = [];
      const observer = new PerformanceObserver(list => {
        for (const e of list.getEntries()) longTasks.push(e.duration);
      });
      observer.observe({ type: 'longtask', buffered: false });
      const frames = [];
      const t0 = performance.now();
      let last = t0;
      let waits = 0;
      const maxIndex = () => {
        let max = -1;
        for (const row of scroller.querySelectorAll(
          '.jp-Trail-RunsTable-row[data-run]'
        )) {
          max = Math.max(
            max,
            Number(row.getAttribute('aria-rowindex') ?? -1) - 1
          );
        }
        return max;
      };
      while (maxIndex() < target) {
        await new Promise(r => requestAnimationFrame(r));
        const now = performance.now();
        frames.push(now - last);
        last = now;
        const before = scroller.scrollTop;
        scroller.scrollTop = before + 300;
        if (scroller.scrollTop === before) waits++;
        if (now - t0 > 120_000) break;
      }
      const ms = performance.now() - t0;
      await new Promise(r => setTimeout(r, 200));
      observer.disconnect();
      return {
        reachedRow: maxIndex() + 1,
        ms,
        frames,
        longTasks,
        framesAtBottomWaiting: waits
      };
    }, 2000);
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      (await import('node:fs')).writeFileSync(
        profileTo,
        JSON.stringify(profile)
      );
    }
    const s = figures.scroll;
    figures.scroll = {
      reachedRow: s.reachedRow,
      ms: s.ms,
      frames: s.frames.length,
      frameP50: pct(s.frames, 50),
      frameP95: pct(s.frames, 95),
      frameMax: Math.max(...s.frames),
      over50ms: s.frames.filter(x => x > 50).length,
      longTasks: s.longTasks.length,
      longTaskMs: s.longTasks.reduce((a, b) => a + b, 0),
      longTaskMax: s.longTasks.length ? Math.max(...s.longTasks) : 0,
      framesWaitingForPage: s.framesAtBottomWaiting
    };
    log(`scroll: ${JSON.stringify(figures.scroll)}`);

    // The compare view of three runs: its first plot (plotly fetched and drawn).
    figures.compare = await page.evaluate(async ids => {
      const chunk = () =>
        performance
          .getEntriesByType('resource')
          .filter(e => /plotly/.test(e.name));
      const before = chunk().length;
      const t0 = performance.now();
      await window.jupyterapp.commands.execute('trail:compare-runs', { ids });
      const until = t0 + 60_000;
      let host = null;
      while (
        !(host = document.querySelector(
          '.jp-Trail-CompareWidget .jp-Trail-ComparePlot-canvas[data-load-ms], .jp-Trail-CompareWidget .jp-Trail-ComparePlots[data-load-ms]'
        ))
      ) {
        if (performance.now() > until) {
          const states = [
            ...document.querySelectorAll('.jp-Trail-ComparePlot')
          ].map(e => e.dataset.state);
          throw new Error(`no plot drawn in 60 s (${states.join(', ')})`);
        }
        await new Promise(r => requestAnimationFrame(r));
      }
      const loaded = chunk()
        .slice(before)
        .map(e => ({
          name: e.name.split('/').pop(),
          ms: e.duration,
          transferBytes: e.transferSize,
          bodyBytes: e.decodedBodySize
        }));
      return {
        firstPlotMs: performance.now() - t0,
        dataLoadMs: Number(host.dataset.loadMs),
        chunks: loaded
      };
    }, sampleRunIds);
    log(`compare: ${JSON.stringify(figures.compare)}`);
  } finally {
    await browser?.close();
    stopLab();
  }
  return figures;
}
