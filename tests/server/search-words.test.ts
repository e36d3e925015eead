/**
 * The rules of search by words (server/search/words.ts): what a word is,
 * what it is compared by, phrases, where the marks go, and the pieces the
 * text index scans for, which every word of a stem must hold.
 */
import { lexemeOf, lexemesOf, WordQuery } from '../../server/search/words';
import { parseTerms } from '../../server/search/text-index';

describe('words', () => {
  it('splits at everything but letters and digits, ignoring case', () => {
    expect(lexemesOf('df = pd.read_csv("Iris.csv")')).toEqual([
      'df',
      'pd',
      'read',
      'csv',
      'iri',
      'csv'
    ]);
    expect(lexemesOf('Learning-Rate: 0.1')).toEqual([
      'learn',
      'rate',
      '0',
      '1'
    ]);
  });

  it('compares words of letters by their English stem, words with digits as written', () => {
    expect(lexemeOf('Training')).toBe('train');
    expect(lexemeOf('trained')).toBe('train');
    expect(lexemeOf('retrained')).toBe('retrain');
    expect(lexemeOf('happiness')).toBe(lexemeOf('happy'));
    expect(lexemeOf('x86')).toBe('x86');
    expect(lexemeOf('2024')).toBe('2024');
    expect(lexemeOf('naïve')).toBe('naïv');
    // No stop words.
    expect(lexemesOf('the')).toEqual(['the']);
  });

  it('leaves out words PostgreSQL would not index', () => {
    expect(lexemesOf(`a ${'b'.repeat(2048)} c`)).toEqual(['a', 'c']);
  });

  it('matches every term, a phrase as words in a row', () => {
    const q = new WordQuery(parseTerms('"learning rates" trains'));
    expect(q.terms).toEqual([['learn', 'rate'], ['train']]);
    expect(q.test('Training; learning-rate 0.1')).toBe(true);
    expect(q.test('Training; the rate of learning')).toBe(false);
    expect(q.test('learning rate')).toBe(false);
    expect(q.count('learning rate')).toBe(1);
  });

  it('finds a word where it begins, past the same letters inside other words', () => {
    const q = new WordQuery(['trains']);
    expect(q.test('retrained, then Training')).toBe(true);
    expect(q.test('retrained; untrained')).toBe(false);
    expect(q.test('x_train')).toBe(true);
    expect(new WordQuery(['x86']).test('an x8664 and x86_64')).toBe(true);
    expect(new WordQuery(['x86']).test('an x8664')).toBe(false);
    // After a letter outside the Basic Multilingual Plane: inside a word.
    expect(q.test('\u{1d400}training')).toBe(false);
    expect(q.count('retrained; "learning rate"')).toBe(0);
    const text = 'Retrained, then TRAINING; trains';
    expect(q.spans(text).map(([a, b]) => text.slice(a, b))).toEqual([
      'TRAINING',
      'trains'
    ]);
    // A text whose lower case is longer ("İ"): marks still fit the text.
    const dotted = 'İ trains';
    expect(q.spans(dotted).map(([a, b]) => dotted.slice(a, b))).toEqual([
      'trains'
    ]);
  });

  it('marks where each term stands, a phrase from its first word to its last', () => {
    const q = new WordQuery(parseTerms('"read csv" fitting'));
    const text = 'pd.read_csv(x); clf.fit(X)';
    expect(q.spans(text).map(([a, b]) => text.slice(a, b))).toEqual([
      'read_csv',
      'fit'
    ]);
  });

  it('drops terms without a word', () => {
    expect(new WordQuery(parseTerms('+ "." ++')).empty).toBe(true);
    expect(new WordQuery(parseTerms('+ fit')).phrases).toEqual(['fit']);
  });

  it('scans for pieces that every word of the stem holds', () => {
    // Words whose stems change more than their ending, and irregular ones.
    const words = [
      'happy',
      'happiness',
      'happily',
      'generalization',
      'generalize',
      'possibility',
      'stability',
      'dying',
      'lying',
      'tying',
      'died',
      'skies',
      'cried',
      'hoping',
      'relational',
      'analogies',
      'x86'
    ];
    for (const word of words) {
      const q = new WordQuery([word]);
      for (const needle of q.needles()) {
        expect([word, needle, word.includes(needle)]).toEqual([
          word,
          needle,
          true
        ]);
      }
      expect(q.test(`a ${word.toUpperCase()} b`)).toBe(true);
    }
  });
});
