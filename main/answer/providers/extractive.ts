import type { Embedder } from '../../embed/types';
import { coverage, embeddingScore, termWeights } from '../relevance';
import { containsRun, contentTokens, cosine, namedPhrases, splitSentences, type Sentence } from '../text';
import type { AnswerProvider, GenerateRequest, GenerateResult, Source, TokenBudget } from '../types';

/** A source sentence (or a list with its lead-in) chosen as evidence. */
export interface Evidence {
  n: number;
  /** The evidence as the answer shows it: the source text with its line breaks made spaces. */
  sentence: string;
  score: number;
  /** [start, end) of the evidence in the source's text: `sentence` is that text, white space aside. */
  start: number;
  end: number;
}

export interface SelectOptions {
  maxSentences: number;
  embedder?: Embedder;
  signal?: AbortSignal;
  /**
   * Least weighted share of the question's content words a sentence must hold (default
   * MIN_COVERAGE), and least score relative to the best sentence (default MIN_RELATIVE).
   * Both defaults were measured with `npm run bench -- answer` (see MIN_COVERAGE).
   */
  minCoverage?: number;
  minRelative?: number;
}

/**
 * The relevance bar a sentence must clear, measured on the SciFact answer benchmark
 * (`npm run bench -- answer`: 188 dev claims; BM25 top-8 and gold-only retrieval), scoring each
 * setting by the mean over both retrievals of the F1 of citation precision and evidence recall.
 * Swept minCoverage 0.1–0.4 × minRelative 0.4–0.9:
 *   (0.2, 0.5): P 0.260 / R 0.484 (BM25), P 0.423 / R 0.537 (gold); mean F1 0.406
 *   (0.2, 0.6): mean F1 0.409; (0.2, 0.7): 0.415; (0.2, 0.8): 0.418 (R 0.424 / 0.462)
 *   (0.15, 0.5): mean F1 0.410, but 29 more sentences cited on unanswerable claims
 *   (0.25+, any): recall falls fast (gold R ≤ 0.468)
 * A higher relative bar buys precision with recall (the bench's F1 rewards citing one sentence),
 * and below coverage 0.2 a sentence holding one of six question words passes; a relative bar of
 * 0.6 or more drops the sentence that answers when it scores lower than one that merely repeats
 * the question's names (tests/unit/answer/extractive.test.ts, "parent-section expansion"). So
 * (0.2, 0.5) stands: the best-scoring setting that keeps both behaviours. Off-topic text is
 * kept out by the prose filter (isProse) rather than a higher bar.
 */
export const MIN_COVERAGE = 0.2;
export const MIN_RELATIVE = 0.5;

interface Candidate extends Evidence {
  tokens: Set<string>;
  lexical: number;
  /** What the question's names and authorship make of this unit's score (1: nothing). */
  factor: number;
}

/**
 * When a question names something and some passages' documents hold that name, sentences from
 * documents that never mention it weigh less: OFF_TITLE_FACTOR when the name is written as a
 * title ("Who wrote The Buried Moon?", or quoted), OFF_NAME_FACTOR for other capitalised names.
 * A game guide that says "buried" and "Moon" in one sentence is not about the fairy tale. A unit
 * that holds the name word for word weighs ON_NAME_FACTOR.
 *
 * Measured with `npm run bench -- answer` (SciFact dev claims, BM25 retrieval; 18 of the 300
 * claims name something by capitals, mostly scientific terms such as "West Nile virus", none as
 * a title): citation precision / evidence recall for (off, on):
 *   none (1, 1): 0.26 / 0.484; (0.7, 1.1): 0.26 / 0.484; (0.5, 1): 0.259 / 0.478;
 *   (0.5, 1.25): 0.258 / 0.476.
 * Capitalised terms in technical text are weak evidence of a name, so they get the mild factor;
 * a title is strong evidence and gets the strong one.
 */
export const OFF_NAME_FACTOR = 0.7;
export const OFF_TITLE_FACTOR = 0.35;
export const ON_NAME_FACTOR = 1.1;
/** A byline weighs this much more (it is quoted only for who wrote something, or who its author is). */
export const BYLINE_FACTOR = 1.5;
const AUTHORSHIP = /\b(?:wrote|written|writes?|writers?|authors?|authored|by whom)\b/i;

// A list item: a bullet or an enumerator, then the item's text.
const BULLET = /^(?:[-–—•*·▪●◦‣]|\(?(?:\d{1,2}|[a-z])[.)])\s+/u;
// SQL and programming keywords: several of them, in capitals, mark code rather than prose.
const CODE_WORDS = new Set(
  ('SELECT FROM WHERE CASE WHEN THEN ELSE END AND OR NOT NULL CREATE ALTER DROP TABLE INSERT UPDATE DELETE ' +
    'SET VALUES RETURN RETURNS BEGIN DECLARE ENABLE DISABLE MASK PERMISSION GRANT REVOKE JOIN ON AS FOR IN IS ' +
    'BY ORDER GROUP HAVING LIKE INTO CONCAT ACTIVATE COLUMN ROW ACCESS CONTROL PRIMARY KEY FUNCTION PROCEDURE')
    .split(' '),
);

/**
 * Whether a piece of source text reads as prose that can be quoted as an answer sentence: it
 * starts like a sentence and ends with one's final punctuation, has a few words, and is not
 * code, SQL, a table row, a heading or a table-of-contents line.
 *
 * @example
 * isProse('Managers see a masked version of TAX_ID.'); // true
 * isProse("WHEN VERIFY_GROUP_FOR_USER ( SESSION_USER , 'MGR' ) = 1 THEN EMPLOYEES ."); // false
 */
export function isProse(text: string, opts: { lead?: boolean } = {}): boolean {
  const t = text.trim();
  // Starts like a sentence (as splitSentences sees one): a capital, a digit, a quote or bracket.
  if (!/^["'“‘([]?[\p{Lu}\p{N}\p{Lo}]/u.test(t)) return false;
  // Ends like a statement: . or ! (closing quotes/brackets after them), or ":" for a list's lead-in.
  // A question in a source asks; it does not answer ("Did the Moon Men fly?").
  if (!(opts.lead ? /:$/ : /[.!。！]["'”’)\]]*$/u).test(t)) return false;
  // A word or punctuation mark that stands apart before the end ("THEN EMPLOYEES .") is debris.
  if (/\s[.!?:]$/.test(t)) return false;
  const words = t.split(/\s+/);
  const wordy = words.filter((w) => /\p{L}{2,}/u.test(w));
  if (wordy.length < 4 || t.length < 20) return false;
  // Mostly letters: not a table row, a formula or a run of numbers.
  const letters = (t.match(/\p{L}/gu) ?? []).length;
  if (letters / t.replace(/\s/g, '').length < 0.45) return false;
  // Leaders of a table of contents ("Introduction ........ 5").
  if (/(?:\.\s?){4,}|…{2,}|_{3,}/.test(t)) return false;
  // Code: SQL keywords in capitals, operators and statement punctuation.
  const keywords = wordy.filter((w) => CODE_WORDS.has(w.replace(/[^A-Z]/g, '')) && /^[A-Z]+[,;]?$/.test(w)).length;
  if (keywords >= 3 && keywords / wordy.length > 0.15) return false;
  // (Not "=", "<" or ";" alone: statistics use them — "(95% CI, 0.4-14.7; P = .04)".)
  if ((t.match(/[{}|\\]|==|=>|!=|&&|::|\s[(),]\s/g) ?? []).length >= 3) return false;
  // Mostly capitals: a heading, a banner or an identifier list.
  const caps = wordy.filter((w) => /^[^\p{Ll}]*\p{Lu}[^\p{Ll}]*$/u.test(w)).length;
  return caps / wordy.length <= 0.5;
}

/**
 * A title line that names its author: "The Buried Moon - An English Fairy Tale by Edmund Dulac".
 * Some words, then "by" and a name of two to five words: capitalised words or initials, particles
 * such as "de" or "van" inside ("Sales by Region" is a heading, not a byline).
 */
const BYLINE = /^["'“‘]?\p{Lu}[^.!?:;]{3,150}?,?\s+by\s+(?:(?:\p{Lu}\p{Ll}[\p{L}'’-]*|\p{Lu}\.|de|da|del|van|von|der|den|la|le|du|y)\s+){1,4}\p{Lu}\p{Ll}[\p{L}'’-]*$/u;

/**
 * Whether a line that is not prose (no final punctuation) is a byline worth quoting: the answer
 * to "who wrote …?" often sits on a title line and nowhere else.
 *
 * @example
 * isByline('The Buried Moon - An English Fairy Tale by Edmund Dulac'); // true
 * isByline('Figure 3 by region'); // false: no capitalised name after "by"
 */
export function isByline(text: string): boolean {
  const t = text.trim();
  if (t.length > 200 || t.includes('\n') || !BYLINE.test(t)) return false;
  const letters = (t.match(/\p{L}/gu) ?? []).length;
  return letters / t.replace(/\s/g, '').length >= 0.7;
}

/** Evidence units of a passage: its prose sentences, bylines, and each list with the sentence that leads into it. */
function units(src: Source): { start: number; end: number; text: string; byline?: boolean }[] {
  const text = src.text;
  const sentences = splitSentences(text);
  const out: { start: number; end: number; text: string; byline?: boolean }[] = [];
  const clean = (s: Sentence): Sentence => {
    // A bullet or enumerator is layout, not part of the sentence.
    const m = BULLET.exec(s.text);
    return m ? { text: s.text.slice(m[0].length), start: s.start + m[0].length, end: s.end } : s;
  };
  for (let i = 0; i < sentences.length; i++) {
    const s = clean(sentences[i]);
    if (isProse(s.text)) out.push({ start: s.start, end: s.end, text: collapse(s.text) });
    else if (isByline(s.text)) out.push({ start: s.start, end: s.end, text: collapse(s.text), byline: true });
    if (!isProse(s.text, { lead: true })) continue;
    // "The rules are the following:" and its items, quoted together.
    let j = i + 1;
    while (j < sentences.length && j - i <= 8 && BULLET.test(sentences[j].text) && isProse(clean(sentences[j]).text)) j++;
    if (j - i - 1 >= 2) {
      const end = sentences[j - 1].end;
      out.push({ start: s.start, end, text: collapse(text.slice(s.start, end)) });
    }
  }
  return out;
}

/** Line breaks (and the white space around them) become one space; other text stays as the source has it. */
function collapse(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Picks the sentences of the given passages that best answer the question: weighted coverage
 * of the question's content words, a little term density, the passage's own relevance and
 * rank, then (with an embedder) embedding similarity on the best few; near-duplicates are
 * skipped, and so are fragments that are not prose (code, SQL, table debris, headings, short
 * pieces). A sentence that leads into a list ("…the following ones:") is taken with its items.
 * The chosen evidence comes grouped by passage, in the passage's own order. Work is
 * proportional to the passages given, never to the library.
 */
export async function selectEvidence(question: string, sources: Source[], opts: SelectOptions): Promise<Evidence[]> {
  const q = contentTokens(question);
  // The names the question mentions, and the documents whose passages hold one of them.
  const names = namedPhrases(question);
  const named = new Set<string>();
  if (names.length) {
    for (const src of sources) {
      const tokens = contentTokens(src.text);
      if (names.some((nm) => containsRun(tokens, nm.tokens))) named.add(src.result.docId);
    }
  }
  const asksAuthor = AUTHORSHIP.test(question);
  const cands: Candidate[] = [];
  for (const src of sources) {
    for (const u of units(src)) {
      const seq = contentTokens(u.text);
      const tokens = new Set(seq);
      // One claim per unit: the answer is checked sentence by sentence.
      if (tokens.size < 3 || u.text.length > 1000 || splitSentences(u.text).length !== 1) continue;
      // A title line answers who wrote it, or who the named author is; not what the story says.
      if (u.byline && !asksAuthor && !contentTokens(u.text.slice(u.text.lastIndexOf(' by ') + 4)).some((t) => q.includes(t))) continue;
      let factor = 1;
      if (named.size && !named.has(src.result.docId)) factor *= names.some((nm) => nm.title) ? OFF_TITLE_FACTOR : OFF_NAME_FACTOR;
      else if (names.some((nm) => containsRun(seq, nm.tokens))) factor *= ON_NAME_FACTOR;
      if (u.byline) factor *= BYLINE_FACTOR;
      cands.push({ n: src.n, sentence: u.text, start: u.start, end: u.end, score: 0, lexical: 0, tokens, factor });
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
    c.score = (0.7 * cov + 0.15 * density + 0.15 * (relOf.get(c.n) ?? 0)) * prior * c.factor;
  }
  cands.sort((a, b) => b.score - a.score);
  if (opts.embedder) await rerankWithEmbeddings(question, cands.slice(0, 10), opts.embedder, opts.signal);
  cands.sort((a, b) => b.score - a.score);

  const top = cands[0].score;
  const minCoverage = opts.minCoverage ?? MIN_COVERAGE;
  const minRelative = opts.minRelative ?? MIN_RELATIVE;
  const chosen: Candidate[] = [];
  for (const c of cands) {
    if (chosen.length >= opts.maxSentences) break;
    if (c.lexical < minCoverage || c.score < minRelative * top) continue;
    if (chosen.some((x) => jaccard(x.tokens, c.tokens) > 0.5 || x.sentence.includes(c.sentence) || c.sentence.includes(x.sentence))) continue;
    // A list already chosen holds its items (and an item chosen first, its list).
    if (chosen.some((x) => x.n === c.n && x.start < c.end && c.start < x.end)) continue;
    chosen.push(c);
  }
  // Grouped by passage (best passage first), each passage's evidence in its own order.
  const firstAt = new Map<number, number>();
  chosen.forEach((c, i) => firstAt.has(c.n) || firstAt.set(c.n, i));
  chosen.sort((a, b) => (firstAt.get(a.n) as number) - (firstAt.get(b.n) as number) || a.start - b.start);
  return chosen.map(({ n, sentence, score, start, end }) => ({ n, sentence, score, start, end }));
}

async function rerankWithEmbeddings(question: string, cands: Candidate[], embedder: Embedder, signal?: AbortSignal): Promise<void> {
  try {
    const [qv] = await embedder.embed([question], { signal, kind: 'query' });
    const vs = await embedder.embed(cands.map((c) => c.sentence), { signal, kind: 'passage' });
    cands.forEach((c, i) => {
      // The lexical score already carries the unit's factor; the embedding side gets it too.
      c.score = 0.6 * c.score + 0.4 * embeddingScore(cosine(qv, vs[i])) * c.factor;
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

/**
 * A sentence with its citation marker: before the sentence's final punctuation, the whole run
 * of it ("crater [4]!!", not "crater!! [4]!"), or after a closing quote or bracket so the
 * marker never lands inside quoted text; at the end when there is no final punctuation.
 *
 * @example
 * citeSentence('It rose by 4%.', 2); // 'It rose by 4% [2].'
 */
export function citeSentence(sentence: string, n: number): string {
  const s = sentence.trimEnd();
  const m = /\s*([.!?。！？…]+)(["'”’)\]]*)$/u.exec(s);
  if (!m) return `${s} [${n}]`;
  if (m[2]) return `${s} [${n}]`;
  return `${s.slice(0, m.index)} [${n}]${m[1]}`;
}

/**
 * Answers without a language model: the best-supported sentences of the top passages, each
 * cited. Instant, private, always available — the default when no model is set up.
 */
export class ExtractiveProvider implements AnswerProvider {
  readonly name = 'extractive' as const;
  readonly remote = false;
  readonly model = 'extractive';

  constructor(private readonly opts: { maxSentences: number; embedder?: Embedder; minCoverage?: number; minRelative?: number }) {}

  async budget(): Promise<TokenBudget> {
    // It reads passages, not a prompt: no window to respect beyond the sources given.
    return { contextTokens: 1_000_000, maxOutputTokens: 0, count: (t) => Math.ceil(t.length / 4), exact: false };
  }

  async generate(req: GenerateRequest): Promise<GenerateResult> {
    const evidence = await selectEvidence(req.question, req.sources, {
      maxSentences: this.opts.maxSentences,
      embedder: this.opts.embedder,
      minCoverage: this.opts.minCoverage,
      minRelative: this.opts.minRelative,
      signal: req.signal,
    });
    const parts: string[] = [];
    for (const e of evidence) {
      req.signal.throwIfAborted();
      // A byline has no final punctuation of its own; in the answer it still ends a sentence.
      const cited = citeSentence(e.sentence, e.n);
      const piece = (parts.length ? ' ' : '') + (/[.!?。！？…]["'”’)\]]*$/u.test(e.sentence) ? cited : `${cited}.`);
      parts.push(piece);
      req.onToken(piece);
    }
    const text = parts.join('');
    return { text, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0, exact: true }, model: this.model, finishReason: 'stop' };
  }

  async close(): Promise<void> {}
}
