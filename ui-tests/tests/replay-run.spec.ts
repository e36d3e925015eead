/**
 * Replay in my kernel (#13 items 4-5): a notebook opened from a recorded
 * session (contract-4 metadata) whose data file changed since; the
 * preflight says so, the replay pauses at the step that reads it, goes on,
 * and the recorded session then lists the replay.
 */
import { galata, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import { createHash, randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { expect, openTrail, setTheme, test } from './fixtures';

/** Where the screenshots go (looked at by people, not compared). */
const SHOTS = path.resolve(__dirname, '..', 'test-results', 'screenshots');

const RECORDED_CSV = 'a,b\n1,2\n3,4\n';
const CHANGED_CSV = 'a,b,c\n1,2,5\n3,9,6\n';

interface IStep {
  code: string;
  text: string;
  reads?: boolean;
}

const STEPS: IStep[] = [
  { code: 'x = 21\nprint("start")', text: 'start\n' },
  {
    code: 'import csv\nrows = list(csv.reader(open("data.csv")))\nprint(rows)',
    text: "[['a', 'b'], ['1', '2'], ['3', '4']]\n",
    reads: true
  },
  { code: 'print(x * 2)', text: '42\n' }
];

/** Alice's recorded session: three steps, the second reading data.csv. */
function recordedEvents(notebookPath: string, steps: IStep[] = STEPS) {
  const sessionId = randomUUID();
  const start = Date.now() - 3600_000;
  const executionIds = steps.map(() => randomUUID());
  const events: unknown[] = [
    {
      id: randomUUID(),
      kind: 'session.started',
      session: {
        id: sessionId,
        notebookPath,
        startedAt: new Date(start).toISOString(),
        kernel: {
          name: 'python3',
          displayName: 'Python 3 (ipykernel)',
          language: 'python'
        }
      }
    },
    ...steps.map((step, index) => {
      const startedAt = new Date(start + (index + 1) * 1000);
      return {
        id: randomUUID(),
        kind: 'execution.completed',
        execution: {
          id: executionIds[index],
          sessionId,
          seq: index + 1,
          notebookPath,
          cellId: `cell-${index + 1}`,
          code: step.code,
          executionCount: index + 1,
          status: 'ok',
          startedAt: startedAt.toISOString(),
          endedAt: new Date(startedAt.getTime() + 50).toISOString(),
          durationMs: 50,
          timing: 'kernel',
          outputs: [{ output_type: 'stream', name: 'stdout', text: step.text }],
          ...(step.reads
            ? {
                capture: {
                  files: [
                    {
                      path: 'data.csv',
                      access: 'read',
                      kind: 'file',
                      size: RECORDED_CSV.length,
                      sha256: createHash('sha256')
                        .update(RECORDED_CSV)
                        .digest('hex'),
                      schema: {
                        format: 'csv',
                        columns: [
                          { name: 'a', type: 'int64' },
                          { name: 'b', type: 'int64' }
                        ]
                      }
                    }
                  ]
                }
              }
            : {})
        }
      };
    })
  ];
  return { sessionId, executionIds, events };
}

/** The notebook "Open as notebook at step 3, as executed" writes. */
function replayNotebook(
  sessionId: string,
  executionIds: string[],
  notebookPath: string,
  steps: IStep[] = STEPS
) {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3 (ipykernel)',
        language: 'python'
      },
      trail: {
        source: {
          sessionId,
          step: steps.length,
          form: 'as-executed',
          notebookPath,
          author: 'Alice'
        }
      }
    },
    cells: [
      {
        id: 'note',
        cell_type: 'markdown',
        metadata: { trail: { note: 'source' } },
        source: '# analysis.ipynb at step 3'
      },
      ...steps.map((step, index) => ({
        id: `step-${index + 1}`,
        cell_type: 'code',
        metadata: {
          trail: {
            sourceExecution: {
              id: executionIds[index],
              seq: index + 1,
              step: index + 1
            }
          }
        },
        source: step.code,
        execution_count: index + 1,
        outputs: [{ output_type: 'stream', name: 'stdout', text: step.text }]
      }))
    ]
  };
}

async function shoot(page: IJupyterLabPageFixture, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SHOTS, name) });
}

test.describe('replay in my kernel', () => {
  test.use({ viewport: { width: 1500, height: 900 } });
  // Galata's kernel tracking answers every POST under /api/kernels/ with
  // 201, so JupyterLab takes a restart for a failure (it expects 200) and
  // never reconnects; the replay restarts its kernel (see kernel-start).
  test.use({ kernels: null } as any);

  test('preflight shows the changed CSV; the replay pauses at the step that reads it, continues, and the session lists the replay', async ({
    page,
    trail,
    tmpPath
  }) => {
    const recordedPath = 'alice/analysis.ipynb';
    const { sessionId, executionIds, events } = recordedEvents(recordedPath);
    await trail.ingest(events);
    // Bob's copy of the data differs from what Alice's step 2 read.
    await page.contents.uploadContent(
      CHANGED_CSV,
      'text',
      `${tmpPath}/data.csv`
    );
    await page.contents.uploadContent(
      JSON.stringify(replayNotebook(sessionId, executionIds, recordedPath)),
      'text',
      `${tmpPath}/analysis-step3.ipynb`
    );
    await page.notebook.openByPath(`${tmpPath}/analysis-step3.ipynb`);
    await page.notebook.activate('analysis-step3.ipynb');

    // The toolbar button and the commands are there for such a notebook.
    const button = page.locator(
      '.jp-NotebookPanel-toolbar .jp-Trail-ReplayButton'
    );
    await expect(button).toBeVisible();
    const enabled = await page.evaluate(() => {
      const commands = (window as any).jupyterapp.commands;
      return ['trail:replay-preflight', 'trail:replay-in-kernel'].map(id =>
        commands.isEnabled(id)
      );
    });
    expect(enabled).toEqual([true, true]);

    // Preflight: the CSV changed (hash and columns).
    await button.click();
    const preflight = page.locator('.jp-Trail-Preflight');
    await expect(preflight.locator('.jp-Trail-Preflight-title')).toContainText(
      /difference/,
      { timeout: 60000 }
    );
    const file = preflight.locator(
      '.jp-Trail-Preflight-file[data-path="data.csv"]'
    );
    await expect(file).toHaveAttribute('data-state', 'changed');
    await expect(file).toContainText('column c (int64) is new');
    // No environment was recorded: the Python row cannot say "same".
    await expect(
      preflight.locator('.jp-Trail-Preflight-python .jp-Trail-Preflight-badge')
    ).toHaveAttribute('data-state', 'unknown');
    await shoot(page, 'replay-preflight-light.png');
    await setTheme(page, 'JupyterLab Dark');
    await shoot(page, 'replay-preflight-dark.png');
    await setTheme(page, 'JupyterLab Light');

    // Replay from the report, from a restarted kernel.
    await preflight
      .getByRole('button', { name: 'Replay in my kernel' })
      .click();
    await page.getByRole('button', { name: 'Restart and replay' }).click();
    const run = page.locator('.jp-Trail-ReplayRun');
    const status = run.locator('.jp-Trail-ReplayRun-status');
    await expect(status).toHaveAttribute('data-state', 'paused', {
      timeout: 60000
    });
    await expect(status).toContainText('Paused at step 2: differs');
    const step = (k: number) =>
      run.locator(`.jp-Trail-ReplayRun-step[data-step="${k}"]`);
    await expect(step(1)).toHaveAttribute('data-verdict', 'same');
    await expect(step(2)).toHaveAttribute('data-verdict', 'differs');
    await expect(step(2)).toHaveAttribute('data-first-divergence', 'true');
    await expect(step(3)).toHaveAttribute('data-state', 'pending');
    // The divergent cell is marked in the notebook, and its diff shown.
    await expect(
      page.locator('.jp-NotebookPanel .jp-Cell.jp-Trail-ReplayStep-diverged')
    ).toHaveCount(1);
    const detail = run.locator('.jp-Trail-ReplayDetail');
    await expect(detail.locator('.cm-mergeView')).toBeVisible();
    await expect(detail.locator('.cm-mergeView')).toContainText("'c'");
    await shoot(page, 'replay-paused-light.png');
    await setTheme(page, 'JupyterLab Dark');
    await shoot(page, 'replay-paused-dark.png');
    await setTheme(page, 'JupyterLab Light');

    await run.getByRole('button', { name: 'Continue' }).click();
    await expect(status).toHaveAttribute('data-state', 'finished', {
      timeout: 60000
    });
    await expect(status).toContainText(
      '2 of 3 steps reproduced; the first divergence is at step 2'
    );
    await expect(step(3)).toHaveAttribute('data-verdict', 'same');

    // The replay is a recorded session naming its source; the source lists it.
    await expect
      .poll(
        async () =>
          (await trail.api(`/sessions/${sessionId}/replays`)).items.length,
        { timeout: 30000 }
      )
      .toBe(1);
    await openTrail(page);
    await page.evaluate(
      id =>
        (window as any).jupyterapp.commands.execute('trail:open-execution', {
          executionId: id
        }),
      executionIds[0]
    );
    const panel = page.locator('#jp-trail-sidebar');
    await panel.getByRole('button', { name: 'Back' }).click();
    const replay = panel.locator('.jp-Trail-ReplayItem');
    await expect(replay).toHaveCount(1);
    await expect(replay).toContainText('You replayed up to step 3');
    await expect(replay).toContainText('3 of 3 steps run');
    await shoot(page, 'replay-session-replays-light.png');
    await replay.click();
    await expect(panel.locator('.jp-Trail-ExecutionItem')).toHaveCount(3);
  });
  test('a kernel that dies during the replay is reported at its step, and ordinary notebooks get no replay', async ({
    page,
    trail,
    tmpPath
  }) => {
    const steps: IStep[] = [
      { code: 'print("before")', text: 'before\n' },
      { code: 'import os\nos._exit(1)', text: '' },
      { code: 'print("after")', text: 'after\n' }
    ];
    const recordedPath = 'alice/crash.ipynb';
    const { sessionId, executionIds, events } = recordedEvents(
      recordedPath,
      steps
    );
    await trail.ingest(events);
    await page.contents.uploadContent(
      JSON.stringify(
        replayNotebook(sessionId, executionIds, recordedPath, steps)
      ),
      'text',
      `${tmpPath}/crash-step3.ipynb`
    );
    await page.notebook.openByPath(`${tmpPath}/crash-step3.ipynb`);
    await page.notebook.activate('crash-step3.ipynb');
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('trail:replay-in-kernel', {
        restart: false
      })
    );
    const run = page.locator('.jp-Trail-ReplayRun');
    const status = run.locator('.jp-Trail-ReplayRun-status');
    await expect(status).toHaveAttribute('data-state', 'failed', {
      timeout: 60000
    });
    await expect(status).toContainText(
      'The kernel died or was restarted while step 2 was running.'
    );
    const step = (k: number) =>
      run.locator(`.jp-Trail-ReplayRun-step[data-step="${k}"]`);
    await expect(step(1)).toHaveAttribute('data-verdict', 'same');
    await expect(step(2)).toHaveAttribute('data-state', 'kernel-died');
    await expect(step(2)).toContainText('kernel died');
    await expect(step(3)).toHaveAttribute('data-state', 'not-run');
    await expect(
      page.locator('.jp-NotebookPanel .jp-Cell.jp-Trail-ReplayStep-failed')
    ).toHaveCount(1);
    // JupyterLab says the kernel died, too.
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('appears to have died');
    await dialog.locator('button.jp-mod-accept').click();
    await expect(dialog).toHaveCount(0);
    await shoot(page, 'replay-kernel-died-light.png');

    // An ordinary notebook: no button, commands disabled.
    const plain = `plain-${Date.now()}.ipynb`;
    await page.notebook.createNew(plain, { kernel: 'python3' });
    const plainButton = page
      .getByLabel(plain, { exact: true })
      .locator('.jp-Trail-ReplayButton');
    await expect(plainButton).toHaveCount(1);
    await expect(plainButton).toBeHidden();
    const enabled = await page.evaluate(() => {
      const commands = (window as any).jupyterapp.commands;
      return ['trail:replay-preflight', 'trail:replay-in-kernel'].map(id =>
        commands.isEnabled(id)
      );
    });
    expect(enabled).toEqual([false, false]);
  });
  test.describe('with the settings strict on and pause on divergence off', () => {
    test.use({
      mockSettings: {
        ...galata.DEFAULT_SETTINGS,
        'jupyterlab-trail:plugin': {
          replayRun: { strict: true, pauseOnDivergence: false }
        }
      }
    });

    test('the replay runs through the divergence without pausing, strict from the start', async ({
      page,
      trail,
      tmpPath
    }) => {
      const recordedPath = 'alice/settings.ipynb';
      const { sessionId, executionIds, events } = recordedEvents(recordedPath);
      await trail.ingest(events);
      await page.contents.uploadContent(
        CHANGED_CSV,
        'text',
        `${tmpPath}/data.csv`
      );
      await page.contents.uploadContent(
        JSON.stringify(replayNotebook(sessionId, executionIds, recordedPath)),
        'text',
        `${tmpPath}/settings-step3.ipynb`
      );
      await page.notebook.openByPath(`${tmpPath}/settings-step3.ipynb`);
      await page.notebook.activate('settings-step3.ipynb');
      await page.evaluate(() =>
        (window as any).jupyterapp.commands.execute('trail:replay-in-kernel', {
          restart: false
        })
      );
      const run = page.locator('.jp-Trail-ReplayRun');
      await expect(
        run.locator('.jp-Trail-ReplayRun-strict input')
      ).toBeChecked();
      // Paused, it would wait at step 2 for Continue.
      await expect(run.locator('.jp-Trail-ReplayRun-status')).toHaveAttribute(
        'data-state',
        'finished',
        { timeout: 60000 }
      );
      const step = (k: number) =>
        run.locator(`.jp-Trail-ReplayRun-step[data-step="${k}"]`);
      await expect(step(2)).toHaveAttribute('data-verdict', 'differs');
      await expect(step(3)).toHaveAttribute('data-verdict', 'same');
    });
  });
});
