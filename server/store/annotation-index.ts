/**
 * Which execution.annotated events belong to which execution, in arrival
 * order, including those that arrived before their execution.
 *
 * Annotations are numbered 0, 1, 2… in arrival order; stores keep where
 * each numbered annotation lives. Per execution, its annotations form a
 * linked list in typed arrays (no object per execution); annotations whose
 * execution is not stored yet wait in a map until it is.
 */

/** See the module comment. */
export class AnnotationIndex {
  private count = 0;
  /** Per execution number: its newest annotation + 1 (0: none). */
  private newest = new Int32Array(1024);
  /** Per annotation: the previous annotation of its execution + 1. */
  private previous = new Int32Array(1024);
  /** Annotations (in arrival order) of executions not stored yet. */
  private readonly waiting = new Map<string, number[]>();

  /** How many annotations are indexed; the next one gets this number. */
  get size(): number {
    return this.count;
  }

  /**
   * Indexes an annotation of execution `executionId`, whose number is
   * `execution` when it is stored; returns the annotation's number.
   */
  add(executionId: string, execution: number | undefined): number {
    const a = this.count++;
    if (a >= this.previous.length) {
      this.previous = grown(this.previous, a + 1);
    }
    if (execution === undefined) {
      const list = this.waiting.get(executionId);
      if (list) {
        list.push(a);
      } else {
        this.waiting.set(executionId, [a]);
      }
    } else {
      this.link(execution, a);
    }
    return a;
  }

  /** Gives a newly stored execution the annotations that waited for it. */
  executionStored(executionId: string, execution: number): void {
    if (this.waiting.size === 0) {
      return;
    }
    const list = this.waiting.get(executionId);
    if (list) {
      this.waiting.delete(executionId);
      list.forEach(a => this.link(execution, a));
    }
  }

  /** The annotations of an execution in arrival order. */
  of(execution: number): number[] {
    const found: number[] = [];
    if (execution < this.newest.length) {
      for (
        let a = this.newest[execution] - 1;
        a >= 0;
        a = this.previous[a] - 1
      ) {
        found.push(a);
      }
    }
    return found.reverse();
  }

  /*
   * Links stay sorted by annotation number (arrival order): waiting ones
   * are linked when their execution is stored, before any later one.
   */
  private link(execution: number, a: number): void {
    if (execution >= this.newest.length) {
      this.newest = grown(this.newest, execution + 1);
    }
    this.previous[a] = this.newest[execution];
    this.newest[execution] = a + 1;
  }
}

function grown(from: Int32Array, size: number): Int32Array {
  const to = new Int32Array(Math.max(size, from.length * 2));
  to.set(from);
  return to;
}
