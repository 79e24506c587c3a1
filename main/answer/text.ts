/**
 * Small, dependency-free text tools shared by extractive answering, relevance scoring and the
 * citation checker: sentence splitting with character offsets, and content-word tokens.
 */

/** A sentence of a longer text, with its [start, end) range in that text. */
export interface Sentence {
  text: string;
  start: number;
  end: number;
}

// Abbreviations whose trailing period does not end a sentence. Lower-case, without the dot.
const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'etc', 'vs', 'cf', 'al', 'fig', 'figs', 'eq', 'eqs', 'no', 'nos', 'vol', 'pp', 'p',
  'ch', 'sec', 'dr', 'mr', 'mrs', 'ms', 'prof', 'st', 'jr', 'sr', 'inc', 'ltd', 'co', 'corp', 'approx',
  'min', 'max', 'dept', 'est', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct',
  'nov', 'dec', 'u.s', 'u.k', 'ca', 'resp', 'ref', 'refs', 'tab',
]);

/**
 * Splits text into sentences, keeping each sentence's character range so a quote can be
 * located in its page. Blank lines and list items always end a sentence; `.`, `!`, `?` (and
 * their CJK forms) end one unless they belong to an abbreviation, an initial or a number.
 */
export function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  let segStart = 0;
  const push = (s: number, e: number): void => {
    while (s < e && /\s/.test(text[s])) s++;
    while (e > s && /\s/.test(text[e - 1])) e--;
    if (e > s) out.push({ text: text.slice(s, e), start: s, end: e });
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      // A paragraph break, or a new list item / heading line, ends the sentence.
      const rest = text.slice(i + 1, i + 8);
      if (/^\s*\n/.test(rest) || /^\s*([-*•]|\d+[.)])\s/.test(rest) || /^#{1,6}\s/.test(rest)) {
        push(segStart, i);
        segStart = i + 1;
      }
      continue;
    }
    if (c === '。' || c === '！' || c === '？') {
      push(segStart, i + 1);
      segStart = i + 1;
      continue;
    }
    if (c !== '.' && c !== '!' && c !== '?') continue;
    // Swallow runs like "?!" or "..." and closing quotes/brackets that belong to the sentence.
    let j = i + 1;
    while (j < text.length && /[.!?"'”’)\]]/.test(text[j])) j++;
    // A citation marker right after the period belongs to this sentence: "… rises. [2] Next".
    const cite = /^\s*(\[\d+(?:\s*[,;]\s*\d+)*\])+/.exec(text.slice(j));
    if (cite) j += cite[0].length;
    if (j < text.length && !/\s/.test(text[j])) continue;
    let k = j;
    while (k < text.length && /\s/.test(text[k])) k++;
    if (k < text.length && !/[\p{Lu}\p{N}"'“‘([\p{Lo}]/u.test(text[k])) continue;
    if (c === '.' && !endsSentence(text, segStart, i)) continue;
    push(segStart, j);
    segStart = j;
    i = j - 1;
  }
  push(segStart, text.length);
  return out;
}

function endsSentence(text: string, segStart: number, dot: number): boolean {
  const before = text.slice(Math.max(segStart, dot - 12), dot);
  const word = /([\p{L}.]+)$/u.exec(before)?.[1] ?? '';
  if (!word) return true;
  if (ABBREVIATIONS.has(word.toLowerCase())) return false;
  // A single capital letter after a capitalised word or another initial is an initial
  // ("John F. Kennedy", "J. R. Tolkien"); after a lower-case word it ends a sentence ("vitamin C.").
  if (/^\p{Lu}$/u.test(word)) {
    const prev = /(\S+)\s+\S+$/u.exec(text.slice(Math.max(segStart, dot - 40), dot))?.[1];
    return prev !== undefined && /^\p{Ll}/u.test(prev);
  }
  return true;
}

const STOPWORDS = new Set(
  ('a an and are as at be been being but by can could did do does doing for from had has have having he her ' +
    'here hers him his how i if in into is it its itself just me more most my no nor not of off on once only or ' +
    'other our ours out over own same she should so some such than that the their theirs them then there these ' +
    'they this those through to too under until up very was we were what when where which while who whom why ' +
    'will with would you your yours about above after again against all am any because before below between ' +
    'both down during each few further also may might must shall upon via per within without whether across ' +
    'tell show give please find explain describe say says said according document documents source sources')
    .split(' '),
);

/** True for words that carry little meaning for matching ("the", "which", "explain"). */
export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/**
 * A light suffix-stripping stemmer: enough to match "mutations" with "mutation" and
 * "increased" with "increases", without Porter's full rule set.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  const rules: [RegExp, string][] = [
    [/ies$/, 'y'],
    [/(ss)es$/, '$1'],
    [/([^s])s$/, '$1'],
    [/ments?$/, 'ment'],
    [/ational$/, 'ate'],
    [/ization$/, 'ize'],
    [/(..)ing$/, '$1'],
    [/(..)ed$/, '$1'],
    [/(..)ly$/, '$1'],
  ];
  let w = word;
  for (const [re, rep] of rules) {
    if (re.test(w)) {
      w = w.replace(re, rep);
      // Undo doubled consonants left by -ing/-ed ("stopped" → "stopp" → "stop").
      if (w.length > 3 && /([^aeiouls])\1$/.test(w)) w = w.slice(0, -1);
      break;
    }
  }
  // A final silent e goes too, so "cause", "causes" and "caused" all become "caus".
  return w.length > 3 && w.endsWith('e') && !w.endsWith('ee') ? w.slice(0, -1) : w;
}

// Scripts written without spaces: index them as character bigrams.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

/**
 * Content-word tokens of a text: lower-cased, stemmed, stopwords removed; numbers kept
 * (they matter for checking claims); unspaced scripts become character bigrams.
 */
export function contentTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().normalize('NFKC').matchAll(/[\p{L}\p{N}]+(?:[.,][\p{N}]+)*/gu)) {
    const w = m[0];
    if (UNSPACED.test(w)) {
      if (w.length === 1) out.push(w);
      for (let i = 0; i + 1 < w.length; i++) out.push(w.slice(i, i + 2));
      continue;
    }
    if (w.length < 2 && !/\d/.test(w)) continue;
    if (STOPWORDS.has(w)) continue;
    out.push(stem(w));
  }
  return out;
}

/** Numbers as written in a text ("1.2", "300", "15%") normalised for comparison. */
export function numbersIn(text: string): string[] {
  return [...text.matchAll(/\d+(?:[.,]\d+)*/g)].map((m) => m[0].replace(/,(?=\d{3}\b)/g, ''));
}

/** Cosine similarity of two vectors of the same length. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

// The small words a name or title may hold ("Bank of England", "The Lord of the Rings").
const NAME_JOINERS = new Set('of the and de da del van von der den la le du y for &'.split(' '));

/** A name or title a question mentions, as content tokens. */
export interface NamedPhrase {
  tokens: string[];
  /**
   * Written as a title: quoted, or led by a capitalised article mid-sentence ("Who wrote The
   * Buried Moon?"). A capitalised scientific term ("West Nile virus") is a name, not a title.
   */
  title: boolean;
}

/**
 * The names and titles a question mentions: quoted phrases, and runs of two or more capitalised
 * words ("The Buried Moon", "Bank of England"). A run holds at least one word in title case (not
 * only codes such as "ND3 and ND6"), stops at punctuation, and never starts with the question's
 * first word, which is capitalised anyway. A question written all in capitals or title case
 * names nothing by capitals (its runs cover most of it).
 *
 * @example
 * namedPhrases('Who wrote The Buried Moon?'); // [{ tokens: ['buri', 'moon'], title: true }]
 */
export function namedPhrases(question: string): NamedPhrase[] {
  const text = question.normalize('NFKC');
  const out: NamedPhrase[] = [];
  for (const m of text.matchAll(/["“«]([^"”»]{3,200})["”»]/gu)) {
    const tokens = contentTokens(m[1]);
    if (tokens.length >= 2) out.push({ tokens, title: true });
  }
  const words = [...text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’-]*|&/gu)].map((m) => ({ w: m[0], start: m.index, end: m.index + m[0].length }));
  const capital = (w: string): boolean => /^\p{Lu}/u.test(w);
  const titleCase = (w: string): boolean => /^\p{Lu}\p{Ll}/u.test(w);
  const runs: string[][] = [];
  let run: string[] = [];
  let covered = 0;
  const close = (): void => {
    while (run.length && NAME_JOINERS.has(run[run.length - 1].toLowerCase())) run.pop();
    if (run.filter(capital).length >= 2 && run.some(titleCase)) {
      runs.push(run);
      covered += run.length;
    }
    run = [];
  };
  words.forEach(({ w, start }, i) => {
    // Anything but one space between two words (a comma, a bracket, a slash) ends a name.
    if (run.length && !/^ $/.test(text.slice(words[i - 1].end, start))) close();
    if (i > 0 && capital(w)) run.push(w);
    else if (run.length && NAME_JOINERS.has(w.toLowerCase()) && capital(words[i + 1]?.w ?? '')) run.push(w);
    else close();
  });
  close();
  if (words.length === 0 || covered / words.length > 0.75) return out;
  for (const r of runs) {
    const tokens = contentTokens(r.join(' '));
    if (tokens.length >= 2) out.push({ tokens, title: /^(?:The|A|An)$/.test(r[0]) });
  }
  return out;
}

/** Whether `tokens` holds `run` as consecutive tokens. */
export function containsRun(tokens: readonly string[], run: readonly string[]): boolean {
  outer: for (let i = 0; i + run.length <= tokens.length; i++) {
    for (let j = 0; j < run.length; j++) if (tokens[i + j] !== run[j]) continue outer;
    return true;
  }
  return false;
}

/** A code or identifier a question writes, or a phrase it quotes: what a passage must hold word for word. */
export interface ExactTerm {
  /** As the question writes it: "QSL", "VERIFY_GROUP_FOR_USER", "IL-6", "row permission". */
  text: string;
  /** Its content tokens, which a passage holding the term holds in a row (see containsRun). */
  tokens: string[];
  /** A code or identifier (not a quoted phrase). */
  code: boolean;
}

// A letter after the first character in capitals (QSL, PrP, iPhone), or letters and digits together (PX77, H2A).
const CODE_PART = /^(?:.+\p{Lu}|(?=.*\p{L})(?=.*\p{N}).+)$/u;

/**
 * The codes, identifiers and quoted phrases a question names: words with an underscore
 * (TAX_ID), capitals after their first letter (QSL, PrP) or letters and digits together (PX77);
 * joined by dashes to numbers, letters or other codes they stay one term (IL-6, E-4012), while in
 * a compound with a plain word only the code counts (AMP in "AMP-activated"), and a slash
 * separates terms (TCR/CD3 names two). A question written all in capitals names no codes by its
 * capitals.
 *
 * @example
 * exactTerms('What does QSL stand for?'); // [{ text: 'QSL', tokens: ['qsl'], code: true }]
 */
export function exactTerms(question: string): ExactTerm[] {
  const text = question.normalize('NFKC');
  const out: ExactTerm[] = [];
  const seen = new Set<string>();
  const add = (t: string, code: boolean): void => {
    const tokens = contentTokens(t);
    const key = tokens.join(' ');
    if (!tokens.length || seen.has(key)) return;
    seen.add(key);
    out.push({ text: t, tokens, code });
  };
  for (const m of text.matchAll(/["“«]([^"”»]{2,200})["”»]/gu)) add(m[1].trim(), false);
  const words = [...text.matchAll(/[\p{L}\p{N}]+(?:[-_][\p{L}\p{N}]+)*/gu)].map((m) => m[0]);
  const lettered = words.filter((w) => /\p{L}{2}/u.test(w));
  // Shouting: capitals say nothing about codes when most words are written in them (one word
  // alone is an acronym, as search takes it).
  const shouting = lettered.length > 1 && lettered.filter((w) => !/\p{Ll}/u.test(w)).length > 0.75 * lettered.length;
  const isCode = (w: string): boolean => w.length >= 2 && (w.includes('_') || (CODE_PART.test(w) && !(shouting && !/\p{N}/u.test(w))));
  for (const w of words) {
    if (w.includes('_')) {
      add(w, true);
      continue;
    }
    const parts = w.split('-');
    const whole = parts.some(isCode) || (parts.length > 1 && parts.some((p) => /^\p{L}$/u.test(p)) && parts.some((p) => /^\p{N}+$/u.test(p)));
    if (whole && parts.every((p) => isCode(p) || /^\p{N}+$/u.test(p) || /^\p{L}$/u.test(p))) add(w, true);
    else for (const p of parts) if (isCode(p)) add(p, true);
  }
  return out;
}
