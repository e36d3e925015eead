/**
 * Capture of the first executions of a kernel process: Kernel > Restart
 * Kernel and Run All Cells, and a notebook run as soon as it opens. The
 * helper must be in the kernel before the first of them runs.
 *
 * JupyterLab 4.6 announces the kernel again (kernelChanged, same
 * connection) once a restart completed, before Run All sends its cells, and
 * Trail observes it anew then; the restart path without that announcement
 * is covered by tests/frontend/recorder-kernel-capture.test.ts.
 */
import { expect, pythonNotebook, test } from './fixtures';
import type { TrailServerProcess } from './trail-server';

const CELLS = 3;

/**
 * A notebook whose cell `i` writes `out-i.txt` and logs the metric `cell`.
 */
function notebook(): string {
  return JSON.stringify(
    pythonNotebook(
      Array.from({ length: CELLS }, (_, i) => ({
        id: `cell-${i}`,
        source:
          'import trail\n' +
          `open("out-${i}.txt", "w").write("cell ${i}")\n` +
          `trail.log_metric("cell", ${i})`
      }))
    )
  );
}

/**
 * The stored executions of the notebooks in `dir`, but those of the
 * sessions `except`, once there are `count` of them.
 */
async function executionsOfSession(
  trail: TrailServerProcess,
  dir: string,
  count: number,
  except: Set<string> = new Set()
): Promise<any[]> {
  let found: any[] = [];
  await expect
    .poll(
      async () => {
        found = (await trail.executionsOf(dir)).filter(
          e => !except.has(e.sessionId)
        );
        return found.length;
      },
      { timeout: 60000 }
    )
    .toBe(count);
  return found;
}

/**
 * What each stored execution captured: the file it wrote and its metric,
 * once they reached the server (null where nothing was captured).
 */
async function capturesOf(
  trail: TrailServerProcess,
  executions: any[]
): Promise<any[]> {
  const out: any[] = [];
  for (const summary of executions) {
    const execution = await trail.api(`/executions/${summary.id}`);
    out.push({
      cellId: execution.cellId,
      files: (execution.capture?.files ?? []).map((f: any) => [
        f.path,
        f.access
      ]),
      metrics: (execution.capture?.metrics ?? []).map((m: any) => [
        m.name,
        m.value
      ])
    });
  }
  return out;
}

const EXPECTED = Array.from({ length: CELLS }, (_, i) => ({
  cellId: `cell-${i}`,
  files: [[`out-${i}.txt`, 'write']],
  metrics: [['cell', i]]
}));

test.describe('capture from the first execution of a kernel', () => {
  // Galata's kernel tracking answers every POST under /api/kernels/ with
  // 201, so JupyterLab takes the restart for a failure (it expects 200)
  // and never reconnects. The kernels are still shut down with their
  // sessions at the end of each test.
  test.use({ kernels: null } as any);

  test('Restart Kernel and Run All Cells records every cell with its capture', async ({
    page,
    trail,
    tmpPath
  }) => {
    // A slow link from the kernel when JupyterLab reconnects after the
    // restart (a remote server, a kernel slow to answer): for 2 s what the
    // server sends on a kernel connection opened then reaches the page
    // late, in order, so JupyterLab sends the cells before it has the new
    // process' kernel info. Routed before JupyterLab loads, as it keeps
    // the WebSocket class it started with.
    let slowFrom = Infinity;
    await page.routeWebSocket(/\/api\/kernels\/[^/]+\/channels/, ws => {
      const server = ws.connectToServer();
      let held: (string | Buffer)[] | null =
        Date.now() - slowFrom < 5000 ? [] : null;
      if (held) {
        setTimeout(() => {
          const messages = held ?? [];
          held = null;
          messages.forEach(message => ws.send(message));
        }, 2000);
      }
      server.onMessage(message => {
        if (held) {
          held.push(message);
        } else {
          ws.send(message);
        }
      });
    });
    await page.goto();
    await page.contents.uploadContent(
      notebook(),
      'text',
      `${tmpPath}/restart.ipynb`
    );
    await page.notebook.openByPath(`${tmpPath}/restart.ipynb`);
    await page.notebook.activate('restart.ipynb');
    // A kernel that has been up a while: its first run is not the case here
    // (the next test is).
    await page.waitForFunction(
      () =>
        (window as any).jupyterapp.shell.currentWidget?.sessionContext?.session
          ?.kernel?.status === 'idle'
    );
    await page.waitForTimeout(1000);
    await page.notebook.run();
    const first = await executionsOfSession(trail, tmpPath, CELLS);
    await expect.poll(() => capturesOf(trail, first)).toEqual(EXPECTED);

    slowFrom = Date.now();
    // Kernel > Restart Kernel and Run All Cells, as the menu runs it.
    await page.evaluate(() => {
      void (window as any).jupyterapp.commands.execute(
        'notebook:restart-run-all'
      );
    });
    await page.locator('.jp-Dialog .jp-mod-accept').click();
    const after = await executionsOfSession(
      trail,
      tmpPath,
      CELLS,
      new Set(first.map(e => e.sessionId))
    );
    expect(after.map(e => e.executionCount)).toEqual([1, 2, 3]);
    await expect
      .poll(() => capturesOf(trail, after), { timeout: 20000 })
      .toEqual(EXPECTED);
  });

  test('a notebook run as soon as its kernel connection exists records every cell with its capture', async ({
    page,
    trail,
    tmpPath
  }) => {
    const path = `${tmpPath}/opened.ipynb`;
    await page.contents.uploadContent(notebook(), 'text', path);
    // Open the notebook and run all its cells the moment JupyterLab has a
    // kernel connection for it (the kernel is still starting).
    await page.evaluate(async path => {
      const app = (window as any).jupyterapp;
      const panel = await app.commands.execute('docmanager:open', {
        path,
        factory: 'Notebook'
      });
      const context = panel.sessionContext;
      await new Promise<void>(resolve => {
        if (context.session?.kernel) {
          resolve();
          return;
        }
        const changed = () => {
          if (context.session?.kernel) {
            context.kernelChanged.disconnect(changed);
            resolve();
          }
        };
        context.kernelChanged.connect(changed);
      });
      app.shell.activateById(panel.id);
      await app.commands.execute('notebook:run-all-cells');
    }, path);
    const executions = await executionsOfSession(trail, tmpPath, CELLS);
    expect(executions.map(e => e.executionCount)).toEqual([1, 2, 3]);
    await expect
      .poll(() => capturesOf(trail, executions), { timeout: 20000 })
      .toEqual(EXPECTED);
  });
});
