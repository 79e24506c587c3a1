import { useEffect, useMemo, useState } from 'react';
import type { Citation } from '../../../contract';
import { useApp } from '../../app/context';
import { copyText } from '../../components/clipboard';
import { Icon } from '../../components/Icon';
import { citationPageEnd, citationTarget, pageRangeLabel } from '../viewer/target';
import { answerCopyText, answerParts } from './citations';
import { fallbackNotice, type ProviderModels } from './fallback';

/**
 * Text that is copied with a selection but not shown: the brackets and space of a citation
 * marker, so a copied "IBM i 7.2 [1]" does not become "IBM i 7.21". Screen readers get the
 * chip's label instead.
 */
function CopyOnly({ text }: { text: string }) {
  return (
    <span className="copy-only" aria-hidden="true">
      {text}
    </span>
  );
}

/** A citation chip: the source number, opening the cited page with the quote highlighted. */
export function CitationChip({ citation }: { citation: Citation }) {
  const openSource = useApp((s) => s.openSource);
  const pageEnd = citationPageEnd(citation);
  return (
    <button
      className="cite"
      data-testid="citation"
      title={`${citation.docName}, ${pageRangeLabel(citation.page, pageEnd)}: “${citation.quote.slice(0, 160)}${citation.quote.length > 160 ? '…' : ''}”`}
      aria-label={`Source ${citation.n}: ${citation.docName}, ${pageEnd > citation.page ? `pages ${citation.page}–${pageEnd}` : `page ${citation.page}`}`}
      onClick={() => openSource(citationTarget(citation))}
    >
      <CopyOnly text="[" />
      {citation.n}
      <CopyOnly text="]" />
    </button>
  );
}

/** Answer text with its citation markers drawn as chips. */
export function AnswerText({ text, citations }: { text: string; citations: Citation[] }) {
  const byNumber = useMemo(() => new Map(citations.map((c) => [c.n, c])), [citations]);
  const parts = useMemo(() => answerParts(text, new Set(byNumber.keys())), [text, byNumber]);
  return (
    <div className="answer-text" data-testid="answer-text">
      {parts.map((p, i) =>
        p.kind === 'text' ? (
          <span key={i}>{p.text}</span>
        ) : (
          <span key={i} className="cites">
            <CopyOnly text=" " />
            {p.numbers.map((n) => (
              <CitationChip key={n} citation={byNumber.get(n)!} />
            ))}
          </span>
        ),
      )}
    </div>
  );
}

/** The numbered sources under an answer, each opening its page. */
export function SourceList({ citations }: { citations: Citation[] }) {
  const openSource = useApp((s) => s.openSource);
  if (!citations.length) return null;
  return (
    <ol className="sources" aria-label="Sources">
      {citations.map((c) => (
        <li key={c.n}>
          <button className="source" onClick={() => openSource(citationTarget(c))}>
            <span className="source-n">{c.n}</span>
            <span className="source-doc">{c.docName}</span>
            <span className="result-page">{pageRangeLabel(c.page, citationPageEnd(c))}</span>
            <span className="source-quote">{c.quote}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}

/** Copies an answer with its [n] markers and a list of its sources; says "Copied" for a moment. */
export function CopyAnswerButton({ text, citations }: { text: string; citations: Citation[] }) {
  const error = useApp((s) => s.error);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  const copy = (): void => {
    copyText(answerCopyText(text, citations)).then(
      () => setCopied(true),
      (e: unknown) => error({ code: 'INTERNAL', message: 'The answer could not be copied.', hint: e instanceof Error ? e.message : undefined }),
    );
  };
  return (
    <button type="button" className="btn btn-small answer-copy" onClick={copy} data-testid="copy-answer">
      <Icon name={copied ? 'check' : 'copy'} />
      <span aria-live="polite">{copied ? 'Copied' : 'Copy'}</span>
    </button>
  );
}

/**
 * Says that a configured model failed and a fallback wrote this answer, with the way to the
 * settings; without it a broken remote model went unnoticed behind "Quoted from the sources".
 */
export function FallbackNotice({ failed, answeredBy, models }: { failed: string[]; answeredBy: string; models: ProviderModels }) {
  const go = useApp((s) => s.go);
  return (
    <div className="answer-notice" role="note" data-testid="fallback-notice">
      <Icon name="alert" />
      <span>
        {fallbackNotice(failed, answeredBy, models)}{' '}
        <button type="button" className="link" onClick={() => go('settings')}>
          Check Settings → Answers
        </button>
      </span>
    </div>
  );
}

/**
 * Marks an answer that points to passages without answering (see pointsToPassages), with the
 * way to one that answers: a model in Settings → Answers writes an answer from the passages.
 * `setUp` false leaves the way out where the fallback notice already shows it.
 */
export function NoDirectAnswerFlag({ setUp = true }: { setUp?: boolean }) {
  const go = useApp((s) => s.go);
  return (
    <div className="answer-flag" data-testid="no-direct-answer">
      No direct answer in your documents
      {setUp && (
        <>
          {' · '}
          <button type="button" className="link" onClick={() => go('settings')}>
            Set up an answer model
          </button>
        </>
      )}
    </div>
  );
}
