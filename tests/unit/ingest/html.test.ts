import { describe, expect, it } from 'vitest';
import { detectHtmlEncoding, extractHtml } from '../../../main/ingest/html';

const html = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('extractHtml', () => {
  it('keeps main text: drops script, style, template, svg and nav/footer around <main>', () => {
    const doc = extractHtml(
      html(`<!doctype html><html lang="en"><head><title> My  page </title><style>p{}</style></head><body>
        <nav>Home | About</nav><header>Site header</header>
        <main><h1>Title</h1><script>alert(1)</script><p>Hello <b>bold</b>&amp; world.</p>
        <template><p>hidden</p></template><svg><text>svg text</text></svg>
        <noscript>enable js</noscript><p hidden>secret</p></main>
        <footer>Copyright</footer></body></html>`),
    );
    expect(doc.meta).toEqual({ pageCount: 1, title: 'My page', language: 'en' });
    expect(doc.pages[0].text).toBe('Title\n\nHello bold& world.');
  });

  it('keeps nav and footer when the page has no main or article', () => {
    const doc = extractHtml(html('<body><nav>Menu</nav><p>Body</p><footer>Foot</footer></body>'));
    expect(doc.pages[0].text).toBe('Menu\n\nBody\n\nFoot');
  });

  it('makes headings, lists, tables and pre into blocks with heading paths', () => {
    const doc = extractHtml(
      html(`<body><h1>Top</h1><p>Intro<br>second line</p><h2>Sub</h2>
        <ul><li>one</li><li>two<ol><li>two.a</li></ol></li></ul>
        <table><caption>Prices</caption><thead><tr><th>Item</th><th>Cost</th></tr></thead>
        <tbody><tr><td>Tea</td><td><p>3</p><p>EUR</p></td></tr></tbody></table>
        <pre>  code
  block</pre><div>loose <span>text</span></div></body>`),
    );
    const blocks = doc.pages[0].blocks.map((b) => ({ kind: b.kind, text: b.text, path: b.headingPath }));
    expect(blocks).toEqual([
      { kind: 'heading', text: 'Top', path: ['Top'] },
      { kind: 'paragraph', text: 'Intro\nsecond line', path: ['Top'] },
      { kind: 'heading', text: 'Sub', path: ['Top', 'Sub'] },
      { kind: 'list', text: '- one\n- two\n  - two.a', path: ['Top', 'Sub'] },
      { kind: 'table', text: 'Prices\nItem | Cost\nTea | 3 EUR', path: ['Top', 'Sub'] },
      { kind: 'code', text: '  code\n  block', path: ['Top', 'Sub'] },
      { kind: 'paragraph', text: 'loose text', path: ['Top', 'Sub'] },
    ]);
  });

  it('falls back to the first h1 when there is no <title>', () => {
    expect(extractHtml(html('<h1>Heading</h1><p>x</p>')).meta.title).toBe('Heading');
  });
});

describe('detectHtmlEncoding', () => {
  it('prefers a BOM, then <meta charset>, then http-equiv, then UTF-8, then windows-1252', () => {
    expect(detectHtmlEncoding(Buffer.from('\uFEFF<meta charset="windows-1252">', 'utf16le')).encoding).toBe('utf-16le');
    expect(detectHtmlEncoding(html('<meta charset="ISO-8859-2"><p>x'))).toEqual({ encoding: 'iso-8859-2', fallback: false });
    expect(detectHtmlEncoding(html('<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">')).encoding).toBe('shift_jis');
    expect(detectHtmlEncoding(html('<p>ok é</p>'))).toEqual({ encoding: 'utf-8', fallback: false });
    expect(detectHtmlEncoding(Buffer.from([0x3c, 0x70, 0x3e, 0xe9, 0x80]))).toEqual({ encoding: 'windows-1252', fallback: true });
  });

  it('reads a page that claims UTF-16 in ASCII bytes as UTF-8, as browsers do', () => {
    expect(detectHtmlEncoding(html('<meta charset="utf-16"><p>x')).encoding).toBe('utf-8');
  });

  it('decodes a declared legacy charset', () => {
    const bytes = Buffer.concat([html('<meta charset="windows-1252"><p>'), Buffer.from([0x93, 0x48, 0x69, 0x94, 0x20, 0x80])]);
    expect(extractHtml(bytes).pages[0].text).toBe('“Hi” €');
  });
});
