/**
 * The store contract, steps and structures (#13): a session's executions as
 * its steps in seq order (what GET /sessions/{id}/steps lists, from the
 * index), and its notebook structure snapshots in fromSeq order, then
 * arrival, with their sources kept once per content as blobs (what
 * GET /sessions/{id}/steps/{k} reconstructs the notebook from).
 */
import { createHash, randomUUID } from 'node:crypto';
import type {
  StructureCapturedEvent,
  StructureCell
} from '../../../src/records/schema';
import { executionEvent, sessionEvent } from '../support/records';
import { contractStores, type MakeStore } from './harness';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** A structure event of the cells `[id, type, source]`, all sources sent. */
function structureEvent(
  sessionId: string,
  fromSeq: number,
  cells: [string, StructureCell['cellType'], string][]
): StructureCapturedEvent {
  return {
    id: randomUUID(),
    kind: 'structure.captured',
    sessionId,
    fromSeq,
    cells: cells.map(([id, cellType, source]) => ({
      id,
      cellType,
      sha256: sha(source)
    })),
    sources: Object.fromEntries(
      cells.map(([, , source]) => [sha(source), source])
    )
  };
}

/** The cells a structure event names, as the store answers them. */
const cellsOf = (event: StructureCapturedEvent) => event.cells;

/** See the module comment. */
export function describeSteps(make: MakeStore): void {
  describe('steps and structures', () => {
    const stores = contractStores(make);

    it('lists a session’s executions as its steps in seq order, from what each execution recorded', async () => {
      const c = await stores.open();
      const s = sessionEvent();
      const sid = s.session.id;
      const xs = [
        executionEvent(sid, 3, { status: 'error', durationMs: 7.5 }),
        executionEvent(sid, 1, { cellId: undefined }),
        executionEvent(sid, 2, { status: 'interrupted', durationMs: 4000 })
      ];
      const other = sessionEvent();
      await c.append([s, ...xs, other, executionEvent(other.session.id, 1)]);
      // A duplicate execution (same id, new event) is not a second step.
      await c.append([
        { ...xs[0], id: randomUUID() },
        executionEvent(other.session.id, 2)
      ]);
      const bySeq = [xs[1], xs[2], xs[0]].map(x => x.execution);
      await c.live(async store => {
        await expect(store.listSteps(sid)).resolves.toEqual(
          bySeq.map(x => ({
            seq: x.seq,
            executionId: x.id,
            cellId: x.cellId ?? null,
            status: x.status,
            startedAt: x.startedAt,
            durationMs: x.durationMs
          }))
        );
        const others = await store.listSteps(other.session.id);
        expect(others?.map(step => step.seq)).toEqual([1, 2]);
      });
    });

    it('answers no steps for a session with no executions and null for an unknown one', async () => {
      const c = await stores.open();
      const s = sessionEvent();
      // Executions may come before their session's record.
      const early = sessionEvent();
      const x = executionEvent(early.session.id, 1);
      await c.append([s, x]);
      await c.live(async store => {
        await expect(store.listSteps(s.session.id)).resolves.toEqual([]);
        await expect(store.listSteps('ses-never-stored')).resolves.toBeNull();
        const steps = await store.listSteps(early.session.id);
        expect(steps?.map(step => step.executionId)).toEqual([x.execution.id]);
      });
    });

    it('keeps a session’s structures in fromSeq order, then arrival, each source once as a blob', async () => {
      const c = await stores.open();
      const s = sessionEvent();
      const sid = s.session.id;
      const intro = ['intro', 'markdown', '# Churn'] as const;
      const load = ['load', 'code', 'df = load()'] as const;
      const first = structureEvent(sid, 1, [[...intro], [...load]]);
      // Cell `load` edited; a raw cell added before it.
      const third = structureEvent(sid, 3, [
        [...intro],
        ['notes', 'raw', 'plain text'],
        ['load', 'code', 'df = load(cache=True)']
      ]);
      // Two snapshots before the same execution: arrival order decides.
      const thirdAgain = structureEvent(sid, 3, [[...load]]);
      const second = structureEvent(sid, 2, [[...load], [...intro]]);
      const elsewhere = structureEvent(randomUUID(), 1, [[...load]]);
      await c.append([s, first, third]);
      await c.append([thirdAgain, second, elsewhere]);
      // A duplicate event is not a second snapshot.
      await c.append([second]);
      await c.live(async store => {
        const structures = await store.listStructures(sid);
        expect(structures).toEqual([
          { fromSeq: 1, cells: cellsOf(first) },
          { fromSeq: 2, cells: cellsOf(second) },
          { fromSeq: 3, cells: cellsOf(third) },
          { fromSeq: 3, cells: cellsOf(thirdAgain) }
        ]);
        // Every content a snapshot names is a blob holding that source.
        for (const source of [
          '# Churn',
          'df = load()',
          'plain text',
          'df = load(cache=True)'
        ]) {
          const blob = await store.blobs.get(sha(source));
          expect(blob?.toString('utf8')).toBe(source);
        }
        await expect(
          store.listStructures(elsewhere.sessionId)
        ).resolves.toEqual([{ fromSeq: 1, cells: cellsOf(elsewhere) }]);
        await expect(store.listStructures('ses-never-stored')).resolves.toEqual(
          []
        );
        // The count says whether a list read before is still whole.
        await expect(store.structureCount(sid)).resolves.toBe(4);
        await expect(store.structureCount(elsewhere.sessionId)).resolves.toBe(
          1
        );
        await expect(store.structureCount('ses-never-stored')).resolves.toBe(0);
      });
    });

    it('answers its own copies: changing an answer changes nothing stored', async () => {
      const c = await stores.open();
      const s = sessionEvent();
      const sid = s.session.id;
      const event = structureEvent(sid, 1, [['a', 'code', 'x = 1']]);
      await c.append([s, event, executionEvent(sid, 1)]);
      await c.live(async store => {
        const [structure] = await store.listStructures(sid);
        structure.cells[0].id = 'changed';
        structure.cells.push({ id: 'b', cellType: 'raw', sha256: sha('') });
        const [step] = (await store.listSteps(sid))!;
        step.status = 'error';
        await expect(store.listStructures(sid)).resolves.toEqual([
          { fromSeq: 1, cells: cellsOf(event) }
        ]);
        expect((await store.listSteps(sid))![0].status).toBe('ok');
      });
    });
  });
}
