/**
 * Pseudo-queries for fusion calibration: passages sampled from the user's own library
 * (deterministically, spread across documents) and turned into queries a person might type.
 * Each query's target is the document its passage came from.
 */
import { splitSentences } from '../chunk/tokens';
import type { ChunkRow, DocumentRecord } from '../store/store';
import { seededRandom } from '../util/random';

/**
 * How a passage becomes a query.
 * - `sentence`: one sentence of the passage (a long one cut to a 24-word window) — what a user
 *   who remembers a statement types.
 * - `keyterms`: the passage's 6 most distinctive words by tf-idf — a keyword search.
 * - `masked` (the default): a sentence with its most distinctive two thirds of content words
 *   removed — the user describes the passage in other words, so most of the rare terms BM25
 *   keys on are missing. Sentences and key terms copy the passage's own words and are too easy:
 *   on SciFact lexical search finds their source 99–100% of the time at every low dense weight,
 *   so they cannot tell settings apart (bench/calibration.ts).
 * - `mixed`: the three in turn, so no single style decides the weights.
 */
export const QUERY_BUILDERS = ['sentence', 'keyterms', 'masked', 'mixed'] as const;
export type QueryBuilder = (typeof QUERY_BUILDERS)[number];

/** A sampled passage and the query built from it. */
export interface PseudoQuery {
  query: string;
  /** The builder that made it (`mixed` resolves to one of the others per query). */
  builder: Exclude<QueryBuilder, 'mixed'>;
  docId: string;
  chunkId: string;
}

export { seededRandom };

/** Fisher–Yates with the given random source (returns a new array). */
export function shuffle<T>(items: readonly T[], rnd: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * Share of a sentence's content words the `masked` builder removes, rarest first. On SciFact
 * (bench/calibration.ts, USE): 1/3 → lexical nDCG@10 0.973 on the pseudo-queries, 1/2 → 0.903,
 * 2/3 → 0.645, near the 0.69–0.70 of SciFact's real claims, and only at 2/3 does the curve over
 * dense weights have the real queries' shape: highest at min-max 0.2 as on SciFact's test and
 * train qrels, falling from 0.3, RRF below min-max.
 */
export const MASKED_FRACTION = 2 / 3;

const WORD = /[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*/gu;
const STOP = new Set(
  ('a an and are as at be been being but by can could did do does for from had has have he her his how i if in into is it its ' +
    'may might more most no not of on or our she should so such than that the their them then there these they this those to ' +
    'was we were what when where which while who whom why will with would you your also all any both each other some only very')
    .split(' '),
);

/** Lower-cased words of a text. */
export function words(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).filter((w) => w.length > 1 || /\p{N}/u.test(w));
}

function isContent(w: string): boolean {
  return !STOP.has(w) && !/^\p{N}+$/u.test(w);
}

/** Document frequencies over a set of passages, for tf-idf. */
export class TermStats {
  private readonly df = new Map<string, number>();
  private n = 0;

  add(text: string): void {
    this.n++;
    for (const w of new Set(words(text))) this.df.set(w, (this.df.get(w) ?? 0) + 1);
  }

  /** Smoothed inverse document frequency (unseen words count as rare). */
  idf(w: string): number {
    return Math.log((this.n + 1) / ((this.df.get(w) ?? 0) + 0.5));
  }
}

/** Sentences of a passage with 6–60 words, cut to a window of at most 24 words. */
function querySentences(text: string, rnd: () => number): string[][] {
  const out: string[][] = [];
  for (const s of splitSentences(text)) {
    const sentence = text.slice(s.start, s.end).replace(/\s+/g, ' ').trim();
    const tokens = sentence.split(' ').filter(Boolean);
    const count = words(sentence).length;
    if (count < 6 || count > 60) continue;
    if (tokens.length > 24) {
      const start = Math.floor(rnd() * (tokens.length - 24 + 1));
      out.push(tokens.slice(start, start + 24));
    } else out.push(tokens);
  }
  return out;
}

/** Whether a passage has a sentence a query can be built from (cheap; consumes no randomness). */
function hasQuerySentence(text: string): boolean {
  return splitSentences(text).some((s) => {
    const count = words(text.slice(s.start, s.end)).length;
    return count >= 6 && count <= 60;
  });
}

const strip = (t: string): string => t.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');

/** Builds one query from a passage, or undefined when the passage has no usable sentence (a table, a heading). */
export function buildQuery(text: string, builder: Exclude<QueryBuilder, 'mixed'>, stats: TermStats, rnd: () => number): string | undefined {
  const sentences = querySentences(text, rnd);
  if (sentences.length === 0) return undefined;
  if (builder === 'keyterms') {
    const tf = new Map<string, number>();
    for (const w of words(text)) if (isContent(w)) tf.set(w, (tf.get(w) ?? 0) + 1);
    const top = [...tf].map(([w, n]) => ({ w, s: (1 + Math.log(n)) * stats.idf(w) })).sort((a, b) => b.s - a.s || (a.w < b.w ? -1 : 1)).slice(0, 6);
    return top.length >= 3 ? top.map((t) => t.w).join(' ') : undefined;
  }
  const tokens = sentences[Math.floor(rnd() * sentences.length)];
  if (builder === 'sentence') return tokens.join(' ');
  // masked: drop the most distinctive content words (ties broken by position).
  const content = tokens
    .map((t, i) => ({ i, w: strip(t).toLowerCase() }))
    .filter((t) => t.w && isContent(t.w))
    .sort((a, b) => stats.idf(b.w) - stats.idf(a.w) || a.i - b.i);
  const drop = new Set(content.slice(0, Math.ceil(content.length * MASKED_FRACTION)).map((t) => t.i));
  const kept = tokens.filter((_, i) => !drop.has(i));
  return words(kept.join(' ')).filter(isContent).length >= 2 ? kept.join(' ') : undefined;
}

/**
 * Samples up to `n` passages and builds a query from each. Documents are visited in a seeded
 * random order, one passage per document per round, so a single long handbook cannot dominate
 * the sample and every document gets a turn before any gets a second. Document frequencies
 * for tf-idf come from every chunk of the visited documents.
 */
export async function samplePseudoQueries(opts: {
  docs: readonly DocumentRecord[];
  n: number;
  seed: number;
  builder: QueryBuilder;
  loadChunks: (docId: string) => Promise<ChunkRow[]>;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}): Promise<PseudoQuery[]> {
  const rnd = seededRandom(opts.seed);
  const order = shuffle(
    opts.docs.filter((d) => d.status === 'ready' && d.chunks > 0).sort((a, b) => (a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : 0)),
    rnd,
  );
  const chunks = new Map<string, ChunkRow[]>();
  const stats = new TermStats();
  const picks: ChunkRow[] = [];
  const used = new Set<string>();
  // Pass 1: choose passages round-robin (loading each visited document's chunks once).
  for (let round = 0; picks.length < opts.n; round++) {
    let progressed = false;
    for (const d of order) {
      if (picks.length >= opts.n) break;
      opts.signal?.throwIfAborted();
      let rows = chunks.get(d.docId);
      if (!rows) {
        rows = await opts.loadChunks(d.docId);
        chunks.set(d.docId, rows);
        for (const r of rows) stats.add(r.text);
      }
      const free = rows.filter((r) => !used.has(r.id) && hasQuerySentence(r.text));
      if (free.length === 0) continue;
      const r = free[Math.floor(rnd() * free.length)];
      used.add(r.id);
      picks.push(r);
      progressed = true;
      opts.onProgress?.(picks.length, opts.n);
    }
    if (!progressed) break;
  }
  // Pass 2: build queries once the term statistics cover every visited document.
  const styles: Exclude<QueryBuilder, 'mixed'>[] = opts.builder === 'mixed' ? ['sentence', 'keyterms', 'masked'] : [opts.builder];
  const out: PseudoQuery[] = [];
  picks.forEach((r, i) => {
    const builder = styles[i % styles.length];
    const query = buildQuery(r.text, builder, stats, rnd);
    if (query) out.push({ query, builder, docId: r.doc_id, chunkId: r.id });
  });
  return out;
}
