import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Chat, ChatEvent, ChatSummary, Citation, ErrorInfo } from '../../../contract';
import { errorInfo, type QuarryClient } from '../../api/client';

/** The answer being written. */
export interface PendingAnswer {
  askId: string | undefined;
  chatId: string | undefined;
  question: string;
  text: string;
  citations: Citation[];
  stage: 'sending' | 'retrieving' | 'writing' | 'failed' | 'stopped';
  sources: number | undefined;
  error: ErrorInfo | undefined;
}

export interface ChatState {
  chats: ChatSummary[];
  current: Chat | undefined;
  pending: PendingAnswer | undefined;
  listError: ErrorInfo | undefined;
  loadList(): Promise<void>;
  open(chatId: string): Promise<void>;
  newChat(): void;
  ask(question: string): Promise<void>;
  stop(): Promise<void>;
  remove(chatId: string): Promise<void>;
  /** Subscribes to answer events; returns the unsubscribe function. */
  connect(): () => void;
}

export type ChatStore = StoreApi<ChatState>;

/**
 * Conversations and the streamed answer. `chat.ask` returns at once with an askId; tokens,
 * citations and the finished turn arrive as chat.event and are matched by that id, so events
 * of other windows' questions are ignored.
 */
export function createChatStore(client: QuarryClient, onError: (e: ErrorInfo) => void): ChatStore {
  return createStore<ChatState>()((set, get) => {
    // Events can arrive before chat.ask has answered with the askId: keep them until then.
    let early: ChatEvent[] = [];

    const apply = (e: ChatEvent): void => {
      const p = get().pending;
      if (!p || p.askId !== e.askId) return;
      switch (e.type) {
        case 'retrieval':
          set({ pending: { ...p, stage: 'retrieving', sources: e.results } });
          break;
        case 'provider':
          set({ pending: { ...p, stage: 'writing' } });
          break;
        case 'token':
          set({ pending: { ...p, stage: 'writing', text: p.text + e.text } });
          break;
        case 'reset':
          set({ pending: { ...p, text: '' } });
          break;
        case 'citations':
          set({ pending: { ...p, citations: e.citations } });
          break;
        case 'done': {
          const cur = get().current;
          const base: Chat = cur && cur.id === e.chatId ? cur : { id: e.chatId, title: p.question.slice(0, 80), createdAt: e.turn.createdAt, updatedAt: e.turn.createdAt, turns: [] };
          set({ current: { ...base, turns: [...base.turns, e.turn] }, pending: undefined });
          void get().loadList();
          break;
        }
        case 'error':
          set({ pending: { ...p, stage: e.error.code === 'CANCELLED' ? 'stopped' : 'failed', error: e.error } });
          break;
      }
    };

    return {
      chats: [],
      current: undefined,
      pending: undefined,
      listError: undefined,
      loadList: async () => {
        try {
          set({ chats: (await client.call('chat.list', {})).chats, listError: undefined });
        } catch (e) {
          set({ listError: errorInfo(e) });
        }
      },
      open: async (chatId) => {
        try {
          set({ current: await client.call('chat.get', { chatId }), pending: undefined });
        } catch (e) {
          onError(errorInfo(e));
        }
      },
      newChat: () => set({ current: undefined, pending: undefined }),
      ask: async (question) => {
        const q = question.trim();
        const active = get().pending;
        if (!q || (active && (active.stage === 'sending' || active.stage === 'retrieving' || active.stage === 'writing'))) return;
        const chatId = get().current?.id;
        set({ pending: { askId: undefined, chatId, question: q, text: '', citations: [], stage: 'sending', sources: undefined, error: undefined } });
        try {
          const { askId, chatId: id } = await client.call('chat.ask', chatId ? { question: q, chatId } : { question: q });
          const p = get().pending;
          if (p) set({ pending: { ...p, askId, chatId: id } });
          if (!get().current) set({ current: { id, title: q.slice(0, 80), createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(), turns: [] } });
          const waiting = early.filter((e) => e.askId === askId);
          early = [];
          waiting.forEach(apply);
        } catch (e) {
          const p = get().pending;
          if (p) set({ pending: { ...p, stage: 'failed', error: errorInfo(e) } });
        }
      },
      stop: async () => {
        const p = get().pending;
        if (!p?.askId) return;
        try {
          await client.call('chat.stop', { askId: p.askId });
        } catch (e) {
          onError(errorInfo(e));
        }
      },
      remove: async (chatId) => {
        try {
          await client.call('chat.delete', { chatId });
          set((s) => ({ chats: s.chats.filter((c) => c.id !== chatId), current: s.current?.id === chatId ? undefined : s.current }));
        } catch (e) {
          onError(errorInfo(e));
        }
      },
      connect: () =>
        client.on('chat.event', (e) => {
          const p = get().pending;
          if (p && p.askId === undefined && p.stage === 'sending') {
            early = [...early.slice(-500), e];
            return;
          }
          apply(e);
        }),
    };
  });
}
