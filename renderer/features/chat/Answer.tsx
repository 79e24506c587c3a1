import { useMemo } from 'react';
import type { Citation } from '../../../contract';
import { useApp } from '../../app/context';
import { citationPageEnd, citationTarget, pageRangeLabel } from '../viewer/target';
import { answerParts } from './citations';

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
      {citation.n}
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
