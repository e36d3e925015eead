/**
 * The scan-based text index: substring matches within one document only,
 * several terms, newest first, paging, filters and the time budget.
 */
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
    chunkBytes => {
      const index = indexOf(texts, chunkBytes);
      expect(index.search({ terms: ['read_csv'], limit: 10 }).docs).toEqual([
        6, 0
      ]);
      expect(index.search({ terms: ['ACCURACY'], limit: 10 }).docs).toEqual([
        2
      ]);
      expect(index.search({ terms: ['nothing here'], limit: 10 }).docs).toEqual(
        []
      );
    }
  );

  it('needs every term in the same document and never matches across two', () => {
    const index = indexOf(texts);
    expect(index.search({ terms: ['df', 'species'], limit: 10 }).docs).toEqual([
      4
    ]);
    // "0.93" ends doc 2 and "df" starts doc 4: no match across the boundary.
    expect(index.search({ terms: ['0.93df'], limit: 10 }).docs).toEqual([]);
    expect(
      index.search({ terms: ['fit', 'read_csv'], limit: 10 }).docs
    ).toEqual([]);
  });

  it('pages with before and limit, and applies the filter', () => {
    const index = indexOf(texts);
    expect(index.search({ terms: ['d'], limit: 2 }).docs).toEqual([6, 4]);
    expect(index.search({ terms: ['d'], limit: 2, before: 4 }).docs).toEqual([
      2, 0
    ]);
    expect(
      index.search({ terms: ['d'], limit: 10, accept: doc => doc !== 6 }).docs
    ).toEqual([4, 2, 0]);
  });

  it('handles non-ASCII text and quoted phrases', () => {
    const index = indexOf(['print("Größe")', 'x = 1 # naïve approach']);
    expect(index.search({ terms: parseTerms('größe'), limit: 5 }).docs).toEqual(
      [0]
    );
    expect(parseTerms('"naïve approach" x')).toEqual(['naïve approach', 'x']);
    expect(
      index.search({ terms: parseTerms('"NAÏVE approach"'), limit: 5 }).docs
    ).toEqual([2]);
  });

  it('refuses numbers that do not increase', () => {
    const index = indexOf(['a']);
    expect(() => index.add(0, 'b')).toThrow(/not after/);
  });

  it('stops on its time budget across chunks and says so', () => {
    const index = new TextIndex({ chunkBytes: 64 });
    for (let i = 0; i < 200; i++) {
      index.add(i, `cell ${i} no match`);
    }
    const now = Date.now;
    let t = 0;
    Date.now = () => (t += 1000);
    try {
      const hits = index.search({ terms: ['zzz'], limit: 5, budgetMs: 1 });
      expect(hits).toEqual({ docs: [], truncated: true });
    } finally {
      Date.now = now;
    }
  });
});
