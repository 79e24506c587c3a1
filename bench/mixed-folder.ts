/**
 * Generates a folder of mixed documents for ingest benchmarks: text, Markdown, HTML, PDF (the
 * project's own pdfwriter) and DOCX (docxwriter) files made of real SciFact abstracts (so the
 * text has natural length and vocabulary), plus byte copies of the shared corpus's ingestible
 * documents. Deterministic for a given seed.
 */
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { writeDocx } from '../main/demo/docxwriter';
import { writePdf } from '../main/demo/pdfwriter';
import { SUPPORTED_EXTENSIONS } from '../main/ingest';
import { shared } from './common';
import { rng } from './library';

interface Abstract {
  title: string;
  text: string;
}

/** What {@link generateMixedFolder} wrote. */
export interface MixedFolder {
  dir: string;
  /** Generated files by extension. */
  generated: Record<string, number>;
  /** Copies of shared corpus files (some are meant to fail: encrypted, malformed, scanned). */
  corpusCopies: string[];
  files: number;
  bytes: number;
}

/** The SciFact abstracts (title and text). */
export async function loadAbstracts(): Promise<Abstract[]> {
  const out: Abstract[] = [];
  const rl = createInterface({ input: createReadStream(shared('eval', 'scifact', 'corpus.jsonl'), 'utf8') });
  for await (const line of rl) {
    const d = JSON.parse(line) as Abstract;
    if (d.text.length > 200) out.push({ title: d.title, text: d.text });
  }
  return out;
}

/** Every file under shared/corpus that a folder ingest would pick up (by extension). */
export async function corpusFiles(): Promise<string[]> {
  const exts = new Set(SUPPORTED_EXTENSIONS.map((e: string) => e.toLowerCase().replace(/^\./, '')));
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name.startsWith('_')) continue; // _expected_text etc.: references, not documents
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (exts.has(path.extname(e.name).slice(1).toLowerCase())) out.push(p);
    }
  }
  await walk(shared('corpus'));
  return out.sort();
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Writes `files` documents into `dir`: `corpusShare` of them (default 2.5%) are copies of the
 * shared corpus (spread over it, or cycling through it when there are more copies than corpus
 * files, so a 10,000-file folder holds every corpus document at least once), the rest are
 * generated, 1–6 abstracts each, in 100-file sub-folders.
 */
export async function generateMixedFolder(dir: string, opts: { files: number; seed?: number; corpusShare?: number; abstracts?: Abstract[]; excludeCorpus?: (file: string) => boolean }): Promise<MixedFolder> {
  const abstracts = opts.abstracts ?? (await loadAbstracts());
  const rand = rng(opts.seed ?? 42);
  const corpus = (await corpusFiles()).filter((f) => !opts.excludeCorpus?.(f));
  const nCorpus = Math.min(opts.files, Math.round(opts.files * (opts.corpusShare ?? 0.025)));
  const generated: Record<string, number> = {};
  const corpusCopies: string[] = [];
  let bytes = 0;
  let a = Math.floor(rand() * abstracts.length);
  const kinds = ['txt', 'md', 'md', 'html', 'html', 'pdf', 'pdf', 'docx'] as const;
  for (let i = 0; i < opts.files; i++) {
    const sub = path.join(dir, `d${String(Math.floor(i / 100)).padStart(3, '0')}`);
    if (i % 100 === 0) await mkdir(sub, { recursive: true });
    if (i < nCorpus && corpus.length > 0) {
      // Fewer copies than corpus files: spread them over the (sorted) corpus, so a small folder
      // still gets some of every kind (docx, html, encrypted and malformed PDFs...).
      const src = nCorpus < corpus.length ? corpus[Math.floor((i * corpus.length) / nCorpus)] : corpus[i % corpus.length];
      const dest = path.join(sub, `c${i}-${path.basename(src)}`);
      await copyFile(src, dest);
      corpusCopies.push(src);
      continue;
    }
    const n = 1 + Math.floor(rand() * 6);
    const picked = Array.from({ length: n }, () => abstracts[a++ % abstracts.length]);
    const kind = kinds[Math.floor(rand() * kinds.length)];
    const name = path.join(sub, `g${i}.${kind}`);
    let data: Buffer | string;
    if (kind === 'txt') data = picked.map((p) => `${p.title}\n\n${p.text}`).join('\n\n\n');
    else if (kind === 'md') data = picked.map((p) => `## ${p.title}\n\n${p.text}`).join('\n\n');
    else if (kind === 'html') data = `<!doctype html><html><head><title>${esc(picked[0].title)}</title></head><body>${picked.map((p) => `<h2>${esc(p.title)}</h2><p>${esc(p.text)}</p>`).join('')}</body></html>`;
    else if (kind === 'pdf') data = writePdf({ title: picked[0].title, pages: picked.map((p) => [{ kind: 'heading', text: p.title }, { kind: 'paragraph', text: p.text }]) });
    else data = await writeDocx(picked.flatMap((p) => [{ kind: 'heading1' as const, text: p.title }, { kind: 'paragraph' as const, text: p.text }]), { title: picked[0].title });
    await writeFile(name, data);
    bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    generated[kind] = (generated[kind] ?? 0) + 1;
  }
  return { dir, generated, corpusCopies, files: opts.files, bytes };
}
