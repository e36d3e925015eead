/**
 * The preflight of "Replay in my kernel" end to end: a recorded session in
 * a real Trail server process, the probe run by a silent request in a real
 * ipykernel (the installed jupyterlab_trail package's probe), the server's
 * report read by the real client; and each way it fails.
 */
import type { Kernel } from '@jupyterlab/services';
import { createHash } from 'crypto';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { TrailClient } from '../../src/client';
import {
  PreflightModel,
  ProbeError,
  parseProbeOutput,
  probeCode,
  runProbe
} from '../../src/model/replay-run';
import { buildServer, CLI, startServer } from '../server/support/process';
import type { RunningServer } from '../server/support/process';
import { IRealKernel, startKernel } from './recorder/jupyter-server';

jest.setTimeout(90000);

const TOKEN = 'preflight-owner-token';
const RECORDED = 'a,b\n1,2\n';
const CHANGED = 'a,b,c\n1,2,3\n';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('preflight with a real kernel and a real Trail server', () => {
  let real: IRealKernel | undefined;
  let kernel: Kernel.IKernelConnection;
  let server: RunningServer | undefined;
  let client: TrailClient;
  let dataDir: string;
  const sessionId = 'a0000000-0000-4000-8000-00000000000a';

  const silent = async (code: string) => {
    await kernel.requestExecute({ code, silent: true, store_history: false })
      .done;
  };

  beforeAll(async () => {
    if (!existsSync(CLI)) {
      buildServer();
    }
    dataDir = mkdtempSync(join(tmpdir(), 'trail-preflight-'));
    [server, real] = await Promise.all([
      startServer(dataDir, TOKEN),
      startKernel('python3')
    ]);
    kernel = real.kernel;
    await kernel.info;
    client = new TrailClient({ baseUrl: server.line.url, token: TOKEN });
    const start = Date.parse('2026-03-01T10:00:00.000Z');
    await client.ingest({
      events: [
        {
          id: 'event-session-start',
          kind: 'session.started',
          session: {
            id: sessionId,
            notebookPath: 'alice/analysis.ipynb',
            startedAt: new Date(start).toISOString(),
            kernel: { name: 'python3', language: 'python' }
          }
        },
        ...[1, 2].map(seq => ({
          id: `event-execution-${seq}`,
          kind: 'execution.completed' as const,
          execution: {
            id: `execution-000${seq}`,
            sessionId,
            seq,
            notebookPath: 'alice/analysis.ipynb',
            cellId: `cell-${seq}`,
            code: seq === 1 ? 'x = 1' : "open('data.csv').read()",
            executionCount: seq,
            status: 'ok' as const,
            startedAt: new Date(start + seq * 1000).toISOString(),
            endedAt: new Date(start + seq * 1000 + 10).toISOString(),
            durationMs: 10,
            timing: 'kernel' as const,
            outputs: [],
            ...(seq === 2
              ? {
                  capture: {
                    files: [
                      {
                        path: 'data.csv',
                        access: 'read' as const,
                        kind: 'file' as const,
                        size: RECORDED.length,
                        sha256: sha(RECORDED)
                      },
                      {
                        path: 'gone.csv',
                        access: 'read' as const,
                        kind: 'file' as const,
                        sha256: sha('gone')
                      }
                    ]
                  }
                }
              : {})
          }
        }))
      ]
    });
  });

  afterAll(async () => {
    await Promise.all([real?.stop(), server?.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const preflight = (options: Partial<PreflightModel.IOptions> = {}) =>
    new PreflightModel({
      sessionId,
      step: 2,
      server: client,
      probe: paths => runProbe(kernel, paths),
      ...options
    });

  it('the probe answers what the kernel sees of each path', async () => {
    await silent(`open('data.csv', 'w').write(${JSON.stringify(RECORDED)})`);
    const answer = await runProbe(kernel, ['data.csv', 'gone.csv']);
    expect(answer.files).toEqual([
      expect.objectContaining({
        path: 'data.csv',
        exists: true,
        sha256: sha(RECORDED),
        size: RECORDED.length
      }),
      { path: 'gone.csv', exists: false }
    ]);
    expect(answer.environment?.language.name).toBe('python');
  });

  it('reports the same file as same, then a changed one as changed', async () => {
    await silent(`open('data.csv', 'w').write(${JSON.stringify(RECORDED)})`);
    const first = preflight();
    const phases: string[] = [];
    first.changed.connect(() => phases.push(first.phase));
    await first.run();
    expect(phases).toEqual(['inputs', 'probe', 'compare', 'ready']);
    expect(first.report?.files.map(file => [file.path, file.state])).toEqual([
      ['data.csv', 'same'],
      ['gone.csv', 'missing']
    ]);

    await silent(`open('data.csv', 'w').write(${JSON.stringify(CHANGED)})`);
    const second = preflight();
    await second.run();
    expect(second.phase).toBe('ready');
    expect(second.report?.files.map(file => [file.path, file.state])).toEqual([
      ['data.csv', 'changed'],
      ['gone.csv', 'missing']
    ]);
    expect(second.report?.ready).toBe(false);
    expect(second.differences).toBeGreaterThanOrEqual(2);
    expect(second.inputs?.inputs.map(input => input.step)).toEqual([2, 2]);
  });

  it('without a kernel it fails as no-kernel (the view offers to start one)', async () => {
    const model = preflight({ probe: paths => runProbe(null, paths) });
    await model.run();
    expect(model.phase).toBe('error');
    expect(model.error?.kind).toBe('no-kernel');
    expect(model.report).toBeNull();
  });

  it('an unknown session or a step past the end is not found', async () => {
    const unknown = preflight({
      sessionId: 'b0000000-0000-4000-8000-00000000000b'
    });
    await unknown.run();
    expect(unknown.error?.kind).toBe('not-found');
    const past = preflight({ step: 3 });
    await past.run();
    expect(past.error?.kind).toBe('not-found');
  });

  it('an unreachable server is told apart', async () => {
    const model = preflight({
      server: new TrailClient({
        baseUrl: 'http://127.0.0.1:9',
        token: TOKEN,
        timeoutMs: 2000
      })
    });
    await model.run();
    expect(model.error?.kind).toBe('unreachable');
    expect(model.error?.message).toMatch(/could not be reached/);
  });
});

describe('the probe request', () => {
  it('keeps every path inside its JSON literal', () => {
    const nasty = ['a"; import os; os.remove("x") #', "b'\n\\c"];
    const code = probeCode(nasty);
    expect(code).toContain(JSON.stringify(JSON.stringify(nasty)));
    expect(code).not.toContain('\nimport os');
  });

  it('reads the marked answer among other printed lines', () => {
    const answer = { files: [{ path: 'x.csv', exists: false }] };
    const text =
      'noise\n{"files": "not this"}\n' +
      `\u001etrail-probe ${JSON.stringify(answer)}\n`;
    expect(parseProbeOutput(text)).toEqual(answer);
    expect(parseProbeOutput('nothing here\n')).toBeNull();
  });

  it('a kernel that cannot probe is "unsupported"', async () => {
    const fake = {
      isDisposed: false,
      status: 'idle',
      requestExecute: () => {
        const future = {
          onIOPub: (_: unknown) => undefined,
          done: Promise.resolve().then(() => {
            future.onIOPub({
              header: { msg_type: 'error' },
              content: {
                ename: 'ModuleNotFoundError',
                evalue: "No module named 'jupyterlab_trail'",
                traceback: []
              }
            });
          }),
          isDisposed: false,
          dispose: () => undefined
        };
        return future;
      }
    } as unknown as Kernel.IKernelConnection;
    await expect(runProbe(fake, ['x'])).rejects.toMatchObject({
      reason: 'unsupported'
    });
    await expect(runProbe(fake, ['x'])).rejects.toBeInstanceOf(ProbeError);
  });
});
