import { expect, test as base } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import { TrailServerProcess } from './trail-server';

/**
 * Galata's test, plus `trail`: one real Trail server for the whole worker.
 */
export const test = base.extend<{}, { trail: TrailServerProcess }>({
  trail: [
    async ({}, use) => {
      const server = new TrailServerProcess();
      await server.start();
      await use(server);
      await server.stop();
    },
    { scope: 'worker', auto: true }
  ]
});

export { expect };

/**
 * New notebooks get the Python kernel, whatever other kernels are
 * installed (the tests install a bash kernel too).
 */
export const PYTHON = { kernel: 'python3' };

/** Opens the Trail panel and waits for it to show. */
export async function openTrail(page: Page): Promise<void> {
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('trail:open-panel')
  );
  await expect(page.locator('#jp-trail-sidebar')).toBeVisible();
}

/** Trail's user settings as JupyterLab's server holds them. */
export async function trailUserSettings(
  page: Page
): Promise<Record<string, unknown>> {
  return page.evaluate(async () => {
    const plugin = await (
      window as any
    ).jupyterapp.serviceManager.settings.fetch('jupyterlab-trail:plugin');
    return plugin.settings ?? {};
  });
}

/** Switches JupyterLab to `theme` and waits until the page wears it. */
export async function setTheme(page: Page, theme: string): Promise<void> {
  await page.evaluate(
    theme =>
      (window as any).jupyterapp.commands.execute('apputils:change-theme', {
        theme
      }),
    theme
  );
  await page.waitForFunction(
    theme => document.body.dataset.jpThemeName === theme,
    theme
  );
}

/**
 * A Python 3 notebook (nbformat 4.5) of code cells that have not run;
 * `metadata` is added to the notebook's.
 */
export function pythonNotebook(
  cells: { id: string; source: string }[],
  metadata: Record<string, unknown> = {}
) {
  return {
    cells: cells.map(({ id, source }) => ({
      cell_type: 'code',
      id,
      source,
      metadata: {},
      outputs: [],
      execution_count: null
    })),
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3 (ipykernel)',
        language: 'python'
      },
      ...metadata
    },
    nbformat: 4,
    nbformat_minor: 5
  };
}
