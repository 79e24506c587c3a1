import { describe, expect, it } from 'vitest';
import { highlightTerms, makeSnippet, stem } from '../../../main/search/snippet';

describe('snippets', () => {
  it('marks an ID found whole once, not its parts again elsewhere', () => {
    expect(makeSnippet('Between 19 and 19-39 year olds, the COVID-19 wave peaked.', 'COVID-19', ['COVID-19']).snippet).toBe('Between 19 and 19-39 year olds, the «COVID-19» wave peaked.');
    expect(makeSnippet('Order number REDP-5110-00 and 1.00 ACRES', 'REDP-5110-00', ['REDP-5110-00']).snippet).toBe('Order number «REDP-5110-00» and 1.00 ACRES');
    // Not found whole: its parts still show why the passage matched.
    expect(makeSnippet('Ages 19 to 39 were counted.', 'COVID-19', ['COVID-19']).snippet).toBe('Ages «19» to 39 were counted.');
  });

  it('stems and drops stop words', () => {
    expect(highlightTerms('What are the studies of running')).toEqual(['stud', 'runn']);
    expect(stem('proteins')).toBe('protein');
  });

  it('marks matched terms and exact units, with spans pointing at the markers', () => {
    const text = 'Intro words. '.repeat(40) + 'The pump reported fault E-4012 during the test. ' + 'Tail words. '.repeat(40);
    const s = makeSnippet(text, 'pump fault E-4012', ['E-4012']);
    expect(s.snippet).toContain('«E-4012»');
    expect(s.snippet).toContain('«pump»');
    expect(s.snippet.startsWith('…')).toBe(true);
    for (const [a, b] of s.highlights) expect(s.snippet.slice(a, b)).toMatch(/^«.*»$/);
  });

  it('returns the start of the text when nothing matches', () => {
    const s = makeSnippet('alpha beta gamma', 'zeta', []);
    expect(s.snippet).toBe('alpha beta gamma');
    expect(s.highlights).toEqual([]);
  });
});
