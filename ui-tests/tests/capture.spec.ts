import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { expect, openTrail, PYTHON, pythonNotebook, test } from './fixtures';
import type { TrailServerProcess } from './trail-server';

/** Where the screenshots of the capture views go (looked at by people). */
const SHOTS = path.resolve(__dirname, '..', 'test-results', 'screenshots');

const CSV =
  'sepal_length,sepal_width,species\n5.1,3.5,setosa\n4.9,3.0,setosa\n6.2,3.4,virginica\n';

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

/**
 * The `index`-th stored execution of the test's folder, once the server
 * has `sha256` for its file `file` (hashes may come in a later capture).
 */
async function storedWithHash(
  trail: TrailServerProcess,
  dir: string,
  index: number,
  file: string,
  sha256: string
): Promise<any> {
  let execution: any = null;
  await expect
    .poll(
      async () => {
        const summary = (await trail.executionsOf(dir))[index];
        execution = summary
          ? await trail.api(`/executions/${summary.id}`)
          : null;
        return (
          execution?.capture?.files?.find((f: any) => f.path === file)
            ?.sha256 ?? null
        );
      },
      { timeout: 30000 }
    )
    .toBe(sha256);
  return execution;
}

async function shoot(page: IJupyterLabPageFixture, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  // A wider side panel than the default, as people use it for details.
  await page.evaluate(() => {
    const split = (window as any).jupyterapp.shell._hsplitPanel;
    split?.setRelativeSizes?.([0.3, 0.7, 0]);
  });
  await page.waitForTimeout(200);
  await page
    .locator('#jp-trail-sidebar')
    .screenshot({ path: path.join(SHOTS, name) });
}

test.describe('kernel capture', () => {
  test.use({ viewport: { width: 1400, height: 1000 } });

  test('a pandas CSV read shows its fingerprint and schema, the metric, and the environment', async ({
    page,
    trail,
    tmpPath
  }) => {
    const sha256 = createHash('sha256').update(CSV).digest('hex');
    await page.contents.uploadContent(CSV, 'text', `${tmpPath}/iris.csv`);
    await page.notebook.createNew(`capture-${Date.now()}.ipynb`, PYTHON);
    await runCode(
      page,
      0,
      'import pandas as pd\nimport trail\n' +
        'df = pd.read_csv("iris.csv")\n' +
        'trail.log_param("model", "mean")\n' +
        // One line: the editor would indent a block as it is typed.
        '_ = [trail.log_metric("loss", 1.0 / (s + 1), step=s) for s in range(4)]\n' +
        'trail.log_metric("accuracy", 0.9)\n' +
        'df.shape'
    );

    // The server has the capture: the file with its hash and schema, the metrics.
    const execution = await storedWithHash(
      trail,
      tmpPath,
      0,
      'iris.csv',
      sha256
    );
    const file = execution.capture.files.find(
      (f: any) => f.path === 'iris.csv'
    );
    expect(file).toMatchObject({
      access: 'read',
      kind: 'file',
      size: CSV.length
    });
    expect(file.schema.columns.map((c: any) => c.name)).toEqual([
      'sepal_length',
      'sepal_width',
      'species'
    ]);
    expect(execution.capture.params).toEqual({ model: 'mean' });
    expect(
      execution.capture.metrics.map((m: any) => [m.name, m.step ?? null])
    ).toEqual([
      ['loss', 0],
      ['loss', 1],
      ['loss', 2],
      ['loss', 3],
      ['accuracy', null]
    ]);
    // Nothing of the helper shows in the notebook: one output, count 1.
    expect(execution.executionCount).toBe(1);
    expect(execution.outputs).toHaveLength(1);
    // The session's environment lists pandas.
    await expect
      .poll(
        async () =>
          (await trail.api(`/sessions/${execution.sessionId}`)).environments
            ?.length ?? 0,
        {
          timeout: 30000
        }
      )
      .toBeGreaterThan(0);
    const session = await trail.api(`/sessions/${execution.sessionId}`);
    const environment = await trail.api(
      `/environments/${session.environments[0].id}`
    );
    expect(environment.packages.map((p: any) => p.name)).toContain('pandas');

    // The panel: the execution's file, schema and metric.
    await openTrail(page);
    await page
      .locator(
        `.jp-Trail-SessionItem[data-session-id="${execution.sessionId}"]`
      )
      .click();
    const item = page.locator(
      `.jp-Trail-ExecutionItem[data-execution-id="${execution.id}"]`
    );
    await expect(item.locator('.jp-Trail-CaptureSummary')).toHaveText(
      '1 file · 1 param · 2 metrics'
    );
    await item.click();
    const fileRow = page.locator('.jp-Trail-File[data-path="iris.csv"]');
    await expect(fileRow.locator('.jp-Trail-Hash code')).toHaveText(
      sha256.slice(0, 12)
    );
    await expect(fileRow.locator('.jp-Trail-Hash code')).toHaveAttribute(
      'title',
      `sha256 ${sha256}`
    );
    await fileRow.locator('summary').click();
    await expect(fileRow.locator('.jp-Trail-SchemaTable th')).toHaveText([
      'sepal_length',
      'sepal_width',
      'species'
    ]);
    const loss = page.locator('.jp-Trail-MetricRow[data-metric="loss"]');
    await expect(loss.locator('.jp-Trail-MetricValue')).toHaveText('0.25');
    await expect(loss.locator('svg.jp-Trail-Sparkline')).toBeVisible();
    await expect(
      page.locator('.jp-Trail-MetricRow[data-metric="accuracy"]')
    ).toContainText('0.9');

    // The data changes and the cell runs again: its file is marked changed,
    // against the first run.
    const CHANGED = `${CSV}5.9,3.0,virginica\n`;
    await page.contents.uploadContent(CHANGED, 'text', `${tmpPath}/iris.csv`);
    await page.notebook.activate(path.basename(execution.notebookPath));
    await page.notebook.runCell(0, true);
    const changedSha = createHash('sha256').update(CHANGED).digest('hex');
    const second = await storedWithHash(
      trail,
      tmpPath,
      1,
      'iris.csv',
      changedSha
    );
    const previous = await trail.api(`/executions/${second.id}/previous`);
    expect(previous.execution.id).toBe(execution.id);
    await page.evaluate(
      id => (window as any).jupyterapp.commands.execute('trail:refresh'),
      null
    );
    await page
      .locator('#jp-trail-sidebar')
      .getByRole('button', { name: 'Back' })
      .click();
    await page
      .locator(`.jp-Trail-ExecutionItem[data-execution-id="${second.id}"]`)
      .click();
    const changedRow = page.locator('.jp-Trail-File[data-path="iris.csv"]');
    await expect(changedRow).toHaveAttribute('data-change', 'changed');
    await expect(changedRow.locator('.jp-Trail-ChangeBadge')).toHaveText(
      'changed'
    );
    await expect(changedRow.locator('.jp-Trail-Hash code')).toHaveText(
      changedSha.slice(0, 12)
    );
    await expect(page.locator('.jp-Trail-PreviousRun')).toHaveText(
      'vs. previous run [1]'
    );
    await changedRow.locator('summary').click();

    await page.theme.setLightTheme();
    await shoot(page, 'execution-light.png');
    await page.theme.setDarkTheme();
    await shoot(page, 'execution-dark.png');

    // The session's environment, with pandas in its package list.
    await page
      .locator('#jp-trail-sidebar')
      .getByRole('button', { name: 'Back' })
      .click();
    await page.locator('.jp-Trail-Environment .jp-Trail-Disclosure').click();
    await page.locator('.jp-Trail-Search').fill('pandas');
    await expect(
      page.locator('.jp-Trail-PackageTable tr[data-package="pandas"]')
    ).toBeVisible();
    await page.locator('.jp-Trail-Search').fill('');
    await shoot(page, 'environment-dark.png');
    await page.theme.setLightTheme();
    await shoot(page, 'environment-light.png');
  });

  test('a large file hashed after its cell ended shows its hash, not "hashing…"', async ({
    page,
    trail,
    tmpPath
  }) => {
    // Over the 1 MiB hashed before the cell ends: the hash comes later, in
    // an annotation of the stored execution.
    const size = 3_000_000;
    const sha256 = createHash('sha256')
      .update(Buffer.alloc(size, 'x'))
      .digest('hex');
    await page.notebook.createNew(`bigfile-${Date.now()}.ipynb`, PYTHON);
    await runCode(page, 0, `open("big.bin", "wb").write(b"x" * ${size})`);
    const execution = await storedWithHash(
      trail,
      tmpPath,
      0,
      'big.bin',
      sha256
    );
    expect(execution.capture.files[0]).toMatchObject({
      path: 'big.bin',
      access: 'write',
      size
    });
    expect(execution.capture.files[0].hashPending).toBeUndefined();

    await openTrail(page);
    await page
      .locator(
        `.jp-Trail-SessionItem[data-session-id="${execution.sessionId}"]`
      )
      .click();
    await page
      .locator(`.jp-Trail-ExecutionItem[data-execution-id="${execution.id}"]`)
      .click();
    const row = page.locator('.jp-Trail-File[data-path="big.bin"]');
    await expect(row.locator('.jp-Trail-Hash code')).toHaveText(
      sha256.slice(0, 12)
    );
    await expect(row.locator('.jp-Trail-ChangeBadge')).toHaveCount(0);
  });

  test("a session's environment shows the notebook's git state and compares with another session", async ({
    page,
    trail,
    tmpPath
  }) => {
    // A first notebook makes its folder a repository with an uncommitted change.
    await page.notebook.createNew(`setup-${Date.now()}.ipynb`, PYTHON);
    const git = 'git -c user.email=t@example.com -c user.name=T';
    await runCode(
      page,
      0,
      'import subprocess\n' +
        `subprocess.run("git init -q -b main && ${git} commit -q --allow-empty -m init && ` +
        `echo 'threshold = 0.5' > params.py && git add params.py && ${git} commit -q -m params && ` +
        `echo 'threshold = 0.7' > params.py", shell=True, check=True).returncode`
    );
    await expect
      .poll(async () => (await trail.executionsOf(tmpPath)).length, {
        timeout: 20000
      })
      .toBe(1);
    const [setup] = await trail.executionsOf(tmpPath);

    // A second notebook's kernel starts inside the repository.
    const notebook = pythonNotebook([{ id: 'train', source: '' }]);
    await page.contents.uploadContent(
      JSON.stringify(notebook),
      'text',
      `${tmpPath}/train.ipynb`
    );
    await page.notebook.openByPath(`${tmpPath}/train.ipynb`);
    await page.notebook.activate('train.ipynb');
    await runCode(
      page,
      0,
      'import trail\ntrail.tag("tuned")\ntrail.log_param("threshold", 0.7)'
    );
    await expect
      .poll(
        async () =>
          (await trail.executionsOf(tmpPath)).find(
            e => e.sessionId !== setup.sessionId
          )?.capture?.tags ?? null,
        {
          timeout: 30000
        }
      )
      .toEqual(['tuned']);
    const train = (await trail.executionsOf(tmpPath)).find(
      e => e.sessionId !== setup.sessionId
    );
    await expect
      .poll(
        async () =>
          (await trail.api(`/sessions/${train.sessionId}`)).environments
            ?.length ?? 0,
        {
          timeout: 30000
        }
      )
      .toBeGreaterThan(0);
    const session = await trail.api(`/sessions/${train.sessionId}`);
    const environment = await trail.api(
      `/environments/${session.environments[0].id}`
    );
    expect(environment.git).toMatchObject({ branch: 'main', dirty: true });
    expect(environment.git.diff).toContain('+threshold = 0.7');

    await openTrail(page);
    await page
      .locator(`.jp-Trail-SessionItem[data-session-id="${train.sessionId}"]`)
      .click();
    await page.locator('.jp-Trail-Environment .jp-Trail-Disclosure').click();
    await expect(page.locator('.jp-Trail-Git')).toContainText(
      'uncommitted changes'
    );
    await page.locator('.jp-Trail-DiffToggle').click();
    await expect(page.locator('.jp-Trail-Diff .jp-mod-added')).toContainText(
      '+threshold = 0.7'
    );
    // Compare with the setup notebook's session, started outside the repository.
    const select = page.locator('.jp-Trail-CompareSelect');
    await select.focus();
    await expect(
      select.locator(`option[value="${setup.sessionId}"]`)
    ).toHaveCount(1);
    await select.selectOption(setup.sessionId);
    await expect(
      page.locator('.jp-Trail-EnvDiff-field').filter({ hasText: 'Git branch' })
    ).toContainText('main');
    await page.theme.setLightTheme();
    await shoot(page, 'environment-git-light.png');
    await page.theme.setDarkTheme();
    await shoot(page, 'environment-git-dark.png');
    await page.theme.setLightTheme();
  });
});
