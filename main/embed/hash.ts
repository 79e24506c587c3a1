import type { EmbedderInfo } from '../../contract';
import { QuarryError } from '../util/errors';
import type { Embedder, EmbedOptions } from './types';
import { l2normalize, validateVectors } from './validate';

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * A deterministic feature-hashing embedder: lower-cased words and their character trigrams are
 * hashed (FNV-1a, signed) into `dimension` buckets and the result is L2-normalised. It needs
 * no model and no download, so it serves tests and is the offline last resort; it captures
 * word overlap (and some morphology through trigrams), not meaning.
 *
 * @example
 * const e = new HashEmbedder(256);
 * const [v] = await e.embed(['hello world']); // Float32Array(256), unit length
 */
export class HashEmbedder implements Embedder {
  readonly info: EmbedderInfo;

  constructor(readonly dimension = 256) {
    if (!Number.isInteger(dimension) || dimension < 2) {
      throw new QuarryError('INVALID_INPUT', `Hash embedding dimension must be an integer of at least 2, got ${dimension}.`);
    }
    this.info = { id: `hash-${dimension}`, dimension, kind: 'hash' };
  }

  /** Embeds synchronously under the hood; the signal is honoured before work starts. */
  async embed(texts: string[], opts: EmbedOptions = {}): Promise<Float32Array[]> {
    if (opts.signal?.aborted) throw new QuarryError('CANCELLED', 'Embedding was cancelled.');
    const out = texts.map((t) => hashVector(t, this.dimension));
    validateVectors(out, this.dimension, texts.length);
    return out;
  }

  async close(): Promise<void> {}
}

/** The hash embedding of one text (exported for tests and for callers that need it inline). */
export function hashVector(text: string, dimension: number): Float32Array {
  const v = new Float32Array(dimension);
  // A constant feature keeps empty or symbol-only text from producing a zero vector, which
  // validateVectors would (rightly) reject.
  add(v, '\u0000bias', 0.1);
  for (const m of text.toLowerCase().matchAll(WORD)) {
    const w = m[0];
    add(v, w, 1);
    const padded = `<${w}>`;
    for (let i = 0; i + 3 <= padded.length; i++) add(v, padded.slice(i, i + 3), 0.5);
  }
  return l2normalize(v);
}

function add(v: Float32Array, feature: string, weight: number): void {
  const h = fnv1a(feature);
  // The top bit picks the sign so collisions cancel out on average instead of piling up.
  const sign = h & 0x80000000 ? -1 : 1;
  v[(h & 0x7fffffff) % v.length] += sign * weight;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
