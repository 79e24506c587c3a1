import { describe, expect, it } from 'vitest';
import { joinLines, layoutPage, repairLigatures, type PdfTextItem } from '../../../main/ingest/pdf-layout';

/** A horizontal text item at (x, y) of the given size; width ~0.5 em per character. */
function item(str: string, x: number, y: number, size = 10, extra: Partial<PdfTextItem> = {}): PdfTextItem {
  return { str, transform: [size, 0, 0, size, x, y], width: str.length * size * 0.5, height: size, dir: 'ltr', ...extra };
}

describe('layoutPage', () => {
  it('groups items into lines by baseline, orders each line by x and spaces real gaps', () => {
    const paras = layoutPage([item('world', 100, 700), item('Hello', 60, 700), item('again', 60, 688)]);
    expect(paras.map((p) => p.text)).toEqual(['Hello world again']);
  });

  it('does not insert spaces between touching items (split words, CJK)', () => {
    const paras = layoutPage([item('infor', 60, 700), item('mation', 85, 700), item('日本', 60, 640), item('語', 70, 640)]);
    expect(paras[0].text).toBe('information');
    expect(paras[1].text).toBe('日本語');
  });

  it('breaks paragraphs at gaps wider than the usual line spacing', () => {
    const lines = [item('First line of one', 60, 700), item('paragraph here.', 60, 688), item('Second', 60, 660), item('paragraph.', 60, 648)];
    expect(layoutPage(lines).map((p) => p.text)).toEqual(['First line of one paragraph here.', 'Second paragraph.']);
  });

  it('undoes end-of-line hyphenation only before a lowercase letter', () => {
    const paras = layoutPage([item('the infor-', 60, 700), item('mation age, IBM-', 60, 688), item('Watson', 60, 676)]);
    expect(paras[0].text).toBe('the information age, IBM- Watson');
  });

  it('repairs ligatures from the text layer', () => {
    expect(layoutPage([item('e\uFB03cient \uFB01sh \uFB02ow', 60, 700)])[0].text).toBe('efficient fish flow');
  });

  it('separates a larger heading line and keeps its size', () => {
    const paras = layoutPage([item('Introduction', 60, 720, 16), item('Body text starts here', 60, 698), item('and goes on.', 60, 686)]);
    expect(paras.map((p) => [p.text, p.size])).toEqual([
      ['Introduction', 16],
      ['Body text starts here and goes on.', 10],
    ]);
  });

  it('keeps a column apart: text that jumps back up starts a new paragraph', () => {
    const paras = layoutPage([item('left col line 1', 60, 700), item('left col line 2', 60, 688), item('right col line 1', 320, 700), item('right col line 2', 320, 688)]);
    expect(paras.map((p) => p.text)).toEqual(['left col line 1 left col line 2', 'right col line 1 right col line 2']);
  });

  it('collects bullet items into one list block', () => {
    const paras = layoutPage([item('Intro:', 60, 700), item('•', 60, 688), item('first item', 72, 688), item('• second item', 60, 676), item('wraps here', 72, 664)]);
    expect(paras.map((p) => [p.kind, p.text])).toEqual([
      ['paragraph', 'Intro:'],
      ['list', '- first item\n- second item wraps here'],
    ]);
  });

  it('orders right-to-left lines from right to left', () => {
    const rtl = (s: string, x: number): PdfTextItem => item(s, x, 700, 10, { dir: 'rtl' });
    expect(layoutPage([rtl('مرحبا', 200), rtl('بالعالم', 120)])[0].text).toBe('مرحبا بالعالم');
  });

  it('lays out rotated text in its own frame', () => {
    // Text running up the page (90°): x grows along the baseline = page y.
    const up = (s: string, y: number, x: number): PdfTextItem => ({ str: s, transform: [0, 10, -10, 0, x, y], width: s.length * 5, height: 10, dir: 'ltr' });
    expect(layoutPage([up('rotated', 100, 50), up('label', 140, 50)])[0].text).toBe('rotated label');
  });

  it('drops duplicated fake-bold text and whitespace-only items', () => {
    expect(layoutPage([item('Bold', 60, 700), item('Bold', 60.3, 700), item('   ', 90, 700)])[0].text).toBe('Bold');
  });
});

describe('joinLines and ligatures', () => {
  it('removes soft hyphens and joins CJK lines without a space', () => {
    expect(joinLines(['exam\u00AD', 'ple', 'next'])).toBe('example next');
    expect(joinLines(['東京都', '大阪'])).toBe('東京都大阪');
  });

  it('folds presentation forms', () => {
    expect(repairLigatures('\uFB00 \uFB04 \uFB06')).toBe('ff ffl st');
    expect(repairLigatures('\uFEFB')).toBe('\u0644\u0627'); // lam-alef ligature → lam + alef
  });
});
