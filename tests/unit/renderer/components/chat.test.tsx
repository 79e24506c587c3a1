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
  expect(html).toMatch(/A lack of vitamin C<\/span><span class="cites"><span class="copy-only" aria-hidden="true"> <\/span><button class="cite" data-testid="citation"[^>]*aria-label="Source 1: scurvy.pdf, page 4"/);
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
  const pending = { askId: 'a', chatId: 'c', question: 'q?', text: 'Partial', citations: [], stage: 'writing' as const, sources: 3, error: undefined, tried: [] };
  expect(renderWith(<ChatView />, (s) => s.chat.setState({ pending })).html).toContain('data-testid="stop"');
  expect(renderWith(<ChatView />).html).toContain('Ask about your documents');
});

const answered = (provider: string) => ({
  id: 'c', title: 'Scurvy', createdAt: '', updatedAt: '',
  turns: [{ id: 't', question: 'What causes scurvy?', answer: 'A lack of vitamin C [1].', citations: [citation], claims: [], notFound: false, confidence: 0.82, provider, createdAt: '' }],
});

it('draws a citation so that a copied selection reads "[1]", not a digit glued to the text', () => {
  const { html } = renderWith(<ChatView />, (s) => s.chat.setState({ current: answered('extractive') }));
  // The chip shows "1"; the brackets and the space before it are there only for a copy.
  expect(html).toContain('<span class="copy-only" aria-hidden="true"> </span><button class="cite"');
  expect(html).toMatch(/<span class="copy-only" aria-hidden="true">\[<\/span>1<span class="copy-only" aria-hidden="true">\]<\/span><\/button>/);
  expect(html).toContain('data-testid="copy-answer"');
  expect(html).toMatch(/data-testid="copy-answer">.*Copy<\/span><\/button>/);
});

it('says when a configured model failed and quoting took over, and only then', () => {
  const failed = renderWith(<ChatView />, (s) => {
    s.chat.setState({ current: answered('extractive'), fallbacks: { t: ['remote'] } });
    s.settings.setState({ engine: { dataDir: '/d', answer: { provider: 'auto', remote: { baseUrl: 'http://127.0.0.1:9/v1', model: 'llama3.2', hasKey: false }, redact: 'remote' }, embedder: { kind: 'use' }, keyStorage: 'environment' } });
  }).html;
  expect(failed).toContain('data-testid="fallback-notice"');
  expect(failed).toContain('Your remote model (llama3.2) did not answer — answered by quoting the sources instead.');
  expect(failed).toContain('Check Settings → Answers');
  // No model configured: quoting is the plan, not a failure.
  const quoted = renderWith(<ChatView />, (s) => s.chat.setState({ current: answered('extractive') })).html;
  expect(quoted).toContain('Quoted from the sources (no model)');
  expect(quoted).not.toContain('fallback-notice');
});

it('leaves a conversation waiting out its undo window out of the list', () => {
  const chats = [
    { id: 'keep', title: 'Kept chat', createdAt: '', updatedAt: '', turns: 1 },
    { id: 'gone', title: 'Deleted chat', createdAt: '', updatedAt: '', turns: 2 },
  ];
  const { html } = renderWith(<ChatView />, (s) => s.chat.setState({ chats, deleting: ['gone'] }));
  expect(html).toContain('Kept chat');
  expect(html).not.toContain('Deleted chat');
});
