import { expect, it } from 'vitest';
import { ChatView } from '../../../../renderer/features/chat/ChatView';
import { renderWith } from '../render';

const citation = { n: 1, chunkId: 'c', docId: 'd', docName: 'scurvy.pdf', path: '/s.pdf', page: 4, start: 10, end: 40, quote: 'Scurvy is caused by a lack of vitamin C.', support: 0.9 };

it('draws citation chips in the answer and lists the sources', () => {
  const { html } = renderWith(<ChatView />, (s) =>
    s.chat.setState({
      current: {
        id: 'c', title: 'Scurvy', createdAt: '', updatedAt: '',
        turns: [{ id: 't', question: 'What causes scurvy?', answer: 'A lack of vitamin C [1].', citations: [citation], claims: [], notFound: false, confidence: 0.82, provider: 'extractive', createdAt: '' }],
      },
    }),
  );
  expect(html).toContain('What causes scurvy?');
  expect(html).toMatch(/A lack of vitamin C<\/span><span class="cites"><button class="cite" data-testid="citation"[^>]*aria-label="Source 1: scurvy.pdf, page 4"/);
  expect(html).toContain('aria-label="Sources"');
  expect(html).toContain('confidence 82%');
});

it('shows no confidence beside "Not found in your documents"', () => {
  const turn = { id: 't', question: 'Who won?', answer: 'I could not find this in your documents.', citations: [], claims: [], notFound: true, confidence: 0.82, provider: 'none', createdAt: '' };
  const { html } = renderWith(<ChatView />, (s) => s.chat.setState({ current: { id: 'c', title: 'Q', createdAt: '', updatedAt: '', turns: [turn] } }));
  expect(html).toContain('Not found in your documents');
  expect(html).toContain('No model used');
  expect(html).not.toContain('confidence');
});

it('offers Stop while an answer is being written, and explains itself when empty', () => {
  const pending = { askId: 'a', chatId: 'c', question: 'q?', text: 'Partial', citations: [], stage: 'writing' as const, sources: 3, error: undefined };
  expect(renderWith(<ChatView />, (s) => s.chat.setState({ pending })).html).toContain('data-testid="stop"');
  expect(renderWith(<ChatView />).html).toContain('Ask about your documents');
});
