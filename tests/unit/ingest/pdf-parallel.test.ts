import { describe, expect, it } from 'vitest';
import { defaultWorkerCount, nextChunkSize } from '../../../main/ingest/pdf-parallel';

describe('chunk scheduling', () => {
  it('hands out big chunks while much is left and single pages at the end', () => {
    expect(nextChunkSize(619, 2)).toBe(16);
    expect(nextChunkSize(40, 2)).toBe(5);
    expect(nextChunkSize(3, 2)).toBe(1);
    expect(nextChunkSize(1, 4)).toBe(1);
  });

  it('covers every page exactly once when chunks are taken in turn', () => {
    const seen: number[] = [];
    for (let next = 1; next <= 619; ) {
      const to = Math.min(619, next + nextChunkSize(619 - next + 1, 2) - 1);
      for (let p = next; p <= to; p++) seen.push(p);
      next = to + 1;
    }
    expect(seen).toEqual(Array.from({ length: 619 }, (_, i) => i + 1));
  });

  it('starts one to four workers', () => {
    expect(defaultWorkerCount()).toBeGreaterThanOrEqual(1);
    expect(defaultWorkerCount()).toBeLessThanOrEqual(4);
  });
});
