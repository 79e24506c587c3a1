import { describe, expect, it } from 'vitest';
import { extractText, markdownBlocks, plainTextBlocks } from '../../../main/ingest/text';

describe('markdownBlocks', () => {
  it('turns ATX and Setext headings into heading blocks', () => {
    const { blocks, title } = markdownBlocks('# Guide #\n\nIntro text\nwrapped.\n\nSetup\n-----\n\n### Deep\nbody');
    expect(blocks).toEqual([
      { kind: 'heading', level: 1, text: 'Guide' },
      { kind: 'paragraph', text: 'Intro text wrapped.' },
      { kind: 'heading', level: 2, text: 'Setup' },
      { kind: 'heading', level: 3, text: 'Deep' },
      { kind: 'paragraph', text: 'body' },
    ]);
    expect(title).toBe('Guide');
  });

  it('keeps fenced code verbatim, even when it contains # lines and blank lines', () => {
    const { blocks } = markdownBlocks('Text\n\n```python\n# not a heading\n\n  x = 1\n```\n\n~~~\nraw\n~~~');
    expect(blocks).toEqual([
      { kind: 'paragraph', text: 'Text' },
      { kind: 'code', text: '# not a heading\n\n  x = 1' },
      { kind: 'code', text: 'raw' },
    ]);
  });

  it('reads lists as "- item" lines and pipe tables as " | " rows', () => {
    const { blocks } = markdownBlocks('Shopping:\n* eggs\n* milk\n1. one\n\n| a | b |\n|---|:-:|\n| 1 | 2 |');
    expect(blocks).toEqual([
      { kind: 'paragraph', text: 'Shopping:' },
      { kind: 'list', text: '- eggs\n- milk\n- one' },
      { kind: 'table', text: 'a | b\n1 | 2' },
    ]);
  });

  it('skips front matter but keeps its title; a thematic break is not a heading', () => {
    const { blocks, title } = markdownBlocks('---\ntitle: "Notes"\ntags: [a]\n---\n\nPara\n\n---\n\nMore');
    expect(title).toBe('Notes');
    expect(blocks).toEqual([
      { kind: 'paragraph', text: 'Para' },
      { kind: 'paragraph', text: 'More' },
    ]);
  });
});

describe('plain text', () => {
  it('splits paragraphs on blank lines and keeps line breaks inside them', () => {
    expect(plainTextBlocks('Dear Ann,\r\n\r\nLine one\nline  two\n \n\nBye')).toEqual([
      { kind: 'paragraph', text: 'Dear Ann,' },
      { kind: 'paragraph', text: 'Line one\nline two' },
      { kind: 'paragraph', text: 'Bye' },
    ]);
  });

  it('extracts one page with offsets and warns when it had to fall back to windows-1252', () => {
    const doc = extractText(Buffer.from([0x53, 0x63, 0x68, 0xf6, 0x6e, 0x0a, 0x0a, 0x80, 0x31]), 'text');
    expect(doc.format).toBe('text');
    expect(doc.meta.pageCount).toBe(1);
    expect(doc.pages[0].text).toBe('Schön\n\n€1');
    expect(doc.pages[0].blocks[1]).toMatchObject({ start: 7, end: 9 });
    expect(doc.warnings[0].code).toBe('ENCODING_FALLBACK');
  });

  it('gives Markdown blocks their heading path', () => {
    const doc = extractText(Buffer.from('# A\n\n## B\n\ntext\n\n# C\n\nmore'), 'markdown');
    expect(doc.pages[0].blocks.map((b) => [b.text, b.headingPath])).toEqual([
      ['A', ['A']],
      ['B', ['A', 'B']],
      ['text', ['A', 'B']],
      ['C', ['C']],
      ['more', ['C']],
    ]);
  });
});
