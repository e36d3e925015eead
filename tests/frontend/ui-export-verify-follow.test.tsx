/**
 * The Verify section when the folder is already being verified (the
 * handler's 409, e.g. from another tab): it says so with the time that
 * verification started and follows its phases to its report, instead of
 * failing. And Cancel while a verification runs: the verifier is asked to
 * stop it (DELETE /trail/verify, met at its seam) and its answer (exit 130)
 * reads as cancelled.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import {
  ExportModel,
  IPipelineVerifier,
  IVerifyDocument,
  IVerifyStatus,
  VerifyBusyError,
  VerifyModel
} from '../../src/model/export';
import { ExportWidget } from '../../src/ui/export';
import { memoryContents, sampleResult } from './export-support';
import { waitFor } from './ui-wait';

const trans = nullTranslator.load('jupyterlab-trail');
const FOLDER = 'work/pipelines/train-2026-12-06';

const REPRODUCED: IVerifyDocument = {
  folder: `/root/${FOLDER}`,
  outcome: 'reproduced',
  exitCode: 0,
  report: {
    environment: { installed: true, requirements: 0 },
    run: { exitCode: 0, durationMs: 300, stderr: '' },
    files: [
      {
        path: 'model.pkl',
        recorded: 'a'.repeat(64),
        reproduced: 'a'.repeat(64),
        same: true
      }
    ],
    metrics: [],
    reproduced: true,
    durationMs: 1200
  }
};

describe('the Verify section: a folder already being verified, and Cancel', () => {
  const widgets: Widget[] = [];
  afterEach(() => widgets.splice(0).forEach(w => w.dispose()));

  async function mount(verifier: IPipelineVerifier) {
    const model = new ExportModel({
      sessionId: 'sess-abc123',
      notebookPath: 'work/train.ipynb',
      folder: FOLDER,
      exporter: { exportPipeline: async () => sampleResult() },
      contents: memoryContents()
    });
    const verifyModel = new VerifyModel({
      folder: model.folder,
      verifier,
      pollMs: 10
    });
    const widget = new ExportWidget({ model, trans, verify: verifyModel });
    Widget.attach(widget, document.body);
    widgets.push(widget);
    const $ = (s: string) => widget.node.querySelector(s);
    await model.run();
    await waitFor(() => $('.jp-Trail-Export-verifyButton'));
    return { $, verifyModel };
  }

  it('a 409 says since when the folder is being verified, follows its phases and shows its report', async () => {
    // 09:05 UTC, shown in the user's own time zone.
    const startedAt = '2026-12-07T09:05:30.000Z';
    const local = new Date(startedAt);
    const hhmm = `${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}`;
    let server: IVerifyStatus = {
      running: true,
      phase: 'install',
      startedAt,
      seen: ['venv', 'install']
    };
    let posts = 0;
    const ui = await mount({
      verify: async () => {
        posts++;
        throw new VerifyBusyError(server);
      },
      status: async folder => {
        expect(folder).toBe(FOLDER);
        return server;
      }
    });
    (ui.$('.jp-Trail-Export-verifyButton') as HTMLElement).click();
    const following = await waitFor(() =>
      ui.$('.jp-Trail-Export-verifyFollowing')
    );
    expect(following.textContent).toContain(
      `This folder is already being verified (started ${hhmm})`
    );
    // Not a failure: no error, the phases of that verification.
    expect(ui.$('.jp-Trail-Export-verify .jp-Trail-Export-error')).toBeNull();
    await waitFor(() => ui.$('li[data-phase="install"][data-state="current"]'));
    server = {
      running: true,
      phase: 'run',
      startedAt,
      seen: ['venv', 'install', 'run']
    };
    await waitFor(() => ui.$('li[data-phase="run"][data-state="current"]'));
    expect(ui.$('li[data-phase="install"]')!.getAttribute('data-state')).toBe(
      'done'
    );
    server = { running: false, last: REPRODUCED };
    await waitFor(() => ui.$('.jp-Trail-Export-verifyReport'));
    expect(ui.$('.jp-Trail-Export-verifyFollowing')).toBeNull();
    expect(ui.$('.jp-Trail-Export-verifySummary')!.textContent).toContain(
      'Reproduced'
    );
    expect(
      ui.$('tr[data-file="model.pkl"]')!.getAttribute('data-verdict')
    ).toBe('reproduced');
    expect(posts).toBe(1);
  });

  it('Cancel asks the verifier to stop the folder’s verification; its exit 130 reads as cancelled', async () => {
    let answer!: (document: IVerifyDocument) => void;
    const cancelled: string[] = [];
    const ui = await mount({
      verify: () =>
        new Promise<IVerifyDocument>(resolve => {
          answer = resolve;
        }),
      // Nothing to install: the server went from venv to run.
      status: async () => ({
        running: true,
        phase: 'run',
        seen: ['venv', 'run']
      }),
      cancel: async folder => {
        cancelled.push(folder);
        answer({
          folder: `/root/${FOLDER}`,
          exitCode: 130,
          error: { message: 'verification interrupted', exitCode: 130 }
        });
      }
    });
    // Nothing to cancel before it runs.
    expect(ui.$('.jp-Trail-Export-cancelVerify')).toBeNull();
    (ui.$('.jp-Trail-Export-verifyButton') as HTMLElement).click();
    const cancel = await waitFor(() => ui.$('.jp-Trail-Export-cancelVerify'));
    const install = await waitFor(() =>
      ui.$('li[data-phase="install"][data-state="skipped"]')
    );
    expect(install.textContent).toContain('nothing to do');
    expect(ui.$('li[data-phase="venv"]')!.getAttribute('data-state')).toBe(
      'done'
    );
    (cancel as HTMLElement).click();
    await waitFor(() => ui.$('.jp-Trail-Export-verifyCancelled'));
    expect(cancelled).toEqual([FOLDER]);
    expect(ui.verifyModel.state).toBe('cancelled');
    expect(ui.$('.jp-Trail-Export-cancelVerify')).toBeNull();
    expect(ui.$('.jp-Trail-Export-verifyReport')).toBeNull();
    expect(ui.$('.jp-Trail-Export-verifyButton')!.textContent).toBe(
      'Verify again'
    );
  });
});
