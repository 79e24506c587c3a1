import type { Embedder } from '../embed/types';
import { appearanceOrder, cleanCitations, findMarkers, renumberCitations, stripMarkers } from './markers';
import { coverage, embeddingScore, termWeights } from './relevance';
import { contentTokens, cosine, numbersIn, splitSentences } from './text';
import type { Citation, Claim, Source } from './types';

export interface CheckOptions {
  /** Support at or above which a cited sentence counts as supported (default 0.5). */
  threshold?: number;
  embedder?: Embedder;
  signal?: AbortSignal;
}

export interface CheckedAnswer {
  /** The answer with citations to sources that were not given removed. */
  answer: string;
  claims: Claim[];
  /** One entry per source the answer cites, in order of first citation. */
  citations: Citation[];
  removedCitations: number[];
}

/** A stretch of a source (one sentence, or two adjacent ones) that can serve as a quote. */
interface Window {
  text: string;
  tokens: Set<string>;
  numbers: Set<string>;
  /** Two sentences joined. */
  pair: boolean;
}

interface SourceIndex {
  source: Source;
  windows: Window[];
  tokens: Set<string>;
  numbers: Set<string>;
}

interface Scored {
  support: number;
  window: Window | undefined;
}

// Sentences with fewer content words than this are connective text ("Here is what I found:"),
// not claims that need a citation.
const MIN_CLAIM_TOKENS = 2;

/**
 * Verifies an answer's citations against the sources it was given. Every `[n]` must name a
 * given source (others are removed); every citing sentence gets a support score against its
 * sources — lexical overlap of its content words (numbers must match), blended with embedding
 * similarity when an embedder is given — and is flagged when the score is below the threshold.
 *
 * @example
 * const checked = await checkCitations('Aspirin thins blood [1]. It cures colds [9].', sources);
 * checked.removedCitations; // [9]
 * checked.claims[0].status; // 'supported'
 */
export async function checkCitations(answer: string, sources: Source[], opts: CheckOptions = {}): Promise<CheckedAnswer> {
  const threshold = opts.threshold ?? 0.5;
  const byN = new Map(sources.map((s) => [s.n, s]));
  const cleaned = cleanCitations(answer, (n) => byN.has(n));
  const text = cleaned.text;
  const indexes = new Map(sources.map((s) => [s.n, indexSource(s)]));
  const pool = [...indexes.values()].flatMap((ix) => ix.windows.map((w) => w.tokens));

  const claims: Claim[] = [];
  const perSource = new Map<number, { support: number; window: Window | undefined }>();
  const pending: { claim: Claim; tokens: string[]; plain: string; scored: Map<number, Scored> }[] = [];
  // Per source, where the claims citing it were found word for word (null: some were not).
  const quoted = new Map<number, [number, number][] | null>();

  for (const s of splitSentences(text)) {
    const nums = [...new Set(findMarkers(s.text).flatMap((m) => m.numbers))].filter((n) => byN.has(n));
    const plain = stripMarkers(s.text);
    const tokens = contentTokens(plain);
    if (nums.length === 0 && tokens.length < MIN_CLAIM_TOKENS) continue;
    const claim: Claim = { text: s.text, start: s.start, end: s.end, citations: nums, support: 0, status: 'uncited' };
    claims.push(claim);
    if (nums.length === 0) continue;
    const weights = termWeights(tokens, pool);
    const claimNumbers = numbersIn(plain);
    const scored = new Map<number, Scored>();
    for (const n of nums) {
      // A sentence quoted from its source (extractive answers) is its own evidence and quote.
      const at = tokens.length >= MIN_CLAIM_TOKENS ? findLoose((byN.get(n) as Source).text, plain) : undefined;
      const spans = quoted.get(n) ?? [];
      if (at) {
        scored.set(n, { support: 1, window: mkWindow((byN.get(n) as Source).text.slice(at[0], at[1]), false) });
        if (quoted.get(n) !== null) quoted.set(n, [...spans, at]);
      } else {
        scored.set(n, lexicalSupport(weights, claimNumbers, indexes.get(n) as SourceIndex));
        quoted.set(n, null);
      }
    }
    pending.push({ claim, tokens, plain, scored });
  }

  if (opts.embedder && pending.length > 0) await blendEmbeddings(pending, opts.embedder, opts.signal);

  for (const { claim, scored } of pending) {
    claim.support = round(Math.max(...[...scored.values()].map((s) => s.support)));
    claim.status = claim.support >= threshold ? 'supported' : 'unsupported';
    for (const [n, s] of scored) {
      const prev = perSource.get(n);
      if (!prev || s.support > prev.support) perSource.set(n, s);
    }
  }

  const order = [...new Set(claims.flatMap((c) => c.citations))];
  const citations = order.map((n) => {
    const src = byN.get(n) as Source;
    const best = perSource.get(n);
    const spans = quoted.get(n);
    if (spans?.length) {
      // The quote is exactly the text the citing sentences came from: from the first one's start
      // to the last one's end (one sentence: that sentence).
      const from = Math.min(...spans.map((x) => x[0]));
      const to = Math.max(...spans.map((x) => x[1]));
      const quote = to - from <= MAX_SPAN ? src.text.slice(from, to) : src.text.slice(spans[0][0], spans[0][1]);
      return locate(src, quote, round(best?.support ?? 1));
    }
    return locate(src, best?.window?.text ?? firstSentence(src.text), round(best?.support ?? 0));
  });
  return { answer: text, claims, citations, removedCitations: cleaned.removed };
}

/**
 * Numbers an answer's citations in order of first appearance ([1], then [2], …) and the sources
 * to match: markers naming a source that was not given are removed, the cited sources take the
 * numbers of their first citation, the others follow in their own order. Applied to a prefix
 * of a streamed answer it gives a prefix of the final text, so the stream can use it as is.
 *
 * @example
 * numberByAppearance('A [3]. B [1].', sources).answer; // 'A [1]. B [2].' (source 3 is now 1)
 */
export function numberByAppearance(answer: string, sources: Source[]): { answer: string; sources: Source[]; removed: number[] } {
  const given = new Set(sources.map((s) => s.n));
  const cleaned = cleanCitations(answer, (n) => given.has(n));
  const order = appearanceOrder(cleaned.text);
  let next = order.size;
  const renumbered = sources.map((s) => ({ ...s, n: order.get(s.n) ?? ++next }));
  return { answer: renumberCitations(cleaned.text, order), sources: renumbered.sort((a, b) => a.n - b.n), removed: cleaned.removed };
}

// A quote spanning the sentences a source is cited for is kept below this length; past it, the
// quote is the first of them.
const MAX_SPAN = 1500;

/**
 * Where `needle` occurs in `hay`, with any run of white space matching any other (an answer
 * quotes a sentence with its line breaks collapsed), as [start, end) in `hay`.
 */
export function findLoose(hay: string, needle: string): [number, number] | undefined {
  const exact = hay.indexOf(needle);
  if (exact >= 0 && needle) return [exact, exact + needle.length];
  const words = needle.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return undefined;
  const m = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+')).exec(hay);
  return m ? [m.index, m.index + m[0].length] : undefined;
}

function mkWindow(t: string, pair: boolean): Window {
  return { text: t, tokens: new Set(contentTokens(t)), numbers: new Set(numbersIn(t)), pair };
}

function indexSource(source: Source): SourceIndex {
  const sentences = splitSentences(source.text);
  const windows: Window[] = [];
  const mk = mkWindow;
  for (let i = 0; i < sentences.length; i++) {
    windows.push(mk(sentences[i].text, false));
    // Claims often merge two adjacent source sentences.
    if (i + 1 < sentences.length) windows.push(mk(source.text.slice(sentences[i].start, sentences[i + 1].end), true));
  }
  return { source, windows, tokens: new Set(contentTokens(source.text)), numbers: new Set(numbersIn(source.text)) };
}

function lexicalSupport(weights: Map<string, number>, claimNumbers: string[], ix: SourceIndex): Scored {
  let best: Scored = { support: 0, window: ix.windows[0] };
  for (const w of ix.windows) {
    let s = coverage(weights, w.tokens);
    // A number the claim states must appear in the evidence: "40%" is not supported by "14%".
    if (claimNumbers.some((x) => !w.numbers.has(x))) s *= 0.6;
    // Two-sentence windows are slightly discounted so a single sentence wins ties as the quote.
    if (w.pair) s *= 0.97;
    if (s > best.support) best = { support: s, window: w };
  }
  // Evidence spread over a passage still counts, but less than one sentence that says it all.
  let whole = coverage(weights, ix.tokens) * 0.85;
  if (claimNumbers.some((x) => !ix.numbers.has(x))) whole *= 0.5;
  return whole > best.support ? { support: whole, window: best.window } : best;
}

async function blendEmbeddings(
  pending: { tokens: string[]; plain: string; scored: Map<number, Scored> }[],
  embedder: Embedder,
  signal?: AbortSignal,
): Promise<void> {
  const windows: string[] = [];
  for (const p of pending) for (const s of p.scored.values()) windows.push(s.window?.text ?? '');
  try {
    const claimVecs = await embedder.embed(pending.map((p) => p.plain), { signal, kind: 'query' });
    const winVecs = await embedder.embed(windows, { signal, kind: 'passage' });
    let k = 0;
    pending.forEach((p, i) => {
      for (const s of p.scored.values()) {
        const e = embeddingScore(cosine(claimVecs[i], winVecs[k++]));
        s.support = 0.6 * s.support + 0.4 * e;
      }
    });
  } catch (e) {
    if (signal?.aborted) throw e;
    // Support stays lexical when the embedder fails: a weaker check, not a failed answer.
  }
}

function firstSentence(text: string): string {
  return splitSentences(text)[0]?.text ?? text.slice(0, 200);
}

/**
 * Where a quote lies, as a page range with per-page offsets: `start` is within page `page`,
 * `end` within page `pageEnd`.
 *
 * A single-page chunk's text is the page text from the chunk's `start`, so a quote found in it
 * gets its exact range. A chunk that runs over pages holds one part per page joined by "\n"
 * (the first page's text from `start`, whole middle pages, the last page's text up to `end`),
 * and page texts have line breaks of their own, so each end of the quote is placed only where
 * that is certain (see chunkPosition); an end that cannot be placed falls back to the chunk's
 * own start or end. A quote not in the chunk (taken from the expanded section) gets the
 * chunk's range.
 */
export function locate(source: Source, quote: string, support: number): Citation {
  const r = source.result;
  const base = { n: source.n, chunkId: r.chunkId, docId: r.docId, docName: r.docName, path: r.path, quote, support };
  const chunk = { ...base, page: r.page, pageEnd: r.pageEnd, start: r.start, end: r.end };
  const idx = quote ? r.text.indexOf(quote) : -1;
  if (idx < 0) return chunk;
  if (r.page === r.pageEnd) return { ...base, page: r.page, pageEnd: r.page, start: r.start + idx, end: r.start + idx + quote.length };
  const from = chunkPosition(r, idx, 'start') ?? { page: r.page, offset: r.start };
  const to = chunkPosition(r, idx + quote.length, 'end') ?? { page: r.pageEnd, offset: r.end };
  return { ...base, page: from.page, pageEnd: to.page, start: from.offset, end: to.offset };
}

/**
 * The page and page offset of position `i` in the text of a chunk that spans pages, or
 * undefined when it cannot be told for certain. The chunk's parts are joined by "\n", and page
 * texts have line breaks of their own, so:
 * - the last part is the last page's text from its first character (page texts are trimmed) up
 *   to `end`: the chunk text's last `end` characters, right after a "\n" separator;
 * - before that separator lies the first page when the chunk covers two pages;
 * - before the first line break of the chunk text lies the first page, after its last line
 *   break the last page, however many pages it covers.
 * `side` says whether `i` starts or ends a range: an end on a part boundary belongs to the part
 * before it.
 */
function chunkPosition(r: Source['result'], i: number, side: 'start' | 'end'): { page: number; offset: number } | undefined {
  const text = r.text;
  const firstBreak = text.indexOf('\n');
  // Without a separator the text is not that of a chunk over pages: nothing can be told.
  if (firstBreak < 0) return undefined;
  const lastAt = text.length - r.end;
  const lastKnown = r.end >= 0 && lastAt >= 1 && text[lastAt - 1] === '\n';
  if (lastKnown && side === 'end' && i === lastAt) i--;
  if (lastKnown && i >= lastAt) return { page: r.pageEnd, offset: i - lastAt };
  if ((lastKnown && r.pageEnd === r.page + 1) || i <= firstBreak) return { page: r.page, offset: r.start + i };
  if (i > text.lastIndexOf('\n') && i >= lastAt) return { page: r.pageEnd, offset: r.end - (text.length - i) };
  return undefined;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
