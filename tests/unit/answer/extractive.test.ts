import { describe, expect, it } from 'vitest';
import { Answerer } from '../../../main/answer/answerer';
import { citeSentence, selectEvidence } from '../../../main/answer/providers/extractive';
import { LIBRARY } from './fixtures';
import { memorySearch } from './helpers/memory-search';
import { source } from './helpers/source';

describe('selectEvidence', () => {
  it('picks the sentences that answer the question, not the first ones', async () => {
    const s = source(1, 'The weather was fine that year. Many ships sailed. Scurvy is caused by a lack of vitamin C. Sailors ate biscuits.');
    const ev = await selectEvidence('What causes scurvy?', [s], { maxSentences: 2 });
    expect(ev[0]).toMatchObject({ n: 1, sentence: 'Scurvy is caused by a lack of vitamin C.' });
    expect(ev.every((e) => !e.sentence.startsWith('The weather'))).toBe(true);
  });

  it('skips near-duplicate sentences from different passages', async () => {
    const a = source(1, 'Scurvy is caused by a lack of vitamin C in the diet.');
    const b = source(2, 'Scurvy is caused by a lack of vitamin C in the diet of sailors.');
    const ev = await selectEvidence('What causes scurvy?', [a, b], { maxSentences: 3 });
    expect(ev).toHaveLength(1);
  });

  it('returns nothing when no sentence shares a word with the question', async () => {
    const ev = await selectEvidence('quantum chromodynamics gluons', [source(1, 'Cats sleep a lot during the day in warm places.')], { maxSentences: 3 });
    expect(ev).toEqual([]);
  });
});

describe('citeSentence', () => {
  it('puts the marker before the final punctuation', () => {
    expect(citeSentence('It rose by 4%.', 2)).toBe('It rose by 4% [2].');
    expect(citeSentence('No stop', 1)).toBe('No stop [1]');
  });
});

describe('extractive answers through the Answerer', () => {
  it('is the default with nothing configured, cites every sentence and locates quotes on the page', async () => {
    const answerer = new Answerer({}, memorySearch(LIBRARY));
    const r = await answerer.answer({ question: 'What causes scurvy?' });
    expect(r.provider).toBe('extractive');
    expect(r.notFound).toBe(false);
    expect(r.answer).toMatch(/vitamin C.*\[1\]/);
    expect(r.citations.length).toBeGreaterThan(0);
    const c = r.citations[0];
    expect(c.docName).toBe('scurvy.pdf');
    // The quote is located within the page: passage starts at offset 120 on page 3.
    expect(c.page).toBe(3);
    expect(LIBRARY[0].text.slice(c.start - 120, c.end - 120)).toBe(c.quote);
    expect(r.claims.every((cl) => cl.status === 'supported')).toBe(true);
    expect(r.confidence).toBeGreaterThan(0.6);
    expect(r.usage.totalTokens).toBe(0);
  });

  it('says "not found" instead of guessing when nothing relevant is retrieved', async () => {
    const answerer = new Answerer({}, memorySearch(LIBRARY));
    const r = await answerer.answer({ question: 'Who won the 1998 football world cup final?' });
    expect(r.notFound).toBe(true);
    expect(r.provider).toBe('none');
    expect(r.citations).toEqual([]);
    expect(r.answer).toMatch(/could not find/i);
    // No answer was given, so there is nothing to be confident in.
    expect(r.confidence).toBe(0);
  });

  it('passes collection and document filters to the search', async () => {
    const search = memorySearch(LIBRARY);
    const answerer = new Answerer({}, search);
    const r = await answerer.answer({ question: 'What does BM25 score documents by?', doc: 'bm25', collection: 'papers' });
    expect(search.queries[0].filters).toEqual({ collection: 'papers', doc: 'bm25' });
    expect(r.citations.every((c) => c.docName === 'bm25.md')).toBe(true);
  });
});

describe('the event stream', () => {
  it('emits retrieval, provider, tokens, citations and done, in order', async () => {
    const answerer = new Answerer({}, memorySearch(LIBRARY));
    const types: string[] = [];
    let text = '';
    for await (const e of answerer.ask({ question: 'What does BM25 score documents by?' })) {
      types.push(e.type);
      if (e.type === 'token') text += e.text;
      if (e.type === 'done') expect(e.result.answer).toBe(text);
    }
    const squashed = types.filter((t, i) => t !== types[i - 1]);
    expect(squashed).toEqual(['retrieval', 'provider', 'token', 'citations', 'done']);
  });

  it('breaking out of the loop cancels the work still running', async () => {
    let abortedEmbed = false;
    // An embedder that only finishes when cancelled: the answer is still relevance-scoring when the consumer leaves.
    const embedder = {
      info: { id: 'slow', dimension: 2, kind: 'hash' as const },
      embed: (_t: string[], o?: { signal?: AbortSignal }) =>
        new Promise<Float32Array[]>((_ok, fail) =>
          o?.signal?.addEventListener('abort', () => {
            abortedEmbed = true;
            fail(new Error('aborted'));
          }),
        ),
      close: async () => undefined,
    };
    const answerer = new Answerer({}, { ...memorySearch(LIBRARY), embedder });
    for await (const e of answerer.ask({ question: 'What causes scurvy?' })) {
      expect(e.type).toBe('retrieval');
      break;
    }
    await new Promise((ok) => setTimeout(ok, 20));
    expect(abortedEmbed).toBe(true);
  });
});

describe('parent-section expansion', () => {
  it('quotes a sentence from the enclosing section, located at the chunk when outside it', async () => {
    const lib = [{ docName: 'lind.pdf', page: 7, start: 40, section: 'lind:s1', text: 'James Lind ran a trial on HMS Salisbury in 1747.' }];
    const sections = { 'lind:s1': 'James Lind ran a trial on HMS Salisbury in 1747. Sailors given oranges and lemons recovered from scurvy within days.' };
    const answerer = new Answerer({}, memorySearch(lib, sections));
    const r = await answerer.answer({ question: 'What did James Lind find about oranges and lemons in his 1747 trial?' });
    expect(r.answer).toContain('oranges and lemons');
    const c = r.citations[0];
    expect(c.docName).toBe('lind.pdf');
    expect(c.page).toBe(7);
    expect(r.claims.every((cl) => cl.status === 'supported')).toBe(true);
  });
});

describe('no sentence answers the question', () => {
  it('says not found, and streams that sentence', async () => {
    // The passage shares most of the question's words, but each sentence holds only one (and no
    // passage holds them all, which would be pointed to: see related-passages.test.ts).
    const words = ['amber', 'basalt', 'cobalt', 'diorite', 'emerald', 'feldspar'];
    const text = words.slice(0, 4).map((w) => `The ${w} sample stayed in storage room.`).join(' ');
    const answerer = new Answerer({}, memorySearch([{ docName: 'minerals.txt', text }]));
    let streamed = '';
    const r = await answerer.answer({ question: words.join(' ') }, { onEvent: (e) => e.type === 'token' && (streamed += e.text) });
    expect(r).toMatchObject({ notFound: true, provider: 'extractive', citations: [] });
    expect(streamed).toBe(r.answer);
    expect(r.answer).toMatch(/could not find/);
  });
});
