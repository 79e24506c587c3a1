/**
 * Tokenisation for scripts the English full-text index cannot search: CJK (no spaces between
 * words), Thai/Lao/Khmer/Myanmar (no spaces, combining marks the `simple` tokenizer splits on),
 * Arabic script (clitics glued to words: "البيانات" is "ال" + "بيانات") and Cyrillic (inflected;
 * the English stemmer leaves it alone).
 *
 * Chunks containing any of these scripts get a second, pre-tokenised copy of their text in the
 * `text_fts` column, indexed with LanceDB's whitespace tokenizer (and its Russian stemmer, which
 * touches only Cyrillic tokens); queries containing them are tokenised the same way here. Rows
 * and queries in other scripts never touch that column, so English ranking is unchanged.
 *
 * - Han, Kana and Hangul runs become overlapping character bigrams (Lucene's CJKAnalyzer
 *   approach: no dictionary needed, and Korean particles glued to nouns stop mattering), with
 *   every character also indexed once, after the bigrams, so one-character queries match.
 * - Thai, Lao, Khmer and Myanmar runs are split into words by `Intl.Segmenter`, whose ICU
 *   dictionaries ship with Node.
 * - Arabic-script words are normalised (diacritics, alef/yeh/kaf variants) and light-stemmed
 *   (Larkey's Light10: leading و, the article ال and its fused forms, common suffixes).
 * - Everything else: lower-cased words, Latin diacritics folded (like the `text` index).
 */

const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30FC`;
const SEA = String.raw`\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}`;
const SPECIAL_RE = new RegExp(`[${CJK}${SEA}\\p{Script=Arabic}\\p{Script=Cyrillic}]`, 'u');
const CJK_RE = new RegExp(`[${CJK}]`, 'u');
const SEA_RE = new RegExp(`[${SEA}]`, 'u');
const ARABIC_RE = /\p{Script=Arabic}/u;
/** A word run: letters, marks (Thai vowels, Devanagari signs) and digits; ー is a Kana letter in all but name. */
const WORD_RE = /[\p{L}\p{M}\p{N}\u30FC]+/gu;

/** The script class that decides how a run is tokenised. */
export type ScriptClass = 'cjk' | 'sea' | 'other';

const classCache = new Map<string, ScriptClass>();
const markCache = new Map<string, boolean>();

/** True for a combining mark (cached: a Unicode property test per character is slow). */
function isMark(ch: string): boolean {
  if (ch < '\u0300') return false;
  let m = markCache.get(ch);
  if (m === undefined) {
    m = /^\p{M}$/u.test(ch);
    if (markCache.size < 65_536) markCache.set(ch, m);
  }
  return m;
}

export function scriptClass(ch: string): ScriptClass {
  if (ch < '\u0e00') return 'other'; // everything below Thai: Latin, Greek, Cyrillic, Arabic…
  let c = classCache.get(ch);
  if (c === undefined) {
    c = CJK_RE.test(ch) ? 'cjk' : SEA_RE.test(ch) ? 'sea' : 'other';
    if (classCache.size < 65_536) classCache.set(ch, c);
  }
  return c;
}

/** True when `text` contains a script that the `text_fts` column handles (CJK, Thai…, Arabic, Cyrillic). */
export function needsMultilingual(text: string): boolean {
  return SPECIAL_RE.test(text);
}

/** True for a character of a script written without spaces between words (CJK, Thai, Lao, Khmer, Myanmar). */
export function isUnspaced(ch: string): boolean {
  return scriptClass(ch) !== 'other';
}

// ---- folding ---------------------------------------------------------------------------------

/** Letter variants unified: Arabic (Light10's normalisation plus Persian yeh and kaf) and Russian ё. */
const LETTER_FOLD: Record<string, string> = {
  '\u0622': '\u0627', '\u0623': '\u0627', '\u0625': '\u0627', '\u0671': '\u0627', // alef with madda/hamza/wasla
  '\u0649': '\u064A', '\u06CC': '\u064A', // alef maksura, Persian yeh → yeh
  '\u06A9': '\u0643', // Persian keheh → kaf
  '\u0629': '\u0647', // teh marbuta → heh
  '\u0451': '\u0435', // Cyrillic ё → е (Russian writing usually omits the dots)
};

/** Arabic diacritics (harakat, superscript alef) and tatweel: dropped. */
function isArabicMark(cp: number): boolean {
  return (cp >= 0x064b && cp <= 0x065f) || cp === 0x0670 || cp === 0x0640;
}

const foldCache = new Map<string, string>();

/** One character folded on its own (memoised: normalize() per character dominates otherwise). */
function foldChar(ch: string, cp: number): string {
  let f = foldCache.get(ch);
  if (f !== undefined) return f;
  if (cp < 0x0250 || (cp >= 0x1e00 && cp <= 0x1eff)) f = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  else if (cp >= 0x0e00 && cp <= 0x0eff) f = ch; // NFKC would split SARA AM, which the dictionary needs whole
  else f = ch.normalize('NFKC');
  f = f.toLowerCase();
  f = LETTER_FOLD[f] ?? f;
  if (foldCache.size < 65_536) foldCache.set(ch, f);
  return f;
}

export interface Folded {
  /** The folded text. */
  text: string;
  /** For each UTF-16 unit of `text`, the [start, end) of the original characters it came from. */
  starts: number[];
  ends: number[];
}

/**
 * Case-, width- and diacritic-folds `text`, keeping a map back to the original offsets (so
 * highlights computed on the folded text land on the original characters). Latin letters lose
 * their accents (as the `text` index's ASCII folding does); compatibility forms (full-width
 * Latin, half-width Katakana, Arabic presentation forms) become ordinary letters; Thai and Lao
 * SARA AM written as two characters (what PDFs extract) is recomposed, because the word
 * dictionary only knows the composed form.
 */
export function foldWithMap(text: string): Folded {
  let out = '';
  const starts: number[] = [];
  const ends: number[] = [];
  const emit = (s: string, a: number, b: number): void => {
    for (let k = 0; k < s.length; k++) {
      starts.push(a);
      ends.push(b);
    }
    out += s;
  };
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    const next = i + ch.length;
    if ((cp === 0x0e4d && text[next] === '\u0e32') || (cp === 0x0ecd && text[next] === '\u0eb2')) {
      emit(cp === 0x0e4d ? '\u0e33' : '\u0eb3', i, next + 1);
      i = next + 1;
      continue;
    }
    if (isArabicMark(cp) || (cp >= 0x0300 && cp <= 0x036f)) {
      // Dropped, but the preceding unit's span grows to cover it so highlights include it.
      if (ends.length) ends[ends.length - 1] = next;
      i = next;
      continue;
    }
    if (cp < 0x80) {
      emit(ch.toLowerCase(), i, next); // ASCII: the common case, nothing else to fold
      i = next;
      continue;
    }
    const f = foldChar(ch, cp);
    const composed = isMark(f) && out ? (out.slice(-1) + f).normalize('NFC') : '';
    if (composed.length === 1) {
      // A half-width voiced mark (ﾃﾞ) and the like: compose with the previous letter.
      out = out.slice(0, -1) + composed;
      ends[ends.length - 1] = next;
    } else emit(f, i, next);
    i = next;
  }
  return { text: out, starts, ends };
}

/** The folded form of `text` (see foldWithMap). */
export function fold(text: string): string {
  return foldWithMap(text).text;
}

// ---- stemming --------------------------------------------------------------------------------

const AR_ARTICLES = ['\u0648\u0627\u0644', '\u0628\u0627\u0644', '\u0643\u0627\u0644', '\u0641\u0627\u0644', '\u0627\u0644', '\u0644\u0644']; // وال بال كال فال ال لل
const AR_SUFFIXES = ['\u0647\u0627', '\u0627\u0646', '\u0627\u062A', '\u0648\u0646', '\u064A\u0646', '\u064A\u0647', '\u0647', '\u064A']; // ها ان ات ون ين يه ه ي

/**
 * Light10 (Larkey, Ballesteros & Connell 2007) on a folded Arabic word: strips a leading و
 * (leaving 3+ letters), one definite article (leaving 2+), then each suffix in turn (leaving 2+).
 * Light stemming beat root extraction for retrieval in their TREC experiments.
 */
export function arabicLightStem(word: string): string {
  let w = word;
  if (w.startsWith('\u0648') && w.length - 1 >= 3) w = w.slice(1);
  for (const a of AR_ARTICLES) {
    if (w.startsWith(a) && w.length - a.length >= 2) {
      w = w.slice(a.length);
      break;
    }
  }
  for (const s of AR_SUFFIXES) if (w.endsWith(s) && w.length - s.length >= 2) w = w.slice(0, -s.length);
  return w;
}

// ---- tokenising ------------------------------------------------------------------------------

/** A maximal run of one script class inside a word, with its offsets in the string it came from. */
export interface WordRun {
  word: string;
  start: number;
  end: number;
  cls: ScriptClass;
}

/** Whether every UTF-16 unit of `s` is below Thai (U+0E00), where scriptClass() is 'other'. */
function belowThai(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x0e00) return false;
  return true;
}

/** Word runs of `text`, split where the script class changes ("LPG충전소" → "LPG", "충전소"). */
export function wordRuns(text: string): WordRun[] {
  const runs: WordRun[] = [];
  for (const m of text.matchAll(WORD_RE)) {
    // Most words are all below Thai: one run of class 'other', without a per-character walk.
    if (belowThai(m[0])) {
      runs.push({ word: m[0], start: m.index, end: m.index + m[0].length, cls: 'other' });
      continue;
    }
    let start = m.index;
    let cls: ScriptClass | undefined;
    let pos = m.index;
    for (const ch of m[0]) {
      const c = cls && isMark(ch) ? cls : scriptClass(ch); // a mark belongs to its base
      if (cls !== undefined && c !== cls) {
        runs.push({ word: text.slice(start, pos), start, end: pos, cls });
        start = pos;
      }
      cls = c;
      pos += ch.length;
    }
    if (cls !== undefined) runs.push({ word: text.slice(start, pos), start, end: pos, cls });
  }
  return runs;
}

let segmenter: Intl.Segmenter | undefined;

/** Dictionary word segmentation of a Thai/Lao/Khmer/Myanmar run (ICU data inside Node). */
export function segmentWords(run: string): { word: string; index: number }[] {
  segmenter ??= new Intl.Segmenter('th', { granularity: 'word' });
  const out: { word: string; index: number }[] = [];
  for (const s of segmenter.segment(run)) if (s.isWordLike) out.push({ word: s.segment, index: s.index });
  return out;
}

/** Overlapping character bigrams of a CJK run (the character itself when the run is one long). */
export function bigrams(run: string): string[] {
  const chars = [...run];
  if (chars.length === 1) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return out;
}

function otherToken(word: string): string {
  return ARABIC_RE.test(word) ? arabicLightStem(word) : word;
}

/** The tokens of a folded string in order (CJK bigrams, dictionary words, stemmed Arabic, words). */
function tokens(folded: string, unigrams: string[] | undefined): string[] {
  const out: string[] = [];
  for (const r of wordRuns(folded)) {
    if (r.cls === 'cjk') {
      const chars = [...r.word];
      if (chars.length > 1 || !unigrams) out.push(...bigrams(r.word));
      unigrams?.push(...chars);
    } else if (r.cls === 'sea') {
      for (const s of segmentWords(r.word)) out.push(s.word);
    } else {
      const t = otherToken(r.word);
      if (t) out.push(t);
    }
  }
  return out;
}

/**
 * What a chunk stores in `text_fts`: '' when it has none of the handled scripts (the `text`
 * index serves it alone), else its tokens separated by spaces, then each CJK character once
 * more (after the bigrams, so phrase positions of the bigrams stay consecutive).
 *
 * @example
 * indexText('삼성카드의 포인트') // '삼성 성카 카드 드의 포인 인트 삼 성 카 드 의 포 인 트'
 */
export function indexText(text: string): string {
  if (!needsMultilingual(text)) return '';
  const unigrams: string[] = [];
  const main = tokens(fold(text), unigrams);
  return [...main, ...unigrams].join(' ');
}

/**
 * A query tokenised for `text_fts` (bigrams for CJK runs of two or more characters, a single
 * character otherwise), or '' when the query has no handled script and `text` alone serves it.
 *
 * @example
 * queryText('絶縁電線') // '絶縁 縁電 電線'
 */
export function queryText(query: string): string {
  if (!needsMultilingual(query)) return '';
  return tokens(fold(query), undefined).join(' ');
}

/**
 * Pieces of the query to mark in a snippet for unspaced scripts: each CJK run and its bigrams,
 * each Thai… dictionary word. Folded, to be searched in folded text.
 */
export function unspacedPieces(query: string): string[] {
  const pieces = new Set<string>();
  for (const r of wordRuns(fold(query))) {
    if (r.cls === 'cjk') for (const b of bigrams(r.word)) pieces.add(b);
    else if (r.cls === 'sea') for (const s of segmentWords(r.word)) pieces.add(s.word);
  }
  return [...pieces];
}
