import type * as PdfjsLib from 'pdfjs-dist/legacy/build/pdf.mjs';

type Listener = (event: { data: unknown }) => void;

/**
 * The channel between pdfjs's API half and its "worker" half when both run in this thread.
 *
 * pdfjs's own LoopbackPort deep-copies every message with structuredClone, as if it crossed a
 * thread. Profiling the 619-page PDF put that copy at ~10% of extraction CPU (measured 4.3 vs
 * 4.9 s, same text). Here messages are handed over by reference, in order, one microtask
 * later, exactly as LoopbackPort schedules them.
 *
 * The one thing the copy protected: getTextContent's worker half posts its `textContent`
 * object as a stream chunk and then *reassigns* its `items`/`styles` for the next chunk. A
 * shallow copy of the chunk at post time keeps what was sent. Nothing else we call (getPage,
 * getMetadata, fonts, errors) is mutated after sending. tests/integration/ingest-pdf.test.ts
 * checks the text against pdfjs's own transport, so a pdfjs upgrade that breaks this fails CI.
 */
export class DirectPort {
  private readonly listeners = new Set<Listener>();
  private deferred: Promise<void> = Promise.resolve();

  postMessage(data: unknown): void {
    const msg = snapshot(data);
    this.deferred = this.deferred.then(() => {
      for (const listener of this.listeners) listener.call(this, { data: msg });
    });
  }

  addEventListener(type: string, listener: Listener): void {
    if (type === 'message') this.listeners.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    if (type === 'message') this.listeners.delete(listener);
  }

  terminate(): void {
    this.listeners.clear();
  }
}

function snapshot(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || !('chunk' in data)) return data;
  const chunk = (data as { chunk: unknown }).chunk;
  if (typeof chunk !== 'object' || chunk === null || Array.isArray(chunk) || ArrayBuffer.isView(chunk)) return data;
  return { ...data, chunk: { ...chunk } };
}

interface WorkerHalf {
  WorkerMessageHandler?: { initializeFromPort(port: unknown): void };
}

type PdfWorker = InstanceType<typeof PdfjsLib.PDFWorker>;
let shared: PdfWorker | null | undefined;

/**
 * One in-thread pdfjs worker on a DirectPort, shared by every document this thread opens
 * (pdfjs keeps documents apart by id). Null when pdfjs's worker half is not loaded, so callers
 * fall back to pdfjs's default transport.
 */
export function directPdfWorker(lib: typeof PdfjsLib): PdfWorker | null {
  if (shared === undefined) {
    const half = (globalThis as { pdfjsWorker?: WorkerHalf }).pdfjsWorker?.WorkerMessageHandler;
    if (!half) {
      shared = null;
    } else {
      const port = new DirectPort();
      half.initializeFromPort(port);
      // The typings only allow a DOM Worker here; pdfjs needs postMessage/addEventListener.
      shared = new lib.PDFWorker({ port: port as unknown as null, verbosity: 0 });
    }
  }
  return shared;
}
