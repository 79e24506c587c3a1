import type { PDFDocumentProxy, TextLayer as TextLayerType } from 'pdfjs-dist';
import { useEffect, useRef, useState } from 'react';
import { errorInfo, type QuarryClient } from '../../api/client';
import { applyHighlights } from './highlight';
import { locatePassage } from './match';
import { loadPdfJs, openPdf } from './pdf';
import { revealInPane } from './scroll';

export interface PdfViewerProps {
  client: QuarryClient;
  docId: string;
  page: number;
  /** A number, or 'fit' for the width of the pane. */
  zoom: number | 'fit';
  /** The text of the cited passage on this page, to highlight; undefined for none. */
  passage: string | undefined;
  onLoaded: (pages: number) => void;
  onScale: (scale: number) => void;
  askPassword: (wrong: boolean) => Promise<string | undefined>;
  /** Whether the passage was found on the text layer (for the "shown in text view" fallback). */
  onHighlight: (found: boolean | undefined) => void;
}

/** One PDF page drawn by pdf.js: canvas below, selectable text layer above, passage highlighted. */
export function PdfViewer(props: PdfViewerProps) {
  const { client, docId, page, zoom, passage } = props;
  const paneRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const textRef = useRef<HTMLDivElement>(null);
  const [pdf, setPdf] = useState<PDFDocumentProxy>();
  const [error, setError] = useState<string>();
  const [rendering, setRendering] = useState(false);
  const cb = useRef(props);
  cb.current = props;

  useEffect(() => {
    let cancelled = false;
    let destroy: (() => void) | undefined;
    setPdf(undefined);
    setError(undefined);
    (async () => {
      const source = await client.pdfSource(docId);
      const { task, doc } = await openPdf(source, (wrong) => cb.current.askPassword(wrong));
      destroy = () => void task.destroy();
      if (cancelled) return destroy();
      const d = await doc;
      if (cancelled) return;
      setPdf(d);
      cb.current.onLoaded(d.numPages);
    })().catch((e: unknown) => {
      if (!cancelled) setError(errorInfo(e).message);
    });
    return () => {
      cancelled = true;
      destroy?.();
    };
  }, [client, docId]);

  useEffect(() => {
    if (!pdf) return;
    let cancelled = false;
    let textLayer: TextLayerType | undefined;
    let renderTask: { cancel(): void } | undefined;
    setRendering(true);
    (async () => {
      const pdfjs = await loadPdfJs();
      const p = await pdf.getPage(Math.min(Math.max(1, page), pdf.numPages));
      if (cancelled) return;
      const base = p.getViewport({ scale: 1 });
      const paneWidth = (paneRef.current?.clientWidth ?? 900) - 48;
      const scale = zoom === 'fit' ? Math.max(0.25, Math.min(4, paneWidth / base.width)) : zoom;
      cb.current.onScale(scale);
      const viewport = p.getViewport({ scale });
      const canvas = canvasRef.current!;
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = `${Math.floor(viewport.width)}px`;
      canvas.style.height = `${Math.floor(viewport.height)}px`;
      const task = p.render({ canvas, viewport, transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined });
      renderTask = task;
      const container = textRef.current!;
      container.replaceChildren();
      container.style.setProperty('--scale-factor', String(scale));
      container.style.setProperty('--total-scale-factor', String(scale));
      textLayer = new pdfjs.TextLayer({ textContentSource: p.streamTextContent(), container, viewport });
      await Promise.all([task.promise, textLayer.render()]);
      if (cancelled) return;
      if (passage) {
        const ranges = locatePassage(textLayer.textContentItemsStr, passage);
        const marks = ranges ? applyHighlights(textLayer.textDivs, ranges, document) : [];
        if (marks[0]) revealInPane(marks[0]);
        cb.current.onHighlight(marks.length > 0);
      } else cb.current.onHighlight(undefined);
      setRendering(false);
    })().catch((e: unknown) => {
      if (cancelled || (e instanceof Error && e.name === 'RenderingCancelledException')) return;
      setError(errorInfo(e).message);
      setRendering(false);
    });
    return () => {
      cancelled = true;
      renderTask?.cancel();
      textLayer?.cancel();
    };
  }, [pdf, page, zoom, passage]);

  if (error) {
    return (
      <div className="viewer-error" role="alert">
        This PDF could not be shown: {error}
      </div>
    );
  }
  return (
    <div ref={paneRef} className="pdf-pane" data-testid="pdf-pane" aria-busy={rendering || !pdf}>
      <div className="pdf-page" data-testid="pdf-page" data-page={page} data-rendered={!rendering && !!pdf}>
        <canvas ref={canvasRef} aria-label={`Page ${page}`} role="img" />
        <div ref={textRef} className="textLayer" />
      </div>
    </div>
  );
}
