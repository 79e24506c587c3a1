/**
 * Answers with verified citations: providers (extractive, local GGUF, OpenAI-compatible remote),
 * a fallback router with circuit breakers, prompt templates, context packing, citation checking,
 * privacy redaction and persisted chats.
 */
export { Answerer, type AnswererOptions, type AnswerStatus } from './answerer';
export { AnswerConfig, LocalConfig, RemoteConfig, resolveChain, type AnswerConfigInput } from './config';
export { engineAnswerDeps, loadAnswerConfig, type AnswerEngine } from './engine-deps';
export { ChatStore, describeCost, type Chat, type ChatSummary, type ChatTurn } from './chats';
export { checkCitations, type CheckedAnswer } from './citations';
export { CircuitBreaker, type BreakerState, type BreakerStatus } from './breaker';
export { Router, type ProviderStatus } from './router';
export { Redactor } from './privacy';
export { ExtractiveProvider, selectEvidence } from './providers/extractive';
export { LocalProvider } from './providers/local';
export { RemoteProvider } from './providers/remote';
export { resolveModel, chatModelEntry, isModelPath } from './models';
export type * from './types';
