import { describe, expect, it } from 'vitest';
import { containsRun, contentTokens, exactTerms, namedPhrases, numbersIn, splitSentences, stem } from '../../../main/answer/text';
import { SseParser } from '../../../main/answer/providers/sse';
import { IncrementalText } from '../../../main/answer/stream';
import { cleanCitations, citationStableEnd } from '../../../main/answer/markers';

describe('splitSentences', () => {
  it('keeps abbreviations, initials, decimals and citation markers inside sentences', () => {
    const t = 'Smith et al. found a rise of 1.5 mg (e.g. in Fig. 2). J. R. Tolkien agreed. [3] It lacks vitamin C. Next one!';
    expect(splitSentences(t).map((s) => s.text)).toEqual([
      'Smith et al. found a rise of 1.5 mg (e.g. in Fig. 2).',
      'J. R. Tolkien agreed. [3]',
      'It lacks vitamin C.',
      'Next one!',
    ]);
  });

  it('gives ranges into the original text and splits at paragraphs and list items', () => {
    const t = 'Title line\n\nFirst para\n- item one\n- item two';
    const s = splitSentences(t);
    expect(s.map((x) => x.text)).toEqual(['Title line', 'First para', '- item one', '- item two']);
    for (const x of s) expect(t.slice(x.start, x.end)).toBe(x.text);
  });

  it('splits CJK sentences', () => {
    expect(splitSentences('今日は晴れです。明日は雨です。').map((s) => s.text)).toEqual(['今日は晴れです。', '明日は雨です。']);
  });
});

describe('tokens', () => {
  it('stems, drops stopwords, keeps numbers, bigrams unspaced scripts', () => {
    expect(contentTokens('The mutations increased in 2020')).toEqual(['mutation', 'increas', '2020']);
    expect(stem('stopped')).toBe('stop');
    expect(contentTokens('東京都')).toEqual(['東京', '京都']);
    expect(numbersIn('4,000 adults, 14% and 1.5 mg')).toEqual(['4000', '14', '1.5']);
  });
});

describe('exactTerms', () => {
  const texts = (q: string): string[] => exactTerms(q).map((t) => t.text);

  it('finds acronyms, identifiers and codes as the question writes them', () => {
    expect(exactTerms('What does QSL stand for?')).toEqual([{ text: 'QSL', tokens: ['qsl'], code: true }]);
    expect(exactTerms('What does the VERIFY_GROUP_FOR_USER function return?')).toEqual([
      { text: 'VERIFY_GROUP_FOR_USER', tokens: ['verify', 'group', 'user'], code: true },
    ]);
    expect(texts('What does fault E-4012 mean for PX77 and IL-6?')).toEqual(['E-4012', 'PX77', 'IL-6']);
    expect(texts('Is the PrP of rs647161 in H2A.Z?')).toEqual(['PrP', 'rs647161', 'H2A']);
  });

  it('keeps only the code of a compound with a plain word, and splits at a slash', () => {
    expect(texts('AMP-activated protein kinase (AMPK) activation')).toEqual(['AMP', 'AMPK']);
    expect(texts('TCR/CD3 microdomains and G-to-A mutations')).toEqual(['TCR', 'CD3']);
  });

  it('takes quoted phrases whole, and nothing from plain words, numbers or a shouted question', () => {
    expect(exactTerms('What is a "row permission"?')).toEqual([{ text: 'row permission', tokens: ['row', 'permission'], code: false }]);
    expect(exactTerms('Who won the 1998 football world cup final?')).toEqual([]);
    expect(exactTerms('WHAT IS QSL?')).toEqual([]);
    // One word in capitals alone is an acronym, not shouting.
    expect(texts('QSL')).toEqual(['QSL']);
  });
});

describe('SseParser', () => {
  it('assembles events from arbitrary pieces, CRLF, comments and multi-line data', () => {
    const p = new SseParser();
    const out = [
      ...p.push('data: {"a"'),
      ...p.push(':1}\r'),
      ...p.push('\n\r\n: keep-alive\n\nevent: x\ndata: line1\ndata: line2\n\n'),
      ...p.push('data: [DONE]'),
      ...p.end(),
    ];
    expect(out).toEqual(['{"a":1}', 'line1\nline2', '[DONE]']);
  });
});

describe('IncrementalText', () => {
  it('streams cleaned citations exactly as the final text reads', () => {
    const valid = (n: number): boolean => n <= 2;
    const s = new IncrementalText((raw) => cleanCitations(raw, valid).text, citationStableEnd);
    const pieces = ['It works', ' [', '9', '] and', ' helps [1', '].', ' Done [2]', '.'];
    const shown = pieces.map((p) => s.push(p)).join('') + s.flush();
    expect(shown).toBe('It works and helps [1]. Done [2].');
    expect(shown).toBe(s.text);
  });
});

describe('namedPhrases', () => {
  it('finds titles and names by their capitals, and quoted phrases', () => {
    expect(namedPhrases('Who wrote The Buried Moon?')).toEqual([{ tokens: ['buri', 'moon'], title: true }]);
    expect(namedPhrases('What did the Bank of England say about rates?')).toEqual([{ tokens: ['bank', 'england'], title: false }]);
    expect(namedPhrases('Where does "the pump manual" mention seals?')).toEqual([{ tokens: ['pump', 'manual'], title: true }]);
  });

  it('names nothing by capitals in a question written in capitals or title case, or by codes alone', () => {
    expect(namedPhrases('WHO WROTE THE BURIED MOON')).toEqual([]);
    expect(namedPhrases('Who Wrote The Buried Moon')).toEqual([]);
    expect(namedPhrases('Blocking ND3 and ND6 leads to loss.')).toEqual([]);
    expect(namedPhrases('What is E-4012?')).toEqual([]);
  });

  it('does not start a name at the first word, and stops one at punctuation or a word like "in"', () => {
    expect(namedPhrases('Activation of PPM1D suppresses p53.')).toEqual([]);
    expect(namedPhrases('NF2 (Merlin) acts on YAP.')).toEqual([]);
    expect(namedPhrases('What happened to the Moon in The Buried Moon?')).toEqual([{ tokens: ['buri', 'moon'], title: true }]);
  });

  it('containsRun matches consecutive tokens only', () => {
    expect(containsRun(['the', 'buri', 'moon'], ['buri', 'moon'])).toBe(true);
    expect(containsRun(['moon', 'buri'], ['buri', 'moon'])).toBe(false);
  });
});
