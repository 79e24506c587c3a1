import { describe, expect, it } from 'vitest';
import { joinOverlapping } from '../../../main/util/text';

describe('joinOverlapping', () => {
  it('drops the repeated sentences between overlapping chunks', () => {
    const a = 'First sentence here. Second sentence is the overlap.';
    const b = 'Second sentence is the overlap. Third sentence follows.';
    expect(joinOverlapping([a, b])).toBe('First sentence here. Second sentence is the overlap. Third sentence follows.');
  });
  it('joins chunks without overlap on a new line', () => {
    expect(joinOverlapping(['Alpha.', 'Beta.'])).toBe('Alpha.\nBeta.');
    expect(joinOverlapping([])).toBe('');
  });
});
