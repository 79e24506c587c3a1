import { describe, expect, it } from 'vitest';
import type { ChatEvent, ChatTurn, Citation } from '../../../../../contract';
import { answerParts } from '../../../../../renderer/features/chat/citations';
import { createChatStore } from '../../../../../renderer/features/chat/store';
import { FakeClient } from '../../fake-client';

const cite = (n: number): Citation => ({ n, chunkId: `c${n}`, docId: 'd', docName: 'a.pdf', path: '/a.pdf', page: n, start: 0, end: 5, quote: 'quote', support: 0.9 });
const turn = (answer: string): ChatTurn => ({ id: 't', question: 'q?', answer, citations: [cite(1)], claims: [], notFound: false, confidence: 0.8, provider: 'extractive', createdAt: '2026-01-01T00:00:00Z' });

describe('answerParts', () => {
  it('turns known citation markers into chips and leaves the rest as text', () => {
    expect(answerParts('Scurvy comes from a lack of vitamin C [1, 2]. Lind cured it [3].', new Set([1, 2]))).toEqual([
      { kind: 'text', text: 'Scurvy comes from a lack of vitamin C' },
      { kind: 'cite', numbers: [1, 2] },
      { kind: 'text', text: '. Lind cured it [3].' },
    ]);
  });
  it('expands short ranges and ignores brackets that are not citations', () => {
    expect(answerParts('See [2-3] and [a].', new Set([2, 3]))).toEqual([
      { kind: 'text', text: 'See' },
      { kind: 'cite', numbers: [2, 3] },
      { kind: 'text', text: ' and [a].' },
    ]);
    expect(answerParts('no markers', new Set([1]))).toEqual([{ kind: 'text', text: 'no markers' }]);
  });
});

function setup() {
  const client = new FakeClient();
  client.handlers['chat.ask'] = () => ({ askId: 'a1', chatId: 'c1' });
  client.handlers['chat.list'] = () => ({ chats: [{ id: 'c1', title: 'q?', createdAt: '', updatedAt: '', turns: 1 }] });
  client.handlers['chat.stop'] = () => ({ ok: true });
  const errors: string[] = [];
  const store = createChatStore(client, (e) => errors.push(e.message));
  store.getState().connect();
  return { client, store, errors };
}

const ev = (e: Partial<ChatEvent> & { type: ChatEvent['type'] }): ChatEvent => ({ askId: 'a1', chatId: 'c1', ...e }) as ChatEvent;

describe('chat store', () => {
  it('streams tokens and citations into the pending answer, then files the finished turn', async () => {
    const { client, store } = setup();
    await store.getState().ask('  q?  ');
    expect(client.calls.find((c) => c.method === 'chat.ask')?.input).toEqual({ question: 'q?' });
    client.emit('chat.event', ev({ type: 'retrieval', query: 'q', results: 4, tookMs: 3 }));
    expect(store.getState().pending).toMatchObject({ stage: 'retrieving', sources: 4 });
    client.emit('chat.event', ev({ type: 'token', text: 'Vitamin ' }));
    client.emit('chat.event', ev({ type: 'token', text: 'C [1].' }));
    client.emit('chat.event', ev({ type: 'citations', citations: [cite(1)], claims: [] }));
    expect(store.getState().pending).toMatchObject({ stage: 'writing', text: 'Vitamin C [1].', citations: [cite(1)] });
    client.emit('chat.event', ev({ type: 'done', turn: turn('Vitamin C [1].') }));
    expect(store.getState().pending).toBeUndefined();
    expect(store.getState().current?.turns.map((t) => t.answer)).toEqual(['Vitamin C [1].']);
  });

  it('ignores events of other questions and restarts the text on reset', async () => {
    const { client, store } = setup();
    await store.getState().ask('q?');
    client.emit('chat.event', { ...ev({ type: 'token', text: 'other' }), askId: 'zzz' } as ChatEvent);
    client.emit('chat.event', ev({ type: 'token', text: 'half' }));
    client.emit('chat.event', ev({ type: 'reset', reason: 'provider failed' }));
    client.emit('chat.event', ev({ type: 'token', text: 'whole' }));
    expect(store.getState().pending?.text).toBe('whole');
  });

  it('keeps events that arrive before chat.ask has answered', async () => {
    const { client, store } = setup();
    let answer!: (v: { askId: string; chatId: string }) => void;
    client.handlers['chat.ask'] = () => new Promise((r) => (answer = r));
    const asking = store.getState().ask('q?');
    client.emit('chat.event', ev({ type: 'token', text: 'early ' }));
    answer({ askId: 'a1', chatId: 'c1' });
    await asking;
    client.emit('chat.event', ev({ type: 'token', text: 'late' }));
    expect(store.getState().pending?.text).toBe('early late');
  });

  it('stops the answer, and shows a stopped or failed answer as such', async () => {
    const { client, store } = setup();
    await store.getState().ask('q?');
    await store.getState().stop();
    expect(client.calls.find((c) => c.method === 'chat.stop')?.input).toEqual({ askId: 'a1' });
    client.emit('chat.event', ev({ type: 'error', error: { code: 'CANCELLED', message: 'Stopped' } }));
    expect(store.getState().pending?.stage).toBe('stopped');
    await store.getState().ask('again?');
    client.emit('chat.event', ev({ type: 'error', error: { code: 'PROVIDER_FAILED', message: 'The model is unreachable' } }));
    expect(store.getState().pending).toMatchObject({ stage: 'failed', error: { message: 'The model is unreachable' } });
  });

  it('does not send a second question while one is being answered', async () => {
    const { client, store } = setup();
    await store.getState().ask('one?');
    await store.getState().ask('two?');
    expect(client.calls.filter((c) => c.method === 'chat.ask')).toHaveLength(1);
  });

  it('reports a refused ask on the pending answer', async () => {
    const { client, store } = setup();
    delete client.handlers['chat.ask'];
    await store.getState().ask('q?');
    expect(store.getState().pending).toMatchObject({ stage: 'failed', error: { code: 'NOT_FOUND' } });
  });
});
