import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ChatSummary, ChatTurn } from '../../../contract';
import { useChat, useSettings, useStores } from '../../app/context';
import { EmptyState } from '../../components/EmptyState';
import { formatDate } from '../../components/format';
import { Icon } from '../../components/Icon';
import { AnswerText, CopyAnswerButton, FallbackNotice, NoDirectAnswerFlag, SourceList } from './Answer';
import { turnFallbacks, type ProviderModels } from './fallback';
import { pointsToPassages } from './related';

const STAGE: Record<string, string> = { sending: 'Sending…', retrieving: 'Finding passages…', writing: 'Writing…' };

function Turn({ turn, failed, models }: { turn: ChatTurn; failed: string[] | undefined; models: ProviderModels }) {
  return (
    <article className="turn" data-testid="turn">
      <div className="question">{turn.question}</div>
      <div className={`answer${turn.notFound ? ' answer-notfound' : ''}`}>
        {turn.notFound && <div className="answer-flag">Not found in your documents</div>}
        {/* Passages that mention the question's terms, not an answer: said as plainly as "not found". */}
        {pointsToPassages(turn) && <NoDirectAnswerFlag setUp={!failed} />}
        <AnswerText text={turn.answer} citations={turn.citations} />
        <SourceList citations={turn.citations} />
        {failed && <FallbackNotice failed={failed} answeredBy={turn.provider} models={models} />}
        <div className="answer-foot">
          <div className="answer-meta">
            {turn.provider === 'none' ? 'No model used' : turn.provider === 'extractive' ? 'Quoted from the sources (no model)' : `${turn.provider}${turn.model && turn.model !== turn.provider ? ` · ${turn.model}` : ''}`}
            {/* Confidence describes an answer; "not found" gives none, so none is shown. */}
            {!turn.notFound && ` · confidence ${Math.round(turn.confidence * 100)}%`}
          </div>
          <CopyAnswerButton text={turn.answer} citations={turn.citations} />
        </div>
      </div>
    </article>
  );
}

/** Chat: questions answered from the library, with citation chips that open the cited page. */
export function ChatView() {
  const { chat, app, settings } = useStores();
  const allChats = useChat((s) => s.chats);
  const deleting = useChat((s) => s.deleting);
  const chats = allChats.filter((c) => !deleting.includes(c.id));
  const current = useChat((s) => s.current);
  const pending = useChat((s) => s.pending);
  const fallbacks = useChat((s) => s.fallbacks);
  const answerSettings = useSettings((s) => s.engine?.answer);
  const models: ProviderModels = { remote: answerSettings?.remote?.model, local: answerSettings?.local?.model };
  const failedFor = (t: ChatTurn): string[] | undefined => turnFallbacks(t, fallbacks);
  const needModels = (Object.keys(fallbacks).length > 0 || !!current?.turns.some((t) => t.fellBack?.length)) && !answerSettings;
  const [draft, setDraft] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  const bottom = useRef<HTMLDivElement>(null);
  const busy = pending !== undefined && (pending.stage === 'sending' || pending.stage === 'retrieving' || pending.stage === 'writing');

  useEffect(() => {
    void chat.getState().loadList();
    input.current?.focus();
  }, [chat]);
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [current?.turns.length, pending?.text, pending?.stage]);
  // The fallback notice names the model that failed, from the settings.
  useEffect(() => {
    if (needModels) void settings.getState().loadEngine();
  }, [needModels, settings]);

  // Hidden at once, deleted when the Undo toast is gone (see the chat store).
  const remove = (c: ChatSummary): void => {
    chat.getState().remove(c.id);
    app.getState().toast('info', 'Conversation deleted', undefined, {
      label: 'Undo',
      run: () => {
        if (!chat.getState().undoRemove(c.id)) app.getState().toast('info', 'Too late to undo: the conversation was deleted');
      },
    });
  };

  const send = (e?: FormEvent): void => {
    e?.preventDefault();
    if (busy || !draft.trim()) return;
    void chat.getState().ask(draft);
    setDraft('');
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) send();
  };

  return (
    <section className="view chat" aria-labelledby="chat-title">
      <header className="toolbar">
        <div className="toolbar-title">
          <h1 id="chat-title">{current?.title ?? 'New chat'}</h1>
        </div>
        <div className="toolbar-actions">
          <button className="btn" onClick={() => chat.getState().newChat()}>
            <Icon name="plus" /> New chat
          </button>
        </div>
      </header>
      <div className="chat-body">
        <nav className="chat-list" aria-label="Conversations">
          {chats.length === 0 ? (
            <p className="muted chat-list-empty">Your conversations appear here.</p>
          ) : (
            <ul>
              {chats.map((c) => (
                <li key={c.id} className={`chat-item${current?.id === c.id ? ' active' : ''}`}>
                  <button className="chat-open" aria-current={current?.id === c.id ? 'true' : undefined} onClick={() => void chat.getState().open(c.id)}>
                    <span className="name">{c.title}</span>
                    <span className="sub">
                      {c.turns} question{c.turns === 1 ? '' : 's'} · {formatDate(c.updatedAt)}
                    </span>
                  </button>
                  <button className="icon-btn icon-btn-danger" aria-label={`Delete ${c.title}`} title="Delete" onClick={() => remove(c)}>
                    <Icon name="trash" />
                  </button>
                </li>
              ))}
            </ul>
          )}
        </nav>
        <div className="conversation">
          <div className="turns" aria-live="polite">
            {!current?.turns.length && !pending ? (
              <EmptyState icon="chat" title="Ask about your documents">
                <p>Answers are written only from what you have added, and every claim cites the page it comes from — click a number to see the passage.</p>
                <p>Without a language model configured, Quarry answers by quoting the most relevant sentences.</p>
              </EmptyState>
            ) : (
              current?.turns.map((t) => <Turn key={t.id} turn={t} failed={failedFor(t)} models={models} />)
            )}
            {pending && (
              <article className="turn turn-pending" data-testid="pending-turn">
                <div className="question">{pending.question}</div>
                <div className="answer">
                  {pending.text ? <AnswerText text={pending.text} citations={pending.citations} /> : busy && <div className="muted">{STAGE[pending.stage]}</div>}
                  {pending.stage === 'failed' && pending.error && (
                    <div className="sub-error" role="alert">
                      {pending.error.message}
                      {pending.error.hint ? ` — ${pending.error.hint}` : ''}
                    </div>
                  )}
                  {pending.stage === 'stopped' && <div className="muted">Stopped.</div>}
                </div>
              </article>
            )}
            <div ref={bottom} />
          </div>
          <form className="composer" onSubmit={send}>
            <textarea
              ref={input}
              className="input composer-input"
              rows={2}
              placeholder="Ask a question (Enter to send, Shift+Enter for a new line)"
              aria-label="Question"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={onKey}
              data-testid="question-input"
            />
            {busy ? (
              <button type="button" className="btn" onClick={() => void chat.getState().stop()} data-testid="stop">
                <Icon name="stop" /> Stop
              </button>
            ) : (
              <button type="submit" className="btn btn-primary" disabled={!draft.trim()}>
                Ask
              </button>
            )}
          </form>
        </div>
      </div>
    </section>
  );
}
