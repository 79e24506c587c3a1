import { expect, it } from 'vitest';
import type { ChatTurn } from '../../../../contract';
import { Answerer } from '../../../../main/answer/answerer';
import { NO_DIRECT_ANSWER } from '../../../../main/answer/providers/extractive';
import { ChatView } from '../../../../renderer/features/chat/ChatView';
import { pointsToPassages } from '../../../../renderer/features/chat/related';
import { memorySearch } from '../../answer/helpers/memory-search';
import { renderWith } from '../render';

const citation = { n: 1, chunkId: 'c', docId: 'd', docName: 'fr_olap.pdf', path: '/f.pdf', page: 1, start: 10, end: 60, quote: 'un langage de manipulation de requêtes (appelé QSL)', support: 1 };
const related: ChatTurn = {
  id: 't',
  question: 'What does QSL stand for?',
  answer: `No sentence in your documents answers this directly. The passage that mentions QSL:\n\nun langage de manipulation de requêtes (appelé QSL) [1]\n\nAn answer model (Settings → Answers) can write an answer from them.`,
  citations: [citation],
  claims: [],
  notFound: false,
  direct: false,
  confidence: 0.05,
  provider: 'extractive',
  createdAt: '',
};
const chatWith = (turn: ChatTurn) => ({ id: 'c', title: 'QSL', createdAt: '', updatedAt: '', turns: [turn] });

it('the engine marks an answer that only points to passages direct: false, and the chat reads that mark', async () => {
  // A real answer of that kind, end to end: an English question over a French passage.
  const search = memorySearch([
    { docName: 'fr_olap.pdf', text: 'Nous proposons un langage de manipulation de requêtes (appelé QSL).' },
    { docName: 'fr_olap.pdf', page: 3, text: '3 Le langage QSL\n\nDans cette section, nous définissons notre langage.' },
  ]);
  const r = await new Answerer({}, search).answer({ question: 'What does QSL stand for in practice?' });
  expect(r.answer.startsWith(NO_DIRECT_ANSWER)).toBe(true);
  expect(r.direct).toBe(false);
  expect(pointsToPassages(r)).toBe(true);
  expect(pointsToPassages({ notFound: false })).toBe(false);
  expect(pointsToPassages({ notFound: true, direct: false })).toBe(false);
});

it('marks an answer that only points to passages, with its citations, low confidence and the way to a written answer', () => {
  const { html } = renderWith(<ChatView />, (s) => s.chat.setState({ current: chatWith(related) }));
  expect(html).toContain('data-testid="no-direct-answer"');
  expect(html).toContain('No direct answer in your documents');
  expect(html).toContain('Set up an answer model');
  expect(html).not.toContain('Not found in your documents');
  expect(html).toContain('aria-label="Source 1: fr_olap.pdf, page 1"');
  expect(html).toContain('confidence 5%');
});

it('leaves the way to settings to the fallback notice when a configured model failed', () => {
  const { html } = renderWith(<ChatView />, (s) => s.chat.setState({ current: chatWith(related), fallbacks: { t: ['remote'] } }));
  expect(html).toContain('No direct answer in your documents');
  expect(html).not.toContain('Set up an answer model');
  expect(html).toContain('data-testid="fallback-notice"');
});

it('a direct answer carries no such mark', () => {
  const { direct: _marked, ...answer } = related;
  const direct = { ...answer, answer: 'QSL est un langage de manipulation de requêtes [1].', confidence: 0.9 };
  const { html } = renderWith(<ChatView />, (s) => s.chat.setState({ current: chatWith(direct) }));
  expect(html).not.toContain('no-direct-answer');
});
