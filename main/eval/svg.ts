/**
 * Small inline-SVG charts for the HTML report: no script, no external asset, so the file works
 * offline and under a strict Content-Security-Policy. Every text that reaches the markup goes
 * through {@link escapeXml}.
 */

/** Escapes text for HTML and SVG element content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A colour per series, distinguishable in print and for the common colour-vision deficiencies. */
export const PALETTE = ['#4477aa', '#ee6677', '#228833', '#ccbb44', '#66ccee', '#aa3377', '#bbbbbb'];

const fmt = (v: number): string => (Math.round(v * 1000) / 1000).toFixed(3);

/**
 * Grouped vertical bars on a 0–1 scale: one group per metric, one bar per series (run), with
 * the value above each bar and a legend.
 *
 * @example
 * groupedBarChart(['nDCG@10'], [{ name: 'text', values: [0.66] }, { name: 'hybrid', values: [0.68] }], 'Quality');
 */
export function groupedBarChart(groups: readonly string[], series: readonly { name: string; values: readonly number[] }[], title: string): string {
  const barW = 26;
  const gap = 22;
  const groupW = series.length * barW + gap;
  const left = 44;
  const top = 34;
  const plotH = 220;
  const legendH = 20 * series.length + 10;
  const width = Math.max(440, left + groups.length * groupW + 20);
  const height = top + plotH + 30 + legendH;
  const y = (v: number): number => top + plotH - Math.max(0, Math.min(1, v)) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${left}" x2="${width - 10}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${y(t) + 4}" font-size="10" text-anchor="end">${t.toFixed(2)}</text>`);
  }
  groups.forEach((g, gi) => {
    const x0 = left + gap / 2 + gi * groupW;
    series.forEach((s, si) => {
      const v = s.values[gi] ?? 0;
      const x = x0 + si * barW;
      parts.push(
        `<rect x="${x}" y="${y(v)}" width="${barW - 4}" height="${top + plotH - y(v)}" fill="${PALETTE[si % PALETTE.length]}"><title>${escapeXml(`${s.name} — ${g}: ${fmt(v)}`)}</title></rect>`,
        `<text x="${x + (barW - 4) / 2}" y="${y(v) - 3}" font-size="9" text-anchor="middle">${fmt(v).slice(1)}</text>`,
      );
    });
    parts.push(`<text x="${x0 + (series.length * barW) / 2}" y="${top + plotH + 16}" font-size="12" text-anchor="middle">${escapeXml(g)}</text>`);
  });
  series.forEach((s, si) => {
    const ly = top + plotH + 36 + si * 20;
    parts.push(`<rect x="${left}" y="${ly - 10}" width="12" height="12" fill="${PALETTE[si % PALETTE.length]}"/>`, `<text x="${left + 18}" y="${ly}" font-size="12">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * Per-query differences as thin bars sorted from the largest gain to the largest loss, gains
 * above the zero line in green and losses below in red, ties as a gap between them.
 */
export function deltaChart(deltas: readonly { qid: string; delta: number }[], title: string): string {
  const n = deltas.length;
  const left = 44;
  const top = 30;
  const plotH = 200;
  const barW = n > 0 ? Math.max(1, Math.min(8, 900 / n)) : 1;
  const width = Math.max(360, left + n * barW + 20);
  const height = top + plotH + 24;
  const maxAbs = Math.max(0.05, ...deltas.map((d) => Math.abs(d.delta)));
  const scale = Math.min(1, Math.ceil(maxAbs * 10) / 10);
  const mid = top + plotH / 2;
  const y = (v: number): number => mid - (v / scale) * (plotH / 2);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (const t of [-scale, -scale / 2, 0, scale / 2, scale]) {
    parts.push(`<line x1="${left}" x2="${width - 10}" y1="${y(t)}" y2="${y(t)}" stroke="${t === 0 ? '#888' : '#eee'}"/>`);
    parts.push(`<text x="${left - 6}" y="${y(t) + 4}" font-size="10" text-anchor="end">${t > 0 ? '+' : ''}${t.toFixed(2)}</text>`);
  }
  deltas.forEach((d, i) => {
    if (d.delta === 0) return;
    const x = left + i * barW;
    const y1 = Math.min(y(d.delta), mid);
    const h = Math.max(0.5, Math.abs(y(d.delta) - mid));
    parts.push(`<rect x="${x}" y="${y1}" width="${Math.max(0.8, barW - 0.5)}" height="${h}" fill="${d.delta > 0 ? '#228833' : '#cc3311'}"><title>${escapeXml(`${d.qid}: ${d.delta > 0 ? '+' : ''}${fmt(d.delta)}`)}</title></rect>`);
  });
  parts.push(`<text x="${left}" y="${height - 4}" font-size="10">${n} queries, sorted by difference</text>`, '</svg>');
  return parts.join('\n');
}

/** A text bar for Markdown and terminals: `value` on a 0–1 scale as block characters. */
export function textBar(value: number, width = 30): string {
  // Whole eighths of a cell, rounded once, so 0.6999 never draws shorter than 0.6934.
  const eighths = Math.round(Math.max(0, Math.min(1, value)) * width * 8);
  const full = Math.floor(eighths / 8);
  return '█'.repeat(full) + (eighths % 8 ? ' ▏▎▍▌▋▊▉'[eighths % 8] : '');
}
