import { describe, expect, it } from 'vitest';
import type { SearchResult } from '../../../../../contract';
import { SearchView } from '../../../../../renderer/features/search/SearchView';
import { exactTierEnd } from '../../../../../renderer/features/search/store';
import { renderWith } from '../../render';

const result = (chunkId: string, retrievers: SearchResult['retrievers']): SearchResult => ({
  chunkId, docId: 'd', docName: `${chunkId}.pdf`, path: '/r.pdf', page: 1, pageEnd: 1, start: 0, end: 5, headingPath: [], sectionId: 's', score: 1, text: 't', snippet: 'x', highlights: [], retrievers,
});

describe('search view: exact matches set apart', () => {
  it('finds where the exact matches end', () => {
    expect(exactTierEnd([result('a', ['exact', 'text']), result('b', ['text']), result('c', ['vector'])])).toBe(1);
    expect(exactTierEnd([result('a', ['exact']), result('b', ['exact'])])).toBe(-1); // all exact
    expect(exactTierEnd([result('a', ['text']), result('b', ['exact'])])).toBe(-1); // not led by one
    expect(exactTierEnd([])).toBe(-1);
  });

  it('draws a divider before the first result without the exact match, outside the options', () => {
    const results = [result('hit', ['exact', 'text']), result('part1', ['text']), result('part2', ['text', 'vector'])];
    const { html } = renderWith(<SearchView />, (s) => s.search.setState({ query: 'REDP-5110-00', resultsFor: 'REDP-5110-00', status: 'done', results, tookMs: 3 }));
    const divider = html.indexOf('data-testid="results-divider"');
    expect(divider).toBeGreaterThan(html.indexOf('hit.pdf'));
    expect(divider).toBeLessThan(html.indexOf('part1.pdf'));
    expect(html).toMatch(/<li class="results-divider" role="presentation"/);
    expect(html.match(/role="option"/g)).toHaveLength(3);
    const plain = renderWith(<SearchView />, (s) => s.search.setState({ query: 'pump', resultsFor: 'pump', status: 'done', results: results.slice(1), tookMs: 3 })).html;
    expect(plain).not.toContain('results-divider');
  });
});
