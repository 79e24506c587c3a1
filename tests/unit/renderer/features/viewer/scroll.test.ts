import { describe, expect, it } from 'vitest';
import { revealPosition, type ScrollBox } from '../../../../../renderer/features/viewer/scroll';

/** A 400×300 pane at (100, 50) on screen, scrolled to (left, top), over 1000×2000 of content. */
const pane = (top: number, left = 0): ScrollBox => ({
  scrollTop: top, scrollLeft: left, clientTop: 0, clientLeft: 0, clientHeight: 300, clientWidth: 400, scrollHeight: 2000, scrollWidth: 1000,
  getBoundingClientRect: () => ({ top: 50, left: 100 }),
});
/** A target at content position (x, y), seen through a pane scrolled to (left, top). */
const at = (box: ScrollBox, x: number, y: number, width = 100, height = 20) => ({ top: 50 + y - box.scrollTop, left: 100 + x - box.scrollLeft, width, height });

describe('revealPosition', () => {
  it('centres the passage vertically in its pane, whatever the pane was scrolled to', () => {
    for (const scrolled of [0, 500, 1700]) {
      const box = pane(scrolled);
      // Its middle (1010) at the pane's middle (150 down).
      expect(revealPosition(box, at(box, 10, 1000)).top).toBe(860);
    }
  });

  it('stops at the ends of what the pane can scroll', () => {
    expect(revealPosition(pane(400), at(pane(400), 10, 40)).top).toBe(0);
    expect(revealPosition(pane(0), at(pane(0), 10, 1990)).top).toBe(1700);
  });

  it('moves sideways only when the passage is out of view, and only as far as needed', () => {
    expect(revealPosition(pane(0), at(pane(0), 50, 0)).left).toBe(0);
    expect(revealPosition(pane(0), at(pane(0), 600, 0)).left).toBe(300); // right edge 700 at the pane's right edge
    expect(revealPosition(pane(0, 500), at(pane(0, 500), 200, 0)).left).toBe(200); // left edge at the pane's left edge
  });

  it('counts the pane’s border', () => {
    const box = { ...pane(0), clientTop: 2 };
    expect(revealPosition(box, at(box, 10, 1000)).top).toBe(858);
  });
});
