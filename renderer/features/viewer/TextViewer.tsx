import { useEffect, useRef } from 'react';
import { revealInPane } from './scroll';

/** A page's extracted text with the cited range marked (DOCX, Markdown, HTML, text — and PDFs in text mode). */
export function TextViewer({ text, range }: { text: string; range: [number, number] | undefined }) {
  const markRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (markRef.current) revealInPane(markRef.current);
  }, [text, range]);
  if (!text.trim()) {
    return <div className="text-pane text-empty">This page has no text (it may be a scan that needs OCR).</div>;
  }
  const [a, b] = range ?? [0, 0];
  return (
    <div className="text-pane" data-testid="text-pane">
      <div className="text-page">
        {range ? (
          <>
            {text.slice(0, a)}
            <mark ref={markRef} className="passage" data-testid="passage-highlight">
              {text.slice(a, b)}
            </mark>
            {text.slice(b)}
          </>
        ) : (
          text
        )}
      </div>
    </div>
  );
}
