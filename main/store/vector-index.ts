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
 * always right. Measured (bench/scale, real USE vectors, 2 shared cores under load ~13): at
 * 20k rows exact search already costs p50 26 / p95 70 ms against 5.5 / 9.7 ms for HNSW-SQ
 * (recall@10 0.99), so the index pays for its ~20 s build from here on.
 */
export const VECTOR_INDEX_MIN_ROWS = 20_000;

/** One HNSW graph per this many rows: each partition is its own graph, which bounds the build's memory. */
const ROWS_PER_GRAPH = 250_000;
/** The largest HNSW ef tuningFor gives (4M rows and more). */
const MAX_EF = 1600;

/**
 * The vector index for a table of `rows` vectors, or undefined below the threshold: IVF-HNSW
 * with 8-bit scalar quantisation, one partition per 250k rows, m = 20, efConstruction = 150,
 * queried with ef = 200. Cosine distance throughout (the searcher turns 1 - distance into a
 * similarity). Chosen by bench/scale at 100k chunks (recall@10 against exact search over
 * 300 SciFact queries; latencies on 2 shared cores, load ~20, so pessimistic):
 *
 * | index (query settings)                 | recall@10 | vector p50/p95 ms | build s | index MB |
 * | IVF-PQ 316 parts, 32 sub (np 20, rf 4)  | 0.66      | 11.0 / 65.1       | 393     | 4.6      |
 * | IVF-PQ (np 40, rf 10)                   | 0.83      | 11.4 / 37.5       |         |          |
 * | IVF-flat 316 parts (np 40)              | 0.99      | 9.4 / 64.0        | 31      | 196      |
 * | IVF-RQ 1 bit (np 40, rf 10)             | 0.97      | 10.4 / 45.5       | 38      | 8.3      |
 * | IVF-HNSW-SQ 1 part (ef 200)             | 0.98      | 6.6 / 24.4        | 222     | 57       |
 * | exact scan                              | 1         | 646 / 1285        |         |          |
 *
 * PQ codes cannot tell a passage's near variants apart even with refine; HNSW-SQ meets the
 * recall bar at the lowest latency, and its graph takes new rows incrementally on optimize
 * (IVF centroids trained on the first rows go stale as a library grows).
 *
 * @example
 * const plan = vectorIndexPlan(await table.countRows(), 512);
 * if (plan) await table.createIndex('vector', { config: plan.index, replace: true });
 */
export function vectorIndexPlan(rows: number, dimension: number, minRows = VECTOR_INDEX_MIN_ROWS): VectorIndexPlan | undefined {
  if (rows < minRows || dimension < 1) return undefined;
  const numPartitions = Math.max(1, Math.round(rows / ROWS_PER_GRAPH));
  return {
    label: `hnsw_sq(partitions=${numPartitions},m=20,efConstruction=150)`,
    index: lancedb.Index.hnswSq({ distanceType: 'cosine', numPartitions, m: 20, efConstruction: 150 }),
    tuning: DEFAULT_TUNING.IVFHNSWSQ,
  };
}

/**
 * Query settings per index type, keyed by `listIndices()`'s indexType upper-cased without
 * separators ("IvfHnswSq" → IVFHNSWSQ). Libraries indexed by older versions keep IVF-PQ.
 */
const DEFAULT_TUNING: Record<string, VectorQueryTuning> = {
  // nprobes above the partition count searches every graph; ef 200 ≥ the searcher's 50 candidates.
  IVFHNSWSQ: { nprobes: 20, ef: 200 },
  IVFHNSWPQ: { nprobes: 20, ef: 200, refineFactor: 4 },
  // Measured at 100k: np 20 / rf 4 gave recall@10 0.66, np 40 / rf 10 0.83 — the best PQ can do here.
  IVFPQ: { nprobes: 40, refineFactor: 10 },
  IVFFLAT: { nprobes: 40 },
  IVFRQ: { nprobes: 40, refineFactor: 10 },
};

/**
 * The query settings for an existing index of `indexType` (as `listIndices()` reports it) over
 * `indexedRows` rows. HNSW's ef grows with the graphs searched (one per 250k rows), up to
 * MAX_EF: bench/scale with real USE vectors, 100 SciFact queries, recall@10 against exact —
 *
 * | rows | graphs | ef 100 | ef 200 | ef 400 | ef 800 | hybrid p95 at ef 200 / 400 / 800 |
 * | 100k | 1      | 0.965  | 0.977  |        |        | 22.4 ms                          |
 * | 1M   | 4      | 0.920  | 0.946  | 0.960  | 0.968  | 41.9 / 34.2 / 39.9 ms            |
 * | 1M (rebuilt) | 4 | 0.904 | 0.923 | 0.949 | 0.964 | 23.6 / 26.5 / 39.9 ms            |
 *
 * Two builds of the same 1M library differ (k-means starts at random): at ef 400 one fell
 * below 0.95, at ef 800 both stay above it with hybrid p95 at 40 ms against a 150 ms budget,
 * hence linear growth. The scaled library grows each real passage into ~160 noisy variants at
 * 1M, so its top 10s are near-ties: a pessimistic recall. Past 1M nothing was measured; the cap
 * bounds the latency there.
 */
export function tuningFor(indexType: string | undefined, indexedRows = 0): VectorQueryTuning {
  const key = (indexType ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
  const base = DEFAULT_TUNING[key] ?? { nprobes: 40, refineFactor: 10 };
  if (base.ef === undefined) return base;
  const graphs = Math.max(1, Math.round(indexedRows / ROWS_PER_GRAPH));
  return { ...base, ef: Math.min(MAX_EF, base.ef * graphs) };
}

/**
 * Applies `t` to a vector query for `limit` rows; settings left undefined keep LanceDB's
 * defaults. HNSW refuses an ef below the rows it must return (limit × refine factor: "ef
 * must be greater than or equal to k"), so ef is raised to that when a search asks for more.
 */
export function applyTuning(q: lancedb.VectorQuery, t: VectorQueryTuning, limit: number): lancedb.VectorQuery {
  let out = q;
  if (t.nprobes !== undefined) out = out.nprobes(t.nprobes);
  if (t.ef !== undefined) out = out.ef(Math.max(t.ef, limit * (t.refineFactor ?? 1)));
  if (t.refineFactor !== undefined) out = out.refineFactor(t.refineFactor);
  return out;
}
