import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Chat, ChatEvent, ChatSummary, Citation, ErrorInfo } from '../../../contract';
import { errorInfo, type QuarryClient } from '../../api/client';
import { ACTION_TOAST_MS } from '../../app/store';
import { failedProviders } from './fallback';

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
  /** Providers the engine started on this answer (its `provider` events), in order. */
  tried: string[];
}

export interface ChatState {
  chats: ChatSummary[];
  current: Chat | undefined;
  pending: PendingAnswer | undefined;
  /**
   * Providers that were tried and failed before another wrote the answer, by turn id, for the
   * answers written in this window (a saved turn does not record its attempts).
   */
  fallbacks: Record<string, string[]>;
  /** Conversations deleted but still within their undo window: hidden, not yet gone. */
  deleting: string[];
  listError: ErrorInfo | undefined;
  loadList(): Promise<void>;
  open(chatId: string): Promise<void>;
  newChat(): void;
  ask(question: string): Promise<void>;
  stop(): Promise<void>;
  /**
   * Hides a conversation at once and deletes it after `delayMs` (the Undo toast's lifetime)
   * unless `undoRemove` comes first.
   */
  remove(chatId: string, delayMs?: number): void;
  /** Brings back a conversation whose deletion is still pending; false when it is too late. */
  undoRemove(chatId: string): boolean;
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
    // Deletions waiting out their undo window. The engine has no undelete for chats, so the
    // delete is sent only when the window ends: a window closed before then never sends it,
    // and the conversation is simply still there next time (nothing is lost by surprise).
    const deletions = new Map<string, { timer: ReturnType<typeof setTimeout>; wasOpen: boolean }>();

    const apply = (e: ChatEvent): void => {
      const p = get().pending;
      if (!p || p.askId !== e.askId) return;
      switch (e.type) {
        case 'retrieval':
          set({ pending: { ...p, stage: 'retrieving', sources: e.results } });
          break;
        case 'provider':
          set({ pending: { ...p, stage: 'writing', tried: p.tried.includes(e.provider) ? p.tried : [...p.tried, e.provider] } });
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
          const failed = failedProviders(p.tried, e.turn.provider);
          set((s) => ({
            current: { ...base, turns: [...base.turns, e.turn] },
            pending: undefined,
            fallbacks: failed.length ? { ...s.fallbacks, [e.turn.id]: failed } : s.fallbacks,
          }));
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
      fallbacks: {},
      deleting: [],
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
        set({ pending: { askId: undefined, chatId, question: q, text: '', citations: [], stage: 'sending', sources: undefined, error: undefined, tried: [] } });
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
      remove: (chatId, delayMs = ACTION_TOAST_MS) => {
        if (deletions.has(chatId) || get().deleting.includes(chatId)) return;
        const unhide = (s: ChatState): string[] => s.deleting.filter((id) => id !== chatId);
        const commit = async (): Promise<void> => {
          // From here on it is too late to undo.
          deletions.delete(chatId);
          try {
            await client.call('chat.delete', { chatId });
          } catch (e) {
            const info = errorInfo(e);
            // Already gone (deleted from another window) is what was asked for; anything else
            // brings the conversation back, with the error.
            if (info.code !== 'NOT_FOUND') {
              set((s) => ({ deleting: unhide(s) }));
              onError(info);
              return;
            }
          }
          set((s) => ({ chats: s.chats.filter((c) => c.id !== chatId), deleting: unhide(s) }));
        };
        const wasOpen = get().current?.id === chatId;
        deletions.set(chatId, { timer: setTimeout(() => void commit(), delayMs), wasOpen });
        // An answer still being written goes on in the engine and is saved with the chat (so
        // Undo brings it back); this window stops showing it along with the conversation.
        set((s) => ({
          deleting: [...s.deleting, chatId],
          current: wasOpen ? undefined : s.current,
          pending: wasOpen || s.pending?.chatId === chatId ? undefined : s.pending,
        }));
      },
      undoRemove: (chatId) => {
        const pending = deletions.get(chatId);
        if (!pending) return false;
        clearTimeout(pending.timer);
        deletions.delete(chatId);
        set((s) => ({ deleting: s.deleting.filter((id) => id !== chatId) }));
        // Reopened from the engine, with anything saved to it meanwhile, unless another chat was opened since.
        if (pending.wasOpen && !get().current && !get().pending) void get().open(chatId);
        return true;
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
