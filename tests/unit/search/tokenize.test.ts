import { describe, expect, it } from 'vitest';
import { exactPattern } from '../../../main/search/query';
import { highlightTerms, makeSnippet } from '../../../main/search/snippet';
import { arabicLightStem, bigrams, fold, foldWithMap, indexText, needsMultilingual, queryText, wordRuns } from '../../../main/search/tokenize';

/** The marked parts of a snippet, without the markers. */
function marked(snippet: string): string[] {
  return [...snippet.matchAll(/«([^»]*)»/g)].map((m) => m[1]);
}

describe('multilingual tokenisation', () => {
  it('leaves text in other scripts to the English index', () => {
    expect(needsMultilingual('Protein folding in cells, café, naïve, E-4012')).toBe(false);
    expect(indexText('Protein folding in cells')).toBe('');
    expect(queryText('protein folding')).toBe('');
    expect(needsMultilingual('電線')).toBe(true);
    expect(needsMultilingual('กับ')).toBe(true);
    expect(needsMultilingual('البيانات')).toBe(true);
    expect(needsMultilingual('прочность')).toBe(true);
  });

  it('turns CJK runs into bigrams, with every character once more after them', () => {
    expect(bigrams('絶縁電線')).toEqual(['絶縁', '縁電', '電線']);
    expect(indexText('絶縁電線')).toBe('絶縁 縁電 電線 絶 縁 電 線');
    expect(queryText('絶縁電線')).toBe('絶縁 縁電 電線');
    expect(queryText('線')).toBe('線'); // one character: matches the unigrams
    // Korean particles glued to nouns: the noun's bigram is there either way.
    expect(indexText('삼성카드의').split(' ')).toContain('카드');
    // Mixed scripts split where the script changes; Latin is lower-cased and folded.
    expect(queryText('LPG충전소 Café')).toBe('lpg 충전 전소 cafe');
  });

  it('segments Thai with the dictionary, recomposing the SARA AM that PDFs split in two', () => {
    expect(queryText('ระนาบที่ผ่าน')).toBe('ระนาบ ที่ ผ่าน');
    // U+0E4D U+0E32 (as extracted) and U+0E33 (as typed) give the same word.
    expect(indexText('\u0e08\u0e4d\u0e32\u0e19\u0e27\u0e19')).toBe(queryText('\u0e08\u0e33\u0e19\u0e27\u0e19'));
  });

  it('normalises and light-stems Arabic, and folds Persian letters and Russian ё', () => {
    expect(arabicLightStem(fold('البيانات'))).toBe('بيان');
    expect(queryText('بيانات')).toBe(queryText('البيانات'));
    expect(queryText('والبرمجة')).toBe(queryText('برمجة'));
    expect(queryText('حَبِيبِي')).toBe(queryText('حبيبي')); // diacritics dropped
    expect(queryText('ایران')).toBe(queryText('ايران')); // Persian yeh = Arabic yeh
    expect(queryText('Ёлка')).toBe('елка');
  });

  it('maps folded offsets back to the original characters', () => {
    const text = 'ｃａｆé Ｘ';
    const f = foldWithMap(text);
    expect(f.text).toBe('cafe x');
    const at = f.text.indexOf('fe');
    expect(text.slice(f.starts[at], f.ends[at + 1])).toBe('ｆé');
    const ar = foldWithMap('حَبيبي');
    expect(ar.text).toBe('حبيبي');
    expect('حَبيبي'.slice(ar.starts[0], ar.ends[0])).toBe('حَ'); // the dropped mark stays inside the span
  });

  it('splits word runs where the script class changes', () => {
    expect(wordRuns('LPG충전소 포함').map((r) => [r.word, r.cls])).toEqual([
      ['LPG', 'other'],
      ['충전소', 'cjk'],
      ['포함', 'cjk'],
    ]);
    expect(wordRuns('เวกเตอร์ที่').map((r) => r.word)).toEqual(['เวกเตอร์ที่']); // marks stay in the word
  });
});

describe('exact units and snippets in unspaced scripts', () => {
  it('matches a CJK or Thai unit inside a run of text, and SARA AM in either form', () => {
    expect(exactPattern('絶縁電線').test('トリプレックス絶縁電線と称される')).toBe(true);
    expect(exactPattern('ระนาบ').test('ตั้งฉากกับระนาบที่ผ่าน')).toBe(true);
    expect(exactPattern('\u0e08\u0e33\u0e19\u0e27\u0e19').test('15. \u0e08\u0e4d\u0e32\u0e19\u0e27\u0e19\u0e40\u0e0a\u0e34\u0e07')).toBe(true);
    // Latin units still need token boundaries.
    expect(exactPattern('E-4012').test('XE-40123')).toBe(false);
  });

  it('marks the matched CJK characters, whole where the query matches whole', () => {
    const text = '電線接続端子部が次のいずれにも該当しないとき。ポリエチレン絶縁電線に裸線をより合わせて引込用に使用される';
    const s = makeSnippet(text, '絶縁電線', []);
    expect(marked(s.snippet)).toContain('絶縁電線');
    expect(marked(s.snippet)).toContain('電線'); // the partial match at the start
    for (const [a, b] of s.highlights) expect(s.snippet.slice(a, b)).toMatch(/^«.*»$/);
    expect(marked(makeSnippet('삼성카드의 포인트는 빅포인트', '포인트', []).snippet)).toEqual(['포인트', '포인트']);
  });

  it('marks Thai words, Arabic words with clitics and inflected Russian words', () => {
    expect(marked(makeSnippet('ตั้งฉากกับระนาบที่ผ่าน i j', 'ระนาบ', []).snippet)).toEqual(['ระนาบ']);
    expect(marked(makeSnippet('15. \u0e08\u0e4d\u0e32\u0e19\u0e27\u0e19\u0e40\u0e0a\u0e34\u0e07\u0e0b\u0e49\u0e2d\u0e19 z', '\u0e08\u0e33\u0e19\u0e27\u0e19', []).snippet)).toEqual(['\u0e08\u0e4d\u0e32\u0e19\u0e27\u0e19']);
    expect(marked(makeSnippet('معالجة كميات هائلة من البيانات واستخراج', 'بيانات', []).snippet)).toEqual(['البيانات']);
    expect(marked(makeSnippet('Прочность бетона зависит от температуры.', 'прочностью', []).snippet)).toEqual(['Прочность']);
    // English highlighting is as it was.
    expect(highlightTerms('What are the studies of running')).toEqual(['stud', 'runn']);
  });
});
