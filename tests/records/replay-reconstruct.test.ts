/**
 * The notebook as it stood at step k: out-of-order runs, re-runs, cells
 * edited and not run, deleted and moved cells, markdown edits, and the
 * fallback for sessions recorded before structure capture.
 */
import {
  reconstructNotebook,
  type StructureSnapshot
} from '../../src/records/replay/reconstruct';
import {
  sourceSha256,
  type StructureCell
} from '../../src/records/replay/structure';

interface Run {
  seq: number;
  cellId: string | null;
  code: string;
}

const texts = new Map<string, string>();
const cell = (
  id: string,
  source: string,
  cellType: StructureCell['cellType'] = 'code'
): StructureCell => {
  const sha256 = sourceSha256(source);
  texts.set(sha256, source);
  return { id, cellType, sha256 };
};
const sourceOf = (sha: string) => texts.get(sha);

/** The notebook at k as [cellId, state, current?, source, code] rows. */
function at(
  executions: Run[],
  structures: StructureSnapshot[],
  k: number
): unknown[] {
  const notebook = reconstructNotebook(
    { executions, structures, sourceOf },
    k
  )!;
  return notebook.cells.map(c => [
    c.cellId,
    c.state,
    c.current ? 'current' : '',
    c.source ?? null,
    c.execution?.code ?? null
  ]);
}

describe('reconstructNotebook', () => {
  const md = cell('m', '# Title', 'markdown');
  const a = cell('a', 'x = 1');
  const b = cell('b', 'y = x + 1');
  const c = cell('c', 'print(y)');
  const s1: StructureSnapshot = { fromSeq: 1, cells: [md, a, b, c] };

  it('has no step below 1, past the end, or not an integer', () => {
    const runs = [{ seq: 1, cellId: 'a', code: 'x = 1' }];
    for (const k of [0, -1, 2, 1.5, NaN]) {
      expect(
        reconstructNotebook({ executions: runs, structures: [] }, k)
      ).toBeNull();
    }
  });

  it('shows runs out of order, re-runs and cells never run', () => {
    const runs: Run[] = [
      { seq: 1, cellId: 'b', code: 'y = x + 1' }, // out of order: fails
      { seq: 2, cellId: 'a', code: 'x = 1' },
      { seq: 3, cellId: 'b', code: 'y = x + 1' } // re-run
    ];
    expect(at(runs, [s1], 1)).toEqual([
      ['m', 'not-run', '', '# Title', null],
      ['a', 'not-run', '', 'x = 1', null],
      ['b', 'ran', 'current', 'y = x + 1', 'y = x + 1'],
      ['c', 'not-run', '', 'print(y)', null]
    ]);
    const step3 = reconstructNotebook(
      { executions: runs, structures: [s1] },
      3
    )!;
    expect(step3.total).toBe(3);
    expect(step3.structured).toBe(true);
    // The latest run of b up to k is the one shown.
    expect(step3.cells[2].execution).toBe(runs[2]);
    expect(step3.cells.filter(x => x.current).map(x => x.cellId)).toEqual([
      'b'
    ]);
  });

  it('shows a cell edited but not run with its new source and the code that ran', () => {
    const a2 = cell('a', 'x = 100');
    const runs: Run[] = [
      { seq: 1, cellId: 'a', code: 'x = 1' },
      { seq: 2, cellId: 'b', code: 'y = x + 1' }
    ];
    const structures = [s1, { fromSeq: 2, cells: [md, a2, b, c] }];
    expect(at(runs, structures, 2)[1]).toEqual([
      'a',
      'ran',
      '',
      'x = 100',
      'x = 1'
    ]);
    // At step 1 the edit had not happened yet.
    expect(at(runs, structures, 1)[1]).toEqual([
      'a',
      'ran',
      'current',
      'x = 1',
      'x = 1'
    ]);
  });

  it('keeps deleted cells at their last position and follows moves', () => {
    const runs: Run[] = [
      { seq: 1, cellId: 'a', code: 'x = 1' },
      { seq: 2, cellId: 'b', code: 'y = x + 1' },
      { seq: 3, cellId: 'c', code: 'print(y)' }
    ];
    // Before seq 3: b deleted, c moved before a.
    const structures = [s1, { fromSeq: 3, cells: [md, c, a] }];
    expect(at(runs, structures, 3)).toEqual([
      ['m', 'not-run', '', '# Title', null],
      ['c', 'ran', 'current', 'print(y)', 'print(y)'],
      ['a', 'ran', '', 'x = 1', 'x = 1'],
      ['b', 'deleted', '', 'y = x + 1', 'y = x + 1']
    ]);
    // Stepping back before the change shows the notebook as it was.
    expect(at(runs, structures, 2).map(r => (r as unknown[])[0])).toEqual([
      'm',
      'a',
      'b',
      'c'
    ]);
  });

  it('keeps a run of deleted cells in their order, at the start too', () => {
    const runs: Run[] = [{ seq: 1, cellId: 'c', code: 'print(y)' }];
    const structures = [
      { fromSeq: 1, cells: [md, a, b, c] },
      { fromSeq: 1, cells: [c] } // same fromSeq, later: the one that counts
    ];
    expect(
      at(runs, structures, 1).map(r => (r as unknown[]).slice(0, 2))
    ).toEqual([
      ['m', 'deleted'],
      ['a', 'deleted'],
      ['b', 'deleted'],
      ['c', 'ran']
    ]);
  });

  it('shows markdown edits at the step they happened', () => {
    const md2 = cell('m', '# Better title', 'markdown');
    const runs: Run[] = [
      { seq: 1, cellId: 'a', code: 'x = 1' },
      { seq: 2, cellId: 'a', code: 'x = 1' }
    ];
    const structures = [s1, { fromSeq: 2, cells: [md2, a, b, c] }];
    expect(at(runs, structures, 1)[0]).toEqual([
      'm',
      'not-run',
      '',
      '# Title',
      null
    ]);
    expect(at(runs, structures, 2)[0]).toEqual([
      'm',
      'not-run',
      '',
      '# Better title',
      null
    ]);
  });

  it('adds runs of cells no structure names after the notebook cells', () => {
    const runs: Run[] = [
      { seq: 1, cellId: 'a', code: 'x = 1' },
      { seq: 2, cellId: null, code: '%who' },
      { seq: 3, cellId: 'zz', code: 'x' }
    ];
    expect(at(runs, [s1], 3).slice(4)).toEqual([
      [null, 'ran', '', null, '%who'],
      ['zz', 'ran', 'current', null, 'x']
    ]);
  });

  it('falls back to cells in order of first run without structure', () => {
    const runs: Run[] = [
      { seq: 1, cellId: 'b', code: 'y = 1' },
      { seq: 2, cellId: 'a', code: 'x = 1' },
      { seq: 3, cellId: 'b', code: 'y = 2' },
      { seq: 4, cellId: 'c', code: 'z = 3' }
    ];
    const notebook = reconstructNotebook(
      { executions: runs, structures: [] },
      3
    )!;
    expect(notebook.structured).toBe(false);
    expect(at(runs, [], 3)).toEqual([
      ['b', 'ran', 'current', null, 'y = 2'],
      ['a', 'ran', '', null, 'x = 1']
    ]);
  });

  it('answers fast on a 10,000-execution session with 500 cells', () => {
    const cells = Array.from({ length: 500 }, (_, i) =>
      cell(`c${i}`, `v${i} = ${i}`)
    );
    const structures: StructureSnapshot[] = [];
    for (let s = 0; s < 20; s++) {
      structures.push({
        fromSeq: s * 500 + 1,
        cells: s % 2 ? cells.slice(1) : cells
      });
    }
    const runs: Run[] = Array.from({ length: 10_000 }, (_, i) => ({
      seq: i + 1,
      cellId: `c${(i * 7) % 500}`,
      code: ''
    }));
    // CPU time, not wall time: other processes on a loaded machine do not
    // count, a reconstruction gone quadratic does.
    const started = process.cpuUsage();
    for (const k of [1, 5000, 10_000]) {
      reconstructNotebook({ executions: runs, structures, sourceOf }, k);
    }
    // A rough bound (three steps), far above what it takes (a few ms).
    const { user, system } = process.cpuUsage(started);
    expect((user + system) / 1000).toBeLessThan(300);
  });
});
