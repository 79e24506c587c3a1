import { z } from 'zod';
import { FusionConfig, SearchMode } from '../../contract';

/** One document as a run returned it: its best passage's score and the retrievers behind it. */
export const RetrievedDoc = z.object({
  id: z.string(),
  score: z.number(),
  retrievers: z.array(z.string()),
});
export type RetrievedDoc = z.infer<typeof RetrievedDoc>;

/** What one query got, and why it scored as it did. */
export const QueryDiagnostics = z.object({
  qid: z.string(),
  query: z.string(),
  ndcg10: z.number(),
  recall100: z.number(),
  mrr10: z.number(),
  /** 1-based rank of the first relevant document among those returned; null when none came back. */
  firstRelevantRank: z.number().int().nullable(),
  /** The judged-relevant documents with their grade and 1-based rank (null: not returned). */
  relevant: z.array(z.object({ id: z.string(), grade: z.number(), rank: z.number().int().nullable() })),
  /** How many distinct documents the run returned. */
  returned: z.number().int(),
  /** The first documents returned, best first. */
  top: z.array(RetrievedDoc),
});
export type QueryDiagnostics = z.infer<typeof QueryDiagnostics>;

/**
 * A configuration as data: the mode, the embedder, the fusion in force and every search option
 * passed through to the searcher. New options need no change here — they travel in `search`.
 */
export const EvalConfig = z.object({
  /** A short human name for reports ("hybrid", "hybrid rrf dense=0.3", or the user's `--label`). */
  label: z.string(),
  mode: SearchMode,
  embedder: z.string(),
  fusion: FusionConfig.optional(),
  /** Documents ranked per query (the searcher's k). */
  depth: z.number().int().positive(),
  /** Options handed to the searcher as they are (candidates, headingBoost, exact, softBoost, …). */
  search: z.record(z.string(), z.unknown()),
  /** Fields added to every query (diversity, rerank, …), as the contract's SearchQuery parsed them. */
  query: z.record(z.string(), z.unknown()).default({}),
});
export type EvalConfig = z.infer<typeof EvalConfig>;

/** Mean metrics over a run's queries. */
export const Aggregates = z.object({
  'ndcg@10': z.number(),
  'recall@100': z.number(),
  'mrr@10': z.number(),
  queries: z.number().int(),
});
export type Aggregates = z.infer<typeof Aggregates>;

/** A saved evaluation run: `<data-dir>/eval/runs/<name>.json`. */
export const RunFile = z.object({
  version: z.literal(1),
  name: z.string(),
  /** The dataset folder's name (e.g. "scifact") and a fingerprint of its corpus. */
  dataset: z.string(),
  corpusKey: z.string(),
  documents: z.number().int(),
  split: z.string(),
  createdAt: z.string(),
  /** The git commit the code was at, when run from a checkout; `dirty` when it had local changes. */
  commit: z.string().nullable(),
  dirty: z.boolean().optional(),
  config: EvalConfig,
  aggregates: Aggregates,
  tookMs: z.number(),
  /** Seconds spent building the index for this run (0 when a cached index was reused). */
  indexSeconds: z.number().optional(),
  perQuery: z.array(QueryDiagnostics),
});
export type RunFile = z.infer<typeof RunFile>;
