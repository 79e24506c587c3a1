import * as lancedb from '@lancedb/lancedb';

/**
 * Query-time settings of an approximate vector index. Each applies only to the index kinds
 * that read it: `nprobes` to IVF partitions (every kind here is IVF-based, HNSW included),
 * `ef` to HNSW graphs, `refineFactor` re-ranks `limit × refineFactor` candidates by their
 * full-precision vectors (worth it for PQ/SQ codes, pure cost for IVF-flat).
 */
export interface VectorQueryTuning {
  nprobes?: number;
  refineFactor?: number;
  ef?: number;
}

/** An index to build: the LanceDB config, a label for logs and benchmarks, and how to query it. */
export interface VectorIndexPlan {
  label: string;
  index: lancedb.Index;
  tuning: VectorQueryTuning;
}

/**
 * Below this many rows the vector column gets no index: an exact scan is fast enough and
 * always right (recall 1), and an IVF index trained on few rows clusters poorly.
 */
export const VECTOR_INDEX_MIN_ROWS = 50_000;

/**
 * The vector index for a table of `rows` vectors of `dimension` floats, or undefined below
 * the threshold. Cosine distance throughout (the embedders' vectors are normalised and the
 * searcher turns 1 - distance into a similarity).
 *
 * @example
 * const plan = vectorIndexPlan(await table.countRows(), 512);
 * if (plan) await table.createIndex('vector', { config: plan.index, replace: true });
 */
export function vectorIndexPlan(rows: number, dimension: number, minRows = VECTOR_INDEX_MIN_ROWS): VectorIndexPlan | undefined {
  if (rows < minRows) return undefined;
  const numPartitions = Math.max(16, Math.round(Math.sqrt(rows)));
  const numSubVectors = dimension % 16 === 0 ? dimension / 16 : dimension % 8 === 0 ? dimension / 8 : 1;
  return {
    label: `ivf_pq(p=${numPartitions},m=${numSubVectors})`,
    index: lancedb.Index.ivfPq({ distanceType: 'cosine', numPartitions, numSubVectors }),
    tuning: DEFAULT_TUNING.IVF_PQ,
  };
}

/** Query settings per index type, as `listIndices()` names them (upper-cased). */
const DEFAULT_TUNING: Record<string, VectorQueryTuning> = {
  IVF_PQ: { nprobes: 20, refineFactor: 4 },
};

/** The query settings for an existing index of `indexType` (a library built by an older version keeps working). */
export function tuningFor(indexType: string | undefined): VectorQueryTuning {
  const key = (indexType ?? '').toUpperCase();
  return DEFAULT_TUNING[key] ?? { nprobes: 20, refineFactor: 4 };
}

/** Applies `t` to a vector query; settings left undefined keep LanceDB's defaults. */
export function applyTuning(q: lancedb.VectorQuery, t: VectorQueryTuning): lancedb.VectorQuery {
  let out = q;
  if (t.nprobes !== undefined) out = out.nprobes(t.nprobes);
  if (t.ef !== undefined) out = out.ef(t.ef);
  if (t.refineFactor !== undefined) out = out.refineFactor(t.refineFactor);
  return out;
}
