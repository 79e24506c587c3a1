import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { QuarryError } from '../util/errors';
import { fellBackFrom } from './router';
import type { AnswerResult, Citation, Claim, FellBack, ProviderName, Timings, Turn, Usage } from './types';

/** One question and its answer, with what it cost. */
export interface ChatTurn {
  id: string;
  question: string;
  /** The standalone query used for retrieval. */
  query: string;
  answer: string;
  citations: Citation[];
  claims: Claim[];
  notFound: boolean;
  /** false when the answer points to passages instead of answering (see AnswerResult.direct). */
  direct?: false;
  confidence: number;
  provider: ProviderName | 'none';
  model?: string;
  /** Set-up providers that did not answer before the one that did (absent when none). */
  fellBack?: FellBack[];
  usage: Usage;
  timings: Timings;
  createdAt: string;
}

export interface Chat {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  turns: ChatTurn[];
}

export interface ChatSummary {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  turns: number;
}

const UNTITLED = 'New chat';

/**
 * Persisted conversations: one JSON file per chat in `dir`, written atomically (temp file +
 * rename) so a crash never leaves a half-written chat.
 *
 * @example
 * const chats = await ChatStore.create(path.join(dataDir, 'chats'));
 * const chat = await chats.newChat();
 * const md = await chats.exportMarkdown(chat.id);
 */
export class ChatStore {
  private readonly locks = new Map<string, Promise<unknown>>();

  private constructor(readonly dir: string) {}

  /**
   * The store for `dir`: one instance per folder in a process. The transport's chat handlers
   * and the engine's answerer both write chats; with separate instances their per-chat write
   * queues were separate too, so a rename made while an answer was being saved could be lost.
   */
  static async create(dir: string): Promise<ChatStore> {
    const key = path.resolve(dir);
    let store = ChatStore.open.get(key);
    if (!store) {
      store = mkdir(key, { recursive: true }).then(() => new ChatStore(key));
      ChatStore.open.set(key, store);
      store.catch(() => ChatStore.open.delete(key));
    }
    return store;
  }

  private static readonly open = new Map<string, Promise<ChatStore>>();

  /** All chats, most recently updated first. */
  async list(): Promise<ChatSummary[]> {
    const names = (await readdir(this.dir)).filter((n) => n.endsWith('.json'));
    const chats: ChatSummary[] = [];
    for (const n of names) {
      try {
        const c = JSON.parse(await readFile(path.join(this.dir, n), 'utf8')) as Chat;
        chats.push({ id: c.id, title: c.title, createdAt: c.createdAt, updatedAt: c.updatedAt, turns: c.turns.length });
      } catch {
        // A damaged file must not hide the other chats; it stays on disk for recovery.
      }
    }
    return chats.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  /** @throws QuarryError NOT_FOUND */
  async get(id: string): Promise<Chat> {
    try {
      return JSON.parse(await readFile(this.file(id), 'utf8')) as Chat;
    } catch (e) {
      if (e instanceof QuarryError) throw e;
      throw new QuarryError('NOT_FOUND', `No chat with id ${id}`, { cause: e });
    }
  }

  async newChat(title?: string): Promise<Chat> {
    const now = new Date().toISOString();
    const chat: Chat = { id: randomUUID(), title: title?.trim() || UNTITLED, createdAt: now, updatedAt: now, turns: [] };
    await this.write(chat);
    return chat;
  }

  async rename(id: string, title: string): Promise<Chat> {
    const t = title.trim();
    if (!t) throw new QuarryError('INVALID_INPUT', 'A chat title cannot be empty');
    return this.update(id, (c) => {
      c.title = t.slice(0, 200);
    });
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    await rm(this.file(id), { force: true });
  }

  /** Adds an answer to a chat; an untitled chat takes its first question as title. */
  async appendTurn(id: string, result: AnswerResult): Promise<ChatTurn> {
    const turn: ChatTurn = {
      id: randomUUID(),
      question: result.question,
      query: result.query,
      answer: result.answer,
      citations: result.citations,
      claims: result.claims,
      notFound: result.notFound,
      ...(result.direct === false ? { direct: false as const } : {}),
      confidence: result.confidence,
      provider: result.provider,
      model: result.model,
      ...withFellBack(result),
      usage: result.usage,
      timings: result.timings,
      createdAt: new Date().toISOString(),
    };
    await this.update(id, (c) => {
      c.turns.push(turn);
      if (c.title === UNTITLED) c.title = result.question.slice(0, 80);
    });
    return turn;
  }

  /** The last `n` turns as conversation memory. */
  async history(id: string, n: number): Promise<Turn[]> {
    const c = await this.get(id);
    return c.turns.slice(-n).map((t) => ({ question: t.question, answer: t.answer }));
  }

  /** The chat as Markdown: each question, its answer, numbered sources with quotes, and the cost. */
  async exportMarkdown(id: string): Promise<string> {
    const c = await this.get(id);
    const lines = [`# ${c.title}`, '', `_Exported from Quarry on ${new Date().toISOString().slice(0, 10)}_`, ''];
    for (const t of c.turns) {
      lines.push(`## ${t.question}`, '', t.answer, '');
      if (t.citations.length) {
        lines.push('**Sources**', '');
        for (const s of t.citations) {
          const flag = t.claims.some((cl) => cl.citations.includes(s.n) && cl.status === 'unsupported') ? ' (weak support)' : '';
          const pages = (s.pageEnd ?? s.page) > s.page ? `pages ${s.page}–${s.pageEnd}` : `page ${s.page}`;
          lines.push(`- [${s.n}] ${s.docName} — ${pages}${flag}: “${s.quote.replace(/\s+/g, ' ')}”`);
        }
        lines.push('');
      }
      lines.push(`<sub>${describeCost(t)}</sub>`, '');
    }
    return lines.join('\n');
  }

  private async update(id: string, change: (c: Chat) => void): Promise<Chat> {
    // Writes to one chat are serialised so two answers finishing together both get saved.
    const prev = this.locks.get(id) ?? Promise.resolve();
    const next = prev.then(async () => {
      const c = await this.get(id);
      change(c);
      c.updatedAt = new Date().toISOString();
      await this.write(c);
      return c;
    });
    this.locks.set(id, next.catch(() => undefined));
    return next;
  }

  private async write(chat: Chat): Promise<void> {
    const file = this.file(chat.id);
    const tmp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
    await writeFile(tmp, JSON.stringify(chat, null, 2), 'utf8');
    await rename(tmp, file);
  }

  private file(id: string): string {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) throw new QuarryError('INVALID_INPUT', `Not a chat id: ${id}`);
    return path.join(this.dir, `${id}.json`);
  }
}

/** "remote (gpt-4o-mini) · 812 + 95 tokens · retrieval 14 ms · first token 420 ms · total 2.1 s" */
export function describeCost(t: Pick<ChatTurn, 'provider' | 'model' | 'usage' | 'timings'>): string {
  const ms = (x: number): string => (x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);
  const parts = [t.model && t.model !== t.provider ? `${t.provider} (${t.model})` : t.provider];
  if (t.usage.totalTokens > 0) parts.push(`${t.usage.promptTokens} + ${t.usage.completionTokens} tokens${t.usage.exact ? '' : ' (estimated)'}`);
  parts.push(`retrieval ${ms(t.timings.retrieveMs)}`);
  if (t.timings.firstTokenMs !== null) parts.push(`first token ${ms(t.timings.firstTokenMs)}`);
  parts.push(`total ${ms(t.timings.totalMs)}`);
  return parts.join(' · ');
}

/** `{ fellBack }` when a set-up provider did not answer before the one that did, else `{}`. */
export function withFellBack(r: Pick<AnswerResult, 'attempts' | 'provider'>): { fellBack?: FellBack[] } {
  const fellBack = fellBackFrom(r.attempts, r.provider);
  return fellBack.length ? { fellBack } : {};
}
