/** What placing an element needs of its scroll container (an HTMLElement has all of it). */
export interface ScrollBox {
  scrollTop: number;
  scrollLeft: number;
  clientTop: number;
  clientLeft: number;
  clientHeight: number;
  clientWidth: number;
  scrollHeight: number;
  scrollWidth: number;
  getBoundingClientRect(): Pick<DOMRect, 'top' | 'left'>;
}

/**
 * The scroll position that shows `target` inside `box`: centred vertically, and horizontally
 * moved only as far as needed (scrollIntoView's block 'center', inline 'nearest'), clamped to
 * what the box can scroll.
 */
export function revealPosition(box: ScrollBox, target: Pick<DOMRect, 'top' | 'left' | 'width' | 'height'>): { top: number; left: number } {
  const outer = box.getBoundingClientRect();
  // Where the target sits in the box's content, independent of the current scroll.
  const y = target.top - outer.top - box.clientTop + box.scrollTop;
  const x = target.left - outer.left - box.clientLeft + box.scrollLeft;
  const clamp = (v: number, max: number): number => Math.round(Math.min(Math.max(0, v), Math.max(0, max)));
  const top = clamp(y + target.height / 2 - box.clientHeight / 2, box.scrollHeight - box.clientHeight);
  let left = box.scrollLeft;
  if (x < box.scrollLeft || target.width > box.clientWidth) left = x;
  else if (x + target.width > box.scrollLeft + box.clientWidth) left = x + target.width - box.clientWidth;
  return { top, left: clamp(left, box.scrollWidth - box.clientWidth) };
}

/** The nearest ancestor of `el` that scrolls (overflow auto or scroll), short of the document itself. */
export function scrollParent(el: Element): HTMLElement | undefined {
  const doc = el.ownerDocument;
  for (let p = el.parentElement; p && p !== doc.body && p !== doc.documentElement; p = p.parentElement) {
    const { overflowY, overflowX } = getComputedStyle(p);
    if (/auto|scroll|overlay/.test(overflowY) || /auto|scroll|overlay/.test(overflowX)) return p;
  }
  return undefined;
}

/**
 * Brings a highlighted passage into view by scrolling only the pane that holds it.
 * `scrollIntoView` also scrolls every scrollable ancestor up to the window, and the window
 * could scroll: that moved the whole app up and cut off the viewer's toolbar.
 */
export function revealInPane(target: Element): void {
  const box = scrollParent(target);
  if (!box) return;
  const { top, left } = revealPosition(box, target.getBoundingClientRect());
  box.scrollTop = top;
  box.scrollLeft = left;
}
