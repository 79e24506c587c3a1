import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent, SearchResult } from '../../contract';
import { Answerer } from '../../main/answer/answerer';
import { ChatStore } from '../../main/answer/chats';
import { startServer, withAnswers, type QuarryServer } from '../../main/server';
import { tempDir } from '../helpers/shared';
import { FakeEngine } from '../unit/server/fake-engine';

// The chat methods over HTTP, with the real answers module (extractive provider: no model, no
// network) over a scripted search: what is under test is the transport of asks, streamed
// events, stopping and the conversation list.
const TOKEN = 'answers-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

const passage = (n: number, text: string): SearchResult => ({
  chunkId: `d1:${n}`, docId: 'd1', docName: 'scurvy.pdf', path: '/docs/scurvy.pdf', page: n + 1, pageEnd: n + 1, start: 0, end: text.length,
  headingPath: [], sectionId: `d1:s${n}`, score: 1 - n / 10, text, snippet: text, highlights: [], retrievers: ['text'],
});
const PASSAGES = [
  passage(0, 'Scurvy is caused by a lack of vitamin C in the diet. Sailors on long voyages suffered from it.'),
  passage(1, 'James Lind showed in 1747 that citrus fruit cured scurvy among sailors.'),
];

let server: QuarryServer;
let cleanup: () => Promise<void>;
let closed = false;

beforeAll(async () => {
  const tmp = await tempDir('quarry-answers-');
  cleanup = tmp.cleanup;
  const chats = await ChatStore.create(`${tmp.dir}/chats`);
  const answerer = new Answerer({}, {
    search: async (q) => {
      // "slow" questions wait, so that stopping them can be tested.
      if (q.query.includes('slow')) await new Promise((r) => setTimeout(r, 5000));
      return { query: q.query, mode: 'hybrid', tookMs: 1, results: PASSAGES };
    },
  }, { chats });
  const base = Object.assign(new FakeEngine(), {
    dataDir: tmp.dir,
    answerer: async () => answerer,
    close: async () => {
      closed = true;
    },
  });
  server = await startServer({ engine: withAnswers(base), token: TOKEN, inboxDir: `${tmp.dir}/inbox` });
});

afterAll(async () => {
  await server?.close();
  await cleanup?.();
});

async function post<T>(method: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}/api/${method}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

/** Collects chat events for one ask until it is done or failed. */
async function eventsFor(askIdPromise: Promise<string>): Promise<ChatEvent[]> {
  const res = await fetch(`${server.url}/api/events`, { headers: { Authorization: auth.Authorization } });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  const all: ChatEvent[] = [];
  const askId = await askIdPromise;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (!block.startsWith('event: chat.event')) continue;
      const e = JSON.parse(block.slice(block.indexOf('data: ') + 6)) as ChatEvent;
      if (e.askId !== askId) continue;
      all.push(e);
      if (e.type === 'done' || e.type === 'error') {
        await reader.cancel();
        return all;
      }
    }
  }
  return all;
}

describe('chat over HTTP', () => {
  it('starts an answer at once and streams it: retrieval, tokens, citations, the finished turn', async () => {
    let resolveAsk!: (id: string) => void;
    const events = eventsFor(new Promise((r) => (resolveAsk = r)));
    await new Promise((r) => setTimeout(r, 50));
    const { status, body } = await post<{ askId: string; chatId: string }>('chat.ask', { question: 'What causes scurvy?' });
    expect(status).toBe(200);
    resolveAsk(body.askId);
    const got = await events;
    const types = got.map((e) => e.type);
    expect(types[0]).toBe('retrieval');
    expect(types).toContain('token');
    expect(types.at(-1)).toBe('done');
    const done = got.at(-1) as Extract<ChatEvent, { type: 'done' }>;
    expect(done.chatId).toBe(body.chatId);
    expect(done.turn.answer.toLowerCase()).toContain('vitamin c');
    expect(done.turn.citations.length).toBeGreaterThan(0);
    expect(done.turn.citations[0]).toMatchObject({ docId: 'd1', docName: 'scurvy.pdf' });
    const streamed = got.filter((e): e is Extract<ChatEvent, { type: 'token' }> => e.type === 'token').map((e) => e.text).join('');
    expect(streamed.length).toBeGreaterThan(0);

    const list = await post<{ chats: { id: string; title: string; turns: number }[] }>('chat.list', {});
    expect(list.body.chats.find((c) => c.id === body.chatId)).toMatchObject({ title: 'What causes scurvy?', turns: 1 });
    const chat = await post<{ turns: { question: string; citations: unknown[] }[] }>('chat.get', { chatId: body.chatId });
    expect(chat.body.turns[0]!.question).toBe('What causes scurvy?');
    expect(chat.body.turns[0]!.citations.length).toBeGreaterThan(0);
  });

  it('stops an answer in flight with a CANCELLED error event', async () => {
    let resolveAsk!: (id: string) => void;
    const events = eventsFor(new Promise((r) => (resolveAsk = r)));
    await new Promise((r) => setTimeout(r, 50));
    const { body } = await post<{ askId: string }>('chat.ask', { question: 'a slow question' });
    resolveAsk(body.askId);
    await new Promise((r) => setTimeout(r, 100));
    expect((await post('chat.stop', { askId: body.askId })).status).toBe(200);
    const got = await events;
    expect(got.at(-1)).toMatchObject({ type: 'error', error: { code: 'CANCELLED' } });
  });

  it('renames and deletes chats, and refuses unknown ones and empty questions', async () => {
    const { body } = await post<{ chatId: string; askId: string }>('chat.ask', { question: 'Who was James Lind?' });
    // Let the answer land first: it names an untitled chat after its question.
    for (let i = 0; i < 100 && (await post<{ turns: unknown[] }>('chat.get', { chatId: body.chatId })).body.turns.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await post('chat.rename', { chatId: body.chatId, title: 'Lind' })).status).toBe(200);
    expect((await post<{ title: string }>('chat.get', { chatId: body.chatId })).body.title).toBe('Lind');
    expect((await post('chat.delete', { chatId: body.chatId })).status).toBe(200);
    expect((await post('chat.get', { chatId: body.chatId })).status).toBe(404);
    expect((await post('chat.ask', { question: 'x', chatId: 'no-such-chat' })).status).toBe(404);
    expect((await post('chat.ask', { question: '   ' })).status).toBe(400);
  });

  it('answers chat methods NOT_FOUND on an engine without an answerer', async () => {
    const plain = await startServer({ engine: new FakeEngine(), token: TOKEN, inboxDir: path.join(tmpdir(), 'quarry-unused-inbox') });
    const res = await fetch(`${plain.url}/api/chat.list`, { method: 'POST', headers: auth, body: '{}' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/not available/);
    await plain.close();
    expect(closed).toBe(false);
  });
});
