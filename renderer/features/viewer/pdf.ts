import type { PDFDocumentLoadingTask, PDFDocumentProxy } from 'pdfjs-dist';
import type { PdfSource } from '../../api/client';

// A type-only import: the module itself loads lazily below.
import type * as PdfJsModule from 'pdfjs-dist';

type PdfJs = typeof PdfJsModule;
let loaded: Promise<PdfJs> | undefined;

/**
 * Loads pdf.js on first use (it is the largest part of the UI, and only the viewer needs it)
 * and points it at its worker, so parsing and rendering never block the window.
 */
export function loadPdfJs(): Promise<PdfJs> {
  loaded ??= Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]).then(([pdfjs, worker]) => {
    pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
    return pdfjs;
  });
  return loaded;
}

/** Where the copied pdf.js resources (character maps, standard fonts, decoders) are served. */
function resource(dir: string): string {
  return new URL(`pdfjs/${dir}/`, document.baseURI).href;
}

/**
 * Opens a PDF. `askPassword` is called when the file is encrypted (again, with `wrong`, after
 * a wrong one); resolving undefined cancels.
 */
export async function openPdf(source: PdfSource, askPassword: (wrong: boolean) => Promise<string | undefined>): Promise<{ task: PDFDocumentLoadingTask; doc: Promise<PDFDocumentProxy> }> {
  const pdfjs = await loadPdfJs();
  const task = pdfjs.getDocument({
    ...('url' in source ? { url: source.url, httpHeaders: source.httpHeaders } : { data: source.data }),
    // No string evaluation: the CSP forbids it, and fonts render fine without.
    isEvalSupported: false,
    cMapUrl: resource('cmaps'),
    cMapPacked: true,
    standardFontDataUrl: resource('standard_fonts'),
    wasmUrl: resource('wasm'),
  });
  task.onPassword = (update: (pw: string) => void, reason: number) => {
    void askPassword(reason === pdfjs.PasswordResponses.INCORRECT_PASSWORD).then((pw) => {
      if (pw === undefined) void task.destroy();
      else update(pw);
    });
  };
  return { task, doc: task.promise };
}
