import { QuarryError } from '../util/errors';

/**
 * Checks an embedder's output before anything is stored: the right number of vectors, each of
 * the declared dimension, every component finite, and no all-zero vector (a zero vector has no
 * direction, so cosine similarity with it is undefined and it would silently never match).
 *
 * @throws QuarryError('EMBEDDING_INVALID') naming the first bad vector.
 * @example
 * validateVectors(vectors, 384, texts.length);
 */
export function validateVectors(vectors: readonly ArrayLike<number>[], dimension: number, expectedCount?: number): void {
  if (expectedCount !== undefined && vectors.length !== expectedCount) {
    throw invalid(`expected ${expectedCount} vectors, got ${vectors.length}`);
  }
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i];
    if (!v || v.length !== dimension) {
      throw invalid(`vector ${i} has dimension ${v ? v.length : 'none'}, expected ${dimension}`);
    }
    let nonZero = false;
    for (let j = 0; j < v.length; j++) {
      const x = v[j];
      if (!Number.isFinite(x)) throw invalid(`vector ${i} has a non-finite component (${x}) at ${j}`);
      if (x !== 0) nonZero = true;
    }
    if (!nonZero) throw invalid(`vector ${i} is all zeros`);
  }
}

/**
 * Returns `v` scaled to unit length as a new Float32Array, so that dot product equals cosine
 * similarity. A zero vector is returned unchanged (as a copy) for validateVectors to reject.
 *
 * @example
 * const unit = l2normalize([3, 4]); // Float32Array [0.6, 0.8]
 */
export function l2normalize(v: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(v);
  let sum = 0;
  for (let i = 0; i < out.length; i++) sum += out[i] * out[i];
  if (sum === 0 || !Number.isFinite(sum)) return out;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < out.length; i++) out[i] *= inv;
  return out;
}

function invalid(detail: string): QuarryError {
  return new QuarryError('EMBEDDING_INVALID', `The embedding model returned unusable vectors: ${detail}.`, {
    hint: 'Try again; if it keeps happening, choose another embedding model in Settings.',
  });
}
