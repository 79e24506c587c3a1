import type { ItemRange } from './match';

/**
 * Marks ranges inside text-layer elements: each element's text is split into the part before,
 * the highlighted part (in a span with class `highlight`) and the part after. Returns the
 * highlight spans, first to last.
 */
export function applyHighlights(divs: HTMLElement[], ranges: ItemRange[], doc: Document): HTMLElement[] {
  const marks: HTMLElement[] = [];
  for (const r of ranges) {
    const div = divs[r.item];
    if (!div) continue;
    const text = div.textContent ?? '';
    const before = text.slice(0, r.start);
    const middle = text.slice(r.start, r.end);
    const after = text.slice(r.end);
    if (!middle) continue;
    div.textContent = '';
    if (before) div.append(doc.createTextNode(before));
    const mark = doc.createElement('span');
    mark.className = 'highlight passage';
    mark.dataset.testid = 'passage-highlight';
    mark.textContent = middle;
    div.append(mark);
    if (after) div.append(doc.createTextNode(after));
    marks.push(mark);
  }
  return marks;
}
