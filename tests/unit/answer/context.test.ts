import { describe, expect, it } from 'vitest';
import { packSources, trimToTokens } from '../../../main/answer/context';
import type { TokenBudget } from '../../../main/answer/types';
import type { SearchResult } from '../../../contract';

const words = (t: string): number => t.split(/\s+/).filter(Boolean).length;
const budget = (contextTokens: number, maxOutputTokens = 50): TokenBudget => ({ contextTokens, maxOutputTokens, count: words, exact: true });

function result(i: number, text: string, sectionId = `s${i}`): { result: SearchResult; relevance: number } {
  return {
    relevance: 1 - i / 10,
    result: {
      chunkId: `c${i}`, docId: `d${i}`, docName: `doc${i}`, path: '', page: 1, pageEnd: 1, start: 0, end: text.length,
      headingPath: [], sectionId, score: 1, text, snippet: '', highlights: [], retrievers: ['text'],
    },
  };
}

const passage = (n: number): string => Array.from({ length: n }, (_, i) => `word${i}`).join(' ') + '.';

describe('packSources', () => {
  it('takes passages in rank order while they fit, then trims the next one', async () => {
    const ranked = [result(0, passage(100)), result(1, passage(100)), result(2, passage(300))];
    const out = await packSources(ranked, { budget: budget(500), fixedTokens: 60, maxSources: 5 });
    expect(out.map((s) => s.n)).toEqual([1, 2, 3]);
    expect(out[0].text).toBe(ranked[0].result.text);
    expect(words(out[2].text)).toBeLessThan(300);
    const total = out.reduce((n, s) => n + words(s.text) + 8, 0);
    expect(total + 60 + 50).toBeLessThanOrEqual(500);
  });

  it('respects maxSources', async () => {
    const out = await packSources([0, 1, 2, 3].map((i) => result(i, passage(5))), { budget: budget(10_000), fixedTokens: 0, maxSources: 2 });
    expect(out).toHaveLength(2);
  });

  it('refuses clearly when the question alone overflows the context window', async () => {
    await expect(packSources([result(0, passage(10))], { budget: budget(200), fixedTokens: 190, maxSources: 3 })).rejects.toMatchObject({
      code: 'PROVIDER_FAILED',
      message: expect.stringContaining('leaving no room for sources'),
    });
  });

  it('expands a chunk to its small parent section once, skipping sibling chunks', async () => {
    const ranked = [result(0, 'Second paragraph.', 'sec'), result(1, 'First paragraph.', 'sec'), result(2, 'Other.', 'other')];
    const sections: Record<string, string> = { sec: 'First paragraph. Second paragraph. Third paragraph.' };
    const out = await packSources(ranked, { budget: budget(10_000), fixedTokens: 0, maxSources: 5, expand: async (id) => sections[id] });
    expect(out.map((s) => s.text)).toEqual([sections.sec, 'Other.']);
    expect(out[0].result.chunkId).toBe('c0');
  });

  it('keeps the chunk when the section is too large', async () => {
    const big = passage(5000);
    const out = await packSources([result(0, 'Chunk text.', 'sec')], { budget: budget(100_000), fixedTokens: 0, maxSources: 5, expand: async () => big });
    expect(out[0].text).toBe('Chunk text.');
  });
});

describe('trimToTokens', () => {
  it('cuts at a sentence end when one is near', () => {
    const t = 'One two three. Four five six. Seven eight nine ten.';
    expect(trimToTokens(t, 7, words)).toBe('One two three. Four five six.');
  });
});
