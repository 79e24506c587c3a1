import { DomUtils, parseDocument } from 'htmlparser2';
import { decodeAs, detectBom, isValidUtf8 } from './decode';
import { HtmlBlockWalker, inlineText, type DomElement } from './html-blocks';
import { buildPage, HeadingTracker } from './page';
import type { ExtractedDocument } from './types';

const META_CHARSET = /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([\w.:-]+)/i;

/**
 * Chooses an HTML file's encoding the way browsers do, simplified: a BOM wins, then a
 * `<meta charset>` or `http-equiv` content-type in the first 4 KB, else UTF-8 — and when the
 * bytes are not valid UTF-8 after all, windows-1252 (what browsers assume for old pages).
 */
export function detectHtmlEncoding(buf: Uint8Array): { encoding: string; fallback: boolean } {
  const bom = detectBom(buf);
  if (bom) return { encoding: bom.encoding, fallback: false };
  const head = Buffer.from(buf.buffer, buf.byteOffset, Math.min(buf.length, 4096)).toString('latin1');
  let label = META_CHARSET.exec(head)?.[1]?.toLowerCase();
  // A page that says UTF-16 in ASCII bytes cannot be UTF-16: the HTML spec reads it as UTF-8.
  if (label?.startsWith('utf-16') || label === 'unicode') label = 'utf-8';
  if (label && label !== 'utf-8' && label !== 'utf8') {
    try {
      new TextDecoder(label);
      return { encoding: label, fallback: false };
    } catch {
      // unknown label: continue with UTF-8
    }
  }
  if (isValidUtf8(buf)) return { encoding: 'utf-8', fallback: false };
  return { encoding: 'windows-1252', fallback: true };
}

/**
 * Extracts the main text of an HTML page (one page): script/style/template/svg and other
 * non-text elements are dropped, and nav/header/footer/aside too when the page marks its main
 * content with <main> or <article>. Headings become heading blocks with their path, tables rows
 * of " | "-joined cells. The title comes from <title> (else the first h1).
 *
 * @example
 * const doc = extractHtml(await readFile('page.html'));
 */
export function extractHtml(buf: Uint8Array): ExtractedDocument {
  const { encoding, fallback } = detectHtmlEncoding(buf);
  const warnings: ExtractedDocument['warnings'] = [];
  if (fallback) warnings.push({ code: 'ENCODING_FALLBACK', message: `Not valid UTF-8 and no charset declared: read as ${encoding}.` });
  const doc = parseDocument(decodeAs(buf, encoding), { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  const isTagNamed =
    (...names: string[]) =>
    (el: DomElement): boolean =>
      names.includes(el.name);
  const titleEl = DomUtils.findOne(isTagNamed('title'), doc.children);
  const hasMain = DomUtils.findOne(isTagNamed('main', 'article'), doc.children) !== null;
  const body = DomUtils.findOne(isTagNamed('body'), doc.children);
  const blocks = new HtmlBlockWalker({ dropChrome: hasMain }).walk(body ? [body] : doc.children);
  const page = buildPage(1, blocks, new HeadingTracker());
  let title = titleEl ? inlineText(titleEl).replace(/\s+/g, ' ').trim() : '';
  if (!title) title = page.blocks.find((b) => b.kind === 'heading' && b.level === 1)?.text ?? '';
  const meta: ExtractedDocument['meta'] = { pageCount: 1 };
  if (title) meta.title = title;
  const lang = DomUtils.findOne(isTagNamed('html'), doc.children)?.attribs.lang;
  if (lang) meta.language = lang;
  return { format: 'html', meta, pages: [page], warnings };
}
