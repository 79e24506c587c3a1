/**
 * A small, dependency-free PDF writer for text documents: enough to generate realistic
 * multi-page sample and test PDFs (headings, wrapped paragraphs, metadata) without shipping
 * third-party files. Uses the standard Helvetica fonts, WinAnsi encoding.
 */
export interface PdfBlock {
  kind: 'heading' | 'paragraph';
  text: string;
}

export interface PdfSpec {
  title?: string;
  author?: string;
  /** ISO date for /CreationDate. */
  created?: string;
  /** Each page's blocks, in order. */
  pages: PdfBlock[][];
}

function pdfString(s: string): string {
  // WinAnsi covers Latin-1; anything else becomes '?'.
  const latin = [...s].map((ch) => (ch.charCodeAt(0) < 256 ? ch : '?')).join('');
  return `(${latin.replace(/\\/g, '\\\\').replace(/\(/g, '\\(').replace(/\)/g, '\\)')})`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function pdfDate(iso: string): string {
  const d = new Date(iso);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `D:${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

function pageContent(blocks: PdfBlock[]): string {
  const ops: string[] = ['BT', '72 720 Td'];
  let first = true;
  for (const b of blocks) {
    const heading = b.kind === 'heading';
    const size = heading ? 16 : 11;
    const leading = heading ? 22 : 15;
    ops.push(`/${heading ? 'F2' : 'F1'} ${size} Tf ${leading} TL`);
    if (!first) ops.push('T*'); // blank line between blocks
    first = false;
    for (const line of wrap(b.text, heading ? 60 : 92)) ops.push(`${pdfString(line)} Tj T*`);
  }
  ops.push('ET');
  return ops.join('\n');
}

export function writePdf(spec: PdfSpec): Buffer {
  const objects: string[] = [];
  const add = (body: string): number => objects.push(body);
  const catalog = add('');
  const pagesObj = add('');
  const f1 = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const f2 = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  const pageIds: number[] = [];
  for (const blocks of spec.pages) {
    const content = pageContent(blocks);
    const contentId = add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
    pageIds.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${f1} 0 R /F2 ${f2} 0 R >> >> /Contents ${contentId} 0 R >>`));
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${pageIds.map((i) => `${i} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  const info: string[] = [];
  if (spec.title) info.push(`/Title ${pdfString(spec.title)}`);
  if (spec.author) info.push(`/Author ${pdfString(spec.author)}`);
  if (spec.created) info.push(`/CreationDate ${pdfString(pdfDate(spec.created))}`);
  const infoId = add(`<< ${info.join(' ')} /Producer (Quarry sample writer) >>`);

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${infoId} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
