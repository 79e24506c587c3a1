import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countTokens, splitSentences, tokenUnits, unitsToTokens } from '../../../main/chunk/tokens';
import { sharedPath } from '../../helpers/shared';
import { rng } from './docgen';

function sentences(text: string): string[] {
  return splitSentences(text).map((s) => text.slice(s.start, s.end).trim());
}

describe('countTokens', () => {
  it('counts nothing for empty or blank text', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens(' \n\t\u00a0\u3000')).toBe(0);
  });

  it('counts words, and every punctuation mark and ideograph on its own, as BERT splits them', () => {
    expect(countTokens('The quick brown fox.')).toBe(5);
    expect(countTokens('a, b; (c)!')).toBe(8);
    expect(countTokens('东京是日本的首都。')).toBe(9);
    expect(countTokens('https://example.com/path')).toBe(9); // https : / / example . com / path
  });

  it('counts long and technical words as several pieces', () => {
    expect(countTokens('cat')).toBe(1);
    expect(countTokens('immunohistochemistry')).toBeGreaterThanOrEqual(4);
    expect(countTokens('1234567890')).toBeGreaterThanOrEqual(5);
    expect(countTokens('BRCA1')).toBe(2);
  });

  it('is additive across white space, so a chunk is the sum of its sentences', () => {
    const a = 'Patients received 2.5 mg of drug X.';
    const b = 'Responses improved in 73% of cases.';
    // Exactly, before rounding to whole tokens...
    expect(tokenUnits(`${a} ${b}`)).toBe(tokenUnits(a) + tokenUnits(b));
    expect(tokenUnits(`${a}\n\n${b}`)).toBe(tokenUnits(a) + tokenUnits(b));
    expect(tokenUnits('东京。大阪')).toBe(tokenUnits('东京。') + tokenUnits('大阪'));
    expect(countTokens(`${a} ${b}`)).toBe(unitsToTokens(tokenUnits(a) + tokenUnits(b)));
    // ...and within rounding after it.
    expect(Math.abs(countTokens(`${a} ${b}`) - countTokens(a) - countTokens(b))).toBeLessThanOrEqual(1);
  });

  it('reads astral characters as one and survives lone surrogates', () => {
    expect(countTokens('\u{20000}\u{20001}')).toBe(2); // CJK extension B ideographs
    expect(countTokens('ok 😀 ok')).toBe(3);
    expect(countTokens('a\ud800 b')).toBe(2); // the space after a lone surrogate still separates
  });

  it('ignores accents and invisible characters inside words, as uncased BERT does', () => {
    expect(countTokens('café naïve')).toBe(countTokens('cafe naive'));
    expect(countTokens('infor\u00admation')).toBe(countTokens('information'));
  });

  it('stays within 10% of the real all-MiniLM-L6-v2 WordPiece count on English prose', async () => {
    const { AutoTokenizer, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.localModelPath = sharedPath('models') + '/';
    const tokenizer = await AutoTokenizer.from_pretrained('synthetic-bert-embed');
    const files = [
      ['corpus', 'pdf', '_expected_text', 'docling__multi_page.md'],
      ['corpus', 'pdf', '_expected_text', 'docling__redp5110_sampled.md'],
      ['corpus', 'pdf', '_expected_text', 'docling__amt_handbook_sample.md'],
      ['corpus', 'formats', 'md', 'docling__wiki.md'],
    ];
    for (const f of files) {
      const text = readFileSync(sharedPath(...f), 'utf8');
      const real = tokenizer.tokenize(text).length;
      const ratio = countTokens(text) / real;
      expect(ratio, f.join('/')).toBeGreaterThan(0.9);
      expect(ratio, f.join('/')).toBeLessThan(1.1);
      // About 1.3 tokens a word, as the brief says of English.
      const perWord = countTokens(text) / text.split(/\s+/).filter(Boolean).length;
      expect(perWord).toBeGreaterThan(1.15);
      expect(perWord).toBeLessThan(1.6);
    }
  });
});

describe('splitSentences', () => {
  it.each([
    ['Dr. Smith measured 3.14 m. Then he left.', ['Dr. Smith measured 3.14 m.', 'Then he left.']],
    ['See Fig. 3, e.g. the inset. Smith et al. (2019) agree.', ['See Fig. 3, e.g. the inset.', 'Smith et al. (2019) agree.']],
    ['Use it, i.e. daily. Next.', ['Use it, i.e. daily.', 'Next.']],
    ['J. R. R. Tolkien wrote it. The U.S. Army read it.', ['J. R. R. Tolkien wrote it.', 'The U.S. Army read it.']],
    ['Wait... What? Really! Yes.', ['Wait...', 'What?', 'Really!', 'Yes.']],
    ['It trailed off… and resumed. Done.', ['It trailed off… and resumed.', 'Done.']],
    ['He said "Stop." Then he ran.', ['He said "Stop."', 'Then he ran.']],
    ['(This is bracketed.) And this [really.] Fine.', ['(This is bracketed.)', 'And this [really.]', 'Fine.']],
    ['Visit example.com. Pay $3.50 now. See No. 5 today.', ['Visit example.com.', 'Pay $3.50 now.', 'See No. 5 today.']],
    ['东京是日本的首都。大阪很大！真的吗？是的。', ['东京是日本的首都。', '大阪很大！', '真的吗？', '是的。']],
    ['「こんにちは。」次の文。', ['「こんにちは。」', '次の文。']],
    ['Items:\n- one\n- two\n1. first\n2) second', ['Items:', '- one', '- two', '1. first', '2) second']],
    ['A line that wraps\nin the middle. Next one.', ['A line that wraps\nin the middle.', 'Next one.']],
    ['First paragraph without a stop\n\nSecond paragraph.', ['First paragraph without a stop', 'Second paragraph.']],
    ['| a | b |\n| 1 | 2 |', ['| a | b |', '| 1 | 2 |']],
    ['1. Introduction\nThe study began.', ['1. Introduction\nThe study began.']],
    ['Это первое предложение. Это второе.', ['Это первое предложение.', 'Это второе.']],
  ])('splits %j', (text, expected) => {
    expect(sentences(text)).toEqual(expected);
  });

  it('returns [] for empty text and one span for blank text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences('  \n ')).toEqual([{ start: 0, end: 4 }]);
  });

  it('never loses or reorders characters, whatever the input', () => {
    const r = rng(42);
    const alphabet = ['a', 'B', ' ', '.', '!', '?', '\n', '"', ')', '(', '…', '。', '」', '3', '-', '|', 'é', '😀', '\u00a0', 'Dr', 'e.g', 'i'];
    for (let n = 0; n < 2000; n++) {
      let text = '';
      const len = Math.floor(r() * 80);
      for (let i = 0; i < len; i++) text += alphabet[Math.floor(r() * alphabet.length)];
      const spans = splitSentences(text);
      if (text === '') {
        expect(spans).toEqual([]);
        continue;
      }
      expect(spans[0].start).toBe(0);
      expect(spans[spans.length - 1].end).toBe(text.length);
      for (let i = 0; i < spans.length; i++) {
        expect(spans[i].end).toBeGreaterThan(spans[i].start);
        if (i > 0) expect(spans[i].start).toBe(spans[i - 1].end);
      }
      expect(spans.map((s) => text.slice(s.start, s.end)).join('')).toBe(text);
    }
  });

  it("agrees with SciFact's own sentence segmentation of 1,000 abstracts", () => {
    const lines = readFileSync(sharedPath('eval', 'scifact_claims', 'corpus_sentences.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 1000);
    let agree = 0;
    let mineOnly = 0;
    let theirsOnly = 0;
    for (const line of lines) {
      const parts = (JSON.parse(line) as { sentences: string[] }).sentences.map((s) => s.trim()).filter(Boolean);
      const text = parts.join(' ');
      const theirs = new Set<number>();
      let pos = 0;
      for (const p of parts.slice(0, -1)) theirs.add((pos += p.length + 1));
      const mine = new Set(splitSentences(text).slice(1).map((s) => s.start));
      for (const b of mine) if (theirs.has(b)) agree++;
      else mineOnly++;
      for (const b of theirs) if (!mine.has(b)) theirsOnly++;
    }
    // Most disagreements are SciFact's own errors (it splits "1.4 +/- | 0.24").
    expect(agree / (agree + mineOnly)).toBeGreaterThan(0.98);
    expect(agree / (agree + theirsOnly)).toBeGreaterThan(0.97);
  });
});
