import { describe, expect, it } from 'vitest';
import { buildPage, HeadingTracker, normalizeInline, normalizeText } from '../../../main/ingest/page';

describe('buildPage', () => {
  it('joins blocks with a blank line and records exact offsets and heading paths', () => {
    const tracker = new HeadingTracker();
    const page = buildPage(
      3,
      [
        { kind: 'heading', level: 1, text: 'Intro' },
        { kind: 'paragraph', text: '  First para. ' },
        { kind: 'heading', level: 2, text: 'Details' },
        { kind: 'paragraph', text: '' },
        { kind: 'list', text: '- a\n- b' },
        { kind: 'heading', level: 1, text: 'Next' },
        { kind: 'code', text: 'x = 1' },
      ],
      tracker,
    );
    expect(page.page).toBe(3);
    expect(page.text).toBe('Intro\n\nFirst para.\n\nDetails\n\n- a\n- b\n\nNext\n\nx = 1');
    for (const b of page.blocks) expect(page.text.slice(b.start, b.end)).toBe(b.text);
    expect(page.blocks.map((b) => b.headingPath)).toEqual([['Intro'], ['Intro'], ['Intro', 'Details'], ['Intro', 'Details'], ['Next'], ['Next']]);
    expect(page.blocks[2].level).toBe(2);
    expect(page.blocks[1].level).toBeUndefined();
  });

  it('carries the heading path across pages through the tracker', () => {
    const tracker = new HeadingTracker();
    buildPage(1, [{ kind: 'heading', level: 1, text: 'A' }, { kind: 'heading', level: 3, text: 'A.1.1' }], tracker);
    const p2 = buildPage(2, [{ kind: 'paragraph', text: 'body' }, { kind: 'heading', level: 2, text: 'A.2' }], tracker);
    expect(p2.blocks[0].headingPath).toEqual(['A', 'A.1.1']);
    expect(p2.blocks[1].headingPath).toEqual(['A', 'A.2']);
  });
});

describe('whitespace normalisation', () => {
  it('collapses spaces of every width and removes invisible characters', () => {
    expect(normalizeInline('a\u00A0\u2003 b\u200B\tc\u0007')).toBe('a b c');
  });

  it('normalises line ends and blank-line runs', () => {
    expect(normalizeText('a  \r\nb\r\r\n\n\n\nc  ')).toBe('a\nb\n\nc');
  });
});
