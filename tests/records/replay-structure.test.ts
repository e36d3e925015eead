/**
 * The structure rules: a content's hash, when a structure changed, and
 * what of it a session sends (only sources it has not sent).
 */
import { createHash } from 'node:crypto';
import {
  afterUpdate,
  sameStructure,
  sourceSha256,
  structureUpdate,
  type StructureCell
} from '../../src/records/replay/structure';

const cell = (
  id: string,
  source: string,
  cellType: StructureCell['cellType'] = 'code'
): StructureCell => ({ id, cellType, sha256: sourceSha256(source) });

describe('sourceSha256', () => {
  it('is the SHA-256 of the UTF-8 bytes, as the server checks it', () => {
    for (const text of [
      '',
      'x = 1',
      'print("héllo ✓ 🎉")\n',
      'a'.repeat(1e5)
    ]) {
      expect(sourceSha256(text)).toBe(
        createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex')
      );
    }
  });
});

describe('sameStructure', () => {
  const a = [cell('a', 'x = 1'), cell('b', '# title', 'markdown')];
  it('is true for equal ids, types and contents in the same order', () => {
    expect(
      sameStructure(
        a,
        a.map(c => ({ ...c }))
      )
    ).toBe(true);
  });
  it('sees a move, an edit, a type change, an added or deleted cell', () => {
    expect(sameStructure(a, [a[1], a[0]])).toBe(false);
    expect(sameStructure(a, [cell('a', 'x = 2'), a[1]])).toBe(false);
    expect(sameStructure(a, [a[0], cell('b', '# title', 'raw')])).toBe(false);
    expect(sameStructure(a, [...a, cell('c', '')])).toBe(false);
    expect(sameStructure(a, [a[0]])).toBe(false);
  });
});

describe('structureUpdate', () => {
  const texts = new Map<string, string>();
  const make = (
    id: string,
    source: string,
    type?: StructureCell['cellType']
  ) => {
    const c = cell(id, source, type);
    texts.set(c.sha256, source);
    return c;
  };
  const sourceOf = (sha: string) => texts.get(sha);

  it('sends everything first, each content once', () => {
    const cells = [
      make('a', 'x = 1'),
      make('b', 'x = 1'),
      make('c', '# t', 'markdown')
    ];
    const update = structureUpdate(null, cells, sourceOf)!;
    expect(update.cells).toEqual(cells);
    expect(Object.keys(update.sources).sort()).toEqual(
      [sourceSha256('x = 1'), sourceSha256('# t')].sort()
    );
    expect(update.sources[sourceSha256('# t')]).toBe('# t');
  });

  it('sends nothing when the structure did not change', () => {
    const cells = [make('a', 'x = 1')];
    const sent = afterUpdate(null, structureUpdate(null, cells, sourceOf)!);
    expect(structureUpdate(sent, [make('a', 'x = 1')], sourceOf)).toBeNull();
  });

  it('sends the new structure with only the sources not sent before', () => {
    const first = [make('a', 'x = 1'), make('b', 'y = 2')];
    const sent = afterUpdate(null, structureUpdate(null, first, sourceOf)!);
    // b edited, a moved after it, c added with a content sent before.
    const second = [make('b', 'y = 3'), make('a', 'x = 1'), make('c', 'y = 2')];
    const update = structureUpdate(sent, second, sourceOf)!;
    expect(update.cells.map(c => c.id)).toEqual(['b', 'a', 'c']);
    expect(update.sources).toEqual({ [sourceSha256('y = 3')]: 'y = 3' });
    // Going back to an earlier structure sends it again, with no source.
    const third = afterUpdate(sent, update);
    const back = structureUpdate(third, first, sourceOf)!;
    expect(back.cells).toEqual(first);
    expect(back.sources).toEqual({});
  });
});
