import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../../main/eval/compare';
import { renderHtml, renderMarkdown } from '../../../main/eval/report';
import { escapeXml, textBar } from '../../../main/eval/svg';
import { q, run } from '../../helpers/eval-runs';

const evil = '<script>alert("x")</script> & a|b';
const base = run('text', [q('1', 0.2, 5, evil), q('2', 1, 1), q('3', 0.5, 2)]);
const hybrid = run('hybrid', [q('1', 0.9, 1, evil), q('2', 0.4, 3), q('3', 0.5, 2)], { config: { ...base.config, label: 'hybrid <b>', fusion: { method: 'rrf', denseWeight: 0.3, rrfK: 60 } } });
const c = compareRuns([base, hybrid]);
const at = '2026-11-22T08:00:00.000Z';

describe('comparison reports', () => {
  it('Markdown: configurations, text charts, wins/losses with p-values, gains and losses', () => {
    const md = renderMarkdown(c, { generatedAt: at });
    expect(md).toContain('# Retrieval evaluation: tiny (test split)');
    expect(md).toMatch(/\| text \| text \| hybrid \| use-512 \| minmax dense=0\.2 \| 0\.5667 \|/);
    expect(md).toContain('rrf dense=0.3 k=60');
    expect(md).toMatch(/\| hybrid \| \+0\.0333 \| 1 \| 1 \| 1 \| 1\.0000 \|/);
    expect(md).toMatch(/Largest gains:\n\n\| query id/);
    // The query's pipe and angle brackets cannot break the table or become HTML.
    expect(md).toContain('\\<script\\>alert("x")\\</script\\> & a\\|b');
    expect(md).toMatch(/\| 1 \| .* \| 0\.200 \| 0\.900 \| \+0\.700 \| 5 → 1 \|/);
    expect(md).toMatch(/\| 2 \| query 2 \| 1\.000 \| 0\.400 \| −0\.600 \| 1 → 3 \|/);
    expect(md).toContain('█');
  });

  it('HTML: self-contained, escaped, with the bar chart and the per-query delta chart', () => {
    const html = renderHtml(c, { generatedAt: at });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; a|b');
    expect(html).toContain('hybrid &lt;b&gt;');
    // No external asset of any kind, and a policy that would block one.
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html).not.toMatch(/url\(/);
    expect(html).toContain(`default-src 'none'`);
    const svgs: string[] = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(2);
    // Bar chart: 3 metrics × 2 runs; delta chart: one bar per non-tied query (2 of 3).
    expect((svgs[0].match(/<rect [^>]*><title>/g) ?? []).length).toBe(6);
    expect((svgs[1].match(/<rect [^>]*><title>/g) ?? []).length).toBe(2);
    expect(svgs[1]).toContain('fill="#228833"');
    expect(svgs[1]).toContain('fill="#cc3311"');
  });

  it('escapes and draws text bars', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(textBar(1, 10)).toBe('██████████');
    expect(textBar(0, 10)).toBe('');
    expect(textBar(0.5, 10)).toBe('█████');
    expect(textBar(2, 4)).toBe('████');
    // Rounding to the next whole cell must not make a larger value draw shorter.
    expect(textBar(0.6999, 40)).toBe('█'.repeat(28));
    expect(textBar(0.6934, 40)).toBe('█'.repeat(27) + '▊');
    expect(textBar(0.7, 10)).toBe('███████');
  });
});
