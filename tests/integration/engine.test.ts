import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSamples } from '../../main/demo/samples';
import { SearchQuery, type SearchQuery as SearchQueryInput } from '../../contract';
import { createEngine, type Engine } from '../../main/engine';

function search(engine: Engine, q: SearchQueryInput) {
  return engine.handlers['search.query'](SearchQuery.parse(q));
}
import { sharedPath, tempDir } from '../helpers/shared';

/** The hash embedder keeps these tests fast; the USE path has its own tests. */
const EMBEDDER = { kind: 'hash' as const };

async function ingest(engine: Engine, paths: string[], extra: { collection?: string; password?: string } = {}) {
  const { jobIds } = await engine.handlers['library.ingest']({ paths, collection: extra.collection ?? 'default', tags: [], password: extra.password });
  await engine.queue.whenIdle();
  const jobs = engine.queue.list().filter((j) => jobIds.includes(j.jobId));
  return { jobIds, jobs };
}

/**
 * A fresh library in a temporary folder with the generated samples beside it (in `dir`/s),
 * closed and removed afterwards.
 */
async function withSampleEngine(fn: (ctx: { engine: Engine; samples: string[]; dir: string }) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempDir();
  try {
    const samples = await writeSamples(path.join(dir, 's'));
    const engine = await createEngine({ dataDir: path.join(dir, 'lib'), embedder: EMBEDDER });
    try {
      await fn({ engine, samples, dir });
    } finally {
      await engine.close();
    }
  } finally {
    await cleanup();
  }
}

/** Runs `act` once, when the engine first embeds passages (a file is then mid-ingest). */
async function duringFirstEmbed(engine: Engine, act: () => Promise<void>): Promise<void> {
  const embedder = await engine.embedder();
  const embed = embedder.embed.bind(embedder);
  let done = false;
  embedder.embed = async (texts, opts) => {
    if (!done && opts?.kind === 'passage') {
      done = true;
      await act();
    }
    return embed(texts, opts);
  };
}

describe('engine: ingest and search the generated sample library', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let engine: Engine;
  let samples: string[];

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    samples = await writeSamples(path.join(dir, 'samples'));
    engine = await createEngine({ dataDir: path.join(dir, 'lib'), embedder: EMBEDDER, removeUndoMs: 1_500 });
    const { jobs } = await ingest(engine, [path.join(dir, 'samples')]);
    expect(jobs.map((j) => j.state)).toEqual(jobs.map(() => 'done'));
    await engine.maintain();
  });
  afterAll(async () => {
    await engine.close();
    await cleanup();
  });

  it('indexes every format with pages and metadata', async () => {
    const { documents } = await engine.handlers['library.documents']({});
    const byName = new Map(documents.map((d) => [d.name, d]));
    expect([...byName.keys()].sort()).toEqual(samples.map((s) => path.basename(s)).sort());
    expect(byName.get('pump-maintenance-manual.pdf')).toMatchObject({ format: 'pdf', pages: 4, status: 'ready', title: 'HX-200 Pump Maintenance Manual' });
    expect(byName.get('site-inspection-notes.docx')?.format).toBe('docx');
    expect(byName.get('battery-research-summary.md')?.format).toBe('markdown');
    expect(byName.get('data-retention-policy.html')?.format).toBe('html');
    for (const d of documents) expect(d.chunks).toBeGreaterThan(0);
  });

  it('dates each new document from when its file was added, not from when its turn came', async () => {
    // All samples were queued at once; they are read a few at a time. A list sorted by Added
    // must not reorder itself as each one starts.
    const { documents } = await engine.handlers['library.documents']({});
    const queued = new Map(engine.queue.list().map((j) => [j.docId, j.createdAt]));
    expect(new Set(documents.map((d) => d.addedAt)).size).toBe(1);
    for (const d of documents) expect(d.addedAt).toBe(queued.get(d.docId));
  });

  it('ranks chunks containing an exact code first, with the right page', async () => {
    const res = await search(engine, { query: 'E-4012', k: 5 });
    const top = res.results.slice(0, 2);
    expect(top.map((r) => r.docName).sort()).toEqual(['pump-maintenance-manual.pdf', 'site-inspection-notes.docx']);
    const pdfHit = top.find((r) => r.docName.endsWith('.pdf'))!;
    expect(pdfHit.page).toBe(2);
    expect(pdfHit.retrievers).toContain('exact');
    expect(pdfHit.snippet).toContain('«E-4012»');
    // The offsets point at the cited text on that page.
    const page = await engine.handlers['library.page']({ docId: pdfHit.docId, page: pdfHit.page });
    expect(page.text.slice(pdfHit.start, pdfHit.start + 20)).toBe(pdfHit.text.slice(0, 20));
  });

  it('finds a code typed without its dash ("E4012") as the exact code "E-4012"', async () => {
    const res = await search(engine, { query: 'E4012', k: 5 });
    const top = res.results.slice(0, 2);
    expect(top.map((r) => r.docName).sort()).toEqual(['pump-maintenance-manual.pdf', 'site-inspection-notes.docx']);
    for (const r of top) {
      expect(r.retrievers).toContain('exact');
      expect(r.snippet).toContain('«E-4012»');
    }
  });

  it('says which looked-up code no passage holds, and nothing when the code is found', async () => {
    const res = await search(engine, { query: 'E-9999', k: 5 });
    expect(res.missing).toEqual(['E-9999']);
    expect(res.results.every((r) => !r.retrievers.includes('exact'))).toBe(true);
    expect((await search(engine, { query: 'E-4012', k: 5 })).missing).toBeUndefined();
    // A long question's numbers are words, not lookups: nothing is reported missing for them.
    expect((await search(engine, { query: 'what should be checked on the pump every 9999 hours of service', k: 5 })).missing).toBeUndefined();
  });

  it('finds "Item 7A" on page 3 of the annual report', async () => {
    const res = await search(engine, { query: 'Item 7A market risk', k: 3, mode: 'text' });
    expect(res.results[0]).toMatchObject({ docName: 'annual-report-2025.pdf', page: 3 });
  });

  it('shows a passage a document repeats word for word once, and the same passage in another document too', async () => {
    await withSampleEngine(async ({ engine, dir }) => {
      const words = 'trustee office security guard visitors access badge camera alarm lock door desk report'.split(' ');
      const prose = (seed: number): string =>
        Array.from({ length: 40 }, (_, i) => `The ${words[(i * 7 + seed) % words.length]} rule ${i} covers the ${words[(i * 3 + seed) % words.length]} of every site.`).join(' ');
      const section = `## Safety of office and employees\n\n${prose(1)}`;
      const handbook = path.join(dir, 'handbook.md');
      await writeFile(handbook, `# Handbook\n\n## Scope\n\n${prose(3)}\n\n${section}\n\n## Budgets\n\n${prose(5)}\n\n${section}\n`);
      const copy = path.join(dir, 'copy.md');
      await writeFile(copy, `# Copy\n\n## Scope\n\n${prose(4)}\n\n${section}\n`);
      await ingest(engine, [handbook, copy]);
      const res = await search(engine, { query: 'safety of office and employees', k: 10 });
      const texts = res.results.map((r) => `${r.docName}|${r.text}`);
      expect(new Set(texts).size).toBe(texts.length);
      const fromHandbook = res.results.filter((r) => r.docName === 'handbook.md' && r.text.includes('Safety of office'));
      expect(fromHandbook).toHaveLength(1);
      expect(res.results.some((r) => r.docName === 'copy.md' && r.text.includes('Safety of office'))).toBe(true);
      // The library holds both copies: only the results collapse them.
      const { documents } = await engine.handlers['library.documents']({});
      expect(documents.find((d) => d.name === 'handbook.md')?.chunks).toBeGreaterThanOrEqual(3);
    });
  });

  it('warns once that an empty Word file has no text, and calls only a PDF without a text layer scanned', async () => {
    await withSampleEngine(async ({ engine }) => {
      const docx = sharedPath('corpus', 'docx', 'mammoth', 'empty.docx');
      const scan = sharedPath('corpus', 'pdf', 'scanned_ocr', 'docling__ocr_test.pdf');
      await ingest(engine, [docx, scan]);
      const { documents } = await engine.handlers['library.documents']({});
      const warningsOf = (name: string): string[] => (documents.find((d) => d.name === name)?.warnings ?? []).filter((w) => w.code === 'NO_TEXT').map((w) => w.message);
      expect(warningsOf('empty.docx')).toEqual(['The file contains no extractable text.']);
      expect(warningsOf('docling__ocr_test.pdf')).toEqual([
        'No text layer on its page: it is a scan, and Quarry cannot read scans yet. Run OCR on it (for example with ocrmypdf), then add it again.',
      ]);
      // One warning, not the extractor's "1 of 1 pages have no text layer" beside it.
      expect(documents.find((d) => d.name === 'docling__ocr_test.pdf')?.warnings).toHaveLength(1);
    });
  });

  it('filters by document name without extension and by collection', async () => {
    const res = await search(engine, { query: 'pump', k: 10, filters: { doc: 'site-inspection-notes' } });
    expect(res.results.length).toBeGreaterThan(0);
    expect(new Set(res.results.map((r) => r.docName))).toEqual(new Set(['site-inspection-notes.docx']));
    const none = await search(engine, { query: 'pump', k: 10, filters: { collection: 'nope' } });
    expect(none.results).toEqual([]);
  });

  it('treats the same file twice as a no-op and replaces a changed file atomically', async () => {
    const md = samples.find((s) => s.endsWith('.md'))!;
    const { jobs } = await ingest(engine, [md]);
    expect(jobs[0]).toMatchObject({ state: 'done', unchanged: true });
    const docId = jobs[0].docId!;
    await writeFile(md, '# Replaced\n\nA completely different note about solar inverters.\n');
    const again = await ingest(engine, [md]);
    expect(again.jobs[0]).toMatchObject({ state: 'done' });
    expect(again.jobs[0].unchanged).toBeFalsy();
    const chunks = await engine.store.chunksByDoc(docId);
    expect(chunks.map((c) => c.text).join(' ')).toContain('solar inverters');
    expect(chunks.map((c) => c.text).join(' ')).not.toContain('lithium');
    expect(engine.documents().get(docId)?.chunks).toBe(chunks.length);
  });

  it('optimizes in the background once an ingest has settled', async () => {
    const md = samples.find((s) => s.endsWith('.md'))!;
    await writeFile(md, '# Upkeep\n\nA note about heat exchangers, written to be indexed again.\n');
    await ingest(engine, [md]);
    expect(engine.store.needsOptimize).toBe(true);
    // Upkeep waits 3 s after the queue goes idle, then compacts.
    await expect.poll(() => engine.store.needsOptimize, { timeout: 20_000, interval: 250 }).toBe(false);
  });

  it('removes a document at once, restores it on undo, and deletes its chunks once the undo window ends', async () => {
    const doc = [...engine.documents().values()].find((d) => d.name === 'data-retention-policy.html')!;
    const chunks = await engine.store.countChunks(`doc_id = '${doc.docId}'`);
    const found = async (): Promise<boolean> => (await search(engine, { query: 'DR-2291', k: 5 })).results.some((r) => r.docId === doc.docId);
    expect(await found()).toBe(true);
    await engine.handlers['library.remove']({ docId: doc.docId });
    // Gone from the list and from search at once; its rows wait out the undo window.
    expect(engine.documents().has(doc.docId)).toBe(false);
    expect((await engine.handlers['library.documents']({})).documents.some((d) => d.docId === doc.docId)).toBe(false);
    expect(await found()).toBe(false);
    await expect(engine.handlers['library.remove']({ docId: doc.docId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Undo: back as it was, searchable again.
    await engine.handlers['library.restore']({ docId: doc.docId });
    expect(engine.documents().get(doc.docId)).toEqual(doc);
    expect(await found()).toBe(true);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await engine.store.countChunks(`doc_id = '${doc.docId}'`)).toBe(chunks);
    // Removed again and left alone: deleted for good, and no longer restorable.
    await engine.handlers['library.remove']({ docId: doc.docId });
    await expect.poll(() => engine.store.countChunks(`doc_id = '${doc.docId}'`), { timeout: 10_000, interval: 200 }).toBe(0);
    await expect(engine.handlers['library.restore']({ docId: doc.docId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await found()).toBe(false);
  });

  it('deletes a removed document when the engine closes within the undo window', async () => {
    const { dir: d2, cleanup: c2 } = await tempDir();
    try {
      const dataDir = path.join(d2, 'lib');
      let e2 = await createEngine({ dataDir, embedder: EMBEDDER });
      const [first] = (await ingest(e2, [samples[0]])).jobs;
      await e2.handlers['library.remove']({ docId: first.docId! });
      await e2.close();
      e2 = await createEngine({ dataDir, embedder: EMBEDDER });
      expect(e2.documents().size).toBe(0);
      expect(await e2.store.countChunks()).toBe(0);
      await e2.close();
    } finally {
      await c2();
    }
  });
});

describe('engine: bad input never breaks the batch', () => {
  it('reports each bad file with a code and indexes the good ones', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const [good] = await writeSamples(path.join(dir, 's'));
      await writeFile(path.join(dir, 'empty.pdf'), '');
      await writeFile(path.join(dir, 'image.pdf'), Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
      const encrypted = sharedPath('corpus', 'pdf', 'encrypted', 'unstructured__password.pdf');
      const engine = await createEngine({ dataDir: path.join(dir, 'lib'), embedder: EMBEDDER });
      try {
        const { jobs } = await ingest(engine, [good, path.join(dir, 'empty.pdf'), path.join(dir, 'image.pdf'), path.join(dir, 'missing.pdf'), encrypted]);
        const byName = new Map(jobs.map((j) => [path.basename(j.path), j]));
        expect(byName.get(path.basename(good))?.state).toBe('done');
        expect(byName.get('empty.pdf')?.error?.code).toBe('FILE_EMPTY');
        expect(byName.get('image.pdf')?.error?.code).toBe('UNSUPPORTED_TYPE');
        expect(byName.get('missing.pdf')?.error?.code).toBe('FILE_NOT_FOUND');
        const enc = byName.get('unstructured__password.pdf')!;
        expect(enc.error?.code).toBe('PDF_PASSWORD_REQUIRED');
        // The failure shows on the document's row, with its next step…
        const row = engine.documents().get(enc.docId!)!;
        // (listed as the PDF it is, not as text: the format is known before the read fails)
        expect(row).toMatchObject({ status: 'failed', format: 'pdf', error: { code: 'PDF_PASSWORD_REQUIRED' } });
        // …and retrying with the password indexes it.
        const index = await readFile(sharedPath('corpus', 'pdf', 'PDF_INDEX.tsv'), 'utf8');
        const password = index.split('\n').find((l) => l.includes('unstructured__password.pdf'))!.split('\t')[5];
        await engine.handlers['jobs.retry']({ jobId: enc.jobId, password });
        await engine.queue.whenIdle();
        expect(engine.documents().get(enc.docId!)).toMatchObject({ status: 'ready' });
        expect(engine.documents().get(enc.docId!)!.chunks).toBeGreaterThan(0);
      } finally {
        await engine.close();
      }
    } finally {
      await cleanup();
    }
  });

  it('fails a job cleanly on a store write error and leaves the library intact', async () => {
    await withSampleEngine(async ({ engine, samples }) => {
      await ingest(engine, [samples[0]]);
      const before = await engine.store.countChunks();
      const original = engine.store.replaceChunks.bind(engine.store);
      engine.store.replaceChunks = async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      };
      const { jobs } = await ingest(engine, [samples[1]]);
      engine.store.replaceChunks = original;
      expect(jobs[0]).toMatchObject({ state: 'failed', error: { code: 'STORE_FAILED' } });
      expect(await engine.store.countChunks()).toBe(before);
      const res = await search(engine, { query: 'E-4012', k: 3 });
      expect(res.results[0]?.docName).toBe(path.basename(samples[0]));
    });
  });

  it('appends a new document once: a retry after its write went through replaces, never duplicates', async () => {
    await withSampleEngine(async ({ engine, samples }) => {
      const original = engine.store.replaceChunks.bind(engine.store);
      const fresh: (boolean | undefined)[] = [];
      // The first write lands, then reports a transient failure (as a commit conflict would):
      // the job runs again, this time against a document that already has chunks.
      engine.store.replaceChunks = async (...args: Parameters<typeof original>) => {
        fresh.push(args[6]?.fresh);
        await original(...args);
        if (fresh.length === 1) throw new Error('Retryable commit conflict for version 7');
      };
      const { jobs } = await ingest(engine, [samples[0]]);
      engine.store.replaceChunks = original;
      expect(jobs[0]).toMatchObject({ state: 'done', attempts: 2 });
      expect(fresh).toEqual([true, false]);
      const docId = jobs[0].docId!;
      const chunks = await engine.store.chunksByDoc(docId);
      expect(chunks.length).toBeGreaterThan(0);
      expect(new Set(chunks.map((c) => c.id)).size).toBe(chunks.length);
      expect(engine.documents().get(docId)?.chunks).toBe(chunks.length);

      // Removed and added again: a fresh append again, still exactly one copy.
      await engine.handlers['library.remove']({ docId });
      await ingest(engine, [samples[0]]);
      expect(await engine.store.countChunks(`doc_id = '${docId}'`)).toBe(chunks.length);
    });
  });

  it('writes a new document row last and sweeps what a crash before it left behind', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const samples = await writeSamples(path.join(dir, 's'));
      const dataDir = path.join(dir, 'lib');
      let engine = await createEngine({ dataDir, embedder: EMBEDDER });
      try {
        // While a new document is processed it is listed, but has no row in the store yet.
        const listed: string[] = [];
        engine.on('library.changed', ({ docIds }) => listed.push(...docIds));
        const rows: number[] = [];
        const original = engine.store.replaceChunks.bind(engine.store);
        engine.store.replaceChunks = async (...args: Parameters<typeof original>) => {
          rows.push((await engine.store.loadDocuments()).length);
          return original(...args);
        };
        const { jobs } = await ingest(engine, [samples[0]]);
        engine.store.replaceChunks = original;
        expect(rows).toEqual([0]);
        expect(listed.filter((id) => id === jobs[0].docId).length).toBe(2); // processing, then ready
        expect((await engine.store.loadDocuments()).map((d) => d.status)).toEqual(['ready']);

        // A crash between the content writes and the row: pages and chunks with no document,
        // and a scanned file's pages with no chunks at all.
        const chunk = { id: 'ghost:0', docId: 'ghost', ordinal: 0, text: 'orphaned text', pageStart: 1, pageEnd: 1, charStart: 0, charEnd: 13, headingPath: [], sectionId: 'ghost:s0', tokenCount: 3 };
        const [vector] = await (await engine.embedder()).embed([chunk.text]);
        await engine.store.replacePages('ghost', [{ page: 1, text: 'orphaned text' }], { fresh: true });
        await engine.store.replaceChunks('ghost', 'default', [chunk], [vector], '', undefined, { fresh: true });
        await engine.store.replacePages('scan', [{ page: 1, text: '' }], { fresh: true });
      } finally {
        await engine.close();
      }
      engine = await createEngine({ dataDir, embedder: EMBEDDER });
      try {
        expect(await engine.store.countChunks(`doc_id = 'ghost'`)).toBe(0);
        expect(await engine.store.getPage('ghost', 1)).toBeUndefined();
        expect(await engine.store.getPage('scan', 1)).toBeUndefined();
        expect(engine.documents().size).toBe(1);
      } finally {
        await engine.close();
      }
    } finally {
      await cleanup();
    }
  });

  it('drops a new document from the list when its ingest is cancelled', async () => {
    await withSampleEngine(async ({ engine, samples }) => {
      const embedder = await engine.embedder();
      const embed = embedder.embed.bind(embedder);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let embedding!: () => void;
      const started = new Promise<void>((r) => (embedding = r));
      embedder.embed = async (texts, opts) => {
        if (opts?.kind === 'passage') {
          embedding();
          await gate;
        }
        return embed(texts, opts);
      };
      const { jobIds } = await engine.handlers['library.ingest']({ paths: [samples[0]], collection: 'default', tags: [] });
      await started;
      expect([...engine.documents().values()].map((d) => d.status)).toEqual(['processing']);
      const changed: string[] = [];
      engine.on('library.changed', ({ docIds }) => changed.push(...docIds));
      await engine.handlers['jobs.cancel']({ jobId: jobIds[0] });
      release();
      await engine.queue.whenIdle();
      expect(engine.queue.list()[0].state).toBe('cancelled');
      expect(engine.documents().size).toBe(0);
      expect(changed).toHaveLength(1);
      expect(await engine.store.countChunks()).toBe(0);
    });
  });

  it('detects a file changed while it is being ingested and reads it again', async () => {
    await withSampleEngine(async ({ engine, samples, dir }) => {
      const target = path.join(dir, 'notes.md');
      await copyFile(samples.find((s) => s.endsWith('.md'))!, target);
      await duringFirstEmbed(engine, () => writeFile(target, '# Rewritten\n\nThe file was rewritten during ingestion: geothermal wells.\n'));
      const { jobs } = await ingest(engine, [target]);
      expect(jobs[0]).toMatchObject({ state: 'done', attempts: 2 });
      const chunks = await engine.store.chunksByDoc(jobs[0].docId!);
      expect(chunks.map((c) => c.text).join(' ')).toContain('geothermal');
    });
  });
});

describe('engine: a file deleted while it is being ingested', () => {
  it('fails that job with FILE_NOT_FOUND and indexes nothing of it', async () => {
    await withSampleEngine(async ({ engine, samples, dir }) => {
      const target = path.join(dir, 'doomed.md');
      await copyFile(samples.find((s) => s.endsWith('.md'))!, target);
      await duringFirstEmbed(engine, () => rm(target, { force: true }));
      const { jobs } = await ingest(engine, [target, samples[0]]);
      const doomed = jobs.find((j) => j.path === target)!;
      expect(doomed).toMatchObject({ state: 'failed', error: { code: 'FILE_NOT_FOUND' } });
      expect(await engine.store.countChunks(`doc_id = '${doomed.docId}'`)).toBe(0);
      // The rest of the batch is unaffected.
      expect(jobs.find((j) => j.path === samples[0])?.state).toBe('done');
    });
  });
});

describe('engine: changing the embedder', () => {
  it('rebuilds the index for the new model while the old one keeps serving, then switches', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const samples = await writeSamples(path.join(dir, 's'));
      const lib = path.join(dir, 'lib');
      const first = await createEngine({ dataDir: lib, embedder: { kind: 'hash', dimension: 256 } });
      await ingest(first, samples);
      const chunks = await first.store.countChunks();
      await first.close();

      const engine = await createEngine({ dataDir: lib, embedder: { kind: 'hash', dimension: 64 } });
      try {
        // Still serving the old index: searches answer with full results during the rebuild.
        const during = await search(engine, { query: 'E-4012', k: 3 });
        expect(during.results.length).toBeGreaterThan(0);
        await engine.rebuilt();
        const status = await engine.handlers['library.status']({});
        expect(status.embedder).toMatchObject({ id: 'hash-64', dimension: 64 });
        expect(status.rebuild).toBeUndefined();
        expect(status.chunks).toBe(chunks);
        const after = await search(engine, { query: 'E-4012', k: 3, mode: 'hybrid' });
        expect(after.results[0].text).toContain('E-4012');
        expect(await engine.store.db.tableNames()).not.toContain('chunks__hash-256');
      } finally {
        await engine.close();
      }
      // The switch is remembered: no second rebuild.
      const again = await createEngine({ dataDir: lib, embedder: { kind: 'hash', dimension: 64 } });
      expect((await again.handlers['library.status']({})).rebuild).toBeUndefined();
      await again.close();
    } finally {
      await cleanup();
    }
  });
});

describe('engine: a long ingest optimizes as it goes', () => {
  it('folds new chunks into the indexes before the ingest ends, so searches do not scan them all unindexed', async () => {
    const { dir, cleanup } = await tempDir();
    const engine = await createEngine({ dataDir: path.join(dir, 'lib'), embedder: EMBEDDER });
    try {
      const folder = path.join(dir, 'notes');
      const { mkdir } = await import('node:fs/promises');
      await mkdir(folder);
      const words = 'pump valve pressure seal bearing impeller gasket flange coupling motor'.split(' ');
      // 60 notes of ~700 words: a few chunks each, well over the 100-chunk trigger in all.
      for (let f = 0; f < 60; f++) {
        const paras = Array.from({ length: 14 }, (_, p) => Array.from({ length: 50 }, (_, w) => words[(f * 7 + p * 3 + w) % words.length]).join(' ') + ` note ${f} part ${p}.`);
        await writeFile(path.join(folder, `note-${f}.txt`), paras.join('\n\n'));
      }
      const optimizeCalls: { idle: boolean; unindexed: number }[] = [];
      const store = engine.store as unknown as { optimize: () => Promise<void> };
      const original = store.optimize.bind(store);
      store.optimize = () => {
        optimizeCalls.push({ idle: engine.queue.idle, unindexed: engine.store.unindexedChunks });
        return original();
      };
      const { jobs } = await ingest(engine, [folder]);
      expect(jobs.every((j) => j.state === 'done')).toBe(true);
      const total = await engine.store.countChunks();
      expect(total).toBeGreaterThan(100);
      const during = optimizeCalls.filter((c) => !c.idle);
      expect(during.length).toBeGreaterThan(0);
      expect(during[0]!.unindexed).toBeGreaterThanOrEqual(100);
      // What is left unindexed at the end is what came after the last optimize began.
      expect(engine.store.unindexedChunks).toBeLessThan(total);
    } finally {
      await engine.close();
      await cleanup();
    }
  });
});
