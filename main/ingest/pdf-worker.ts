/**
 * Worker-thread entry for parallel PDF extraction (see pdf-parallel.ts). Each worker opens the
 * document itself, then reads the page chunks it is sent, posting every page as it finishes.
 * All failures travel back as ErrorInfo: nothing thrown here may take the process down.
 */
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './pdf-parallel';
import { readPdfMeta } from './pdf-meta';
import { readPdfPage } from './pdf-pages';
import { openPdf, toPdfError, type PdfDocument } from './pdfjs';

const port = parentPort;
let doc: PdfDocument | null = null;
let chain: Promise<void> = Promise.resolve();

function post(msg: FromWorker): void {
  port?.postMessage(msg);
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'open': {
      const data = 'path' in msg.source ? new Uint8Array(await readFile(msg.source.path)) : msg.source.data;
      const opened = await openPdf(data, { password: msg.password, fileName: msg.fileName });
      doc = opened.doc;
      const meta = msg.wantMeta ? await readPdfMeta(doc) : { pageCount: doc.numPages };
      post({ type: 'opened', numPages: doc.numPages, meta, warnings: opened.warnings });
      return;
    }
    case 'pages': {
      if (!doc) throw new Error('pages requested before the document was opened');
      for (let n = msg.from; n <= msg.to; n++) post({ type: 'page', page: await readPdfPage(doc, n) });
      post({ type: 'chunkDone' });
      return;
    }
    case 'close': {
      await doc?.destroy().catch(() => undefined);
      doc = null;
      port?.close();
      return;
    }
  }
}

port?.on('message', (msg: ToWorker) => {
  chain = chain.then(() => handle(msg)).catch((e: unknown) => post({ type: 'error', error: toPdfError(e, msg.type === 'open' ? msg.fileName : undefined).toInfo() }));
});
