/**
 * Token estimates for chunk sizing, plus sentence splitting (re-exported from ./sentences).
 *
 * The embedders Quarry uses are BERT-family models whose inputs are WordPiece tokens, so chunk
 * sizes are measured in (estimated) WordPiece tokens. Running the real tokenizer over every
 * candidate chunk would tie chunking to one model's vocabulary and cost far more than chunking
 * itself; this estimate follows BERT's pre-tokenizer exactly and guesses only the WordPiece step.
 */
import { charClass, CharClass } from './chars';

export { splitSentences, type Span } from './sentences';

/**
 * Token estimates are kept in integer twentieths of a token internally: the per-word averages
 * are fractional, and integers keep sums exact, so a chunk's count is exactly the sum of its
 * sentences' counts and a size limit checked on sums holds for the rounded total too.
 */
export const TOKEN_UNITS = 20;

/**
 * Average WordPiece pieces of a run of N Latin letters (index N), measured with the real
 * all-MiniLM-L6-v2 (bert-base-uncased) vocabulary on general English prose (PDF/DOCX/Markdown
 * fixtures) and on SciFact abstracts, then split between the two: short words are nearly always
 * whole vocabulary entries, long ones break into several pieces.
 */
const LETTER_RUN_PIECES = [0, 1, 1, 1, 1.1, 1.1, 1.1, 1.15, 1.2, 1.3, 1.4, 1.5, 1.65, 1.8].map((x) => Math.round(x * TOKEN_UNITS));
/** Extra pieces per letter beyond the table: long technical words split every ~2 letters. */
const LONG_WORD_UNITS_PER_LETTER = Math.round(0.45 * TOKEN_UNITS);
/** A Hangul syllable decomposes (NFD) into 2–3 jamo pieces. */
const HANGUL_UNITS = Math.round(2.5 * TOKEN_UNITS);

function letterRunUnits(n: number): number {
  if (n < LETTER_RUN_PIECES.length) return LETTER_RUN_PIECES[n];
  return LETTER_RUN_PIECES[LETTER_RUN_PIECES.length - 1] + (n - LETTER_RUN_PIECES.length + 1) * LONG_WORD_UNITS_PER_LETTER;
}

function digitRunUnits(n: number): number {
  // The vocabulary holds most 1–2 digit numbers and many years; longer numbers split in pairs.
  if (n <= 2) return TOKEN_UNITS;
  if (n <= 4) return Math.round(1.3 * TOKEN_UNITS);
  return n * Math.round(0.6 * TOKEN_UNITS);
}

/**
 * Estimates how many BERT WordPiece tokens `text` becomes (without [CLS]/[SEP]).
 *
 * The approximation, mirroring BERT's BasicTokenizer then guessing WordPiece:
 * - whitespace and control characters separate words and count nothing;
 * - every punctuation or symbol character is one token (BERT splits them off);
 * - every CJK ideograph, kana or other non-Latin letter is one token (BERT isolates
 *   ideographs, and an English vocabulary holds other scripts only as single characters);
 *   a Hangul syllable counts 2.5 (it decomposes into jamo);
 * - a run of Latin letters counts by length: one piece up to ~7 letters, growing to several
 *   for long words (see LETTER_RUN_PIECES); accents are ignored, as uncased BERT strips them;
 * - a run of digits counts 1 up to two digits and about one per two digits beyond;
 *   letters and digits in one word ("IL6", "BRCA1") are counted as separate runs.
 * English prose comes out at ~1.3 tokens a word, within ~5% of the real tokenizer;
 * dense scientific text is underestimated by ~10%.
 * Counts are additive across whitespace: countTokens(a + ' ' + b) ≈ countTokens(a) + countTokens(b).
 *
 * @example
 * countTokens('The quick brown fox.'); // 5
 */
export function countTokens(text: string): number {
  return unitsToTokens(tokenUnits(text));
}

/** Rounds an amount of TOKEN_UNITS to whole tokens (half up), as countTokens does. */
export function unitsToTokens(units: number): number {
  return Math.floor((units + TOKEN_UNITS / 2) / TOKEN_UNITS);
}

/**
 * The unrounded estimate behind countTokens, in TOKEN_UNITS (twentieths of a token). Exactly
 * additive over pieces cut at white space, punctuation or ideographs.
 */
export function tokenUnits(text: string): number {
  let total = 0;
  let letters = 0;
  let digits = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let code = text.charCodeAt(i);
    // Astral code points (CJK extension B+, emoji) arrive as surrogate pairs.
    if (code >= 0xd800 && code <= 0xdbff) {
      const full = text.codePointAt(i) ?? code;
      if (full > 0xffff) {
        code = full;
        i++;
      }
    }
    const cls = charClass(code);
    if (cls === CharClass.Letter) {
      if (digits) {
        total += digitRunUnits(digits);
        digits = 0;
      }
      letters++;
      continue;
    }
    if (cls === CharClass.Digit) {
      if (letters) {
        total += letterRunUnits(letters);
        letters = 0;
      }
      digits++;
      continue;
    }
    // Combining accents are stripped and control characters removed by uncased BERT, inside words.
    if (cls === CharClass.Mark || cls === CharClass.Control) continue;
    if (letters) {
      total += letterRunUnits(letters);
      letters = 0;
    }
    if (digits) {
      total += digitRunUnits(digits);
      digits = 0;
    }
    if (cls === CharClass.Punct || cls === CharClass.Ideograph || cls === CharClass.OtherLetter) total += TOKEN_UNITS;
    else if (cls === CharClass.Hangul) total += HANGUL_UNITS;
  }
  if (letters) total += letterRunUnits(letters);
  if (digits) total += digitRunUnits(digits);
  return Math.round(total);
}
