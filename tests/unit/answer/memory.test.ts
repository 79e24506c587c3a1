import { describe, expect, it } from 'vitest';
import { heuristicRewrite, isFollowUp, rewriteQuestion } from '../../../main/answer/memory';
import { loadTemplate } from '../../../main/answer/prompt';

const history = [{ question: 'What is metformin used for?', answer: 'Type 2 diabetes [1].' }];

describe('conversation memory', () => {
  it('detects follow-ups only when there is a conversation', () => {
    expect(isFollowUp('What about its side effects?', history)).toBe(true);
    expect(isFollowUp('And in children?', history)).toBe(true);
    expect(isFollowUp('What about its side effects?', [])).toBe(false);
    expect(isFollowUp('How does BM25 normalise document length?', history)).toBe(false);
  });

  it('rewrites a follow-up into a standalone query with the earlier key words', () => {
    expect(heuristicRewrite('What about its side effects?', history)).toBe('What about its side effects? metformin used');
  });

  it('uses the model rewrite when sensible, the heuristic when the model fails or rambles', async () => {
    const template = await loadTemplate('rewrite', 'v1');
    let prompt = '';
    const good = await rewriteQuestion('What about its side effects?', history, {
      template,
      complete: async (_s, u) => {
        prompt = u;
        return 'What are the side effects of metformin?\n';
      },
    });
    expect(good).toEqual({ query: 'What are the side effects of metformin?', method: 'llm' });
    expect(prompt).toContain('User: What is metformin used for?');
    expect(prompt).toContain('Assistant: Type 2 diabetes.');
    const broken = await rewriteQuestion('What about its side effects?', history, { template, complete: async () => Promise.reject(new Error('down')) });
    expect(broken.method).toBe('heuristic');
    const nonsense = await rewriteQuestion('What about its side effects?', history, { template, complete: async () => 'Once upon a time a bird flew.' });
    expect(nonsense.method).toBe('heuristic');
  });

  it('leaves standalone questions alone', async () => {
    expect(await rewriteQuestion('What is BM25?', [])).toEqual({ query: 'What is BM25?', method: 'none' });
  });
});
