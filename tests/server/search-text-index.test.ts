/**
 * The scan-based text index: substring matches within one document only,
 * several terms, newest first, paging, filters and the time budget.
 */
import { DocColumns } from '../../server/search/doc-columns';
import { parseTerms, TextIndex } from '../../server/search/text-index';

function indexOf(texts: string[], chunkBytes?: number): TextIndex {
  const index = new TextIndex({ chunkBytes });
  texts.forEach((text, i) => index.add(i * 2, text)); // numbers may skip
  return index;
}

describe('TextIndex', () => {
  const texts = [
    'df = pd.read_csv("iris.csv")',
    'model.fit(X, y)\nAccuracy: 0.93',
    'df.groupby("species").mean()',
    'print("Read_CSV done")',
    'lr = 0.01'
  ];

  it.each([undefined, 48])(
    'finds case-insensitive substrings, newest first (chunk %p)',
    async chunkBytes => {
      const index = indexOf(texts, chunkBytes);
      expect(
        (await index.search({ terms: ['read_csv'], limit: 10 })).docs
      ).toEqual([6, 0]);
      expect(
        (await index.search({ terms: ['ACCURACY'], limit: 10 })).docs
      ).toEqual([2]);
      expect(
        (await index.search({ terms: ['nothing here'], limit: 10 })).docs
      ).toEqual([]);
    }
  );

  it('needs every term in the same document and never matches across two', async () => {
    const index = indexOf(texts);
    expect(
      (await index.search({ terms: ['df', 'species'], limit: 10 })).docs
    ).toEqual([4]);
    // "0.93" ends doc 2 and "df" starts doc 4: no match across the boundary.
    expect((await index.search({ terms: ['0.93df'], limit: 10 })).docs).toEqual(
      []
    );
    expect(
      (await index.search({ terms: ['fit', 'read_csv'], limit: 10 })).docs
    ).toEqual([]);
  });

  it('pages with before and limit, and applies the filter', async () => {
    const index = indexOf(texts);
    expect((await index.search({ terms: ['d'], limit: 2 })).docs).toEqual([
      6, 4
    ]);
    expect(
      (await index.search({ terms: ['d'], limit: 2, before: 4 })).docs
    ).toEqual([2, 0]);
    expect(
      (
        await index.search({
          terms: ['d'],
          limit: 10,
          accept: doc => doc !== 6
        })
      ).docs
    ).toEqual([4, 2, 0]);
  });

  it('handles non-ASCII text and quoted phrases', async () => {
    const index = indexOf(['print("Größe")', 'x = 1 # naïve approach']);
    expect(
      (await index.search({ terms: parseTerms('größe'), limit: 5 })).docs
    ).toEqual([0]);
    expect(parseTerms('"naïve approach" x')).toEqual(['naïve approach', 'x']);
    expect(
      (await index.search({ terms: parseTerms('"NAÏVE approach"'), limit: 5 }))
        .docs
    ).toEqual([2]);
  });

  it('refuses numbers that do not increase', async () => {
    const index = indexOf(['a']);
    expect(() => index.add(0, 'b')).toThrow(/not after/);
  });

  it('stops on its time budget across chunks and says so', async () => {
    const index = new TextIndex({ chunkBytes: 64 });
    for (let i = 0; i < 200; i++) {
      index.add(i, `cell ${i} no match`);
    }
    const now = Date.now;
    let t = 0;
    Date.now = () => (t += 1000);
    try {
      const hits = await index.search({
        terms: ['zzz'],
        limit: 5,
        budgetMs: 1
      });
      expect(hits).toEqual({ docs: [], truncated: true });
    } finally {
      Date.now = now;
    }
  });
});

describe('TextIndex.search and the event loop', () => {
  it('lets other work run between chunks, and does not see documents added meanwhile', async () => {
    const index = new TextIndex({ chunkBytes: 64 });
    for (let i = 0; i < 50; i++) {
      index.add(i, `doc ${i} needle`);
    }
    let ranDuring = false;
    const pending = index.search({ terms: ['needle'], limit: 100 });
    setImmediate(() => {
      ranDuring = true;
      index.add(50, 'doc 50 needle');
    });
    const hits = await pending;
    expect(ranDuring).toBe(true);
    expect(hits.docs).toHaveLength(50);
    expect(hits.docs[0]).toBe(49);
    expect((await index.search({ terms: ['needle'], limit: 1 })).docs).toEqual([
      50
    ]);
  });
});

describe('DocColumns', () => {
  it('gives back every document across growth, sessions shared', async () => {
    const columns = new DocColumns();
    const n = 5000;
    for (let i = 0; i < n; i++) {
      const doc = columns.push(
        `exe-${i}-${'é'.repeat(i % 3)}`,
        `ses-${i % 7}`,
        1_700_000_000_000 + i * 1.5
      );
      expect(doc).toBe(i);
    }
    expect(columns.length).toBe(n);
    for (const i of [0, 1, 1023, 1024, 4999]) {
      expect(columns.executionId(i)).toBe(`exe-${i}-${'é'.repeat(i % 3)}`);
      expect(columns.sessionId(i)).toBe(`ses-${i % 7}`);
      expect(columns.startedMs(i)).toBe(1_700_000_000_000 + i * 1.5);
    }
  });
});
