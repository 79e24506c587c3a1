import { z } from 'zod';
import { ErrorInfo } from './errors';

export const SearchMode = z.enum(['hybrid', 'vector', 'text']);
export type SearchMode = z.infer<typeof SearchMode>;

export const FileFormat = z.enum(['pdf', 'docx', 'text', 'markdown', 'html']);
export type FileFormat = z.infer<typeof FileFormat>;

export const DocStatus = z.enum(['queued', 'processing', 'ready', 'failed']);
export type DocStatus = z.infer<typeof DocStatus>;

/** File extensions Quarry reads (lower case, no dot): what a folder walk or upload picks up. */
export const SUPPORTED_EXTENSIONS: readonly string[] = ['pdf', 'docx', 'txt', 'text', 'md', 'markdown', 'html', 'htm'];

/** A document in the library, as the UI and `quarry docs --json` see it. */
export const DocumentInfo = z.object({
  docId: z.string(),
  name: z.string(),
  path: z.string(),
  format: FileFormat,
  collection: z.string(),
  tags: z.array(z.string()),
  title: z.string().optional(),
  author: z.string().optional(),
  createdAt: z.string().optional(),
  modifiedAt: z.string().optional(),
  pages: z.number().int(),
  pagesNeedingOcr: z.number().int(),
  chunks: z.number().int(),
  bytes: z.number().int(),
  contentHash: z.string(),
  addedAt: z.string(),
  status: DocStatus,
  error: ErrorInfo.optional(),
  /** Non-fatal problems (unreadable pages, pages needing OCR). */
  warnings: z.array(z.object({ page: z.number().int().optional(), code: z.string(), message: z.string() })),
});
export type DocumentInfo = z.infer<typeof DocumentInfo>;

/**
 * Warnings without repeats (same page, code and message), in their first order. The engine
 * stores them so; the library view applies it to libraries written before it did.
 */
export function uniqueWarnings<W extends { page?: number; code: string; message: string }>(warnings: W[]): W[] {
  if (warnings.length < 2) return warnings;
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const key = `${w.page ?? ''}\0${w.code}\0${w.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export const SearchFilters = z.object({
  collection: z.string().optional(),
  /** A document id, or a file name with or without extension. */
  doc: z.string().optional(),
  tags: z.array(z.string()).optional(),
  format: FileFormat.optional(),
  /** ISO dates: documents added in [addedAfter, addedBefore). */
  addedAfter: z.string().optional(),
  addedBefore: z.string().optional(),
});
export type SearchFilters = z.infer<typeof SearchFilters>;

/**
 * Maximal-marginal-relevance diversification of the top results, so that five passages from
 * one page do not crowd out everything else.
 */
export const Diversity = z.object({
  /** 1 keeps the ranking as it is; lower values trade relevance for novelty (0.7 is typical). */
  lambda: z.number().min(0).max(1).default(0.7),
  /** At most this many results from one page of one document before any other page's (0: no cap). */
  pageCap: z.number().int().min(0).max(50).default(2),
});
export type Diversity = z.input<typeof Diversity>;

export const SearchQuery = z.object({
  query: z.string().min(1).max(4000),
  k: z.number().int().min(1).max(200).default(10),
  mode: SearchMode.default('hybrid'),
  filters: SearchFilters.default({}),
  /** Cross-encoder reranking of the top candidates; unset follows the library's settings (on when a reranker model is set). */
  rerank: z.boolean().optional(),
  /** Diversify the top results (off when absent). */
  diversity: Diversity.optional(),
});
export type SearchQuery = z.input<typeof SearchQuery>;
export type SearchQueryParsed = z.output<typeof SearchQuery>;

export const Retriever = z.enum(['vector', 'text', 'exact']);
export type Retriever = z.infer<typeof Retriever>;

export const SearchResult = z.object({
  chunkId: z.string(),
  docId: z.string(),
  docName: z.string(),
  path: z.string(),
  /** 1-based page where the chunk starts. */
  page: z.number().int(),
  pageEnd: z.number().int(),
  /** Character offsets: `start` within page `page`, `end` within page `pageEnd`. */
  start: z.number().int(),
  end: z.number().int(),
  headingPath: z.array(z.string()),
  /** The enclosing section, for expanding a hit to its context. */
  sectionId: z.string(),
  score: z.number(),
  text: z.string(),
  /** The best window of the text with matched terms wrapped in «». */
  snippet: z.string(),
  /** Matched term spans within `snippet` ([start,end) pairs), for highlighting without parsing markers. */
  highlights: z.array(z.tuple([z.number().int(), z.number().int()])),
  retrievers: z.array(Retriever),
  /** The cross-encoder's score, when this result was among the reranked candidates. */
  rerankScore: z.number().optional(),
});
export type SearchResult = z.infer<typeof SearchResult>;

/** Why reranking did or did not change the order (stable codes: the UI and scripts match on them). */
export const RerankReason = z.enum(['applied', 'partial', 'model-missing', 'load-failed', 'loading', 'budget', 'invalid-scores', 'failed', 'too-few']);
export type RerankReason = z.infer<typeof RerankReason>;

/** What reranking did for one query: present whenever it was asked for. */
export const RerankInfo = z.object({
  /** False: the results are in the fused order, and `reason` says why. 'partial': only the top `candidates` were reranked in time. */
  applied: z.boolean(),
  reason: RerankReason,
  /** The reranker model (manifest id or folder name). */
  model: z.string().optional(),
  /** Candidates scored by the cross-encoder. */
  candidates: z.number().int(),
  /** Time spent reranking (waiting for the model included). */
  tookMs: z.number(),
  /** A sentence for people (the error, or the budget that was exceeded). */
  message: z.string().optional(),
});
export type RerankInfo = z.infer<typeof RerankInfo>;

export const SearchResults = z.object({
  query: z.string(),
  mode: SearchMode,
  tookMs: z.number(),
  results: z.array(SearchResult),
  rerank: RerankInfo.optional(),
  /** Diversification applied: its settings and how many of the top results it changed. */
  diversity: z.object({ lambda: z.number(), pageCap: z.number().int(), similarity: z.enum(['vectors', 'tokens']), changed: z.number().int() }).optional(),
  /**
   * IDs, codes and quoted phrases the query asked for that no passage searched holds verbatim
   * ("INV-2024-0043" when only INV-2024-0042 exists): the results are near misses, not matches.
   * Absent when every one was found, or when the query had none to look up.
   */
  missing: z.array(z.string()).optional(),
});
export type SearchResults = z.infer<typeof SearchResults>;

export const IngestRequest = z.object({
  paths: z.array(z.string().min(1)).min(1),
  collection: z.string().min(1).default('default'),
  password: z.string().optional(),
  tags: z.array(z.string()).default([]),
});
export type IngestRequest = z.input<typeof IngestRequest>;

export const IngestFailure = z.object({ path: z.string(), code: z.string(), message: z.string(), hint: z.string().optional() });
export type IngestFailure = z.infer<typeof IngestFailure>;

export const IngestReport = z.object({
  ingested: z.number().int(),
  unchanged: z.number().int(),
  failed: z.array(IngestFailure),
  /** Over the files ingested: chunk texts embedded and how many the embedding cache answered. */
  embedding: z.object({ texts: z.number().int(), cacheHits: z.number().int() }).optional(),
});
export type IngestReport = z.infer<typeof IngestReport>;

/** One file's own progress counts (IngestProgress.file, JobInfo.live). */
export const FileCounts = z.object({
  pagesDone: z.number().int(),
  pagesTotal: z.number().int(),
  chunksDone: z.number().int(),
  chunksTotal: z.number().int(),
  /**
   * Embed stage: texts of other files the shared embedder is expected to work through before
   * this file's last one (queued or in flight ahead of it, and the texts of files that began
   * waiting for queue space before it). An estimate; absent when unknown (not yet handed to the embedder).
   */
  chunksAhead: z.number().int().optional(),
  /**
   * Embed stage: the shared embedder's measured throughput (texts per second of busy time over
   * the last half minute). Absent until it has been measured: no rate, no ETA.
   */
  embedRate: z.number().optional(),
});
export type FileCounts = z.infer<typeof FileCounts>;

/** A running job's stage and own counts (JobInfo.live). */
export const JobLive = FileCounts.extend({ stage: z.enum(['parse', 'chunk', 'embed', 'index']) });
export type JobLive = z.infer<typeof JobLive>;

export const JobState = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobState>;

export const JobInfo = z.object({
  jobId: z.string(),
  path: z.string(),
  collection: z.string(),
  state: JobState,
  attempts: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  docId: z.string().optional(),
  /** The file was already in the library with the same content. */
  unchanged: z.boolean().optional(),
  /** Milliseconds spent per stage in the last run. */
  timings: z.object({ hashMs: z.number(), parseMs: z.number(), chunkMs: z.number(), embedMs: z.number(), indexMs: z.number() }).optional(),
  /** Chunk texts the last run embedded, and how many of them the embedding cache answered. */
  embedding: z.object({ texts: z.number().int(), cacheHits: z.number().int() }).optional(),
  error: ErrorInfo.optional(),
  /**
   * A running job's stage and counts right now, so a UI that (re)loads mid-ingest shows the
   * stage the engine is really in. Absent for jobs that are not running.
   */
  live: JobLive.optional(),
});
export type JobInfo = z.infer<typeof JobInfo>;

/** Progress of the ingestion queue: emitted as events, also readable as a snapshot. */
export const IngestProgress = z.object({
  jobId: z.string().optional(),
  path: z.string().optional(),
  stage: z.enum(['queued', 'parse', 'chunk', 'embed', 'index', 'done', 'failed', 'cancelled', 'unchanged']),
  filesDone: z.number().int(),
  filesTotal: z.number().int(),
  pagesDone: z.number().int(),
  pagesTotal: z.number().int(),
  chunksDone: z.number().int(),
  chunksTotal: z.number().int(),
  /** Estimated seconds left for the whole queue, when it can be estimated. */
  etaSeconds: z.number().optional(),
  error: ErrorInfo.optional(),
  /**
   * This job's own counts (the fields above add up the whole batch), so the library can draw a
   * progress bar per document. Optional: without it the UI falls back to the stage.
   */
  file: FileCounts.optional(),
});
export type IngestProgress = z.infer<typeof IngestProgress>;

export const EmbedderInfo = z.object({
  id: z.string(),
  dimension: z.number().int(),
  kind: z.enum(['use', 'transformers', 'openai', 'hash']),
});
export type EmbedderInfo = z.infer<typeof EmbedderInfo>;

export const FusionConfig = z.object({
  method: z.enum(['rrf', 'minmax']),
  /** Weight of the dense (vector) retriever; the lexical one gets 1 - denseWeight. */
  denseWeight: z.number().min(0).max(1),
  rrfK: z.number().positive().default(60),
  /** Where the figures came from ("default for use-512", "calibrated 2026-11-22 …"). */
  source: z.string().optional(),
});
export type FusionConfig = z.infer<typeof FusionConfig>;

/** One fusion setting's score on the calibration's pseudo-queries. */
export const CalibrationPoint = z.object({
  method: z.enum(['rrf', 'minmax']),
  denseWeight: z.number().min(0).max(1),
  ndcg10: z.number(),
  mrr10: z.number(),
});
export type CalibrationPoint = z.infer<typeof CalibrationPoint>;

/**
 * Fusion calibrated on this library (`quarry calibrate`, `library.calibrate`): pseudo-queries
 * built from sampled passages, scored by how well each setting finds their source document.
 */
export const CalibrationInfo = z.object({
  embedderId: z.string(),
  /** The chosen setting: the library's default fusion while this calibration is current. */
  config: FusionConfig,
  /** nDCG@10 of the chosen setting on the pseudo-queries. */
  score: z.number(),
  /** nDCG@10 of the best setting, and of dense weight 0 (lexical only). */
  bestScore: z.number(),
  lexicalScore: z.number(),
  /** Standard error of the best setting's paired gain over lexical only: differences below ~2× this are noise. */
  noise: z.number(),
  /** Highest minus lowest score over the grid: how much the choice matters on this library. */
  spread: z.number(),
  queries: z.number().int(),
  builder: z.string(),
  seed: z.number().int(),
  candidates: z.number().int(),
  /** Library size when calibrated: a move of more than 30% makes the calibration stale. */
  chunks: z.number().int(),
  documents: z.number().int(),
  createdAt: z.string(),
  tookMs: z.number(),
  grid: z.array(CalibrationPoint),
});
export type CalibrationInfo = z.infer<typeof CalibrationInfo>;

/** Calibration as `library.status` reports it. */
export const CalibrationStatus = CalibrationInfo.omit({ grid: true }).extend({
  /** Whether searches use it (not when settings.json overrides fusion for this embedder). */
  inUse: z.boolean(),
  /** The library moved by more than 30% since: still used, and re-run in the background. */
  stale: z.boolean(),
  staleReason: z.string().optional(),
});
export type CalibrationStatus = z.infer<typeof CalibrationStatus>;

/** Progress of a running calibration (also streamed as the `calibration.progress` event). */
export const CalibrationProgress = z.object({
  stage: z.enum(['sample', 'retrieve', 'score']),
  done: z.number().int(),
  total: z.number().int(),
});
export type CalibrationProgress = z.infer<typeof CalibrationProgress>;

export const CalibrateRequest = z
  .object({
    /** Pseudo-queries to sample (default 300). */
    sampleSize: z.number().int().min(20).max(5000).optional(),
    seed: z.number().int().optional(),
    builder: z.enum(['sentence', 'keyterms', 'masked', 'mixed']).optional(),
  })
  .default({});
export type CalibrateRequest = z.input<typeof CalibrateRequest>;

/**
 * A collection's name as the user types it. Control characters are refused: the name is shown
 * in the UI, printed by the CLI and written to collections.json.
 */
export const CollectionName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'A collection name cannot contain control characters.');

/** A collection and how many documents are in it (0 for one created and still empty). */
export const CollectionInfo = z.object({ name: z.string(), documents: z.number().int() });
export type CollectionInfo = z.infer<typeof CollectionInfo>;

export const LibraryStatus = z.object({
  dataDir: z.string(),
  documents: z.number().int(),
  chunks: z.number().int(),
  collections: z.array(CollectionInfo),
  embedder: EmbedderInfo,
  fusion: FusionConfig,
  jobs: z.object({ queued: z.number().int(), running: z.number().int(), failed: z.number().int(), done: z.number().int() }),
  failures: z.array(IngestFailure),
  indexes: z.object({ fts: z.boolean(), vector: z.boolean() }),
  /** Answer providers: the fallback chain and each provider's circuit breaker (this process's view). */
  answer: z
    .object({
      chain: z.array(z.string()),
      sendsData: z.boolean(),
      providers: z.array(
        z.object({ provider: z.string(), model: z.string(), state: z.enum(['closed', 'open', 'half-open']), failures: z.number().int(), retryAt: z.number().optional(), lastError: z.string().optional() }),
      ),
    })
    .optional(),
  /** Fusion calibrated on this library for the serving embedder, when there is one. */
  calibration: CalibrationStatus.optional(),
  /** A calibration running now (started by a user or re-run in the background). */
  calibrating: CalibrationProgress.optional(),
  /** An index rebuild for a newly chosen embedder, while the old index keeps serving. */
  rebuild: z.object({ target: z.string(), done: z.number().int(), total: z.number().int(), error: z.string().optional() }).optional(),
});
export type LibraryStatus = z.infer<typeof LibraryStatus>;

export const IngestAccepted = z.object({ jobIds: z.array(z.string()) });
export type IngestAccepted = z.infer<typeof IngestAccepted>;

/** A page's text (for the source viewer's text mode and highlighting). */
export const PageText = z.object({
  docId: z.string(),
  page: z.number().int(),
  pages: z.number().int(),
  text: z.string(),
  format: FileFormat,
});
export type PageText = z.infer<typeof PageText>;
