import type { Comparison, PairComparison, QueryDelta } from './compare';
import type { EvalConfig } from './run-file';
import { deltaChart, escapeXml, groupedBarChart, textBar } from './svg';

const METRICS = ['ndcg@10', 'recall@100', 'mrr@10'] as const;
const METRIC_NAMES: Record<(typeof METRICS)[number], string> = { 'ndcg@10': 'nDCG@10', 'recall@100': 'Recall@100', 'mrr@10': 'MRR@10' };

const f3 = (v: number): string => v.toFixed(3);
const f4 = (v: number): string => v.toFixed(4);
const signed = (v: number, digits = 4): string => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(digits)}`;
const rank = (r: number | null): string => (r === null ? '—' : String(r));
const pValue = (p: number): string => (p < 0.0001 ? '<0.0001' : p.toFixed(4));

/** "minmax dense=0.2", "—" for modes without fusion, plus any searcher options given. */
export function describeConfig(c: EvalConfig): string {
  const parts: string[] = [];
  if (c.fusion) parts.push(`${c.fusion.method} dense=${c.fusion.denseWeight}${c.fusion.method === 'rrf' ? ` k=${c.fusion.rrfK}` : ''}`);
  for (const [k, v] of Object.entries(c.search)) if (!(k === 'candidates' && v === c.depth)) parts.push(`${k}=${JSON.stringify(v)}`);
  for (const [k, v] of Object.entries(c.query)) parts.push(`${k}=${JSON.stringify(v)}`);
  return parts.join(', ') || '—';
}

/** A Markdown table cell: no pipes or line breaks may escape it. */
function mdCell(s: string, max = 110): string {
  const one = s.replace(/\s+/g, ' ').trim();
  const cut = one.length > max ? `${one.slice(0, max - 1)}…` : one;
  return cut.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/([<>*_`[\]])/g, '\\$1');
}

function mdTable(headers: string[], rows: string[][]): string {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function deltaRows(list: QueryDelta[]): string[][] {
  return list.map((d) => [mdCell(d.qid, 20), mdCell(d.query), f3(d.base), f3(d.other), signed(d.delta, 3), `${rank(d.baseRank)} → ${rank(d.otherRank)}`]);
}

/** A histogram of per-query differences in text: the Markdown stand-in for the delta chart. */
function textHistogram(p: PairComparison): string {
  const bins = [
    { label: '≤ −0.5', test: (d: number) => d <= -0.5 },
    { label: '−0.5…−0.1', test: (d: number) => d > -0.5 && d <= -0.1 },
    { label: '−0.1…0', test: (d: number) => d > -0.1 && d < -1e-9 },
    { label: 'tie', test: (d: number) => Math.abs(d) <= 1e-9 },
    { label: '0…+0.1', test: (d: number) => d > 1e-9 && d < 0.1 },
    { label: '+0.1…+0.5', test: (d: number) => d >= 0.1 && d < 0.5 },
    { label: '≥ +0.5', test: (d: number) => d >= 0.5 },
  ];
  const counts = bins.map((b) => p.deltas.filter((d) => b.test(d.delta)).length);
  const most = Math.max(1, ...counts);
  return bins.map((b, i) => `${b.label.padStart(10)} ${String(counts[i]).padStart(4)} ${textBar(counts[i] / most, 40)}`).join('\n');
}

function pairSummaryRows(c: Comparison): string[][] {
  return c.pairs.map((p) => [mdCell(p.other, 40), signed(p.meanDelta), String(p.wins), String(p.losses), String(p.ties), pValue(p.signP), pValue(p.randomisationP)]);
}

/** The comparison as Markdown (charts as text bars, which render anywhere Markdown does). */
export function renderMarkdown(c: Comparison, opts: { generatedAt?: string } = {}): string {
  const base = c.runs[0];
  const out: string[] = [`# Retrieval evaluation: ${mdCell(base.dataset)} (${mdCell(base.split)} split)`, ''];
  out.push(`Generated ${opts.generatedAt ?? new Date().toISOString()}. Every run is compared with the first, **${mdCell(base.name)}**, query by query on nDCG@10.`, '');
  for (const w of c.warnings) out.push(`> **Warning:** ${mdCell(w, 400)}`, '');
  out.push('## Configurations', '');
  out.push(
    mdTable(
      ['run', 'configuration', 'mode', 'embedder', 'fusion / options', 'nDCG@10', 'Recall@100', 'MRR@10', 'queries', 'commit'],
      c.runs.map((r) => [mdCell(r.name, 60), mdCell(r.label, 60), r.config.mode, mdCell(r.config.embedder), mdCell(describeConfig(r.config)), f4(r.aggregates['ndcg@10']), f4(r.aggregates['recall@100']), f4(r.aggregates['mrr@10']), String(r.aggregates.queries), r.commit ? r.commit.slice(0, 10) : '—']),
    ),
    '',
  );
  out.push('## Quality per configuration', '', '```text');
  const width = Math.max(...c.runs.map((r) => r.name.length), 4);
  for (const m of METRICS) {
    out.push(METRIC_NAMES[m]);
    for (const r of c.runs) out.push(`  ${r.name.padEnd(width)} ${f4(r.aggregates[m])} ${textBar(r.aggregates[m], 40)}`);
  }
  out.push('```', '');
  out.push(`## Per-query wins and losses against ${mdCell(base.name)}`, '');
  out.push(mdTable(['run', 'mean Δ nDCG@10', 'wins', 'losses', 'ties', 'sign test p', 'randomisation p'], pairSummaryRows(c)), '');
  out.push('p-values are two-sided: the exact sign test over wins and losses, and a paired randomisation test of the mean difference (10,000 sign flips, fixed seed).', '');
  for (const p of c.pairs) {
    out.push(`### ${mdCell(p.other)} vs ${mdCell(p.base)}`, '');
    out.push(`${p.queries} common queries: ${p.wins} better, ${p.losses} worse, ${p.ties} tied; mean Δ nDCG@10 ${signed(p.meanDelta)}.`, '');
    out.push('Per-query Δ nDCG@10:', '', '```text', textHistogram(p), '```', '');
    const headers = ['query id', 'query', `nDCG@10 ${mdCell(p.base, 30)}`, `nDCG@10 ${mdCell(p.other, 30)}`, 'Δ', 'first relevant rank'];
    out.push(`Largest gains:`, '', p.gains.length ? mdTable(headers, deltaRows(p.gains)) : '_none_', '');
    out.push(`Largest losses:`, '', p.drops.length ? mdTable(headers, deltaRows(p.drops)) : '_none_', '');
  }
  return out.join('\n');
}

function htmlTable(headers: string[], rows: string[][], numericFrom = Infinity): string {
  const th = headers.map((h, i) => `<th${i >= numericFrom ? ' class="num"' : ''}>${escapeXml(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((cell, i) => `<td${i >= numericFrom ? ' class="num"' : ''}>${escapeXml(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table>`;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:24px auto;padding:0 16px;color:#222}
table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}.warn{background:#fff4d6;border-left:4px solid #e0a800;padding:6px 10px}
svg{max-width:100%;height:auto;display:block;margin:8px 0}.note{color:#555}h2{margin-top:32px}`;

/**
 * The comparison as one self-contained HTML file: inline CSS and SVG charts, no script, no
 * external asset, and a Content-Security-Policy that forbids loading any.
 */
export function renderHtml(c: Comparison, opts: { generatedAt?: string } = {}): string {
  const base = c.runs[0];
  const title = `Retrieval evaluation: ${base.dataset} (${base.split} split)`;
  const body: string[] = [`<h1>${escapeXml(title)}</h1>`];
  body.push(`<p class="note">Generated ${escapeXml(opts.generatedAt ?? new Date().toISOString())}. Every run is compared with the first, <b>${escapeXml(base.name)}</b>, query by query on nDCG@10.</p>`);
  for (const w of c.warnings) body.push(`<p class="warn">${escapeXml(w)}</p>`);
  body.push('<h2>Configurations</h2>');
  body.push(
    htmlTable(
      ['run', 'configuration', 'mode', 'embedder', 'fusion / options', 'nDCG@10', 'Recall@100', 'MRR@10', 'queries', 'commit'],
      c.runs.map((r) => [r.name, r.label, r.config.mode, r.config.embedder, describeConfig(r.config), f4(r.aggregates['ndcg@10']), f4(r.aggregates['recall@100']), f4(r.aggregates['mrr@10']), String(r.aggregates.queries), r.commit ? r.commit.slice(0, 10) : '—']),
      5,
    ),
  );
  body.push('<h2>Quality per configuration</h2>');
  body.push(groupedBarChart(METRICS.map((m) => METRIC_NAMES[m]), c.runs.map((r) => ({ name: r.name, values: METRICS.map((m) => r.aggregates[m]) })), 'nDCG@10, Recall@100 and MRR@10'));
  body.push(`<h2>Per-query wins and losses against ${escapeXml(base.name)}</h2>`);
  body.push(htmlTable(['run', 'mean Δ nDCG@10', 'wins', 'losses', 'ties', 'sign test p', 'randomisation p'], pairSummaryRows(c).map((r, i) => [c.pairs[i].other, ...r.slice(1)]), 1));
  body.push('<p class="note">p-values are two-sided: the exact sign test over wins and losses, and a paired randomisation test of the mean difference (10,000 sign flips, fixed seed).</p>');
  for (const p of c.pairs) {
    body.push(`<h3>${escapeXml(p.other)} vs ${escapeXml(p.base)}</h3>`);
    body.push(`<p>${p.queries} common queries: ${p.wins} better, ${p.losses} worse, ${p.ties} tied; mean Δ nDCG@10 ${escapeXml(signed(p.meanDelta))}.</p>`);
    body.push(deltaChart(p.deltas, `Δ nDCG@10 per query: ${p.other} − ${p.base}`));
    const headers = ['query id', 'query', `nDCG@10 ${p.base}`, `nDCG@10 ${p.other}`, 'Δ', 'first relevant rank'];
    const rows = (list: QueryDelta[]): string[][] => list.map((d) => [d.qid, d.query, f3(d.base), f3(d.other), signed(d.delta, 3), `${rank(d.baseRank)} → ${rank(d.otherRank)}`]);
    body.push('<h4>Largest gains</h4>', p.gains.length ? htmlTable(headers, rows(p.gains), 2) : '<p>none</p>');
    body.push('<h4>Largest losses</h4>', p.drops.length ? htmlTable(headers, rows(p.drops), 2) : '<p>none</p>');
  }
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}
