/**
 * A real Trail server for the UI tests, on the fixed loopback port that
 * jupyter_server_test_config.py points JupyterLab at. The tests stop and
 * restart it to prove that nothing recorded during an outage is lost.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const TRAIL_URL = 'http://127.0.0.1:8765';
export const TRAIL_TOKEN = 'trail-ui-test-token';
const SERVER = path.resolve(
  __dirname,
  '..',
  '..',
  'server',
  'dist',
  'server',
  'index.js'
);

export class TrailServerProcess {
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trail-ui-data-'));
  private proc: ChildProcess | null = null;

  async start(): Promise<void> {
    if (this.proc) {
      return;
    }
    const proc = spawn(
      process.execPath,
      [
        SERVER,
        '--host',
        '127.0.0.1',
        '--port',
        '8765',
        '--data',
        this.dataDir,
        '--token',
        TRAIL_TOKEN
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        // The export's code analysis runs in the project's Python, as the
        // Python package that starts the server in production sets it.
        env: {
          ...process.env,
          TRAIL_PYTHON:
            process.env.TRAIL_PYTHON ||
            path.resolve(__dirname, '..', '..', '.venv', 'bin', 'python')
        }
      }
    );
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      const onData = (chunk: Buffer) => {
        buffered += chunk.toString();
        if (buffered.includes('"listening"')) {
          proc.stdout?.off('data', onData);
          resolve();
        }
      };
      proc.stdout?.on('data', onData);
      proc.once('exit', code =>
        reject(new Error(`Trail server exited with ${code}`))
      );
    });
  }

  /** Stops the server; `kill` sends SIGKILL (a crash) instead of SIGTERM. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = this.proc;
    if (!proc) {
      return;
    }
    this.proc = null;
    const exited = new Promise(resolve => proc.once('exit', resolve));
    proc.kill(signal);
    await exited;
  }

  async api<T = any>(route: string): Promise<T> {
    const response = await fetch(`${TRAIL_URL}/api/v1${route}`, {
      headers: { Authorization: `Bearer ${TRAIL_TOKEN}` }
    });
    if (!response.ok) {
      throw new Error(
        `${route}: HTTP ${response.status} ${await response.text()}`
      );
    }
    return (await response.json()) as T;
  }

  /** Sends a request with a JSON body (or none) as `token` (the owner's by default). */
  async send<T = any>(
    method: string,
    route: string,
    body?: unknown,
    token: string = TRAIL_TOKEN
  ): Promise<T> {
    const response = await fetch(`${TRAIL_URL}/api/v1${route}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' })
      },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    if (!response.ok) {
      throw new Error(
        `${method} ${route}: HTTP ${response.status} ${await response.text()}`
      );
    }
    return (await response.json()) as T;
  }

  /** Stores events as a recorder would (POST /events). */
  ingest(events: unknown[], token: string = TRAIL_TOKEN): Promise<any> {
    return this.send('POST', '/events', { events }, token);
  }

  /** Every execution recorded for notebooks under the folder `folder`. */
  async executionsOf(folder: string): Promise<any[]> {
    const sessions: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await this.api(
        `/sessions?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
      );
      sessions.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const executions: any[] = [];
    for (const s of sessions.filter(s =>
      s.notebookPath.startsWith(`${folder}/`)
    )) {
      let c: string | null = null;
      do {
        const page: any = await this.api(
          `/sessions/${s.id}/executions?limit=200${c ? `&cursor=${encodeURIComponent(c)}` : ''}`
        );
        executions.push(...page.items);
        c = page.nextCursor;
      } while (c);
    }
    return executions.sort(
      (a, b) => a.startedAt.localeCompare(b.startedAt) || a.seq - b.seq
    );
  }
}
