import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { AskAccepted, ChatEvent, ChatTurn, EventName, EventPayload, FullApiHandlers } from '../../contract';
import { ChatStore, withFellBack } from '../answer/chats';
import type { AnswerEvent, AnswerResult, AskRequest as EngineAskRequest } from '../answer/types';
import { QuarryError, toQuarryError } from '../util/errors';
import type { TransportEngine } from './types';

/** What answering needs from the engine (main/engine.ts provides it). */
export interface AnsweringEngine extends TransportEngine {
  readonly dataDir: string;
  answerer(): Promise<{ answer(req: EngineAskRequest, opts: { signal?: AbortSignal; onEvent?: (e: AnswerEvent) => void }): Promise<AnswerResult> }>;
}

/** Whether an engine can answer questions. */
export function canAnswer(engine: TransportEngine): engine is AnsweringEngine {
  return typeof (engine as Partial<AnsweringEngine>).answerer === 'function' && typeof (engine as Partial<AnsweringEngine>).dataDir === 'string';
}

type ChatHandlers = Pick<FullApiHandlers, 'chat.ask' | 'chat.stop' | 'chat.list' | 'chat.get' | 'chat.rename' | 'chat.delete'>;

/** The finished answer as a chat turn. */
export function toTurn(id: string, r: AnswerResult): ChatTurn {
  return {
    id,
    question: r.question,
    answer: r.answer,
    citations: r.citations,
    claims: r.claims,
    notFound: r.notFound,
    ...(r.direct === false ? { direct: false as const } : {}),
    confidence: r.confidence,
    provider: r.provider,
    model: r.model,
    ...withFellBack(r),
    createdAt: new Date().toISOString(),
  };
}

/** An engine answer event as the contract's chat event (undefined for ones the UI does not need). */
export function toChatEvent(askId: string, chatId: string, e: AnswerEvent): ChatEvent | undefined {
  const ids = { askId, chatId };
  switch (e.type) {
    case 'retrieval':
      return { ...ids, type: 'retrieval', query: e.query, results: e.results.length, tookMs: e.tookMs };
    case 'provider':
      return { ...ids, type: 'provider', provider: e.provider };
    case 'token':
      return { ...ids, type: 'token', text: e.text };
    case 'reset':
      return { ...ids, type: 'reset', reason: e.reason };
    case 'citations':
      return { ...ids, type: 'citations', citations: e.citations, claims: e.claims };
    case 'done':
      return { ...ids, type: 'done', turn: toTurn(askId, e.result) };
    case 'error':
      return { ...ids, type: 'error', error: e.error };
    default:
      return undefined;
  }
}

/**
 * Adds the contract's chat methods to an engine: `chat.ask` starts an answer and returns at
 * once, its tokens and citations stream as `chat.event`s (SSE or IPC), `chat.stop` cancels it;
 * conversations are the answers module's ChatStore in `<dataDir>/chats`. Handlers the engine
 * implements itself win.
 */
export function withAnswers(engine: AnsweringEngine & { close(): Promise<void> }): TransportEngine & { readonly handlers: FullApiHandlers; close(): Promise<void> } {
  const bus = new EventEmitter();
  const running = new Map<string, AbortController>();
  let store: Promise<ChatStore> | undefined;
  const chats = (): Promise<ChatStore> => (store ??= ChatStore.create(path.join(engine.dataDir, 'chats')));
  const emit = (e: ChatEvent): void => void bus.emit('chat.event', e);

  const run = async (askId: string, chatId: string, req: EngineAskRequest, ctrl: AbortController): Promise<void> => {
    try {
      const answerer = await engine.answerer();
      await answerer.answer(req, {
        signal: ctrl.signal,
        onEvent: (e) => {
          const ce = toChatEvent(askId, chatId, e);
          if (ce) emit(ce);
        },
      });
    } catch (e) {
      // The answerer has already sent its error event; this covers failures before it could
      // (the answerer would not load), without sending the same error twice.
      if (!ctrl.signal.aborted && !(e instanceof QuarryError)) emit({ askId, chatId, type: 'error', error: toQuarryError(e).toInfo() });
    } finally {
      running.delete(askId);
    }
  };

  const handlers: ChatHandlers = {
    'chat.ask': async (input): Promise<AskAccepted> => {
      const store = await chats();
      const chatId = input.chatId ?? (await store.newChat()).id;
      if (input.chatId) await store.get(input.chatId);
      const askId = randomUUID();
      const ctrl = new AbortController();
      running.set(askId, ctrl);
      void run(askId, chatId, { question: input.question, chatId, collection: input.collection, doc: input.doc, provider: input.provider }, ctrl);
      return { askId, chatId };
    },
    'chat.stop': async ({ askId }) => {
      running.get(askId)?.abort(new QuarryError('CANCELLED', 'Stopped'));
      return { ok: true };
    },
    'chat.list': async () => ({ chats: await (await chats()).list() }),
    'chat.get': async ({ chatId }) => {
      const c = await (await chats()).get(chatId);
      const turns = c.turns.map((t): ChatTurn => ({
        id: t.id,
        question: t.question,
        answer: t.answer,
        citations: t.citations,
        claims: t.claims,
        notFound: t.notFound,
        ...(t.direct === false ? { direct: false as const } : {}),
        confidence: t.confidence,
        provider: t.provider,
        model: t.model,
        ...(t.fellBack?.length ? { fellBack: t.fellBack } : {}),
        createdAt: t.createdAt,
      }));
      return { id: c.id, title: c.title, createdAt: c.createdAt, updatedAt: c.updatedAt, turns };
    },
    'chat.rename': async ({ chatId, title }) => {
      await (await chats()).rename(chatId, title);
      return { ok: true };
    },
    'chat.delete': async ({ chatId }) => {
      await (await chats()).delete(chatId);
      return { ok: true };
    },
  };

  // The engine's own chat handlers, if it grows them, take precedence over these.
  const merged = { ...handlers, ...engine.handlers } as FullApiHandlers;
  return {
    handlers: merged,
    on<Ev extends EventName>(event: Ev, fn: (payload: EventPayload<Ev>) => void): () => void {
      if (event !== 'chat.event') return engine.on(event, fn);
      bus.on(event, fn);
      return () => void bus.off(event, fn);
    },
    filePath: (docId: string) => engine.filePath(docId),
    async close(): Promise<void> {
      for (const c of running.values()) c.abort(new QuarryError('CANCELLED', 'Quarry is shutting down'));
      await engine.close();
    },
  };
}
