/**
 * Extractive answers on SciFact claims: do the cited sentences carry the evidence?
 *
 * For each dev claim with gold rationales, a BM25 written here retrieves abstracts (the product
 * search is not used, so this measures answering, not the search engine), the real Answerer
 * answers with the extractive provider, and every cited sentence is mapped back to the corpus's
 * own sentence segmentation. In the same run a baseline cites the first sentences of the top
 * passage — as many as the extractive answer cited. A second pass hands both the gold abstracts
 * (oracle retrieval) to isolate sentence choice from retrieval.
 *
 *   citation precision: cited sentences that are gold rationale sentences of a gold document
 *   evidence recall:    gold rationale sentences that were cited (macro over claims)
 *
 * Run: npx tsx bench/answer.ts [--embed] [--limit N]   (--embed adds USE embeddings to scoring)
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { SearchQuery, SearchResult, SearchResults } from '../contract';
import { Answerer } from '../main/answer/answerer';
import { stripMarkers } from '../main/answer/markers';
import { contentTokens, splitSentences } from '../main/answer/text';
import type { AnswerDeps, AnswerResult } from '../main/answer/types';
import type { Embedder } from '../main/embed/types';
import { percentile, printTable, round, shared, writeResult } from './common';

const { values } = parseArgs({ options: { embed: { type: 'boolean' }, limit: { type: 'string' } } });

interface Doc {
  id: string;
  title: string;
  text: string;
  /** [start, end) of each corpus sentence within `text`. */
  spans: [number, number][];
}
interface Claim {
  id: string;
  claim: string;
  /** docId → gold rationale sentence indices. */
  gold: Map<string, Set<number>>;
}

async function loadDocs(): Promise<Map<string, Doc>> {
  const docs = new Map<string, Doc>();
  const rl = createInterface({ input: createReadStream(shared('eval', 'scifact_claims', 'corpus_sentences.jsonl'), 'utf8') });
  for await (const line of rl) {
    const d = JSON.parse(line) as { doc_id: string; title: string; sentences: string[] };
    const spans: [number, number][] = [];
    let text = '';
    for (const s of d.sentences) {
      if (text) text += ' ';
      spans.push([text.length, text.length + s.length]);
      text += s;
    }
    docs.set(String(d.doc_id), { id: String(d.doc_id), title: d.title, text, spans });
  }
  return docs;
}

function loadClaims(): Claim[] {
  const out: Claim[] = [];
  for (const line of readFileSync(shared('eval', 'scifact_claims', 'claims_dev.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const c = JSON.parse(line) as { id: string | number; claim: string; evidence: Record<string, { sentences: number[] }[]> };
    const gold = new Map<string, Set<number>>();
    for (const [doc, sets] of Object.entries(c.evidence)) gold.set(doc, new Set(sets.flatMap((s) => s.sentences)));
    if (gold.size) out.push({ id: String(c.id), claim: c.claim, gold });
  }
  return out;
}

/** Okapi BM25 (k1 1.2, b 0.75) over title + abstract: the benchmark's own retriever. */
class Bm25 {
  private readonly postings = new Map<string, [number, number][]>();
  private readonly lengths: number[] = [];
  private readonly avg: number;
  constructor(private readonly docs: Doc[]) {
    docs.forEach((d, i) => {
      const toks = contentTokens(`${d.title} ${d.text}`);
      this.lengths.push(toks.length);
      const tf = new Map<string, number>();
      for (const t of toks) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [t, n] of tf) {
        let p = this.postings.get(t);
        if (!p) this.postings.set(t, (p = []));
        p.push([i, n]);
      }
    });
    this.avg = this.lengths.reduce((a, b) => a + b, 0) / docs.length;
  }
  search(q: string, k: number, exclude: Set<string> = new Set()): { doc: Doc; score: number }[] {
    const scores = new Map<number, number>();
    const N = this.docs.length;
    for (const t of new Set(contentTokens(q))) {
      const p = this.postings.get(t);
      if (!p) continue;
      const idf = Math.log(1 + (N - p.length + 0.5) / (p.length + 0.5));
      for (const [i, tf] of p) {
        if (exclude.has(this.docs[i].id)) continue;
        const s = (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * this.lengths[i]) / this.avg));
        scores.set(i, (scores.get(i) ?? 0) + s);
      }
    }
    return [...scores].sort((a, b) => b[1] - a[1]).slice(0, k).map(([i, score]) => ({ doc: this.docs[i], score }));
  }
}

function toResult(d: Doc, score: number): SearchResult {
  return {
    chunkId: `${d.id}:0`, docId: d.id, docName: d.title, path: d.id, page: 1, pageEnd: 1, start: 0, end: d.text.length,
    headingPath: [], sectionId: `${d.id}:s0`, score, text: d.text, snippet: '', highlights: [], retrievers: ['text'],
  };
}

/** Corpus sentence indices a quote covers (at least half of the sentence or of the quote). */
function sentencesOf(doc: Doc, quote: string): number[] {
  const at = doc.text.indexOf(quote);
  if (at < 0) return [];
  const qs = at;
  const qe = at + quote.length;
  const out: number[] = [];
  doc.spans.forEach(([s, e], i) => {
    const overlap = Math.min(e, qe) - Math.max(s, qs);
    if (overlap > 0 && (overlap >= (e - s) / 2 || overlap >= (qe - qs) / 2)) out.push(i);
  });
  return out;
}

interface Score {
  cited: number;
  correct: number;
  recall: number[];
  hit: number;
  notFound: number;
}
const empty = (): Score => ({ cited: 0, correct: 0, recall: [], hit: 0, notFound: 0 });

/** Adds one claim's cited (doc, sentence) units to a score. */
function score(s: Score, claim: Claim, units: { doc: string; sentences: number[] }[]): void {
  const covered = new Set<string>();
  for (const u of units) {
    s.cited++;
    const gold = claim.gold.get(u.doc);
    if (gold && u.sentences.some((i) => gold.has(i))) s.correct++;
    for (const i of u.sentences) if (gold?.has(i)) covered.add(`${u.doc}:${i}`);
  }
  const total = [...claim.gold.values()].reduce((n, g) => n + g.size, 0);
  s.recall.push(covered.size / total);
  if (covered.size) s.hit++;
}

/** The cited sentences of an extractive answer, as (doc, corpus sentence indices). */
function extractiveUnits(r: AnswerResult, docs: Map<string, Doc>): { doc: string; sentences: number[] }[] {
  const byN = new Map(r.citations.map((c) => [c.n, c.docId]));
  const units: { doc: string; sentences: number[] }[] = [];
  for (const cl of r.claims) {
    for (const n of cl.citations) {
      const docId = byN.get(n);
      const doc = docId ? docs.get(docId) : undefined;
      if (doc) units.push({ doc: doc.id, sentences: sentencesOf(doc, stripMarkers(cl.text)) });
    }
  }
  return units;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const docs = await loadDocs();
  const claims = loadClaims().slice(0, values.limit ? Number(values.limit) : undefined);
  const bm25 = new Bm25([...docs.values()]);
  console.log(`${docs.size} abstracts, ${claims.length} dev claims with rationales; index built in ${Date.now() - t0} ms`);

  let embedder: (Embedder & { close(): Promise<void> }) | undefined;
  if (values.embed) {
    const { UseEmbedder } = await import('../main/embed/use');
    embedder = new UseEmbedder({ workers: 1 });
  }

  // bm25: the top 8 abstracts; gold: only the gold abstracts (oracle retrieval);
  // unanswerable: the top 8 with the gold abstracts removed from the library (should be "not found").
  const variants = ['bm25', 'gold', 'unanswerable'] as const;
  const report: Record<string, unknown> = {};
  const rows: (string | number)[][] = [];
  for (const variant of variants) {
    let current: SearchResult[] = [];
    const deps: AnswerDeps = {
      search: async (q: SearchQuery): Promise<SearchResults> => ({ query: q.query, mode: 'text', tookMs: 0, results: current }),
      embedder,
    };
    const answerer = new Answerer({ provider: 'extractive' }, deps);
    const ex = empty();
    const base = empty();
    const totalMs: number[] = [];
    const extractMs: number[] = [];
    let retrievalHit = 0;
    let refusedAnswerable = 0;
    for (const claim of claims) {
      current =
        variant === 'gold'
          ? [...claim.gold.keys()].flatMap((id) => (docs.has(id) ? [toResult(docs.get(id) as Doc, 1)] : []))
          : bm25.search(claim.claim, 8, variant === 'unanswerable' ? new Set(claim.gold.keys()) : undefined).map((h) => toResult(h.doc, h.score));
      const goldRetrieved = current.some((r) => claim.gold.has(r.docId));
      if (goldRetrieved) retrievalHit++;
      const r = await answerer.answer({ question: claim.claim });
      if (r.notFound && goldRetrieved) refusedAnswerable++;
      totalMs.push(r.timings.totalMs);
      if (r.attempts[0]) extractMs.push(r.attempts[0].ms);
      if (r.notFound) {
        ex.notFound++;
        ex.recall.push(0);
      } else score(ex, claim, extractiveUnits(r, docs));
      // Baseline: the first sentences of the top passage, as many as the extractive answer cited.
      const k = Math.max(1, r.claims.length);
      const top = current[0] ? (docs.get(current[0].docId) as Doc) : undefined;
      if (!top) {
        base.notFound++;
        base.recall.push(0);
      } else {
        const first = splitSentences(top.text).slice(0, k);
        score(base, claim, first.map((s) => ({ doc: top.id, sentences: sentencesOf(top, s.text) })));
      }
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const summary = (s: Score) => ({
      citationPrecision: round(s.correct / Math.max(1, s.cited), 3),
      evidenceRecall: round(mean(s.recall), 3),
      claimsWithGoldCited: round(s.hit / claims.length, 3),
      citedSentences: s.cited,
      notFound: s.notFound,
    });
    report[variant] = {
      claims: claims.length,
      retrievalRecallAtK: round(retrievalHit / claims.length, 3),
      /** Share of claims answered "not found" (wanted for `unanswerable`, unwanted when gold was retrieved). */
      notFoundRate: round(ex.notFound / claims.length, 3),
      notFoundWhenGoldRetrieved: round(refusedAnswerable / Math.max(1, retrievalHit), 3),
      extractive: summary(ex),
      baselineFirstSentences: summary(base),
      precisionRatio: round(ex.correct / Math.max(1, ex.cited) / (base.correct / Math.max(1, base.cited)), 2),
      latencyMs: { answerP50: percentile(totalMs, 50), answerP95: percentile(totalMs, 95), extractiveP50: percentile(extractMs, 50), extractiveP95: percentile(extractMs, 95) },
    };
    for (const [name, s] of [['extractive', ex], ['baseline: first sentences', base]] as const) {
      const m = summary(s);
      rows.push([variant, name, m.citationPrecision, m.evidenceRecall, m.claimsWithGoldCited, m.citedSentences, m.notFound]);
    }
    await answerer.close();
  }
  await embedder?.close();
  printTable(['retrieval', 'method', 'cit. precision', 'evid. recall', 'claims w/ gold cited', 'cited', 'notFound'], rows);
  for (const v of variants) {
    const l = (report[v] as { latencyMs: Record<string, number>; retrievalRecallAtK: number }).latencyMs;
    const r = report[v] as { retrievalRecallAtK: number; notFoundRate: number; notFoundWhenGoldRetrieved: number };
    console.log(
      `${v}: gold in retrieved ${r.retrievalRecallAtK}; "not found" ${r.notFoundRate} (when gold retrieved ${r.notFoundWhenGoldRetrieved}); ` +
        `answer p50 ${l.answerP50} ms, p95 ${l.answerP95} ms (extractive step p50 ${l.extractiveP50} ms)`,
    );
  }
  const file = await writeResult(values.embed ? 'answer-embed' : 'answer', { embedder: embedder?.info.id ?? null, ...report });
  console.log(`wrote ${file}`);
}

await main();
