import { describe, expect, it } from 'vitest';
import { l2normalize, validateVectors } from '../../../main/embed/validate';
import { QuarryError } from '../../../main/util/errors';

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof QuarryError ? e.code : 'not a QuarryError';
  }
  return undefined;
}

describe('validateVectors', () => {
  it('accepts finite, non-zero vectors of the right dimension and count', () => {
    expect(codeOf(() => validateVectors([new Float32Array([1, 0]), [0, -2]], 2, 2))).toBeUndefined();
  });

  it.each([
    ['NaN', [[NaN, 1]]],
    ['Infinity', [[1, Infinity]]],
    ['-Infinity', [[-Infinity, 1]]],
    ['all zeros', [[0, 0]]],
    ['wrong dimension', [[1, 2, 3]]],
  ])('rejects %s with EMBEDDING_INVALID', (_name, vectors) => {
    expect(codeOf(() => validateVectors(vectors, 2))).toBe('EMBEDDING_INVALID');
  });

  it('rejects a wrong number of vectors', () => {
    expect(codeOf(() => validateVectors([[1, 0]], 2, 2))).toBe('EMBEDDING_INVALID');
  });

  it('names the bad vector in the message', () => {
    expect(() => validateVectors([[1, 0], [0, 0]], 2)).toThrow(/vector 1 is all zeros/);
  });
});

describe('l2normalize', () => {
  it('scales to unit length without touching the input', () => {
    const input = [3, 4];
    const v = l2normalize(input);
    expect(Array.from(v)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(input).toEqual([3, 4]);
  });

  it('leaves a zero vector as zeros for validateVectors to reject', () => {
    expect(Array.from(l2normalize([0, 0, 0]))).toEqual([0, 0, 0]);
  });
});
