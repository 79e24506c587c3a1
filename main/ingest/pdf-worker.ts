/**
 * Worker-thread entry for parallel PDF extraction (see pdf-parallel.ts). Each worker opens the
 * document itself, then reads the page chunks it is sent, posting every page as it finishes.
 * It also reads whole Word documents sent to it (docx-offthread.ts).
 * All failures travel back as ErrorInfo: nothing thrown here may take the process down.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './pdf-parallel';
import { extractDocx } from './docx';
import { readPdfMeta } from './pdf-meta';
import { readPageRange } from './pdf-pages';
import { openPdf, toPdfError, type PdfDocument } from './pdfjs';
import { toQuarryError } from '../util/errors';

/**
 * Readers run at nice 10, as the embedding workers do (use-worker.ts): on Linux the nice value
 * is per thread, so a folder's PDFs read here yield the CPU to the main thread, which answers
 * searches, and to this thread's peer in the main thread reading a long PDF beside it.
 */
const READER_NICE = 10;
try {
  os.setPriority(0, READER_NICE);
} catch {
  // Not permitted or not supported here: read at the default priority.
}

const port = parentPort;
let doc: PdfDocument | null = null;
let chain: Promise<void> = Promise.resolve();

function post(msg: FromWorker): void {
  port?.postMessage(msg);
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'open': {
      await doc?.destroy().catch(() => undefined);
      doc = null;
      const data = 'path' in msg.source ? new Uint8Array(await readFile(msg.source.path)) : msg.source.data;
      const opened = await openPdf(data, { password: msg.password, fileName: msg.fileName });
      doc = opened.doc;
      const meta = msg.wantMeta ? await readPdfMeta(doc) : { pageCount: doc.numPages };
      post({ type: 'opened', run: msg.run, numPages: doc.numPages, meta, warnings: opened.warnings });
      return;
    }
    case 'pages': {
      const current = doc;
      if (!current) throw new Error('pages requested before the document was opened');
      await readPageRange(current, msg.from, msg.to, (page) => post({ type: 'page', run: msg.run, page }));
      post({ type: 'chunkDone', run: msg.run });
      return;
    }
    case 'close': {
      await doc?.destroy().catch(() => undefined);
      doc = null;
      return;
    }
    case 'exit':
      return; // handled on arrival
    case 'docx': {
      try {
        const result = await extractDocx(Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength), { limits: msg.limits });
        post({ type: 'docx', run: msg.run, doc: result });
      } catch (e) {
        post({ type: 'docx', run: msg.run, error: toQuarryError(e, 'DOCX_MALFORMED').toInfo() });
      }
      return;
    }
  }
}

port?.on('message', (msg: ToWorker) => {
  // Out of turn, not queued behind the page ranges: this handler only runs between tasks, so no
  // native object (a zlib stream) is ever half-constructed when the thread goes down.
  if (msg.type === 'exit') process.exit(0);
  chain = chain.then(() => handle(msg)).catch((e: unknown) => post({ type: 'error', run: 'run' in msg ? msg.run : undefined, error: toPdfError(e, msg.type === 'open' ? msg.fileName : undefined).toInfo() }));
});
