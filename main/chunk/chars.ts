/**
 * Character classes shared by the token estimate and the sentence splitter. Classification
 * runs per character over whole documents, so Basic Multilingual Plane results are cached in a
 * table instead of testing Unicode regexes every time.
 */

/** How the BERT pre-tokenizer treats a character (see countTokens). */
export enum CharClass {
  Space = 1,
  /** Latin letter (accented ones too: uncased BERT strips accents). */
  Letter,
  Digit,
  /** Combining mark: part of the word before it. */
  Mark,
  /** Punctuation or symbol: a token of its own. */
  Punct,
  /** CJK ideograph or kana: a token of its own. */
  Ideograph,
  Hangul,
  /** A letter of another script (Cyrillic, Arabic, Thai...): about one token each. */
  OtherLetter,
  /** Control and format characters (zero-width joiner, soft hyphen...): dropped. */
  Control,
}

const bmp = new Uint8Array(0x10000);
const astral = new Map<number, CharClass>();

const RE_MARK = /\p{M}/u;
const RE_DIGIT = /\p{Nd}/u;
const RE_IDEOGRAPH = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}]/u;
const RE_HANGUL = /\p{Script=Hangul}/u;
const RE_LETTER = /\p{L}/u;
const RE_LATIN = /\p{Script=Latin}/u;
const RE_CONTROL = /\p{C}/u;

/**
 * Exactly the characters String.prototype.trim and the regex `\s` treat as white space, so that
 * "trimmed" means the same here as anywhere else in the codebase.
 */
export function isSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

function classify(code: number): CharClass {
  if (isSpace(code)) return CharClass.Space;
  if (code < 0x80) {
    if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)) return CharClass.Letter;
    if (code >= 0x30 && code <= 0x39) return CharClass.Digit;
    return code < 0x20 || code === 0x7f ? CharClass.Control : CharClass.Punct;
  }
  const ch = String.fromCodePoint(code);
  if (RE_MARK.test(ch)) return CharClass.Mark;
  if (RE_IDEOGRAPH.test(ch)) return CharClass.Ideograph;
  if (RE_HANGUL.test(ch)) return RE_LETTER.test(ch) ? CharClass.Hangul : CharClass.Punct;
  if (RE_LETTER.test(ch)) return RE_LATIN.test(ch) ? CharClass.Letter : CharClass.OtherLetter;
  if (RE_DIGIT.test(ch)) return CharClass.Digit;
  if (RE_CONTROL.test(ch)) return CharClass.Control;
  return CharClass.Punct;
}

/** The class of one code point (pass `codePointAt`, or a char code for BMP text). */
export function charClass(code: number): CharClass {
  if (code < 0x10000) {
    let c = bmp[code];
    if (c === 0) {
      c = classify(code);
      bmp[code] = c;
    }
    return c;
  }
  let c = astral.get(code);
  if (c === undefined) {
    c = classify(code);
    astral.set(code, c);
  }
  return c;
}

/** Closing quotes and brackets that may follow a sentence's final punctuation. */
const CLOSERS = new Set('"\'”’»›)]}」』）】〉》〕〗〙〛'.split('').map((c) => c.charCodeAt(0)));
/** Opening quotes and brackets that may start a sentence. */
const OPENERS = new Set('"\'“‘«‹([{「『（【〈《〔〖〘〚¿¡'.split('').map((c) => c.charCodeAt(0)));

export function isCloser(code: number): boolean {
  return CLOSERS.has(code);
}

export function isOpener(code: number): boolean {
  return OPENERS.has(code);
}
