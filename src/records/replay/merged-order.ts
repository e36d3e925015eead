/**
 * The cell order of a session's structure snapshots up to a step
 * (`reconstruct.ts`): the cells of the last snapshot in order, with every
 * cell of an earlier one that is gone from it kept (as deleted, in its last
 * known form) right after the cell it followed in the order before.
 *
 * Merging is done snapshot by snapshot, so the order of the first n
 * snapshots extends that of the first n - 1. `MergedOrders` keeps those
 * orders for one session's snapshots: stepping through a long session asks
 * for the notebook at step k again and again, and merging its ~200
 * snapshots of ~180 cells each time was a third of a step's time on the
 * server.
 */
import type { StructureCell } from '../schema';

/** What the rule needs of a structure snapshot. */
export interface OrderedSnapshot {
  fromSeq: number;
  cells: readonly StructureCell[];
}

/** A cell in the merged order: its last known form and whether it is gone. */
export interface OrderedCell {
  cell: StructureCell;
  deleted: boolean;
}

/** The merged order of all of `snapshots` (at least one). */
export function mergedOrder(
  snapshots: readonly OrderedSnapshot[]
): OrderedCell[] {
  let order = firstOrder(snapshots[0]);
  for (let i = 1; i < snapshots.length; i++) {
    order = mergeNext(order, snapshots[i]);
  }
  return order;
}

/**
 * The merged orders of the prefixes of one session's snapshots (in
 * fromSeq order, as `reconstructNotebook` reads them), each made once, when
 * first asked. The orders are shared: callers must not change them.
 */
export class MergedOrders {
  constructor(readonly snapshots: readonly OrderedSnapshot[]) {
    this.sorted = snapshots.every(
      (s, i) => i === 0 || snapshots[i - 1].fromSeq <= s.fromSeq
    );
  }

  /**
   * Whether the snapshots are in fromSeq order, so that those applying at
   * a step are a prefix of them.
   */
  readonly sorted: boolean;

  /** The merged order of the first `n` snapshots (1 ≤ n ≤ their number). */
  upTo(n: number): readonly OrderedCell[] {
    if (!Number.isInteger(n) || n < 1 || n > this.snapshots.length) {
      throw new RangeError(
        `upTo(${n}): the snapshots are 1 to ${this.snapshots.length}`
      );
    }
    const orders = this.orders;
    if (orders.length === 0) {
      orders.push(firstOrder(this.snapshots[0]));
    }
    while (orders.length < n) {
      orders.push(
        mergeNext(orders[orders.length - 1], this.snapshots[orders.length])
      );
    }
    return orders[n - 1];
  }

  /** `orders[i]`: the merged order of the first i + 1 snapshots. */
  private readonly orders: OrderedCell[][] = [];
}

function firstOrder(snapshot: OrderedSnapshot): OrderedCell[] {
  return snapshot.cells.map(cell => ({ cell, deleted: false }));
}

/** `order` (of the snapshots before) merged with the next snapshot. */
function mergeNext(
  order: readonly OrderedCell[],
  snapshot: OrderedSnapshot
): OrderedCell[] {
  const next = snapshot.cells;
  const alive = new Set(next.map(c => c.id));
  // Gone cells, by the id of what they followed (null: at the start).
  const carried = new Map<string | null, OrderedCell[]>();
  let anchor: string | null = null;
  for (const entry of order) {
    if (!alive.has(entry.cell.id)) {
      const list = carried.get(anchor) ?? [];
      list.push(entry.deleted ? entry : { cell: entry.cell, deleted: true });
      carried.set(anchor, list);
    }
    anchor = entry.cell.id;
  }
  const merged: OrderedCell[] = [];
  const emitted = new Set<string>();
  const emitAfter = (id: string | null) => {
    for (const entry of carried.get(id) ?? []) {
      if (!emitted.has(entry.cell.id)) {
        emitted.add(entry.cell.id);
        merged.push(entry);
        emitAfter(entry.cell.id);
      }
    }
  };
  emitAfter(null);
  for (const cell of next) {
    if (emitted.has(cell.id)) {
      continue; // a cell listed twice: its first place counts
    }
    emitted.add(cell.id);
    merged.push({ cell, deleted: false });
    emitAfter(cell.id);
  }
  return merged;
}
