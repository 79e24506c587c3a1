import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Answerer } from '../../../main/answer/answerer';
import { ChatStore } from '../../../main/answer/chats';
import { tempDir } from '../../helpers/shared';
import { LIBRARY } from './fixtures';
import { memorySearch } from './helpers/memory-search';

let dir: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir('quarry-chats-');
});
afterEach(() => dir.cleanup());

describe('ChatStore', () => {
  it('lists, renames and deletes chats', async () => {
    const chats = await ChatStore.create(dir.dir);
    const a = await chats.newChat();
    const b = await chats.newChat('Vitamins');
    expect(a.title).toBe('New chat');
    await chats.rename(a.id, 'Scurvy research');
    const list = await chats.list();
    expect(list.map((c) => c.title).sort()).toEqual(['Scurvy research', 'Vitamins']);
    expect(list[0].id).toBe(a.id);
    await chats.delete(b.id);
    expect((await chats.list()).map((c) => c.id)).toEqual([a.id]);
    await expect(chats.get(b.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(chats.rename(a.id, '  ')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(chats.get('../etc/passwd')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('keeps which set-up provider did not answer, so the notice survives a reload', async () => {
    const chats = await ChatStore.create(dir.dir);
    const chat = await chats.newChat();
    const base = { question: 'q', query: 'q', answer: 'a', citations: [], claims: [], notFound: false, confidence: 0.5, model: 'extractive' };
    const usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0, exact: true };
    const timings = { retrieveMs: 1, firstTokenMs: 1, totalMs: 1 };
    const failed = { provider: 'remote' as const, ok: false, ms: 3, error: { code: 'PROVIDER_FAILED', message: 'connect ECONNREFUSED 127.0.0.1:9' } };
    const notSetUp = { provider: 'local' as const, ok: false, ms: 0, skipped: true, reason: 'not-configured' as const, error: { code: 'PROVIDER_FAILED', message: 'not set up' } };
    const answered = { provider: 'extractive' as const, ok: true, ms: 1 };
    await chats.appendTurn(chat.id, { ...base, provider: 'extractive', usage, timings, attempts: [failed, notSetUp, answered] } as never);
    await chats.appendTurn(chat.id, { ...base, provider: 'extractive', usage, timings, attempts: [notSetUp, answered] } as never);
    const turns = (await (await ChatStore.create(dir.dir)).get(chat.id)).turns;
    expect(turns[0].fellBack).toEqual([{ provider: 'remote', message: 'connect ECONNREFUSED 127.0.0.1:9' }]);
    expect(turns[1].fellBack).toBeUndefined();
  });

  it('keeps answers with usage and latency, uses them as memory, and exports Markdown with citations', async () => {
    const chats = await ChatStore.create(dir.dir);
    const search = memorySearch(LIBRARY);
    const answerer = new Answerer({}, search, { chats });
    const chat = await chats.newChat();
    const first = await answerer.answer({ question: 'What causes scurvy?', chatId: chat.id });
    // The follow-up is rewritten into a standalone query from the conversation.
    const second = await answerer.answer({ question: 'Who showed how to cure it?', chatId: chat.id });
    expect(second.query).toContain('scurvy');
    expect(search.queries[1].query).toBe(second.query);
    expect(second.answer).toMatch(/James Lind/);

    const saved = await chats.get(chat.id);
    expect(saved.title).toBe('What causes scurvy?');
    expect(saved.turns).toHaveLength(2);
    expect(saved.turns[0]).toMatchObject({ question: 'What causes scurvy?', answer: first.answer, provider: 'extractive' });
    expect(saved.turns[0].timings.totalMs).toBeGreaterThanOrEqual(0);
    expect(saved.turns[0].usage).toEqual({ promptTokens: 0, completionTokens: 0, totalTokens: 0, exact: true });

    const md = await chats.exportMarkdown(chat.id);
    expect(md).toContain('# What causes scurvy?');
    expect(md).toContain('## Who showed how to cure it?');
    expect(md).toMatch(/- \[1\] scurvy\.pdf — page 3: “.*scurvy.*”/);
    expect(md).toMatch(/<sub>extractive · retrieval \d+ ms · first token \d+ ms · total \d+ ms<\/sub>/);
  });

  it('does not lose a turn when two answers finish together', async () => {
    const chats = await ChatStore.create(dir.dir);
    const answerer = new Answerer({}, memorySearch(LIBRARY), { chats });
    const chat = await chats.newChat('x');
    await Promise.all([
      answerer.answer({ question: 'What causes scurvy?', chatId: chat.id }),
      answerer.answer({ question: 'What is BM25?', chatId: chat.id }),
    ]);
    expect((await chats.get(chat.id)).turns).toHaveLength(2);
  });

  it('keeps a rename made through another handle while an answer is being saved', async () => {
    // The HTTP/IPC chat handlers and the engine's answerer each ask for the store of one folder.
    const forAnswers = await ChatStore.create(dir.dir);
    const forHandlers = await ChatStore.create(dir.dir);
    expect(forHandlers).toBe(forAnswers);
    const answerer = new Answerer({}, memorySearch(LIBRARY), { chats: forAnswers });
    const chat = await forHandlers.newChat();
    const answering = answerer.answer({ question: 'What causes scurvy?', chatId: chat.id });
    const renaming = forHandlers.rename(chat.id, 'Vitamin C');
    await Promise.all([answering, renaming]);
    const saved = await forHandlers.get(chat.id);
    expect(saved.turns).toHaveLength(1);
    expect(saved.title).toBe('Vitamin C');
  });
});
