import type { Embedder } from '../../embed/types';
import { exactPattern } from '../../search/query';
import { coverage, embeddingScore, termWeights } from '../relevance';
import { containsRun, contentTokens, cosine, exactTerms, namedPhrases, splitSentences, type ExactTerm, type Sentence } from '../text';
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

/** How an answer that quotes no sentence as the answer begins (see relatedPassages). */
export const NO_DIRECT_ANSWER = 'No sentence in your documents answers this directly.';
/** How it ends: the way to an answer written from the passages it points to. */
export const RELATED_HINT = 'An answer model (Settings → Answers) can write an answer from them.';
// A sentence longer than this is cut to the words around the term it mentions.
const MAX_MENTION = 300;

/**
 * Whether a text (with its content tokens, `seq`) holds a term the question names: as the same
 * run of words, or, for a code, as search matches one ("E4012" is held by a text that writes
 * "E-4012": dashes where letters meet digits are optional).
 */
export function holdsTerm(text: string, seq: readonly string[], term: ExactTerm): boolean {
  return containsRun(seq, term.tokens) || (term.code && exactPattern(term.text).test(text));
}

/**
 * Whether a passage holds what the question asks about: every code, identifier or quoted phrase
 * the question names (exactTerms), or, when it names none, every content word of the question.
 * Such a passage is worth pointing to even when none of its sentences answers: it may be in
 * another language than the question, or hold the term only in code or a table.
 *
 * @example
 * holdsKeyTerms('What does QSL stand for?', 'un langage de requêtes (appelé QSL)'); // true
 */
export function holdsKeyTerms(question: string, text: string, terms: ExactTerm[] = exactTerms(question)): boolean {
  const seq = contentTokens(text);
  // As words, or as search matches a code: "E4012" is held by a passage that writes "E-4012".
  if (terms.length) return terms.every((t) => holdsTerm(text, seq, t));
  const q = contentTokens(question);
  const have = new Set(seq);
  return q.length > 0 && q.every((t) => have.has(t));
}

/** Where a passage mentions the question's terms: its source's text there, line breaks made spaces. */
interface Mention {
  n: number;
  text: string;
}

/**
 * The sentence of a passage that best mentions the question's terms: the one holding the most
 * of its exact terms, then the most of its weighted words, prose before code or table text,
 * earlier before later. A long one is cut, at word boundaries, to the words around the first term
 * it holds. What is returned is the source's own text (line breaks aside), so the citation
 * checker finds it word for word, and the viewer highlights exactly it.
 */
function mentionIn(src: Source, terms: ExactTerm[], weights: Map<string, number>): Mention | undefined {
  let best: Sentence | undefined;
  let bestKey: number[] = [];
  const sentences = splitSentences(src.text);
  for (let i = 0; i < sentences.length; i++) {
    const bullet = BULLET.exec(sentences[i].text);
    const s = bullet ? { text: sentences[i].text.slice(bullet[0].length), start: sentences[i].start + bullet[0].length, end: sentences[i].end } : sentences[i];
    // A "[3]" of the source's own would read as a citation marker of the answer.
    if (/\[(?:sources?\s*)?\d/i.test(s.text)) continue;
    const seq = contentTokens(s.text);
    const held = terms.filter((t) => holdsTerm(s.text, seq, t)).length;
    const cov = coverage(weights, new Set(seq));
    if (terms.length ? held === 0 : cov === 0) continue;
    const key = [held, cov, isProse(s.text) ? 1 : 0, -i];
    if (!best || ranksAbove(key, bestKey)) {
      best = s;
      bestKey = key;
    }
  }
  if (!best) return undefined;
  const text = best.text;
  let from = 0;
  let to = text.length;
  if (to > MAX_MENTION) {
    const lower = text.toLowerCase();
    const at = terms.map((t) => lower.indexOf(t.text.toLowerCase())).filter((x) => x >= 0);
    const pos = at.length ? Math.min(...at) : 0;
    from = Math.max(0, pos - 100);
    to = Math.min(text.length, from + MAX_MENTION);
    // Whole words only: start at the clause that holds the term when it begins a little before
    // it ("où nous proposions un langage … (appelé QSL)"), else after a space; end before one.
    const clause = Math.max(...[', ', '; ', ': '].map((sep) => text.lastIndexOf(sep, pos - 30)));
    if (clause >= from) from = clause + 2;
    else if (from > 0) from = text.indexOf(' ', from) + 1 || from;
    if (to < text.length) to = Math.max(text.lastIndexOf(' ', to), from + 1);
  }
  // Trailing separators of a cut-off piece read as dangling, and so does a stop that stands apart
  // ("THEN EMPLOYEES ."); the marker would otherwise move it.
  while (to > from && (/[\s,;:(–—-]/.test(text[to - 1]) || (/[.!?]/.test(text[to - 1]) && /\s/.test(text[to - 2] ?? '')))) to--;
  // As evidence is shown: line breaks made spaces, the rest as the source has it.
  return { n: src.n, text: collapse(text.slice(from, to)) };
}

/** Whether one ranking key comes before another: the first element that differs decides. */
function ranksAbove(a: number[], b: number[]): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] > b[k];
  return false;
}

/** "A", "A and B", "A, B and C". */
function listOf(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * What an answer that quotes no sentence as the answer can still do, instead of saying "not
 * found": when passages hold the question's key terms (holdsKeyTerms), say that no sentence
 * answers it directly, quote from up to `max` of those passages, best first, where each mentions
 * them (each cited), and say how to get a written answer. Empty when no passage holds them: then
 * nothing relevant was found.
 *
 * @example
 * relatedPassages('What does QSL stand for?', [source(1, 'Nous proposons un langage (appelé QSL).')]);
 * // 'No sentence in your documents answers this directly. The passage that mentions QSL:\n\n' +
 * // 'Nous proposons un langage (appelé QSL) [1].\n\n' +
 * // 'An answer model (Settings → Answers) can write an answer from them.'
 */
export function relatedPassages(question: string, sources: Source[], max = 3): string {
  const terms = exactTerms(question);
  const holding = sources.filter((s) => holdsKeyTerms(question, s.text, terms));
  if (!holding.length) return '';
  const weights = termWeights(contentTokens(question), holding.map((s) => new Set(contentTokens(s.text))));
  const mentions: Mention[] = [];
  for (const src of holding) {
    if (mentions.length >= max) break;
    const m = mentionIn(src, terms, weights);
    if (m && !mentions.some((x) => x.text === m.text)) mentions.push(m);
  }
  if (!mentions.length) return '';
  let what: string;
  if (terms.length) what = terms.length <= 4 ? listOf(terms.map((t) => (t.code ? t.text : `“${t.text}”`))) : "your question's terms";
  else {
    // The question's own words, as it writes them, once each.
    const seen = new Set<string>();
    const words = [...question.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)].map((m) => m[0]).filter((w) => {
      const key = contentTokens(w).join(' ');
      if (!key || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    what = words.length <= 4 ? listOf(words) : "your question's words";
  }
  const lead = mentions.length > 1 ? `The passages that mention ${what}:` : `The passage that mentions ${what}:`;
  return [`${NO_DIRECT_ANSWER} ${lead}`, ...mentions.map((m) => citeSentence(m.text, m.n)), RELATED_HINT].join('\n\n');
}

/**
 * Answers without a language model: the best-supported sentences of the top passages, each
 * cited. Instant, private, always available — the default when no model is set up.
 */
export class ExtractiveProvider implements AnswerProvider {
  readonly name = 'extractive' as const;
  readonly remote = false;
  readonly model = 'extractive';

  /**
   * `minRelevance`: the answerer's relevance bar (retrieval.minRelevance). When no passage given
   * clears it, the passages came only for holding the question's exact terms: they are pointed
   * to (relatedPassages), never quoted as the answer. Unset, every passage may answer.
   */
  constructor(
    private readonly opts: { maxSentences: number; embedder?: Embedder; minCoverage?: number; minRelative?: number; minRelevance?: number },
  ) {}

  async budget(): Promise<TokenBudget> {
    // It reads passages, not a prompt: no window to respect beyond the sources given.
    return { contextTokens: 1_000_000, maxOutputTokens: 0, count: (t) => Math.ceil(t.length / 4), exact: false };
  }

  async generate(req: GenerateRequest): Promise<GenerateResult> {
    const bar = this.opts.minRelevance;
    const direct = bar === undefined || req.sources.some((s) => s.relevance >= bar);
    const evidence = direct
      ? await selectEvidence(req.question, req.sources, {
          maxSentences: this.opts.maxSentences,
          embedder: this.opts.embedder,
          minCoverage: this.opts.minCoverage,
          minRelative: this.opts.minRelative,
          signal: req.signal,
        })
      : [];
    const usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0, exact: true };
    if (evidence.length === 0) {
      // No sentence answers: point to the passages that hold the question's key terms, if any
      // (empty text otherwise, which the answerer reports as "not found").
      const text = relatedPassages(req.question, req.sources, Math.min(3, this.opts.maxSentences));
      for (const piece of text ? text.split(/(?=\n\n)/) : []) {
        req.signal.throwIfAborted();
        req.onToken(piece);
      }
      return { text, usage, model: this.model, finishReason: 'stop' };
    }
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
    return { text, usage, model: this.model, finishReason: 'stop' };
  }

  async close(): Promise<void> {}
}
