import { describe, expect, it } from 'vitest';
import { chunkDocument, chunkSourceParts, DEFAULT_CHUNK_OPTIONS, resolveChunkOptions } from '../../../main/chunk/chunker';
import { countTokens, splitSentences } from '../../../main/chunk/tokens';
import type { Block, ExtractedDocument, ExtractedPage } from '../../../main/ingest/types';
import { QuarryError } from '../../../main/util/errors';
import { verifyChunks } from './verify';

type Spec = { h: string; level?: number } | { p: string } | { list: string[] } | { table: string[] };

/** Builds a page the way extractors do: blocks joined by a blank line, with heading paths. */
function page(n: number, specs: Spec[], path: string[] = []): ExtractedPage {
  let text = '';
  const blocks: Block[] = [];
  for (const s of specs) {
    if (text) text += '\n\n';
    const start = text.length;
    let kind: Block['kind'];
    let level: number | undefined;
    if ('h' in s) {
      level = s.level ?? 1;
      path = [...path.slice(0, level - 1), s.h];
      kind = 'heading';
      text += s.h;
    } else if ('p' in s) {
      kind = 'paragraph';
      text += s.p;
    } else if ('list' in s) {
      kind = 'list';
      text += s.list.map((i) => `- ${i}`).join('\n');
    } else {
      kind = 'table';
      text += s.table.join('\n');
    }
    blocks.push({ kind, level, text: text.slice(start), start, end: text.length, headingPath: [...path] });
  }
  return { page: n, text, blocks };
}

function doc(...pages: ExtractedPage[]): ExtractedDocument {
  return { format: 'pdf', meta: { pageCount: pages.length }, pages, warnings: [] };
}

/** A sentence of about `tokens` tokens (plain short words), numbered so sentences differ. */
function sentence(i: number, tokens = 20): string {
  const words = ['study', 'results', 'show', 'that', 'the', 'method', 'works', 'well', 'in', 'practice'];
  const body = Array.from({ length: tokens - 3 }, (_, k) => words[(i + k) % words.length]).join(' ');
  return `Sentence ${i} ${body}.`;
}

function paragraph(from: number, count: number, tokens = 20): string {
  return Array.from({ length: count }, (_, k) => sentence(from + k, tokens)).join(' ');
}

const opts = resolveChunkOptions();

describe('chunkDocument', () => {
  it('returns no chunks for empty documents, blank pages and pages without text', () => {
    expect(chunkDocument('d', doc())).toEqual([]);
    expect(chunkDocument('d', doc({ page: 1, text: '  \n\n ', blocks: [] }))).toEqual([]);
    expect(
      chunkDocument('d', doc({ page: 1, text: '', blocks: [], needsOcr: true }, { page: 2, text: '', blocks: [], error: { code: 'PDF_MALFORMED', message: 'x' } })),
    ).toEqual([]);
  });

  it('packs whole paragraphs up to the target and keeps every chunk within the maximum', () => {
    // Thirty paragraphs of ~100 tokens in one section.
    const d = doc(page(1, Array.from({ length: 30 }, (_, i) => ({ p: paragraph(i * 5, 5) }))));
    const chunks = chunkDocument('d', d);
    verifyChunks('d', d, chunks, opts);
    for (const c of chunks.slice(0, -1)) {
      expect(c.tokenCount).toBeGreaterThanOrEqual(250);
      expect(c.tokenCount).toBeLessThanOrEqual(350);
    }
    for (const c of chunks) expect(c.tokenCount).toBeLessThanOrEqual(DEFAULT_CHUNK_OPTIONS.maxTokens);
    // Paragraphs stay whole: every chunk ends where a paragraph ends.
    for (const c of chunks) expect(d.pages[0].text.slice(c.charEnd, c.charEnd + 2) === '\n\n' || c.charEnd === d.pages[0].text.length).toBe(true);
  });

  it('repeats the last sentence(s) of the previous chunk, about 15% of the target', () => {
    const d = doc(page(1, [{ p: paragraph(0, 60) }]));
    const chunks = chunkDocument('d', d);
    expect(chunks.length).toBeGreaterThan(3);
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1];
      const cur = chunks[i];
      expect(cur.charStart).toBeLessThan(prev.charEnd);
      const repeated = d.pages[0].text.slice(cur.charStart, prev.charEnd);
      expect(prev.text.endsWith(repeated)).toBe(true);
      // Whole sentences: the repeated part starts a sentence.
      expect(repeated).toMatch(/^Sentence \d+/);
      expect(countTokens(repeated)).toBeGreaterThanOrEqual(15);
      expect(countTokens(repeated)).toBeLessThanOrEqual(0.15 * 300 * 2);
    }
  });

  it('does not overlap when asked not to', () => {
    const d = doc(page(1, [{ p: paragraph(0, 60) }]));
    const chunks = chunkDocument('d', d, { overlap: 0 });
    for (let i = 1; i < chunks.length; i++) expect(chunks[i].charStart).toBeGreaterThan(chunks[i - 1].charEnd);
  });

  it('starts a chunk at every heading and stores the heading path beside the text', () => {
    const d = doc(
      page(1, [
        { p: 'A preface before any heading.' },
        { h: 'Methods', level: 1 },
        { p: paragraph(0, 3) },
        { h: 'Sampling', level: 2 },
        { p: paragraph(10, 2) },
        { h: 'Results', level: 1 },
        { p: paragraph(20, 2) },
      ]),
    );
    const chunks = chunkDocument('doc', d);
    verifyChunks('doc', d, chunks, opts);
    expect(chunks.map((c) => [c.sectionId, c.headingPath, c.text.split('\n')[0]])).toEqual([
      ['doc:s0', [], 'A preface before any heading.'],
      ['doc:s1', ['Methods'], 'Methods'],
      ['doc:s2', ['Methods', 'Sampling'], 'Sampling'],
      ['doc:s3', ['Results'], 'Results'],
    ]);
    // Nothing is prefixed: the text is the source text, heading line included where it stands.
    expect(chunks[2].text).toBe(`Sampling\n\n${paragraph(10, 2)}`);
  });

  it('lets a heading directly above another open the deeper section instead of standing alone', () => {
    const d = doc(page(1, [{ h: 'Part I', level: 1 }, { h: 'Chapter 1', level: 2 }, { p: paragraph(0, 2) }]));
    const chunks = chunkDocument('d', d);
    verifyChunks('d', d, chunks, opts);
    expect(chunks).toHaveLength(1);
    expect(chunks[0].text.startsWith('Part I\n\nChapter 1\n\n')).toBe(true);
    expect(chunks[0].headingPath).toEqual(['Part I', 'Chapter 1']);
    expect(chunks[0].sectionId).toBe('d:s1');
  });

  it('keeps section ids stable across runs and documents with the same structure', () => {
    const d = doc(page(1, [{ h: 'A' }, { p: paragraph(0, 30) }, { h: 'B' }, { p: paragraph(40, 30) }]));
    const a = chunkDocument('x', d);
    const b = chunkDocument('x', structuredClone(d));
    expect(b).toEqual(a);
    expect([...new Set(a.map((c) => c.sectionId))]).toEqual(['x:s0', 'x:s1']);
  });

  it('cuts an oversized paragraph between sentences', () => {
    const d = doc(page(1, [{ p: paragraph(0, 40, 25) }]));
    const chunks = chunkDocument('d', d);
    verifyChunks('d', d, chunks, opts);
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.text).toMatch(/^Sentence \d+ .*\.$/s);
      expect(c.tokenCount).toBeLessThanOrEqual(400);
    }
  });

  it('cuts a single oversized sentence between words, and leaves a giant word whole', () => {
    const long = `Start ${Array.from({ length: 900 }, (_, i) => `word${i % 7 === 0 ? 'x' : ''}`).join(' ')} end.`;
    const giant = 'Z'.repeat(3000);
    const d = doc(page(1, [{ p: long }, { p: `Before. ${giant} After.` }]));
    const chunks = chunkDocument('d', d);
    verifyChunks('d', d, chunks, opts);
    for (const c of chunks) {
      if (c.tokenCount > 400) expect(c.text).toBe(giant);
      // Word boundaries: a chunk never begins or ends inside a word.
      const t = d.pages[0].text;
      expect(/\S/.test(t[c.charStart - 1] ?? ' ') && /\S/.test(t[c.charStart])).toBe(false);
      expect(/\S/.test(t[c.charEnd] ?? ' ') && /\S/.test(t[c.charEnd - 1])).toBe(false);
    }
    expect(chunks.some((c) => c.text === giant)).toBe(true);
  });

  it('never ends a chunk mid-sentence when a sentence boundary exists', () => {
    const d = doc(page(1, [{ p: paragraph(0, 50, 17) }, { list: Array.from({ length: 40 }, (_, i) => sentence(i, 12)) }]));
    const chunks = chunkDocument('d', d);
    verifyChunks('d', d, chunks, opts);
    for (const c of chunks) expect(c.text).toMatch(/\.$/);
  });

  it('keeps table rows whole', () => {
    const rows = Array.from({ length: 120 }, (_, i) => `| row ${i} | ${i * 7} | value ${i % 5} |`);
    const d = doc(page(1, [{ h: 'Table' }, { table: rows }]));
    const chunks = chunkDocument('d', d);
    verifyChunks('d', d, chunks, opts);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      for (const line of c.text.split('\n').filter((l) => l.startsWith('|'))) expect(rows).toContain(line);
    }
  });

  it('joins a paragraph that runs onto the next page into one chunk spanning both pages', () => {
    const p1 = page(1, [{ p: `${paragraph(0, 3)} The measurements continued for` }]);
    const p2 = page(2, [{ p: `three more weeks. ${paragraph(10, 2)}` }]);
    // Extractors may leave white space at the page edges.
    p2.text = `  ${p2.text}\n`;
    p2.blocks[0].start += 2;
    p2.blocks[0].end += 2;
    const d = doc(p1, p2);
    const chunks = chunkDocument('d', d);
    verifyChunks('d', d, chunks, opts);
    expect(chunks).toHaveLength(1);
    const c = chunks[0];
    expect([c.pageStart, c.pageEnd]).toEqual([1, 2]);
    expect(c.charStart).toBe(0);
    expect(c.charEnd).toBe(p2.text.length - 1);
    expect(c.text).toBe(`${p1.text}\n${p2.text.trim()}`);
    expect(chunkSourceParts(d, c)).toEqual([
      { page: 1, start: 0, end: p1.text.length },
      { page: 2, start: 2, end: p2.text.length - 1 },
    ]);
  });

  it('spans three pages when a sentence runs over a whole short page', () => {
    const d = doc(page(1, [{ p: 'The results were' }]), page(2, [{ p: 'very good and' }]), page(3, [{ p: 'conclusive overall. Next.' }]));
    const chunks = chunkDocument('d', d);
    verifyChunks('d', d, chunks, opts);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ pageStart: 1, pageEnd: 3, charStart: 0, charEnd: 25, text: 'The results were\nvery good and\nconclusive overall. Next.' });
    expect(chunkSourceParts(d, chunks[0]).map((p) => p.page)).toEqual([1, 2, 3]);
  });

  it('does not end a chunk at a page break inside a sentence', () => {
    // Long pages force a chunk boundary near the page break, which falls inside a sentence.
    const p1 = page(1, [{ p: `${paragraph(0, 13)} The measurements continued for` }]);
    const p2 = page(2, [{ p: `three more weeks in the field. ${paragraph(20, 13)}` }]);
    const d = doc(p1, p2);
    const chunks = chunkDocument('d', d);
    verifyChunks('d', d, chunks, opts);
    for (const c of chunks) expect(c.text).toMatch(/\.$/);
    expect(chunks.some((c) => c.pageStart === 1 && c.pageEnd === 2)).toBe(true);
  });

  it('skips pages that need OCR or failed, and never spans them', () => {
    const d = doc(
      page(1, [{ p: `${paragraph(0, 2)} It went on to` }]),
      { page: 2, text: '', blocks: [], needsOcr: true },
      page(3, [{ p: `say more. ${paragraph(5, 2)}` }]),
      { page: 4, text: 'garbage', blocks: [], error: { code: 'PDF_MALFORMED', message: 'bad' } },
      page(5, [{ p: paragraph(9, 2) }]),
    );
    const chunks = chunkDocument('d', d);
    verifyChunks('d', d, chunks, opts);
    expect(chunks.map((c) => [c.pageStart, c.pageEnd])).toEqual([
      [1, 1],
      [3, 3],
      [5, 5],
    ]);
    expect(chunks.some((c) => c.text.includes('garbage'))).toBe(false);
  });

  it('merges a tiny last piece of a section into the chunk before it', () => {
    // ~300 tokens then one short sentence: the short one joins rather than standing alone.
    const d = doc(page(1, [{ h: 'S' }, { p: paragraph(0, 14) }, { p: 'A short coda.' }, { h: 'T' }, { p: paragraph(30, 2) }]));
    const chunks = chunkDocument('d', d);
    verifyChunks('d', d, chunks, opts);
    const inS = chunks.filter((c) => c.sectionId === 'd:s0');
    expect(inS.length).toBeGreaterThanOrEqual(1);
    expect(inS[inS.length - 1].text.endsWith('A short coda.')).toBe(true);
    expect(inS.every((c) => c.text !== 'A short coda.')).toBe(true);
  });

  it('splits CJK text at 。！？ and between ideographs as a last resort', () => {
    const cjk = '东京是日本的首都也是最大的城市人口众多交通发达';
    const sentences = Array.from({ length: 80 }, (_, i) => cjk.slice(0, 10 + (i % 14)) + ['。', '！', '？'][i % 3]);
    const long = cjk.repeat(40) + '。';
    const d = doc(page(1, [{ h: '第一章' }, { p: sentences.join('') }, { p: long }]));
    const chunks = chunkDocument('d', d);
    verifyChunks('d', d, chunks, opts);
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.tokenCount).toBeLessThanOrEqual(400);
      if (!c.text.includes(cjk.repeat(3))) expect(c.text).toMatch(/[。！？]$/);
    }
  });

  it('keeps offsets exact when the extractor leaves text outside blocks or gives messy ranges', () => {
    const text = `  Stray text before blocks.\n\nHeading One\n\n${paragraph(0, 3)}\n\nTrailing text no block covers.  `;
    const h = text.indexOf('Heading One');
    const p = text.indexOf('Sentence 0');
    const blocks: Block[] = [
      { kind: 'paragraph', text: '', start: p, end: p + paragraph(0, 3).length + 500, headingPath: ['Heading One'] }, // past the end
      { kind: 'heading', level: 1, text: 'Heading One', start: h, end: h + 11, headingPath: ['Heading One'] }, // out of order
      { kind: 'paragraph', text: '', start: p + 5, end: p + 20, headingPath: [] }, // overlaps another
      { kind: 'paragraph', text: '', start: Number.NaN, end: 3, headingPath: [] },
    ];
    const d = doc({ page: 1, text, blocks });
    const chunks = chunkDocument('d', d);
    for (const c of chunks) expect(c.text).toBe(text.slice(c.charStart, c.charEnd));
    const all = chunks.map((c) => c.text).join(' ');
    expect(all).toContain('Stray text before blocks.');
    expect(all).toContain('Trailing text no block covers.');
    expect(chunks.find((c) => c.text.startsWith('Heading One'))?.headingPath).toEqual(['Heading One']);
  });

  it('respects custom targets and rejects impossible options', () => {
    const d = doc(page(1, [{ p: paragraph(0, 60) }]));
    const small = chunkDocument('d', d, { targetTokens: 100 });
    verifyChunks('d', d, small, resolveChunkOptions({ targetTokens: 100 }));
    expect(Math.max(...small.map((c) => c.tokenCount))).toBeLessThanOrEqual(134);
    expect(resolveChunkOptions({ targetTokens: 600 })).toEqual({ targetTokens: 600, maxTokens: 800, overlap: 0.15 });
    expect(resolveChunkOptions()).toEqual({ targetTokens: 300, maxTokens: 400, overlap: 0.15 });
    for (const bad of [{ targetTokens: 0 }, { targetTokens: 300, maxTokens: 200 }, { overlap: 0.9 }, { overlap: Number.NaN }]) {
      expect(() => chunkDocument('d', d, bad)).toThrow(QuarryError);
      try {
        chunkDocument('d', d, bad);
      } catch (e) {
        expect((e as QuarryError).code).toBe('INVALID_INPUT');
      }
    }
  });

  it('chunks a 600-page document', () => {
    // Correctness at scale (speed is measured by the benchmark, not asserted here).
    const pages = Array.from({ length: 600 }, (_, i) => page(i + 1, [{ h: `Chapter ${i}` }, { p: paragraph(i * 10, 8) }, { p: paragraph(i * 10 + 8, 8) }]));
    const d = doc(...pages);
    const chunks = chunkDocument('big', d);
    expect(chunks.length).toBeGreaterThanOrEqual(600);
    expect(chunks[chunks.length - 1].id).toBe(`big:${chunks.length - 1}`);
    expect(new Set(chunks.map((c) => c.sectionId)).size).toBe(600);
    expect(splitSentences(chunks[0].text).length).toBeGreaterThan(1);
  });
});
