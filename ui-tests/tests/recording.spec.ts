import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { expect, PYTHON, setTheme, test } from './fixtures';

const SHOTS = process.env.TRAIL_RECORDING_SHOTS || '/tmp/shots-recording';

/** A 4x4 red PNG, so the image output is a real image. */
const PNG_B64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEklEQVR4nGP8z4AATEhsPBwAM9EBBzDn4UwAAAAASUVORK5CYII=';

async function runCode(
  page: IJupyterLabPageFixture,
  index: number,
  code: string
) {
  if (index > 0) {
    await page.notebook.addCell('code', code);
  } else {
    await page.notebook.setCell(0, 'code', code);
  }
  await page.notebook.runCell(index, true);
}

/** Reloads JupyterLab; galata's own wait expects the Launcher, not a notebook. */
async function reload(page: IJupyterLabPageFixture) {
  await page.reload({ waitForIsReady: false });
  await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
  await expect(page.locator('.jp-Trail-DeliveryStatus')).toBeVisible();
}

async function back(page: IJupyterLabPageFixture) {
  await page
    .locator('#jp-trail-sidebar')
    .getByRole('button', { name: 'Back' })
    .click();
}

async function openTrail(page: IJupyterLabPageFixture) {
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('trail:open-panel')
  );
  await expect(page.locator('#jp-trail-sidebar')).toBeVisible();
}

test.describe('recording', () => {
  test('every execution reaches the server and the panel, in order, with outputs', async ({
    page,
    trail,
    tmpPath
  }) => {
    const name = `record-${Date.now()}.ipynb`;
    await page.notebook.createNew(name, PYTHON);
    await runCode(page, 0, 'x = 21\nprint("hello", x * 2)');
    await runCode(page, 1, '1 / 0');
    await runCode(
      page,
      2,
      `from IPython.display import Image, display\nimport base64\ndisplay(Image(data=base64.b64decode("${PNG_B64}")))`
    );
    await runCode(
      page,
      3,
      'from IPython.display import HTML\nHTML("<b class=\\"trail-html\\">bold words</b><script>window.__trailPwned = 1</script>")'
    );
    // A re-run of the first cell after changing its code.
    await page.notebook.setCell(0, 'code', 'x = 50\nprint("hello", x * 2)');
    await page.notebook.runCell(0, true);

    await expect
      .poll(async () => (await trail.executionsOf(tmpPath)).length, {
        timeout: 20000
      })
      .toBe(5);
    const executions = await trail.executionsOf(tmpPath);
    expect(executions.map(e => e.status)).toEqual([
      'ok',
      'error',
      'ok',
      'ok',
      'ok'
    ]);
    expect(executions[0].code).toContain('x = 21');
    expect(executions[4].code).toContain('x = 50');
    expect(executions[4].cellId).toBe(executions[0].cellId);
    expect(executions[1].error.ename).toBe('ZeroDivisionError');
    expect(new Set(executions.map(e => e.sessionId)).size).toBe(1);
    expect(executions[0].notebookPath.startsWith(`${tmpPath}/`)).toBe(true);

    const first = await trail.api(`/executions/${executions[0].id}`);
    expect(first.outputs[0]).toMatchObject({
      output_type: 'stream',
      name: 'stdout'
    });
    expect([first.outputs[0].text].flat().join('')).toBe('hello 42\n');
    const image = await trail.api(`/executions/${executions[2].id}`);
    expect(Object.keys(image.outputs[0].data)).toContain('image/png');

    // The notebook ran its own output's script (the user ran it: trusted);
    // clear the marker so only a script run by Trail's view would set it.
    await page.evaluate(() => delete (window as any).__trailPwned);

    // The panel shows the session, its executions in order, and their outputs.
    await openTrail(page);
    const session = page.locator(
      `.jp-Trail-SessionItem[data-session-id="${executions[0].sessionId}"]`
    );
    await expect(session).toBeVisible({ timeout: 15000 });
    await session.click();
    const items = page.locator('.jp-Trail-ExecutionItem');
    await expect(items).toHaveCount(5);
    await expect(items.nth(1)).toHaveAttribute('data-status', 'error');
    await expect(items.nth(4)).toContainText('x = 50');

    await items.nth(0).click();
    await expect(page.locator('.jp-Trail-Outputs')).toContainText('hello 42');
    await back(page);

    await items.nth(2).click();
    await expect(page.locator('.jp-Trail-Outputs img')).toBeVisible();
    await back(page);

    await items.nth(3).click();
    // Recorded HTML renders sanitized in a sandboxed frame.
    await expect(
      page
        .locator('.jp-Trail-Outputs')
        .frameLocator('iframe.jp-Trail-SandboxFrame')
        .locator('b.trail-html')
    ).toHaveText('bold words');
    // Recorded HTML is rendered untrusted: its script never ran in this page.
    expect(
      await page.evaluate(() => (window as any).__trailPwned)
    ).toBeUndefined();
    await expect(page.locator('.jp-Trail-Outputs script')).toHaveCount(0);

    // A reload neither loses nor doubles anything.
    await reload(page);
    await page.waitForTimeout(2000);
    expect((await trail.executionsOf(tmpPath)).map(e => e.id)).toEqual(
      executions.map(e => e.id)
    );
  });

  test('executions made while the server is down arrive exactly once after it returns', async ({
    page,
    trail,
    tmpPath
  }) => {
    const name = `outage-${Date.now()}.ipynb`;
    await page.notebook.createNew(name, PYTHON);
    await runCode(page, 0, 'print("warm-up")');
    await expect
      .poll(async () => (await trail.executionsOf(tmpPath)).length, {
        timeout: 20000
      })
      .toBe(1);

    await trail.stop('SIGKILL');
    await runCode(page, 1, 'print("during outage 1")');
    await runCode(page, 2, 'print("during outage 2")');
    await runCode(page, 3, 'print("during outage 3")');
    // Each of the three runs is a new cell, so each execution waits with the
    // notebook structure it changed (#13): six events in the queue.
    const status = page.locator('.jp-Trail-DeliveryStatus');
    await expect(status).toHaveAttribute('data-pending', '6', {
      timeout: 15000
    });

    // The waiting events survive a reload while the server is still down.
    await reload(page);
    await expect(page.locator('.jp-Trail-DeliveryStatus')).toHaveAttribute(
      'data-pending',
      '6',
      {
        timeout: 15000
      }
    );

    await trail.start();
    await expect
      .poll(async () => (await trail.executionsOf(tmpPath)).length, {
        timeout: 60000
      })
      .toBe(4);
    await expect(page.locator('.jp-Trail-DeliveryStatus')).toHaveAttribute(
      'data-pending',
      '0',
      {
        timeout: 15000
      }
    );
    await page.waitForTimeout(3000);
    const executions = await trail.executionsOf(tmpPath);
    expect(executions).toHaveLength(4);
    expect(new Set(executions.map(e => e.id)).size).toBe(4);
    expect(executions.slice(1).map(e => e.code)).toEqual([
      'print("during outage 1")',
      'print("during outage 2")',
      'print("during outage 3")'
    ]);
  });

  test('a cell that kills its kernel is recorded as the kernel dying, and the panel says so', async ({
    page,
    trail,
    tmpPath
  }) => {
    const name = `dies-${Date.now()}.ipynb`;
    await page.notebook.createNew(name, PYTHON);
    await runCode(page, 0, 'print("before")');
    await page.notebook.addCell('code', 'import os\nos._exit(1)');
    await page.notebook.selectCells(1);
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('notebook:run-cell')
    );
    // JupyterLab says the kernel died and will restart.
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('died', { timeout: 30000 });
    await dialog.getByRole('button', { name: 'Ok' }).click();

    await expect
      .poll(async () => (await trail.executionsOf(tmpPath)).length, {
        timeout: 30000
      })
      .toBe(2);
    const [, died] = await trail.executionsOf(tmpPath);
    expect(died.status).toBe('interrupted');
    expect(died.error).toEqual({
      ename: 'DeadKernelError',
      evalue: 'The kernel died while this cell was running.'
    });

    await openTrail(page);
    await page
      .locator(`.jp-Trail-SessionItem[data-session-id="${died.sessionId}"]`)
      .click();
    const items = page.locator('.jp-Trail-ExecutionItem');
    await expect(items).toHaveCount(2);
    const badge = items.nth(1).locator('.jp-Trail-StatusBadge');
    await expect(badge).toHaveText('kernel died');
    await expect(badge).toHaveAttribute(
      'title',
      'The kernel died while this cell was running.'
    );
    await expect(items.nth(0).locator('.jp-Trail-StatusBadge')).toHaveText(
      'ok'
    );
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'kernel-died-light.png') });
    await setTheme(page, 'JupyterLab Dark');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, 'kernel-died-dark.png') });
    await setTheme(page, 'JupyterLab Light');
  });
});
