/**
 * Exporting from the panel (#15, contract E), the model half: the default
 * folder and the API's relative one, the report's grouping and "how to run"
 * read from a README the real pipeline writer made, and the folder written
 * through a real jupyter server's Contents API (parents made, a non-empty
 * folder refused unless replaced, replaced whole, nothing left half-written
 * when a write fails). The export API is met at its seam.
 */
import { ContentsManager, ServerConnection } from '@jupyterlab/services';
import type { Contents } from '@jupyterlab/services';
import { TrailResponseError } from '../../src/client/errors';
import { answerProblem } from '../../src/client/response-schemas';
import {
  defaultExportFolder,
  describeTarget,
  ExportModel,
  ExportRequest,
  ExportResult,
  folderFromNotebook,
  folderState,
  groupDropped,
  howToRun,
  notebookStem,
  untranslatedOf,
  writeExportFolder
} from '../../src/model/export';
import { sampleResult } from './export-support';
import { IJupyterServer, startJupyterServer } from './recorder/jupyter-server';

jest.setTimeout(60000);

describe('export folder names', () => {
  const day = new Date(2026, 11, 6, 23, 30);

  it('puts the pipeline beside the notebook, named after it and the day', () => {
    expect(defaultExportFolder('work/train.ipynb', day)).toBe(
      'work/pipelines/train-2026-12-06'
    );
    expect(defaultExportFolder('train.ipynb', day)).toBe(
      'pipelines/train-2026-12-06'
    );
    expect(defaultExportFolder('a\\b\\My Run.IPYNB', day)).toBe(
      'a/b/pipelines/My Run-2026-12-06'
    );
    expect(notebookStem('')).toBe('notebook');
  });

  it('gives the API the folder relative to the notebook’s folder', () => {
    expect(
      folderFromNotebook('work/train.ipynb', 'work/pipelines/train-1')
    ).toBe('pipelines/train-1');
    expect(folderFromNotebook('work/train.ipynb', '/out/p/')).toBe('../out/p');
    expect(folderFromNotebook('train.ipynb', 'p')).toBe('p');
    expect(folderFromNotebook('work/train.ipynb', 'work')).toBe('.');
  });

  it('says what is exported', () => {
    expect(describeTarget({ kind: 'session' })).toBe('the run');
    expect(describeTarget({ kind: 'session' }, 4)).toBe('the run up to step 4');
    expect(describeTarget({ kind: 'file', path: 'model.pkl' }, 4)).toBe(
      'what produced model.pkl'
    );
    expect(describeTarget({ kind: 'metric', name: 'acc' })).toBe(
      'what produced the metric acc'
    );
  });
});

describe('the report’s rules', () => {
  it('is tested on an answer the generated ExportResult validator accepts', () => {
    expect(answerProblem('ExportResult', sampleResult())).toBeNull();
  });

  it('groups dropped steps by reason, the failures first, each in step order', () => {
    const groups = groupDropped(sampleResult().dropped);
    expect(groups.map(g => [g.reason, g.steps.map(s => s.step)])).toEqual([
      ['failed', [3]],
      ['display', [2, 5]]
    ]);
  });

  it('lists only the magics left untranslated', () => {
    expect(untranslatedOf(sampleResult().translations)).toEqual([
      expect.objectContaining({ magic: '%load_ext foo', line: 7 })
    ]);
  });

  it('reads how to run each form from the pipeline’s own README', () => {
    const forms = howToRun(sampleResult(), 'work/pipelines/train 1');
    expect(forms.map(f => f.title)).toEqual(
      expect.arrayContaining(['Python', 'DVC', 'MLflow', 'Docker'])
    );
    for (const form of forms) {
      expect(form.lines[0]).toBe("cd 'work/pipelines/train 1'");
      expect(form.lines.every(line => !line.startsWith('```'))).toBe(true);
    }
    const python = forms.find(f => f.title === 'Python')!;
    expect(python.lines).toContain('python pipeline.py');
    expect(
      python.lines.some(l => l.startsWith('python pipeline.py --lr'))
    ).toBe(true);
    expect(forms.find(f => f.title === 'DVC')!.lines).toContain('dvc repro');
    expect(forms.find(f => f.title === 'MLflow')!.lines).toContain(
      'mlflow run . --env-manager local'
    );
    expect(
      forms
        .find(f => f.title === 'Docker')!
        .lines.some(l => l.startsWith('docker build'))
    ).toBe(true);
  });

  it('falls back to the script and the files present without a README', () => {
    const forms = howToRun({ files: [{ path: 'dvc.yaml', content: '' }] }, 'p');
    expect(forms).toEqual([
      { title: 'Python', lines: ['cd p', 'python pipeline.py'] },
      { title: 'DVC', lines: ['cd p', 'dvc repro'] }
    ]);
  });
});

describe('writing the pipeline folder through a real Contents API', () => {
  let server: IJupyterServer;
  let contents: ContentsManager;
  const files = [
    { path: 'pipeline.py', content: 'print("hi")\n' },
    { path: 'params.yaml', content: 'lr: 0.1\n' },
    { path: 'conf/extra.txt', content: 'x\n' }
  ];

  beforeAll(async () => {
    server = await startJupyterServer();
    contents = new ContentsManager({
      serverSettings: ServerConnection.makeSettings({
        baseUrl: server.baseUrl,
        token: server.token,
        fetch,
        Request,
        Headers
      })
    });
  });
  afterAll(async () => {
    contents?.dispose();
    await server?.stop();
  });

  const text = async (path: string) =>
    (await contents.get(path, { content: true, format: 'text' }))
      .content as string;
  const names = async (path: string) =>
    (
      ((await contents.get(path, { content: true })).content ??
        []) as Contents.IModel[]
    )
      .map(item => item.name)
      .sort();

  it('makes the missing parents and writes every file, reporting progress', async () => {
    const progress: string[] = [];
    const written = await writeExportFolder({
      contents,
      folder: 'new/pipelines/train-1/',
      files,
      onProgress: (done, total) => progress.push(`${done}/${total}`)
    });
    expect(written).toEqual([
      'new/pipelines/train-1/pipeline.py',
      'new/pipelines/train-1/params.yaml',
      'new/pipelines/train-1/conf/extra.txt'
    ]);
    expect(progress).toEqual(['0/3', '1/3', '2/3', '3/3']);
    expect(await text('new/pipelines/train-1/conf/extra.txt')).toBe('x\n');
    expect(await text('new/pipelines/train-1/pipeline.py')).toBe(
      'print("hi")\n'
    );
    // Nothing but the folder itself beside it.
    expect(await names('new/pipelines')).toEqual(['train-1']);
  });

  it('refuses a folder that is not empty, leaving it as it was', async () => {
    await contents.save('busy', { type: 'directory' });
    await contents.save('busy/mine.txt', {
      type: 'file',
      format: 'text',
      content: 'keep me'
    });
    expect(await folderState(contents, 'busy')).toEqual({
      kind: 'full',
      items: ['mine.txt']
    });
    await expect(
      writeExportFolder({ contents, folder: 'busy', files })
    ).rejects.toThrow(
      'The folder “busy” is not empty (1 items): nothing was written.'
    );
    expect(await names('busy')).toEqual(['mine.txt']);
    expect(await names('')).not.toContainEqual(
      expect.stringMatching(/trail-(partial|old)/)
    );
  });

  it('replaces a folder as a whole when told to', async () => {
    await contents.save('again', { type: 'directory' });
    await contents.save('again/old.txt', {
      type: 'file',
      format: 'text',
      content: 'old'
    });
    await writeExportFolder({
      contents,
      folder: 'again',
      files,
      replace: true
    });
    expect(await names('again')).toEqual([
      'conf',
      'params.yaml',
      'pipeline.py'
    ]);
    expect(await names('')).not.toContainEqual(
      expect.stringMatching(/trail-(partial|old)/)
    );
  });

  it('an empty folder is written into without asking', async () => {
    await contents.save('empty', { type: 'directory' });
    await writeExportFolder({ contents, folder: 'empty', files });
    expect(await names('empty')).toEqual([
      'conf',
      'params.yaml',
      'pipeline.py'
    ]);
  });

  it('a file in the way, or a file named outside the folder, stops it before anything is written', async () => {
    await contents.save('taken', {
      type: 'file',
      format: 'text',
      content: 'x'
    });
    await expect(
      writeExportFolder({ contents, folder: 'taken', files })
    ).rejects.toThrow('“taken” is a file, not a folder.');
    await expect(
      writeExportFolder({
        contents,
        folder: 'out',
        files: [{ path: '../escape.py', content: '' }]
      })
    ).rejects.toThrow('outside its folder');
    expect(await folderState(contents, 'out')).toEqual({ kind: 'missing' });
  });

  it('a write that fails halfway leaves neither the folder nor its staging copy', async () => {
    let saves = 0;
    const failing: typeof contents = Object.create(contents);
    failing.save = (path: string, options?: Partial<Contents.IModel>) => {
      if (options?.type === 'file' && ++saves === 2) {
        return Promise.reject(new Error('disk full'));
      }
      return contents.save(path, options);
    };
    await expect(
      writeExportFolder({ contents: failing, folder: 'half', files })
    ).rejects.toThrow(
      'Could not write the pipeline beside “half”: disk full. Nothing was written.'
    );
    expect(await folderState(contents, 'half')).toEqual({ kind: 'missing' });
    expect(await names('')).not.toContainEqual(
      expect.stringMatching(/trail-(partial|old)/)
    );
  });

  describe('ExportModel', () => {
    function exporter(answer: () => Promise<ExportResult>) {
      const asked: [string, ExportRequest][] = [];
      return {
        asked,
        exportPipeline: (sessionId: string, body: ExportRequest) => {
          asked.push([sessionId, body]);
          return answer();
        }
      };
    }

    it('asks the API for the slice, then writes its files, phase by phase', async () => {
      const result = sampleResult();
      const api = exporter(async () => result);
      const model = new ExportModel({
        sessionId: 'sess-abc123',
        notebookPath: 'work/train.ipynb',
        folder: 'work/pipelines/train-2026-12-06',
        upto: 6,
        target: { kind: 'file', path: 'model.txt' },
        exporter: api,
        contents
      });
      const phases: string[] = [];
      model.changed.connect(() => {
        if (phases[phases.length - 1] !== model.phase) {
          phases.push(model.phase);
        }
      });
      expect(await model.run()).toBe(true);
      expect(phases).toEqual(['exporting', 'writing', 'done']);
      expect(api.asked).toEqual([
        [
          'sess-abc123',
          {
            upto: 6,
            target: { kind: 'file', path: 'model.txt' },
            folder: 'pipelines/train-2026-12-06'
          }
        ]
      ]);
      expect(model.written).toHaveLength(result.files.length);
      expect(model.written).toContain(
        'work/pipelines/train-2026-12-06/pipeline.py'
      );
      expect(model.progress).toEqual({
        done: result.files.length,
        total: result.files.length
      });
      expect(await text('work/pipelines/train-2026-12-06/dvc.yaml')).toBe(
        result.files.find(f => f.path === 'dvc.yaml')!.content
      );
    });

    it('a refused export says the server’s message as is and writes nothing', async () => {
      const message =
        'Nothing in session sess-abc123 up to step 6 wrote model.pkl.';
      const model = new ExportModel({
        sessionId: 'sess-abc123',
        notebookPath: 'train.ipynb',
        folder: 'refused',
        target: { kind: 'file', path: 'model.pkl' },
        exporter: exporter(() =>
          Promise.reject(
            new TrailResponseError(422, 'target-not-produced', message)
          )
        ),
        contents
      });
      expect(await model.run()).toBe(false);
      expect(model.phase).toBe('error');
      expect(model.failure).toEqual({
        stage: 'export',
        status: 422,
        code: 'target-not-produced',
        message
      });
      expect(model.request).toEqual({
        target: { kind: 'file', path: 'model.pkl' },
        folder: 'refused'
      });
      expect(await folderState(contents, 'refused')).toEqual({
        kind: 'missing'
      });
    });

    it('an unknown session and a server without its Python say so', async () => {
      const failing = (error: Error) =>
        new ExportModel({
          sessionId: 'nope',
          notebookPath: 'train.ipynb',
          folder: 'x',
          exporter: exporter(() => Promise.reject(error)),
          contents
        });
      const unknown = failing(
        new TrailResponseError(404, 'not_found', 'Not found')
      );
      await unknown.run();
      expect(unknown.failure?.message).toBe(
        'Trail knows no session nope you may read.'
      );
      const noPython = failing(
        new TrailResponseError(
          503,
          'analysis_unavailable',
          'No Python with jupyterlab-trail at /usr/bin/python3'
        )
      );
      await noPython.run();
      expect(noPython.failure?.message).toBe(
        'The Trail server cannot analyse the recorded code now: No Python with jupyterlab-trail at /usr/bin/python3'
      );
    });

    it('a folder filled meanwhile is not replaced unless the user agreed', async () => {
      await contents.save('filled', { type: 'directory' });
      await contents.save('filled/a.txt', {
        type: 'file',
        format: 'text',
        content: 'a'
      });
      const options = {
        sessionId: 's',
        notebookPath: 'train.ipynb',
        folder: 'filled',
        exporter: exporter(async () => sampleResult()),
        contents
      };
      const model = new ExportModel(options);
      expect(await model.run()).toBe(false);
      expect(model.failure).toMatchObject({ stage: 'write', code: 'folder' });
      expect(model.result).not.toBeNull();
      expect(await names('filled')).toEqual(['a.txt']);
      const replacing = new ExportModel({ ...options, replace: true });
      expect(await replacing.run()).toBe(true);
      expect(await names('filled')).toContain('pipeline.py');
      expect(await names('filled')).not.toContain('a.txt');
    });
  });
});
