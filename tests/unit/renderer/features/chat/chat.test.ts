import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatEvent, ChatTurn, Citation } from '../../../../../contract';
import { ACTION_TOAST_MS } from '../../../../../renderer/app/store';
import { answerCopyText, answerParts } from '../../../../../renderer/features/chat/citations';
import { failedProviders, fallbackNotice, turnFallbacks } from '../../../../../renderer/features/chat/fallback';
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

describe('answerCopyText', () => {
  it('keeps the [n] markers and lists the sources with their pages', () => {
    const sources = [cite(1), { ...cite(2), docName: 'redp5110.pdf', page: 13, pageEnd: 14 }];
    expect(answerCopyText('IBM i 7.2 [1] and 7.3 [1, 2].\n', sources)).toBe('IBM i 7.2 [1] and 7.3 [1, 2].\n\nSources\n[1] a.pdf — page 1\n[2] redp5110.pdf — pages 13–14');
  });
  it('is the text alone when nothing is cited', () => {
    expect(answerCopyText('I could not find this in your documents.', [])).toBe('I could not find this in your documents.');
  });
});

describe('fallback notice', () => {
  it('counts a provider as failed only when it was started and another answered', () => {
    expect(failedProviders(['remote', 'extractive'], 'extractive')).toEqual(['remote']);
    expect(failedProviders(['remote', 'local', 'extractive'], 'extractive')).toEqual(['remote', 'local']);
    // Retried and then answered; never started (not configured); nothing generated at all.
    expect(failedProviders(['remote'], 'remote')).toEqual([]);
    expect(failedProviders(['extractive'], 'extractive')).toEqual([]);
    expect(failedProviders([], 'none')).toEqual([]);
  });
  it('names the model that failed and what answered instead', () => {
    expect(fallbackNotice(['remote'], 'extractive', { remote: 'llama3.2' })).toBe('Your remote model (llama3.2) did not answer — answered by quoting the sources instead.');
    expect(fallbackNotice(['remote'], 'local', {})).toBe('Your remote model did not answer — your local model answered instead.');
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

  it('remembers which providers failed before the one that wrote the answer', async () => {
    const { client, store } = setup();
    await store.getState().ask('q?');
    client.emit('chat.event', ev({ type: 'provider', provider: 'remote' }));
    client.emit('chat.event', ev({ type: 'provider', provider: 'remote' })); // a retry
    client.emit('chat.event', ev({ type: 'provider', provider: 'extractive' }));
    client.emit('chat.event', ev({ type: 'done', turn: { ...turn('Vitamin C [1].'), id: 'fell-back' } }));
    expect(store.getState().fallbacks).toEqual({ 'fell-back': ['remote'] });
    // Quoting because nothing else is configured is no failure.
    await store.getState().ask('again?');
    client.emit('chat.event', ev({ type: 'provider', provider: 'extractive' }));
    client.emit('chat.event', ev({ type: 'done', turn: { ...turn('Vitamin C [1].'), id: 'quoted' } }));
    expect(store.getState().fallbacks).toEqual({ 'fell-back': ['remote'] });
  });

  it('reports a refused ask on the pending answer', async () => {
    const { client, store } = setup();
    delete client.handlers['chat.ask'];
    await store.getState().ask('q?');
    expect(store.getState().pending).toMatchObject({ stage: 'failed', error: { code: 'NOT_FOUND' } });
  });
});

describe('deleting a conversation', () => {
  afterEach(() => vi.useRealTimers());

  function withChat() {
    vi.useFakeTimers();
    const t = setup();
    t.client.handlers['chat.delete'] = () => ({ ok: true });
    t.client.handlers['chat.get'] = () => ({ id: 'c1', title: 'q?', createdAt: '', updatedAt: '', turns: [turn('Vitamin C [1].')] });
    t.store.setState({ chats: [{ id: 'c1', title: 'q?', createdAt: '', updatedAt: '', turns: 1 }], current: { id: 'c1', title: 'q?', createdAt: '', updatedAt: '', turns: [turn('Vitamin C [1].')] } });
    return t;
  }
  const deletes = (client: FakeClient) => client.calls.filter((c) => c.method === 'chat.delete');

  it('hides it at once and deletes it only when the undo window ends', async () => {
    const { client, store } = withChat();
    store.getState().remove('c1');
    expect(store.getState()).toMatchObject({ deleting: ['c1'], current: undefined });
    await vi.advanceTimersByTimeAsync(ACTION_TOAST_MS - 1);
    expect(deletes(client)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(deletes(client).map((c) => c.input)).toEqual([{ chatId: 'c1' }]);
    expect(store.getState()).toMatchObject({ chats: [], deleting: [] });
    expect(store.getState().undoRemove('c1')).toBe(false);
  });

  it('is undone without telling the engine, and the open conversation comes back', async () => {
    const { client, store } = withChat();
    store.getState().remove('c1');
    expect(store.getState().undoRemove('c1')).toBe(true);
    await vi.advanceTimersByTimeAsync(ACTION_TOAST_MS * 2);
    expect(deletes(client)).toHaveLength(0);
    expect(store.getState().deleting).toEqual([]);
    expect(store.getState().chats.map((c) => c.id)).toEqual(['c1']);
    expect(store.getState().current?.id).toBe('c1');
  });

  it('brings it back with the error when the delete fails; one already gone counts as deleted', async () => {
    const { client, store, errors } = withChat();
    client.handlers['chat.delete'] = () => Promise.reject(new Error('disk full'));
    store.getState().remove('c1');
    await vi.advanceTimersByTimeAsync(ACTION_TOAST_MS);
    expect(errors).toEqual(['disk full']);
    expect(store.getState()).toMatchObject({ deleting: [], chats: [{ id: 'c1' }] });
    delete client.handlers['chat.delete']; // the fake answers NOT_FOUND
    store.getState().remove('c1');
    await vi.advanceTimersByTimeAsync(ACTION_TOAST_MS);
    expect(errors).toEqual(['disk full']);
    expect(store.getState()).toMatchObject({ deleting: [], chats: [] });
  });
});

describe('turnFallbacks', () => {
  it('prefers what the engine saved with the turn (it survives a reload), else what the window saw live', () => {
    const live = { t1: ['local'] };
    expect(turnFallbacks({ id: 't1', fellBack: [{ provider: 'remote', message: 'connect ECONNREFUSED' }] }, live)).toEqual(['remote']);
    expect(turnFallbacks({ id: 't1' }, live)).toEqual(['local']);
    expect(turnFallbacks({ id: 't2', fellBack: [] }, live)).toBeUndefined();
  });
});
