import type { ErrorInfo, SearchQuery, SearchResult, SearchResults } from '../../contract';
import type { Embedder } from '../embed/types';

/**
 * What answering needs from the rest of the engine. The search engine implements `search`;
 * `expandSection` returns the full text of a chunk's enclosing section (for context);
 * `embedder` adds embedding overlap to citation support scores.
 */
export interface AnswerDeps {
  search(q: SearchQuery): Promise<SearchResults>;
  expandSection?(sectionId: string): Promise<string | undefined>;
  embedder?: Embedder;
}

/** The three ways an answer can be produced. */
export type ProviderName = 'local' | 'remote' | 'extractive';
/** What a caller may ask for: one provider, or `auto` (the configured fallback chain). */
export type ProviderChoice = ProviderName | 'auto';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A passage handed to a provider, numbered the way the answer must cite it (`[n]`). */
export interface Source {
  /** 1-based citation number. */
  n: number;
  result: SearchResult;
  /** The text given to the model: the chunk, or its expanded section, possibly trimmed to fit. */
  text: string;
  /** Lexical/embedding relevance of this passage to the question, 0..1. */
  relevance: number;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** False when the provider did not report usage and the figures are estimates. */
  exact: boolean;
}

/** One generation request, already packed to fit the provider's context window. */
export interface GenerateRequest {
  messages: ChatMessage[];
  /** The standalone question (extractive answering works from this and the sources). */
  question: string;
  sources: Source[];
  maxTokens: number;
  signal: AbortSignal;
  /** Called with each piece of text as it is produced. */
  onToken(text: string): void;
}

export interface GenerateResult {
  text: string;
  usage: Usage;
  model?: string;
  finishReason?: string;
}

/** How much a provider can read, and how it counts tokens. */
export interface TokenBudget {
  /** Tokens the model reads and writes in one request (its context window). */
  contextTokens: number;
  /** Tokens the answer may use; reserved out of `contextTokens` when packing. */
  maxOutputTokens: number;
  count(text: string): number;
  /** True when `count` is the model's own tokenizer, false for an estimate. */
  exact: boolean;
}

/** A way of producing answer text. One implementation per file under `providers/`. */
export interface AnswerProvider {
  readonly name: ProviderName;
  /** True when requests leave the machine (privacy redaction applies). */
  readonly remote: boolean;
  /** The model this provider uses, for display ("gpt-4o-mini", "qwen2.5-3b.gguf"). */
  readonly model: string;
  budget(signal?: AbortSignal): Promise<TokenBudget>;
  generate(req: GenerateRequest): Promise<GenerateResult>;
  /** Frees models and connections. */
  close(): Promise<void>;
}

/** A source as cited in an answer: where the quoted evidence is and how well it supports the text. */
export interface Citation {
  n: number;
  chunkId: string;
  docId: string;
  docName: string;
  path: string;
  /** Page where the quote starts. */
  page: number;
  /**
   * Page where the quote ends (a quote, or the chunk it falls back to, may run over a page
   * break). Absent in answers saved before it existed: then it is `page`.
   */
  pageEnd?: number;
  /** Character offsets of the quote: `start` within page `page`'s text, `end` within page `pageEnd`'s. */
  start: number;
  end: number;
  /** The source sentence(s) that best support the citing claims. */
  quote: string;
  /** 0..1: how well the citing sentences are supported by this source. */
  support: number;
}

/** A sentence of the answer and whether its citations back it up. */
export interface Claim {
  text: string;
  /** [start, end) within the answer text. */
  start: number;
  end: number;
  citations: number[];
  support: number;
  /** `supported` (≥ threshold), `unsupported` (cited but not backed), `uncited` (a factual sentence without a citation). */
  status: 'supported' | 'unsupported' | 'uncited';
}

export interface Timings {
  retrieveMs: number;
  /** From the start of the request to the first answer token; null when no token came. */
  firstTokenMs: number | null;
  totalMs: number;
}

/** One try at a provider, kept so the answer can say what was tried and why it fell back. */
export interface Attempt {
  provider: ProviderName;
  ok: boolean;
  ms: number;
  error?: ErrorInfo;
  /** The provider was not tried: `paused` after repeated failures, or `not-configured`. */
  skipped?: boolean;
  reason?: 'paused' | 'not-configured';
}

/** A provider that is set up but did not write the answer, as a chat turn records it. */
export interface FellBack {
  provider: ProviderName;
  message: string;
}

export interface AnswerResult {
  answer: string;
  citations: Citation[];
  claims: Claim[];
  /** 0..1, from retrieval relevance and citation support; 0 for "not found" (there is no answer to be sure of). */
  confidence: number;
  /** Retrieval found nothing relevant (or the model said the sources do not answer it). */
  notFound: boolean;
  /**
   * False when no sentence answers and the answer points to passages that mention the question's
   * terms instead ("No sentence in your documents answers this directly. …"); absent otherwise.
   */
  direct?: false;
  /** Which provider produced the answer; `none` when nothing relevant was found. */
  provider: ProviderName | 'none';
  model?: string;
  /** The question as asked and the standalone query used for retrieval. */
  question: string;
  query: string;
  /** Citation numbers that pointed at sources that were not given, and were removed. */
  removedCitations: number[];
  timings: Timings;
  usage: Usage;
  attempts: Attempt[];
  chatId?: string;
}

/** Events of a streamed answer, in order: retrieval, provider, tokens (and resets), citations, done | error. */
export type AnswerEvent =
  | { type: 'retrieval'; query: string; results: SearchResult[]; tookMs: number }
  | { type: 'provider'; provider: ProviderName; attempt: number }
  | { type: 'token'; text: string }
  /** The text streamed so far is discarded (a provider failed mid-answer and another takes over). */
  | { type: 'reset'; reason: string }
  | { type: 'citations'; citations: Citation[]; claims: Claim[] }
  | { type: 'done'; result: AnswerResult }
  | { type: 'error'; error: ErrorInfo };

/** A previous question and answer of the same conversation. */
export interface Turn {
  question: string;
  answer: string;
}

export interface AskRequest {
  question: string;
  provider?: ProviderChoice;
  collection?: string;
  doc?: string;
  /** Continue this persisted chat (its last turns become conversation memory). */
  chatId?: string;
  /** Conversation memory given directly (used when there is no chat store). */
  history?: Turn[];
}
