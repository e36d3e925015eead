/**
 * What a two-person UI test needs beyond galata's own JupyterLab: people
 * and personal tokens made with the Trail server's admin CLI, and one more
 * JupyterLab per person, each pointed at the Trail server with its own
 * token through its environment, as a team deployment does.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { pythonNotebook } from './fixtures';
import { TRAIL_URL } from './trail-server';

const SERVER = path.resolve(
  __dirname,
  '..',
  '..',
  'server',
  'dist',
  'server',
  'index.js'
);
const UI_TESTS = path.resolve(__dirname, '..');

/** A person of the team with a personal token. */
export interface ITeamMember {
  id: string;
  name: string;
  displayName: string;
  token: string;
}

/** Runs the server's admin CLI on its data folder; resolves with its JSON answer. */
async function admin(dataDir: string, args: string[]): Promise<any> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    SERVER,
    ...args,
    '--data',
    dataDir,
    '--json'
  ]);
  return JSON.parse(stdout);
}

/** Adds a member and issues their token, as an administrator would. */
export async function addMember(
  dataDir: string,
  name: string,
  displayName: string
): Promise<ITeamMember> {
  const user = await admin(dataDir, [
    'users',
    'add',
    name,
    '--display-name',
    displayName
  ]);
  const { token } = await admin(dataDir, ['tokens', 'issue', name]);
  return { id: user.id, name, displayName, token };
}

/** One person's own JupyterLab, recording to the shared Trail server. */
export class PersonalLab {
  readonly rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trail-team-lab-'));
  readonly url: string;
  private proc: ChildProcess | null = null;

  constructor(
    readonly port: number,
    readonly member: ITeamMember
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const proc = spawn(
      'jupyter',
      [
        'lab',
        '--config',
        'jupyter_server_test_config.py',
        `--port=${this.port}`,
        `--ServerApp.root_dir=${this.rootDir}`,
        // Settings (a theme) and workspaces of one's own, as on one's machine.
        `--LabApp.user_settings_dir=${fs.mkdtempSync(path.join(os.tmpdir(), 'trail-team-settings-'))}`,
        `--LabApp.workspaces_dir=${fs.mkdtempSync(path.join(os.tmpdir(), 'trail-team-workspaces-'))}`,
        '--no-browser'
      ],
      {
        cwd: UI_TESTS,
        env: { ...process.env, TRAIL_URL, TRAIL_TOKEN: this.member.token },
        stdio: ['ignore', 'ignore', 'pipe']
      }
    );
    this.proc = proc;
    let log = '';
    proc.stderr?.on('data', chunk => {
      log = (log + chunk.toString()).slice(-4000);
    });
    const deadline = Date.now() + 90000;
    for (;;) {
      if (proc.exitCode !== null) {
        throw new Error(`JupyterLab for ${this.member.name} exited: ${log}`);
      }
      try {
        const response = await fetch(`${this.url}/api/status`);
        if (response.ok) {
          return;
        }
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        throw new Error(
          `JupyterLab for ${this.member.name} did not start: ${log}`
        );
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) {
      return;
    }
    const exited = new Promise(resolve => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await Promise.race([
      exited,
      new Promise(resolve => setTimeout(resolve, 10000))
    ]);
    if (proc.exitCode === null) {
      proc.kill('SIGKILL');
    }
  }

  /** Writes a notebook into this JupyterLab's folder (cells with fixed ids). */
  async writeNotebook(
    notebookPath: string,
    cells: { id: string; source: string }[],
    metadata: Record<string, unknown> = {}
  ): Promise<void> {
    const folder = path.dirname(notebookPath);
    if (folder !== '.') {
      await this.contents(folder, { type: 'directory' });
    }
    await this.contents(notebookPath, {
      type: 'notebook',
      format: 'json',
      content: pythonNotebook(cells, {
        language_info: { name: 'python' },
        ...metadata
      })
    });
  }

  /** Opens JupyterLab in a fresh browser context of its own. */
  async open(
    browser: Browser
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      viewport: { width: 1400, height: 1000 }
    });
    const page = await context.newPage();
    await page.goto(`${this.url}/lab`);
    await page.waitForFunction(() => {
      const app = (window as any).jupyterapp;
      return !!app && !!document.querySelector('#jp-trail-sidebar');
    });
    await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
    return { context, page };
  }

  /** PUTs a contents-API model (a file, folder or notebook) at `target`. */
  async contents(target: string, body: unknown): Promise<void> {
    const response = await fetch(`${this.url}/api/contents/${target}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    });
    if (!response.ok) {
      throw new Error(
        `PUT ${target}: HTTP ${response.status} ${await response.text()}`
      );
    }
  }
}

/** Opens a notebook in the page and waits for its Python kernel to be idle. */
export async function openNotebook(
  page: Page,
  notebookPath: string
): Promise<void> {
  await page.evaluate(async notebookPath => {
    const app = (window as any).jupyterapp;
    const panel = await app.commands.execute('docmanager:open', {
      path: notebookPath,
      factory: 'Notebook',
      kernel: { name: 'python3' }
    });
    await panel.context.ready;
    await panel.sessionContext.ready;
  }, notebookPath);
  await page.waitForFunction(() => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    return panel?.sessionContext?.session?.kernel?.status === 'idle';
  });
}

/** Runs one cell of the notebook shown (after setting its code, if given). */
export async function runCell(
  page: Page,
  index: number,
  source?: string
): Promise<void> {
  await page.evaluate(
    async ({ index, source }) => {
      const app = (window as any).jupyterapp;
      const panel = app.shell.currentWidget;
      const notebook = panel.content;
      const cell = notebook.widgets[index];
      if (source !== undefined) {
        cell.model.sharedModel.setSource(source);
      }
      notebook.activeCellIndex = index;
      await app.commands.execute('notebook:run-cell');
    },
    { index, source }
  );
}
