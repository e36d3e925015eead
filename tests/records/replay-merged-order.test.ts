/**
 * The merged cell orders kept between steps (`MergedOrders`): the notebook
 * at every step of a session whose cells are added, deleted, moved and
 * edited is the same with them as without, asked in any order; snapshots
 * out of fromSeq order and orders made for another array are not used.
 */
import {
  MergedOrders,
  mergedOrder
} from '../../src/records/replay/merged-order';
import {
  reconstructNotebook,
  type StructureSnapshot
} from '../../src/records/replay/reconstruct';
import type { StructureCell } from '../../src/records/replay/structure';

/** A seeded generator (mulberry32). */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Run {
  seq: number;
  cellId: string | null;
}

/** A session of `runs` executions; the structure changes every few runs. */
function session(runs: number, seed: number) {
  const rand = generator(seed);
  let next = 0;
  const made = (): StructureCell => {
    const n = next++;
    return {
      id: `c${n}`,
      cellType: n % 4 === 3 ? 'markdown' : 'code',
      sha256: String(n).padStart(64, '0')
    };
  };
  let cells = Array.from({ length: 12 }, made);
  const structures: StructureSnapshot[] = [{ fromSeq: 1, cells }];
  const executions: Run[] = [];
  for (let seq = 1; seq <= runs; seq++) {
    if (seq > 1 && rand() < 0.2) {
      cells = [...cells];
      const r = rand();
      const at = Math.floor(rand() * cells.length);
      if (r < 0.3) {
        cells.splice(at, 0, made());
      } else if (r < 0.6 && cells.length > 3) {
        cells.splice(at, 1);
      } else if (r < 0.9) {
        const [moved] = cells.splice(at, 1);
        cells.splice(Math.floor(rand() * cells.length), 0, moved);
      } else {
        cells[at] = { ...cells[at], sha256: 'f'.repeat(64) };
      }
      structures.push({ fromSeq: seq, cells });
    }
    const code = cells.filter(c => c.cellType === 'code');
    executions.push({
      seq,
      // Now and then a run from no cell, or from a cell since deleted.
      cellId:
        rand() < 0.05
          ? null
          : (code[Math.floor(rand() * code.length)]?.id ?? null)
    });
  }
  return { executions, structures };
}

describe('MergedOrders', () => {
  const { executions, structures } = session(400, 7);

  it('gives every step the notebook the rule gives without it', () => {
    expect(structures.length).toBeGreaterThan(40);
    const orders = new MergedOrders(structures);
    // Far steps first (the orders are made up to there), then near ones.
    const steps = [400, 1, 250, 37, ...executions.map((_, i) => i + 1)];
    for (const k of steps) {
      expect(
        reconstructNotebook({ executions, structures, orders }, k)
      ).toEqual(reconstructNotebook({ executions, structures }, k));
    }
  });

  it('makes each order once and extends the one before', () => {
    const orders = new MergedOrders(structures);
    const last = orders.upTo(structures.length);
    expect(orders.upTo(structures.length)).toBe(last);
    expect(last).toEqual(mergedOrder(structures));
    expect(orders.upTo(1)).toEqual(
      structures[0].cells.map(cell => ({ cell, deleted: false }))
    );
    // A deleted cell stays in the order, marked, where it stood.
    expect(last.some(entry => entry.deleted)).toBe(true);
    expect(() => orders.upTo(0)).toThrow(RangeError);
    expect(() => orders.upTo(structures.length + 1)).toThrow(RangeError);
  });

  it('is not used for snapshots out of fromSeq order or another array', () => {
    const a = { id: 'a', cellType: 'code' as const, sha256: 'a'.repeat(64) };
    const b = { id: 'b', cellType: 'code' as const, sha256: 'b'.repeat(64) };
    const runs = [
      { seq: 1, cellId: 'a' },
      { seq: 2, cellId: 'b' },
      { seq: 3, cellId: 'a' }
    ];
    // Out of order: at step 2 only the snapshot from seq 1 applies.
    const unsorted: StructureSnapshot[] = [
      { fromSeq: 3, cells: [b] },
      { fromSeq: 1, cells: [a, b] }
    ];
    const orders = new MergedOrders(unsorted);
    expect(orders.sorted).toBe(false);
    for (const k of [1, 2, 3]) {
      expect(
        reconstructNotebook(
          { executions: runs, structures: unsorted, orders },
          k
        )
      ).toEqual(
        reconstructNotebook({ executions: runs, structures: unsorted }, k)
      );
    }
    // Orders of another session's snapshots are ignored.
    const other = new MergedOrders([{ fromSeq: 1, cells: [b, a] }]);
    const mine: StructureSnapshot[] = [{ fromSeq: 1, cells: [a, b] }];
    expect(
      reconstructNotebook(
        { executions: runs, structures: mine, orders: other },
        3
      )!.cells.map(c => c.cellId)
    ).toEqual(['a', 'b']);
  });
});
