/**
 * Step k of a recorded session as a notebook of one's own: both forms,
 * the Trail metadata a replayer reads back (contract 4 of #13), the file
 * name that never overwrites, and documents nbformat itself accepts.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import {
  notebookAsExecuted,
  notebookAsItStood,
  RecordedRun,
  ReplayNotebookOptions,
  StoodCell,
  stepNotebookName,
  toNotebookOutputs
} from '../../src/records/replay/notebook';
import { lineageFromSource } from '../../src/records/replay/lineage';

const PYTHON = resolve(__dirname, '../../.venv/bin/python');

/** nbformat's own validator, on the document as written to disk. */
function validateWithNbformat(document: unknown): void {
  const folder = mkdtempSync(join(tmpdir(), 'trail-nb-'));
  const path = join(folder, 'step.ipynb');
  writeFileSync(path, JSON.stringify(document));
  execFileSync(PYTHON, [
    '-c',
    'import sys, nbformat; nb = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); assert nb.nbformat == 4',
    path
  ]);
}

const load: RecordedRun = {
  id: 'exec-load-0001',
  seq: 1,
  step: 1,
  code: 'import pandas as pd\ndf = pd.read_csv("data/train.csv")',
  executionCount: 1,
  outputs: []
};
const show: RecordedRun = {
  id: 'exec-show-0002',
  seq: 2,
  step: 2,
  code: 'df.shape',
  executionCount: 2,
  outputs: [
    {
      output_type: 'execute_result',
      execution_count: 2,
      data: { 'text/plain': ['(3, ', '2)'] },
      metadata: {},
      transient: { display_id: 'x' }
    }
  ]
};
const fail: RecordedRun = {
  id: 'exec-fail-0003',
  seq: 3,
  step: 3,
  code: 'print("hi")\n1/0',
  executionCount: 3,
  outputs: [
    { output_type: 'stream', name: 'stdout', text: ['hi\n'] },
    {
      output_type: 'error',
      ename: 'ZeroDivisionError',
      evalue: 'division by zero',
      traceback: ['\u001b[31mZeroDivisionError\u001b[0m']
    }
  ]
};
const showAgain: RecordedRun = {
  ...show,
  id: 'exec-show-0004',
  seq: 4,
  step: 4,
  executionCount: 4,
  outputs: []
};

const options: ReplayNotebookOptions = {
  source: {
    sessionId: 'session-alice-01',
    step: 4,
    notebookPath: 'projects/churn/analysis.ipynb',
    author: 'Alice',
    server: 'http://127.0.0.1:8765'
  },
  total: 9,
  kernel: {
    name: 'python3',
    displayName: 'Python 3 (ipykernel)',
    language: 'python'
  },
  inputs: [{ path: 'data/train.csv', sha256: 'ab'.repeat(32), step: 1 }]
};

describe('notebookAsExecuted', () => {
  const notebook = notebookAsExecuted([showAgain, fail, load, show], options);

  it('writes every execution as its own cell, in execution order, after the note', () => {
    expect(notebook.cells.map(cell => cell.cell_type)).toEqual([
      'markdown',
      'code',
      'code',
      'code',
      'code'
    ]);
    expect(notebook.cells.slice(1).map(cell => cell.source)).toEqual([
      load.code,
      show.code,
      fail.code,
      show.code
    ]);
    expect(notebook.cells.slice(1).map(cell => cell.execution_count)).toEqual([
      1, 2, 3, 4
    ]);
  });

  it('names the source session and step, and each cell its execution', () => {
    expect(notebook.metadata.trail).toEqual({
      source: {
        sessionId: 'session-alice-01',
        step: 4,
        form: 'as-executed',
        notebookPath: 'projects/churn/analysis.ipynb',
        author: 'Alice',
        server: 'http://127.0.0.1:8765'
      }
    });
    expect(notebook.cells.slice(1).map(cell => cell.metadata.trail)).toEqual([
      { sourceExecution: { id: 'exec-load-0001', seq: 1, step: 1 } },
      { sourceExecution: { id: 'exec-show-0002', seq: 2, step: 2 } },
      { sourceExecution: { id: 'exec-fail-0003', seq: 3, step: 3 } },
      { sourceExecution: { id: 'exec-show-0004', seq: 4, step: 4 } }
    ]);
    expect(notebook.metadata.kernelspec).toEqual({
      name: 'python3',
      display_name: 'Python 3 (ipykernel)',
      language: 'python'
    });
  });

  it('keeps the recorded outputs, in nbformat form', () => {
    expect(notebook.cells[2].outputs).toEqual([
      {
        output_type: 'execute_result',
        execution_count: 2,
        data: { 'text/plain': '(3, 2)' },
        metadata: {}
      }
    ]);
    expect(notebook.cells[3].outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'hi\n' },
      {
        output_type: 'error',
        ename: 'ZeroDivisionError',
        evalue: 'division by zero',
        traceback: ['\u001b[31mZeroDivisionError\u001b[0m']
      }
    ]);
  });

  it('opens with a note naming the session, step and data files read', () => {
    const note = notebook.cells[0];
    expect(note.metadata).toEqual({ trail: { note: 'source' } });
    expect(note.source).toContain('`analysis.ipynb` at step 4');
    expect(note.source).toContain(
      '`session-alice-01` recorded by Alice, at step 4 of 9'
    );
    expect(note.source).toContain('| `data/train.csv` | `abababababab` | 1 |');
  });

  it('is a notebook nbformat accepts, with no trust signature', () => {
    validateWithNbformat(notebook);
    expect(JSON.stringify(notebook.metadata)).not.toContain('signature');
    expect(new Set(notebook.cells.map(cell => cell.id)).size).toBe(5);
  });
});

describe('notebookAsExecuted for a fork (#14)', () => {
  const substitutions = [
    {
      recorded: 'data/train.csv',
      path: '/home/bob/mine.csv',
      sha256: 'cd'.repeat(32)
    }
  ];
  const notebook = notebookAsExecuted([load, show], {
    ...options,
    fork: { substitutions }
  });

  it('writes kind "fork" and the substitutions into metadata.trail.source, the code unchanged', () => {
    expect(notebook.metadata.trail).toEqual({
      source: {
        kind: 'fork',
        sessionId: 'session-alice-01',
        step: 4,
        form: 'as-executed',
        notebookPath: 'projects/churn/analysis.ipynb',
        substitutions,
        author: 'Alice',
        server: 'http://127.0.0.1:8765'
      }
    });
    expect(notebook.cells.slice(1).map(cell => cell.source)).toEqual([
      load.code,
      show.code
    ]);
  });

  it('lists in its note what is read in place of what', () => {
    expect(notebook.cells[0].source).toContain(
      '| `data/train.csv` | `/home/bob/mine.csv` |'
    );
  });

  it('is read back as a fork by lineageFromSource, and nbformat accepts it', () => {
    expect(
      lineageFromSource((notebook.metadata.trail as { source: unknown }).source)
    ).toEqual({
      kind: 'fork',
      sessionId: 'session-alice-01',
      step: 4,
      substitutions
    });
    validateWithNbformat(notebook);
  });

  it('leaves a replay notebook without kind or substitutions', () => {
    const replay = notebookAsExecuted([load], options);
    const source = (
      replay.metadata.trail as { source: Record<string, unknown> }
    ).source;
    expect(source.kind).toBeUndefined();
    expect(source.substitutions).toBeUndefined();
    expect(replay.cells[0].source).not.toContain('A fork');
  });
});

describe('notebookAsItStood', () => {
  const cells: StoodCell[] = [
    {
      cellId: 'md-intro',
      cellType: 'markdown',
      state: 'not-run',
      source: '# Churn'
    },
    {
      cellId: 'c-load',
      cellType: 'code',
      state: 'ran',
      source: load.code,
      execution: load
    },
    {
      cellId: 'c-old',
      cellType: 'code',
      state: 'deleted',
      source: 'old()',
      execution: { ...load, id: 'exec-old-0009' }
    },
    // Edited after its run: the source shown is the edit, with the run's outputs.
    {
      cellId: 'c-show',
      cellType: 'code',
      state: 'ran',
      source: 'df.head()',
      execution: show
    },
    {
      cellId: 'c-next',
      cellType: 'code',
      state: 'not-run',
      source: 'df.describe()'
    },
    { cellId: 'r-raw', cellType: 'raw', state: 'not-run', source: 'raw text' },
    { cellId: null, cellType: 'code', state: 'ran', execution: fail }
  ];
  const notebook = notebookAsItStood(cells, { ...options, inputs: [] });

  it('writes the reconstruction without its deleted cells', () => {
    expect(notebook.cells.map(cell => [cell.cell_type, cell.source])).toEqual([
      ['markdown', expect.stringContaining('as it stood at step 4')],
      ['markdown', '# Churn'],
      ['code', load.code],
      ['code', 'df.head()'],
      ['code', 'df.describe()'],
      ['raw', 'raw text'],
      ['code', fail.code]
    ]);
    expect((notebook.metadata.trail as any).source.form).toBe('as-it-stood');
    expect(notebook.cells[0].source).toContain('No data file was recorded');
  });

  it('marks only cells holding the code that ran with their execution', () => {
    const trail = notebook.cells.map(cell => cell.metadata.trail);
    expect(trail[2]).toEqual({
      sourceExecution: { id: 'exec-load-0001', seq: 1, step: 1 }
    });
    expect(trail[3]).toBeUndefined();
    expect(notebook.cells[3].outputs).toHaveLength(1);
    expect(trail[4]).toBeUndefined();
    expect(notebook.cells[4]).toMatchObject({
      outputs: [],
      execution_count: null
    });
    expect(trail[6]).toEqual({
      sourceExecution: { id: 'exec-fail-0003', seq: 3, step: 3 }
    });
  });

  it('keeps the cell ids it can, and makes the others valid and unique', () => {
    expect(notebook.cells.map(cell => cell.id)).toEqual([
      'trail-source',
      'md-intro',
      'c-load',
      'c-show',
      'c-next',
      'r-raw',
      'cell-6'
    ]);
    validateWithNbformat(notebook);
  });
});

describe('stepNotebookName', () => {
  it('is <source name>-step<k>.ipynb, numbered when taken', () => {
    const taken = new Set<string>();
    expect(
      stepNotebookName('projects/churn/analysis.ipynb', 12, n => taken.has(n))
    ).toBe('analysis-step12.ipynb');
    taken.add('analysis-step12.ipynb');
    expect(stepNotebookName('analysis.ipynb', 12, n => taken.has(n))).toBe(
      'analysis-step12-1.ipynb'
    );
    taken.add('analysis-step12-1.ipynb');
    expect(stepNotebookName('analysis.ipynb', 12, n => taken.has(n))).toBe(
      'analysis-step12-2.ipynb'
    );
    expect(stepNotebookName('', 3, () => false)).toBe('notebook-step3.ipynb');
  });
});

describe('toNotebookOutputs', () => {
  it('drops what nbformat does not allow and values that are not text', () => {
    expect(
      toNotebookOutputs(
        [
          {
            output_type: 'display_data',
            data: {
              'image/png': { sha256: 'f'.repeat(64), size: 10 },
              'application/vnd.custom+json': { a: 1 }
            },
            transient: { display_id: 'd' }
          }
        ],
        null
      )
    ).toEqual([
      {
        output_type: 'display_data',
        data: { 'application/vnd.custom+json': { a: 1 } },
        metadata: {}
      }
    ]);
  });
});
