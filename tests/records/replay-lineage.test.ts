/**
 * The lineage a notebook opened from a recorded session names: a replay of
 * the session and step of its metadata trail.source, nothing for a
 * malformed one (a hand-edited notebook never stops the recording).
 */
import { lineageFromSource } from '../../src/records/replay/lineage';

const ID = 'ses-4f1c2a9e-7d3b-4e8a-9c1f-2b3d4e5f6a7b';

describe('lineageFromSource', () => {
  it('reads a replay of the source session and step', () => {
    expect(
      lineageFromSource({
        sessionId: ID,
        step: 12,
        form: 'as-it-stood',
        notebookPath: 'alice/a.ipynb',
        server: 'https://trail.example'
      })
    ).toEqual({ kind: 'replay', sessionId: ID, step: 12 });
  });

  it.each([
    undefined,
    null,
    'ses-1',
    { step: 3 },
    { sessionId: ID },
    { sessionId: ID, step: 0 },
    { sessionId: ID, step: 2.5 },
    { sessionId: ID, step: '3' },
    { sessionId: 'has spaces in it', step: 3 },
    { sessionId: 'short', step: 3 }
  ])('reads nothing from %p', source => {
    expect(lineageFromSource(source)).toBeUndefined();
  });
});

describe('lineageFromSource for a fork (#14)', () => {
  it('reads a fork of the source session and step, with its substitutions', () => {
    expect(
      lineageFromSource({
        kind: 'fork',
        sessionId: ID,
        step: 4,
        form: 'as-executed',
        notebookPath: 'alice/train.ipynb',
        substitutions: [
          {
            recorded: 'data/houses.csv',
            path: '/home/bob/mine.csv',
            sha256: 'b'.repeat(64)
          },
          { recorded: 'images', path: '/home/bob/pics' }
        ]
      })
    ).toEqual({
      kind: 'fork',
      sessionId: ID,
      step: 4,
      substitutions: [
        {
          recorded: 'data/houses.csv',
          path: '/home/bob/mine.csv',
          sha256: 'b'.repeat(64)
        },
        { recorded: 'images', path: '/home/bob/pics' }
      ]
    });
  });

  it('leaves out malformed substitutions one by one, and a bad hash', () => {
    const lineage = lineageFromSource({
      kind: 'fork',
      sessionId: ID,
      step: 2,
      substitutions: [
        null,
        { recorded: '', path: 'x' },
        { recorded: 'a.csv' },
        { recorded: 'a.csv', path: 'x'.repeat(4097) },
        { recorded: 'a.csv', path: 'b.csv', sha256: 'not-a-hash' }
      ]
    });
    expect(lineage).toEqual({
      kind: 'fork',
      sessionId: ID,
      step: 2,
      substitutions: [{ recorded: 'a.csv', path: 'b.csv' }]
    });
  });

  it('keeps at most 100 substitutions, and reads a fork without any', () => {
    const many = Array.from({ length: 150 }, (_, i) => ({
      recorded: `in${i}.csv`,
      path: `out${i}.csv`
    }));
    expect(
      lineageFromSource({
        kind: 'fork',
        sessionId: ID,
        step: 1,
        substitutions: many
      })?.substitutions
    ).toHaveLength(100);
    expect(lineageFromSource({ kind: 'fork', sessionId: ID, step: 1 })).toEqual(
      {
        kind: 'fork',
        sessionId: ID,
        step: 1,
        substitutions: []
      }
    );
  });

  it('reads kind "replay" (or any other kind) as a replay', () => {
    expect(
      lineageFromSource({ kind: 'replay', sessionId: ID, step: 3 })
    ).toEqual({
      kind: 'replay',
      sessionId: ID,
      step: 3
    });
  });
});
