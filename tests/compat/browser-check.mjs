/**
 * Trail in a real JupyterLab, as a user meets it: the page in Debian's
 * Chromium shows the Trail status item and panel, a notebook cell runs, and
 * the panel shows that execution (read back from the Trail server) with its
 * output. Run by scripts/check-compat.sh once per JupyterLab version, against
 * a JupyterLab it started with the wheel installed; plain Playwright (no
 * galata: galata ships for one JupyterLab version, and exposes `jupyterapp`
 * only through its own extension).
 *
 *   node tests/compat/browser-check.mjs --url http://127.0.0.1:PORT \
 *     --token TOKEN --label 'JupyterLab 4.2.7' [--screenshot out.png]
 *
 * Exits non-zero, naming the failed step, when any check fails. The share
 * scope's version warnings ("Unsatisfied version ... of shared singleton
 * module ...") count as failures: they are the browser's form of "not
 * compatible".
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const requireFromUiTests = createRequire(
  path.join(here, '..', '..', 'ui-tests', 'package.json')
);
const { chromium } = requireFromUiTests('@playwright/test');
// The same browser and flags as the galata tests (ui-tests/playwright.config.js).
const uiConfig = requireFromUiTests('./playwright.config.js');

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    label: { type: 'string', default: 'JupyterLab' },
    screenshot: { type: 'string' }
  }
});
if (!args.url || !args.token) {
  console.error('usage: browser-check.mjs --url URL --token TOKEN');
  process.exit(2);
}

const base = args.url.replace(/\/$/, '');
const NOTEBOOK = 'trail-compat.ipynb';
const MARK = 'trail-compat';
// The cell prints a value computed by the kernel, so its output cannot come
// from the code text alone.
const CODE = `print("${MARK}", 6 * 7)`;
const OUTPUT = `${MARK} 42`;

/** A notebook with one code cell, written through the Jupyter contents API. */
async function writeNotebook() {
  const content = {
    cells: [
      {
        cell_type: 'code',
        id: 'trail-compat-cell',
        execution_count: null,
        metadata: {},
        outputs: [],
        source: CODE
      }
    ],
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3 (ipykernel)',
        language: 'python'
      }
    },
    nbformat: 4,
    nbformat_minor: 5
  };
  const response = await fetch(`${base}/api/contents/${NOTEBOOK}`, {
    method: 'PUT',
    headers: {
      Authorization: `token ${args.token}`,
      'Content-Type': 'application/json'
    },
    body: JSON.stringify({ type: 'notebook', format: 'json', content })
  });
  if (!response.ok) {
    throw new Error(`writing ${NOTEBOOK}: HTTP ${response.status}`);
  }
}

let step = 'start';
const problems = [];
const versionWarnings = [];

const browser = await chromium.launch(uiConfig.use.launchOptions);
let page;
try {
  step = 'write the notebook';
  await writeNotebook();

  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 }
  });
  page = await context.newPage();
  page.setDefaultTimeout(30000);
  page.on('console', message => {
    const text = message.text();
    if (/Unsatisfied version|No satisfying version/.test(text)) {
      versionWarnings.push(text);
    } else if (message.type() === 'error' && /trail/i.test(text)) {
      problems.push(`console error: ${text}`);
    }
  });
  page.on('pageerror', error => {
    if (/trail/i.test(`${error.message}\n${error.stack}`)) {
      problems.push(`page error: ${error.message}`);
    }
  });

  // The kernel is ready for the user's cell once its connection has had a
  // kernel_info_reply: before that, JupyterLab has no kernel connection to
  // send to and drops a Shift+Enter (the execution indicator already reads
  // "idle" then).
  let kernelReady = false;
  page.on('websocket', socket => {
    if (!socket.url().includes('/api/kernels/')) {
      return;
    }
    socket.on('framereceived', frame => {
      const payload =
        typeof frame.payload === 'string'
          ? frame.payload
          : frame.payload.toString('latin1');
      if (/"msg_type":\s*"kernel_info_reply"/.test(payload)) {
        kernelReady = true;
      }
    });
  });

  step = 'open JupyterLab on the notebook';
  await page.goto(`${base}/lab/tree/${NOTEBOOK}?token=${args.token}`);
  await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });

  step = 'the Trail status item shows';
  await page.locator('.jp-Trail-DeliveryStatus').waitFor({ state: 'visible' });

  step = 'the notebook opens with an idle Python kernel';
  const cell = page.locator('.jp-Notebook .jp-CodeCell').first();
  await cell.waitFor({ state: 'visible' });
  const deadline = Date.now() + 60000;
  while (!kernelReady) {
    if (Date.now() > deadline) {
      throw new Error('no kernel_info_reply from the kernel within 60 s');
    }
    await page.waitForTimeout(100);
  }
  await page
    .locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')
    .first()
    .waitFor({ state: 'attached' });

  step = 'run the cell';
  await cell.locator('.cm-content').click();
  await page.keyboard.press('Shift+Enter');
  await cell
    .locator('.jp-OutputArea-output', { hasText: OUTPUT })
    .waitFor({ state: 'visible' });

  step = 'open the Trail panel';
  await page
    .locator('.jp-SideBar .lm-TabBar-tab[data-id="jp-trail-sidebar"]')
    .click();
  const panel = page.locator('#jp-trail-sidebar');
  await panel.waitFor({ state: 'visible' });

  step = 'the panel lists the session';
  const session = panel.locator('.jp-Trail-SessionItem').first();
  await session.waitFor({ state: 'visible' });
  await session.click();

  step = 'the session shows the recorded execution';
  const execution = panel.locator('.jp-Trail-ExecutionItem', {
    hasText: MARK
  });
  await execution.first().waitFor({ state: 'visible' });
  const count = await panel.locator('.jp-Trail-ExecutionItem').count();
  if (count !== 1) {
    throw new Error(`expected 1 recorded execution, the panel lists ${count}`);
  }
  await execution.first().click();

  step = "the execution shows the kernel's output";
  await panel
    .locator('.jp-Trail-Outputs', { hasText: OUTPUT })
    .waitFor({ state: 'visible' });

  step = 'no compatibility warnings';
  if (versionWarnings.length) {
    problems.push(...versionWarnings.map(w => `share scope: ${w}`));
  }
  if (problems.length) {
    throw new Error(problems.join('\n'));
  }
  console.log(
    `${args.label}: Trail status item and panel shown, one execution recorded and displayed`
  );
} catch (error) {
  console.error(`${args.label}: FAILED at "${step}": ${error.message}`);
  for (const w of versionWarnings) {
    console.error(`  ${w}`);
  }
  process.exitCode = 1;
} finally {
  if (page && args.screenshot) {
    await page.screenshot({ path: args.screenshot }).catch(() => undefined);
  }
  await browser.close();
}
