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
