/**
 * The replay viewer's open and step times in a real JupyterLab in
 * Chromium (part V's measuring hook: after each drawn step the viewer's
 * node says `data-trail-step` and `data-trail-step-ms`, once
 * `data-trail-open-ms`). JupyterLab records to the benchmark's Trail
 * server (TRAIL_URL, TRAIL_TOKEN) with the same token, so it reads the
 * seeded session as its author.
 *
 * Needs the extension built (`jlpm build`) and Debian's Chromium.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sleep, stopChild } from './services.mjs';
import { stats } from './steps-timing.mjs';

/** Why the viewer cannot be timed here, or null. */
export function viewerUnavailable(root) {
  const chromium = process.env.TRAIL_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    return `no Chromium at ${chromium} (scripts/setup.sh --tests installs it)`;
  }
  if (!existsSync(join(root, 'ui-tests', 'node_modules', 'playwright'))) {
    return 'ui-tests/node_modules has no playwright (scripts/setup.sh --tests)';
  }
  if (
    !existsSync(join(root, 'jupyterlab_trail', 'labextension', 'package.json'))
  ) {
    return 'the extension is not built (jlpm build)';
  }
  return null;
}

/**
 * JupyterLab on a temporary root; with `labextension` (a built
 * labextension folder) that build of the extension instead of the
 * installed one: JUPYTER_PATH comes first among the places JupyterLab
 * looks for extensions, and the first found of a name wins.
 */
async function startLab(root, trail, labextension = null) {
  const work = mkdtempSync(join(tmpdir(), 'trail-replay-viewer-'));
  const extra = {};
  if (labextension) {
    const data = join(work, 'data');
    mkdirSync(join(data, 'labextensions'), { recursive: true });
    symlinkSync(
      resolve(labextension),
      join(data, 'labextensions', 'jupyterlab-trail')
    );
    extra.JUPYTER_PATH = data;
  }
  const port = 9100 + Math.floor(Math.random() * 400);
  const token = 'bench';
  const lab = spawn(
    join(root, '.venv', 'bin', 'jupyter'),
    [
      'lab',
      '--no-browser',
      '--allow-root',
      `--port=${port}`,
      '--ServerApp.port_retries=0',
      `--ServerApp.root_dir=${work}`,
      `--IdentityProvider.token=${token}`,
      '--LabApp.extension_manager=readonly',
      '--LabApp.expose_app_in_browser=True'
    ],
    {
      env: {
        ...process.env,
        TRAIL_URL: trail.url,
        TRAIL_TOKEN: trail.token,
        JUPYTERLAB_SETTINGS_DIR: join(work, 'settings'),
        JUPYTERLAB_WORKSPACES_DIR: join(work, 'workspaces'),
        ...extra
      },
      stdio: 'ignore'
    }
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (lab.exitCode !== null || i > 240) {
      await stopChild(lab);
      throw new Error('JupyterLab did not start');
    }
    try {
      if ((await fetch(`${url}/api/status?token=${token}`)).ok) {
        break;
      }
    } catch {
      // Not listening yet.
    }
    await sleep(500);
  }
  return {
    url: `${url}/lab?token=${token}`,
    async stop() {
      await stopChild(lab);
      rmSync(work, { recursive: true, force: true });
    }
  };
}

/**
 * Opens the viewer on `sessionId` at step `at` (the command the palette,
 * the session view and permalinks run), then steps with the → key
 * (`nexts` times, a pause between as a reader leaves) and jumps to random
 * steps as the slider does (`jumps` times). Resolves to the figures.
 */
export async function measureViewer(
  root,
  trail,
  sessionId,
  {
    total,
    at = Math.floor(total / 2),
    nexts = 40,
    jumps = 40,
    profile = false,
    labextension = null,
    jumpSteps = null,
    log = () => undefined
  } = {}
) {
  const require = createRequire(join(root, 'ui-tests', 'package.json'));
  const { chromium } = require('playwright');
  const lab = await startLab(root, trail, labextension);
  const browser = await chromium.launch({
    executablePath: process.env.TRAIL_CHROMIUM || '/usr/bin/chromium',
    args: [
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync'
    ]
  });
  try {
    const page = await browser.newPage({
      viewport: { width: 1400, height: 900 }
    });
    page.on('pageerror', e => log(`  page error: ${e.message}`));
    await page.goto(lab.url);
    await page.waitForFunction(
      () => window.jupyterapp?.commands?.hasCommand('trail:open-replay'),
      null,
      { timeout: 180000 }
    );
    // JupyterLab's own start settles first (launcher, file browser).
    await sleep(2000);
    const viewer = page.locator('.jp-Trail-ReplayViewer');
    const opens = [];
    // Open three times (closing in between): the first pays for the code's first run.
    for (let round = 0; round < 3; round++) {
      await page.evaluate(
        ([id, step]) =>
          window.jupyterapp.commands.execute('trail:open-replay', {
            sessionId: id,
            step
          }),
        [sessionId, at]
      );
      await page.waitForFunction(
        step =>
          document.querySelector('.jp-Trail-ReplayViewer')?.dataset
            .trailStep === String(step),
        at,
        { timeout: 120000 }
      );
      opens.push(Number(await viewer.getAttribute('data-trail-open-ms')));
      if (round < 2) {
        await page.evaluate(() =>
          window.jupyterapp.commands.execute('application:close-all')
        );
        await page.waitForFunction(
          () => !document.querySelector('.jp-Trail-ReplayViewer'),
          null,
          { timeout: 30000 }
        );
      }
    }
    await viewer.focus();
    const next = [];
    for (let k = at + 1; k <= Math.min(total, at + nexts); k++) {
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(
        step =>
          document.querySelector('.jp-Trail-ReplayViewer')?.dataset
            .trailStep === String(step),
        k,
        { timeout: 30000 }
      );
      next.push(Number(await viewer.getAttribute('data-trail-step-ms')));
      await sleep(150);
    }
    const jump = [];
    const cdp = profile ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const phases = {
      beforeRequest: [],
      request: [],
      afterResponse: [],
      drawnToPainted: []
    };
    const painted = [];
    const targets = jumpSteps ?? randomSteps(jumps, total, 1);
    for (const k of targets) {
      await page.evaluate(() => {
        performance.clearResourceTimings();
        performance.clearMeasures('trail-replay-step');
      });
      // What the slider's change does: go to step k.
      await page.evaluate(step => {
        // And when the page first painted after drawing it: the step's
        // time the reader waits for, with what the draw left to the tasks
        // after it (the sandboxed frames of the cells in view are made
        // then), style, layout and paint.
        const shown = document.querySelector('.jp-Trail-ReplayViewer');
        window.__trailPainted = new Promise(resolve => {
          const observer = new MutationObserver(() => {
            if (shown.dataset.trailStep === String(step)) {
              observer.disconnect();
              requestAnimationFrame(() =>
                setTimeout(() => resolve(performance.now()), 0)
              );
            }
          });
          observer.observe(shown, {
            attributes: true,
            attributeFilter: ['data-trail-step']
          });
        });
        const slider = document.querySelector('.jp-Trail-ReplaySlider');
        const set = Object.getOwnPropertyDescriptor(
          HTMLInputElement.prototype,
          'value'
        ).set;
        set.call(slider, String(step));
        slider.dispatchEvent(new Event('input', { bubbles: true }));
        slider.dispatchEvent(new Event('change', { bubbles: true }));
      }, k);
      await page.waitForFunction(
        step =>
          document.querySelector('.jp-Trail-ReplayViewer')?.dataset
            .trailStep === String(step),
        k,
        { timeout: 30000 }
      );
      jump.push(Number(await viewer.getAttribute('data-trail-step-ms')));
      // Where the jump went: from the ask to the request for step k, the
      // request (to its last byte), and from there to the step drawn.
      const times = await page.evaluate(async step => {
        const painted = await window.__trailPainted;
        const measure = performance
          .getEntriesByName('trail-replay-step', 'measure')
          .at(-1);
        const request = performance
          .getEntriesByType('resource')
          .filter(e => new RegExp(`/steps/${step}(\\?|$)`).test(e.name))
          .at(-1);
        return measure && request
          ? {
              start: measure.startTime,
              end: measure.startTime + measure.duration,
              requestStart: request.startTime,
              responseEnd: request.responseEnd,
              painted
            }
          : null;
      }, k);
      if (times) {
        phases.beforeRequest.push(times.requestStart - times.start);
        phases.request.push(times.responseEnd - times.requestStart);
        phases.afterResponse.push(times.end - times.responseEnd);
        phases.drawnToPainted.push(times.painted - times.end);
        painted.push(times.painted - times.start);
      }
      await sleep(150);
    }
    // After the jumps, every frame of a shown cell must show its content:
    // none left hidden (a reused frame waits to report the new content).
    await sleep(1000);
    const frames = await page.evaluate(() => {
      const shown = Array.from(
        document.querySelectorAll(
          '.jp-Trail-ReplayCell:not(.lm-mod-hidden) iframe.jp-Trail-SandboxFrame'
        )
      ).filter(frame => frame.closest('[style*="display: none"]') === null);
      return {
        shown: shown.length,
        hidden: shown.filter(frame => frame.style.visibility === 'hidden')
          .length
      };
    });
    log(
      `  frames of shown cells after the jumps: ${frames.shown}, left hidden: ${frames.hidden}`
    );
    const hot = cdp
      ? selfTimes((await cdp.send('Profiler.stop')).profile)
      : null;
    return {
      open: stats(opens),
      openFirst: opens[0],
      next: stats(next),
      jump: stats(jump),
      framesAfterJumps: frames,
      jumpPainted: painted.length > 0 ? stats(painted) : null,
      jumpPhases: Object.fromEntries(
        Object.entries(phases)
          .filter(([, values]) => values.length > 0)
          .map(([name, values]) => [name, stats(values)])
      ),
      hot
    };
  } finally {
    await browser.close();
    await lab.stop();
  }
}

/**
 * `count` steps in 1..total from a seeded generator: the same jumps for
 * every build timed side by side.
 */
export function randomSteps(count, total, seed) {
  let state = seed >>> 0 || 1;
  const steps = [];
  for (let i = 0; i < count; i++) {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    steps.push(1 + (state % total));
  }
  return steps;
}

/**
 * The functions with the most self time in a CPU profile (CDP), summed by
 * function, file and line: `[{ fn, ms }]`, top 15.
 */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const ms = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const frame = byId.get(samples[i]).callFrame;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') {
      continue;
    }
    const file = frame.url.split('/').pop() || frame.url;
    const key = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    ms.set(key, (ms.get(key) ?? 0) + (timeDeltas[i] ?? 0) / 1000);
  }
  return [...ms.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([fn, t]) => ({ fn, ms: Math.round(t) }));
}
