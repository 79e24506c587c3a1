/**
 * The vector index configurations bench/scale.ts compares, each with the query settings it
 * sweeps. Partition counts follow LanceDB's guidance: √rows for IVF, few for HNSW (each
 * partition is its own graph; one graph per ~250k rows bounds the build's memory).
 */
import * as lancedb from '@lancedb/lancedb';
import type { VectorQueryTuning } from '../main/store/vector-index';

export interface IndexConfig {
  name: string;
  /** What is built, in words, for the table. */
  describe(rows: number): string;
  index(rows: number, dimension: number): lancedb.Index;
  settings: VectorQueryTuning[];
}

function ivfPartitions(rows: number): number {
  return Math.max(16, Math.round(Math.sqrt(rows)));
}

function hnswPartitions(rows: number): number {
  return Math.max(1, Math.round(rows / 250_000));
}

export const INDEX_CONFIGS: IndexConfig[] = [
  {
    name: 'ivf_flat',
    describe: (rows) => `IVF-flat, ${ivfPartitions(rows)} partitions`,
    index: (rows) => lancedb.Index.ivfFlat({ distanceType: 'cosine', numPartitions: ivfPartitions(rows) }),
    settings: [{ nprobes: 10 }, { nprobes: 20 }, { nprobes: 40 }],
  },
  {
    name: 'ivf_pq',
    describe: (rows) => `IVF-PQ, ${ivfPartitions(rows)} partitions, 32 sub-vectors x 8 bits`,
    index: (rows, dim) => lancedb.Index.ivfPq({ distanceType: 'cosine', numPartitions: ivfPartitions(rows), numSubVectors: dim / 16 }),
    settings: [{ nprobes: 20, refineFactor: 4 }, { nprobes: 20, refineFactor: 10 }, { nprobes: 40, refineFactor: 10 }],
  },
  {
    name: 'ivf_pq64',
    describe: (rows) => `IVF-PQ, ${ivfPartitions(rows)} partitions, 64 sub-vectors x 8 bits`,
    index: (rows, dim) => lancedb.Index.ivfPq({ distanceType: 'cosine', numPartitions: ivfPartitions(rows), numSubVectors: dim / 8 }),
    settings: [{ nprobes: 20, refineFactor: 4 }, { nprobes: 40, refineFactor: 4 }],
  },
  {
    name: 'ivf_rq',
    describe: (rows) => `IVF-RQ (RaBitQ), ${ivfPartitions(rows)} partitions, 1 bit/dim`,
    index: (rows) => lancedb.Index.ivfRq({ distanceType: 'cosine', numPartitions: ivfPartitions(rows), numBits: 1 }),
    settings: [{ nprobes: 20, refineFactor: 4 }, { nprobes: 40, refineFactor: 10 }],
  },
  {
    name: 'hnsw_sq',
    describe: (rows) => `IVF-HNSW-SQ, ${hnswPartitions(rows)} partition(s), m=20, efConstruction=150`,
    index: (rows) => lancedb.Index.hnswSq({ distanceType: 'cosine', numPartitions: hnswPartitions(rows), m: 20, efConstruction: 150 }),
    settings: [{ ef: 50 }, { ef: 100 }, { ef: 200 }, { ef: 400 }, { ef: 800 }, { ef: 100, refineFactor: 2 }],
  },
  {
    name: 'hnsw_pq',
    describe: (rows) => `IVF-HNSW-PQ, ${hnswPartitions(rows)} partition(s), m=20, efConstruction=150, 32 sub-vectors`,
    index: (rows, dim) => lancedb.Index.hnswPq({ distanceType: 'cosine', numPartitions: hnswPartitions(rows), m: 20, efConstruction: 150, numSubVectors: dim / 16 }),
    settings: [{ ef: 100, refineFactor: 4 }, { ef: 200, refineFactor: 10 }],
  },
];

/** "nprobes=20 rf=4 ef=100" */
export function tuningLabel(t: VectorQueryTuning): string {
  return [t.nprobes !== undefined && `nprobes=${t.nprobes}`, t.refineFactor !== undefined && `rf=${t.refineFactor}`, t.ef !== undefined && `ef=${t.ef}`].filter(Boolean).join(' ') || 'exact';
}
