import type { Embedder } from '../../embed/types';
import { coverage, embeddingScore, termWeights } from '../relevance';
import { contentTokens, cosine, splitSentences } from '../text';
import type { AnswerProvider, GenerateRequest, GenerateResult, Source, TokenBudget } from '../types';

/** A source sentence chosen as evidence. */
export interface Evidence {
  n: number;
  sentence: string;
  score: number;
}

export interface SelectOptions {
  maxSentences: number;
  embedder?: Embedder;
  signal?: AbortSignal;
}

interface Candidate extends Evidence {
  tokens: Set<string>;
  lexical: number;
}

/**
 * Picks the sentences of the given passages that best answer the question: weighted coverage
 * of the question's content words, a little term density, the passage's own relevance and
 * rank, then (with an embedder) embedding similarity on the best few; near-duplicates are
 * skipped. Work is proportional to the passages given, never to the library.
 */
export async function selectEvidence(question: string, sources: Source[], opts: SelectOptions): Promise<Evidence[]> {
  const q = contentTokens(question);
  const cands: Candidate[] = [];
  for (const src of sources) {
    for (const s of splitSentences(src.text)) {
      const tokens = new Set(contentTokens(s.text));
      if (tokens.size < 3 || s.text.length > 800) continue;
      cands.push({ n: src.n, sentence: s.text, score: 0, lexical: 0, tokens });
    }
  }
  if (cands.length === 0 || q.length === 0) return [];
  const weights = termWeights(q, cands.map((c) => c.tokens));
  const qset = new Set(q);
  const rankOf = new Map(sources.map((s, i) => [s.n, i]));
  const relOf = new Map(sources.map((s) => [s.n, s.relevance]));
  for (const c of cands) {
    const cov = coverage(weights, c.tokens);
    let hits = 0;
    for (const t of c.tokens) if (qset.has(t)) hits++;
    const density = hits / c.tokens.size;
    const prior = 1 / (1 + 0.08 * (rankOf.get(c.n) ?? 0));
    c.lexical = cov;
    c.score = (0.7 * cov + 0.15 * density + 0.15 * (relOf.get(c.n) ?? 0)) * prior;
  }
  cands.sort((a, b) => b.score - a.score);
  if (opts.embedder) await rerankWithEmbeddings(question, cands.slice(0, 10), opts.embedder, opts.signal);
  cands.sort((a, b) => b.score - a.score);

  const top = cands[0].score;
  const chosen: Candidate[] = [];
  for (const c of cands) {
    if (chosen.length >= opts.maxSentences) break;
    if (c.lexical < 0.2 || c.score < 0.5 * top) continue;
    if (chosen.some((x) => jaccard(x.tokens, c.tokens) > 0.5)) continue;
    chosen.push(c);
  }
  return chosen.map(({ n, sentence, score }) => ({ n, sentence, score }));
}

async function rerankWithEmbeddings(question: string, cands: Candidate[], embedder: Embedder, signal?: AbortSignal): Promise<void> {
  try {
    const [qv] = await embedder.embed([question], { signal, kind: 'query' });
    const vs = await embedder.embed(cands.map((c) => c.sentence), { signal, kind: 'passage' });
    cands.forEach((c, i) => {
      c.score = 0.6 * c.score + 0.4 * embeddingScore(cosine(qv, vs[i]));
    });
  } catch (e) {
    if (signal?.aborted) throw e;
    // Lexical order stands when embedding fails.
  }
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  return inter / (a.size + b.size - inter || 1);
}

/** "It rose by 4%." + 2 → "It rose by 4% [2]." (the marker goes before the final punctuation). */
export function citeSentence(sentence: string, n: number): string {
  const m = /([.!?。！？]["'”’)]*)$/.exec(sentence);
  return m ? `${sentence.slice(0, m.index)} [${n}]${m[1]}` : `${sentence} [${n}]`;
}

/**
 * Answers without a language model: the best-supported sentences of the top passages, each
 * cited. Instant, private, always available — the default when no model is set up.
 */
export class ExtractiveProvider implements AnswerProvider {
  readonly name = 'extractive' as const;
  readonly remote = false;
  readonly model = 'extractive';

  constructor(private readonly opts: { maxSentences: number; embedder?: Embedder }) {}

  async budget(): Promise<TokenBudget> {
    // It reads passages, not a prompt: no window to respect beyond the sources given.
    return { contextTokens: 1_000_000, maxOutputTokens: 0, count: (t) => Math.ceil(t.length / 4), exact: false };
  }

  async generate(req: GenerateRequest): Promise<GenerateResult> {
    const evidence = await selectEvidence(req.question, req.sources, {
      maxSentences: this.opts.maxSentences,
      embedder: this.opts.embedder,
      signal: req.signal,
    });
    const parts: string[] = [];
    for (const e of evidence) {
      req.signal.throwIfAborted();
      const piece = (parts.length ? ' ' : '') + citeSentence(e.sentence, e.n);
      parts.push(piece);
      req.onToken(piece);
    }
    const text = parts.join('');
    return { text, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0, exact: true }, model: this.model, finishReason: 'stop' };
  }

  async close(): Promise<void> {}
}
