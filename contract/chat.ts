import { z } from 'zod';
import { ErrorInfo } from './errors';

/**
 * Cited answers and conversations, as the UI sees them. The engine's answers module
 * (main/answer/) produces these shapes; the transports carry them.
 */

/** A source as cited in an answer: where the supporting quote is, for the source viewer. */
export const Citation = z.object({
  n: z.number().int(),
  chunkId: z.string(),
  docId: z.string(),
  docName: z.string(),
  path: z.string(),
  /** 1-based page where the quote starts. */
  page: z.number().int(),
  /** Page where the quote ends, when it runs over a page break; absent in older answers (then `page`). */
  pageEnd: z.number().int().optional(),
  /** Character offsets of the quote: `start` within page `page`, `end` within page `pageEnd` (or `page`). */
  start: z.number().int(),
  end: z.number().int(),
  quote: z.string(),
  /** 0..1: how well the citing sentences are supported by this source. */
  support: z.number(),
});
export type Citation = z.infer<typeof Citation>;

/** A sentence of an answer and whether its citations back it up. */
export const Claim = z.object({
  text: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  citations: z.array(z.number().int()),
  support: z.number(),
  status: z.enum(['supported', 'unsupported', 'uncited']),
});
export type Claim = z.infer<typeof Claim>;

export const AnswerProviderChoice = z.enum(['auto', 'local', 'remote', 'extractive']);

/** One question and its answer. */
export const ChatTurn = z.object({
  id: z.string(),
  question: z.string(),
  answer: z.string(),
  citations: z.array(Citation),
  claims: z.array(Claim),
  notFound: z.boolean(),
  /**
   * false when no sentence of the documents answers and the answer points to passages that
   * mention the question's terms instead; absent for an answer.
   */
  direct: z.literal(false).optional(),
  confidence: z.number(),
  /** Which provider answered (`none` when nothing relevant was found). */
  provider: z.string(),
  model: z.string().optional(),
  /**
   * Providers that are set up but did not answer (failed, or paused after failures) before the
   * one that did, with why: "your remote model did not answer" survives a reload.
   */
  fellBack: z.array(z.object({ provider: z.string(), message: z.string() })).optional(),
  createdAt: z.string(),
});
export type ChatTurn = z.infer<typeof ChatTurn>;

export const ChatSummary = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  turns: z.number().int(),
});
export type ChatSummary = z.infer<typeof ChatSummary>;

export const Chat = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  turns: z.array(ChatTurn),
});
export type Chat = z.infer<typeof Chat>;

export const AskRequest = z.object({
  question: z.string().trim().min(1).max(4000),
  /** Continue this chat; a new one is started when absent. */
  chatId: z.string().optional(),
  collection: z.string().optional(),
  doc: z.string().optional(),
  provider: AnswerProviderChoice.optional(),
});
export type AskRequest = z.input<typeof AskRequest>;

/** `chat.ask` answers at once; the answer itself streams as `chat.event`s with this askId. */
export const AskAccepted = z.object({ askId: z.string(), chatId: z.string() });
export type AskAccepted = z.infer<typeof AskAccepted>;

const ask = { askId: z.string(), chatId: z.string() };

/** The streamed answer, in order: retrieval, provider, tokens (and resets), citations, then done or error. */
export const ChatEvent = z.discriminatedUnion('type', [
  z.object({ ...ask, type: z.literal('retrieval'), query: z.string(), results: z.number().int(), tookMs: z.number() }),
  z.object({ ...ask, type: z.literal('provider'), provider: z.string() }),
  z.object({ ...ask, type: z.literal('token'), text: z.string() }),
  /** The text so far is discarded: a provider failed mid-answer and another takes over. */
  z.object({ ...ask, type: z.literal('reset'), reason: z.string() }),
  z.object({ ...ask, type: z.literal('citations'), citations: z.array(Citation), claims: z.array(Claim) }),
  z.object({ ...ask, type: z.literal('done'), turn: ChatTurn }),
  z.object({ ...ask, type: z.literal('error'), error: ErrorInfo }),
]);
export type ChatEvent = z.infer<typeof ChatEvent>;
