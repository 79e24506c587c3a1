import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Answerer } from '../../../main/answer/answerer';
import { runAsk, sourceLine } from '../../../main/cli/ask';
import { LIBRARY } from './fixtures';
import { memorySearch } from './helpers/memory-search';

function capture() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  return { out, text: () => text };
}

describe('quarry ask (runAsk)', () => {
  const answerer = new Answerer({}, memorySearch(LIBRARY));

  it('streams the answer, then lists the sources as "[n] file — page p"', async () => {
    const c = capture();
    const code = await runAsk({ question: 'What causes scurvy?', provider: 'auto', json: false }, { answerer, out: c.out });
    expect(code).toBe(0);
    expect(c.text()).toMatch(/vitamin C.*\[1\]/);
    expect(c.text()).toContain('Sources:\n[1] scurvy.pdf — page 3\n');
    expect(c.text()).toMatch(/answered by extractive · confidence [01]\.\d\d/);
  });

  it('--json prints the documented fields', async () => {
    const c = capture();
    const code = await runAsk({ question: 'What causes scurvy?', provider: 'extractive', json: true }, { answerer, out: c.out });
    expect(code).toBe(0);
    const j = JSON.parse(c.text()) as Record<string, unknown>;
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['answer', 'citations', 'confidence', 'notFound', 'provider', 'timings', 'usage']));
    expect((j.citations as Record<string, unknown>[])[0]).toEqual(
      expect.objectContaining({ n: 1, chunkId: 'd0:0', docName: 'scurvy.pdf', page: 3, pageEnd: 3, start: expect.any(Number), end: expect.any(Number), quote: expect.any(String), support: expect.any(Number) }),
    );
    expect(j.timings).toEqual({ retrieveMs: expect.any(Number), firstTokenMs: expect.any(Number), totalMs: expect.any(Number) });
    expect(j.provider).toBe('extractive');
  });

  it('reports "not found" plainly, with exit code 0', async () => {
    const c = capture();
    const code = await runAsk({ question: 'Who painted the Mona Lisa?', provider: 'auto', json: true }, { answerer, out: c.out });
    expect(code).toBe(0);
    expect(JSON.parse(c.text())).toMatchObject({ notFound: true, provider: 'none', citations: [], confidence: 0 });
    // In text, no confidence figure beside "nothing relevant found".
    const t = capture();
    await runAsk({ question: 'Who painted the Mona Lisa?', provider: 'auto', json: false }, { answerer, out: t.out });
    expect(t.text()).toContain('(nothing relevant found)');
    expect(t.text()).not.toContain('confidence');
  });

  it('bad input and unavailable providers fail with a code, a message and a hint', async () => {
    const c = capture();
    expect(await runAsk({ question: 'x', provider: 'gpt', json: true }, { answerer, out: c.out })).toBe(2);
    expect(JSON.parse(c.text())).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    const h = capture();
    expect(await runAsk({ question: 'What causes scurvy?', provider: 'remote', json: false }, { answerer, out: h.out })).toBe(1);
    expect(h.text()).toMatch(/Error: The remote answer provider is not set up\nHint: /);
  });

  it('a cancelled answer exits with 130', async () => {
    const c = capture();
    const ctrl = new AbortController();
    ctrl.abort();
    expect(await runAsk({ question: 'What causes scurvy?', provider: 'auto', json: false }, { answerer, out: c.out, signal: ctrl.signal })).toBe(130);
  });
});

describe('sourceLine', () => {
  const c = { n: 1, chunkId: 'c', docId: 'd', docName: 'redp.pdf', path: '/redp.pdf', page: 13, start: 886, end: 178, quote: 'q', support: 1 };
  it('names the page range of a quote over a page break', () => {
    expect(sourceLine({ ...c, pageEnd: 14 })).toBe('[1] redp.pdf — pages 13–14');
    expect(sourceLine({ ...c, pageEnd: 13, start: 1, end: 5 })).toBe('[1] redp.pdf — page 13');
    // Answers saved before citations had pageEnd.
    expect(sourceLine({ ...c, start: 1, end: 5 })).toBe('[1] redp.pdf — page 13');
  });
});
