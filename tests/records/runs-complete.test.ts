/**
 * The filter box's completions (#16): fields at the start of a clause,
 * names after `params.` / `metrics.`, operators after a field, known values
 * after an operator, and/or after a condition; the range they replace.
 */
import { filterCompletions } from '../../src/records/runs';

const names = {
  params: ['lr', 'model', 'learning rate'],
  metrics: ['accuracy', 'acc.top5', 'loss'],
  tags: ['baseline', 'gpu'],
  authors: ['alice', 'bob']
};

function labels(text: string, cursor = text.length): string[] {
  return filterCompletions(text, cursor, names).options.map(o => o.label);
}

describe('filterCompletions', () => {
  it('offers the fields, params., metrics. and not at the start', () => {
    const result = filterCompletions('', 0, names);
    expect(result.from).toBe(0);
    expect(result.to).toBe(0);
    const offered = result.options.map(o => o.label);
    expect(offered).toEqual(
      expect.arrayContaining([
        'author',
        'tag',
        'started',
        'params.',
        'metrics.',
        'not'
      ])
    );
    expect(result.options.find(o => o.label === 'duration')?.detail).toMatch(
      /seconds/
    );
  });

  it('narrows the fields to what is typed, and offers names typed bare', () => {
    expect(labels('st')).toEqual(['status', 'started']);
    expect(labels('acc')).toEqual(['metrics.accuracy', 'metrics.acc.top5']);
    expect(labels('tag = "a" and au')).toEqual(['author']);
  });

  it('offers metric names after metrics., replacing the whole word', () => {
    const result = filterCompletions('metrics.', 8, names);
    expect(result.from).toBe(0);
    expect(result.to).toBe(8);
    expect(result.options.map(o => o.label)).toEqual([
      'metrics.accuracy',
      'metrics.acc.top5',
      'metrics.loss'
    ]);
    expect(labels('metrics.ac')).toEqual([
      'metrics.accuracy',
      'metrics.acc.top5'
    ]);
    // The cursor inside a word: it replaces the whole word.
    const inside = filterCompletions('metrics.lo > 1', 10, names);
    expect(inside).toEqual({
      from: 0,
      to: 10,
      options: [{ label: 'metrics.loss', detail: 'metric (last value)' }]
    });
  });

  it('offers a metric figure after its name and a dot', () => {
    expect(labels('metrics.loss.')).toEqual([
      'metrics.loss.min',
      'metrics.loss.max',
      'metrics.loss.count'
    ]);
    expect(labels('metrics.loss.m')).toEqual([
      'metrics.loss.min',
      'metrics.loss.max'
    ]);
  });

  it('offers param names after params., backquoted when they must be', () => {
    expect(labels('params.')).toEqual([
      'params.lr',
      'params.model',
      'params.`learning rate`'
    ]);
    expect(labels('tag = "x" or params.l')).toEqual([
      'params.lr',
      'params.`learning rate`'
    ]);
    expect(labels('params.le')).toEqual(['params.`learning rate`']);
    expect(labels('params.`learning r')).toEqual(['params.`learning rate`']);
    const later = filterCompletions('tag = "x" or params.m', 21, names);
    expect(later.from).toBe(13);
    expect(later.options.map(o => o.label)).toEqual(['params.model']);
  });

  it('offers operators after a field', () => {
    expect(labels('params.lr ')).toEqual([
      '=',
      '!=',
      '>',
      '>=',
      '<',
      '<=',
      '~',
      'in',
      'exists'
    ]);
    expect(labels('params.lr >')).toEqual(['>', '>=']);
    expect(labels('params.lr e')).toEqual(['exists']);
  });

  it('offers known values after an operator', () => {
    expect(labels('tag = ')).toEqual(['"baseline"', '"gpu"']);
    expect(labels('tag = "g')).toEqual(['"gpu"']);
    expect(labels('author != ')).toEqual(['"alice"', '"bob"']);
    expect(labels('kind = ')).toEqual([
      '"notebook"',
      '"replay"',
      '"fork"',
      '"export"'
    ]);
    expect(labels('status in [')).toEqual([
      '"ok"',
      '"failed"',
      '"interrupted"',
      '"empty"'
    ]);
    expect(labels('status in ["ok", ')).toEqual([
      '"ok"',
      '"failed"',
      '"interrupted"',
      '"empty"'
    ]);
    expect(labels('params.lr = ')).toEqual([]);
    expect(labels('tag in ')).toEqual(['[']);
  });

  it('offers and/or after a condition, and ) inside parentheses', () => {
    expect(labels('params.lr > 1 ')).toEqual(['and', 'or']);
    expect(labels('(params.lr > 1 ')).toEqual(['and', 'or', ')']);
    expect(labels('params.lr exists o')).toEqual(['or']);
    expect(labels('tag in ["a"] ')).toEqual(['and', 'or']);
    expect(labels('not (tag = "a") and ')).toContain('params.');
  });

  it('completes at the cursor, whatever follows it', () => {
    const text = 'params.lr > 1 and  and tag = "a"';
    expect(
      filterCompletions(text, 18, names).options.map(o => o.label)
    ).toContain('metrics.');
  });

  it('gives nothing where it cannot follow the text, and never throws', () => {
    expect(labels('params.lr 3 ')).toEqual([]);
    expect(labels('))) "')).toEqual([]);
    expect(filterCompletions('tag', 99, names).to).toBe(3);
  });
});
