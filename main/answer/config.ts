import { z } from 'zod';
import { QuarryError } from '../util/errors';
import type { ProviderName } from './types';

export const ProviderNameSchema = z.enum(['local', 'remote', 'extractive']);
export const ProviderChoiceSchema = z.enum(['auto', 'local', 'remote', 'extractive']);

const Timeouts = z.object({
  /** No first token within this → the attempt fails with TIMEOUT and the next provider is tried. */
  firstTokenMs: z.number().int().positive(),
  /** The whole generation must finish within this. */
  totalMs: z.number().int().positive(),
});

/** Any OpenAI-compatible chat-completions endpoint: OpenAI, Ollama, LM Studio, vLLM, llama.cpp server. */
export const RemoteConfig = z.object({
  /** Up to and including the version path, e.g. `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1`. */
  baseUrl: z.string().url(),
  /** Bearer key; local servers usually need none. Stored through safeStorage by the app, never logged. */
  apiKey: z.string().optional(),
  model: z.string().min(1),
  /** The model's context window in tokens (remote tokenizers are not available: counts are estimated). */
  contextTokens: z.number().int().min(512).default(8192),
  maxOutputTokens: z.number().int().min(16).default(700),
  temperature: z.number().min(0).max(2).default(0.1),
  /** Ask for a final usage chunk (`stream_options.include_usage`); turn off for servers that reject it. */
  includeUsage: z.boolean().default(true),
  headers: z.record(z.string(), z.string()).default({}),
  timeouts: Timeouts.default({ firstTokenMs: 20_000, totalMs: 120_000 }),
});
export type RemoteConfig = z.output<typeof RemoteConfig>;

/** A GGUF model run in-process by node-llama-cpp. */
export const LocalConfig = z.object({
  /** A path to a .gguf file, or a model id from the models manifest. */
  model: z.string().min(1),
  /** The models folder, `<dataDir>/models`, where manifest models are installed (the engine passes it). */
  modelsDir: z.string().optional(),
  /** Download a manifest model on first use instead of failing with "run quarry models pull". */
  autoDownload: z.boolean().default(false),
  /** CPU threads; default: half the logical cores (physical cores, roughly), at most 8. */
  threads: z.number().int().positive().optional(),
  /** `auto` lets node-llama-cpp pick CUDA/Vulkan/Metal when present; `off` forces CPU. */
  gpu: z.enum(['auto', 'off', 'cuda', 'vulkan', 'metal']).default('auto'),
  /** Cap on the context window; the model's own trained size is used when smaller. */
  maxContextTokens: z.number().int().min(256).default(8192),
  maxOutputTokens: z.number().int().min(16).default(512),
  temperature: z.number().min(0).max(2).default(0.1),
  /** Unload the model after this long without requests. */
  idleUnloadMs: z.number().int().positive().default(5 * 60_000),
  timeouts: Timeouts.default({ firstTokenMs: 60_000, totalMs: 300_000 }),
});
export type LocalConfig = z.output<typeof LocalConfig>;

/**
 * Everything that decides how answers are produced. With nothing set, answers are extractive:
 * no model, no network.
 *
 * @example
 * const cfg = AnswerConfig.parse({ remote: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5' } });
 * // cfg.provider === 'auto' → remote, then extractive when remote fails
 */
export const AnswerConfig = z.object({
  provider: ProviderChoiceSchema.default('auto'),
  /** Fallback order for `auto`; providers that are not configured are left out. */
  chain: z.array(ProviderNameSchema).min(1).default(['remote', 'local', 'extractive']),
  remote: RemoteConfig.optional(),
  local: LocalConfig.optional(),
  retry: z
    .object({
      /** Extra tries after the first, for 429/5xx/network errors only. */
      retries: z.number().int().min(0).max(5).default(2),
      baseMs: z.number().int().min(0).default(400),
      maxMs: z.number().int().min(0).default(8_000),
    })
    .default({ retries: 2, baseMs: 400, maxMs: 8_000 }),
  breaker: z
    .object({
      /** Consecutive failures that open the circuit. */
      failureThreshold: z.number().int().min(1).default(3),
      /** How long an open circuit refuses requests before one probe is let through. */
      cooldownMs: z.number().int().min(0).default(30_000),
    })
    .default({ failureThreshold: 3, cooldownMs: 30_000 }),
  privacy: z
    .object({
      /** Redact e-mails, phone, card and IBAN numbers from what is sent: to remote providers (default), always, or never. */
      redact: z.enum(['remote', 'always', 'never']).default('remote'),
    })
    .default({ redact: 'remote' }),
  retrieval: z
    .object({
      k: z.number().int().min(1).max(200).default(8),
      maxSources: z.number().int().min(1).max(20).default(6),
      expandSections: z.boolean().default(true),
      /**
       * Below this best-passage relevance (0..1) the answer is "not found". Calibrated on SciFact
       * train claims (bench/answer.ts): 0.3 wrongly refused 0.4% of answerable claims.
       */
      minRelevance: z.number().min(0).max(1).default(0.3),
    })
    .default({ k: 8, maxSources: 6, expandSections: true, minRelevance: 0.3 }),
  citations: z
    .object({
      /** Support (0..1) at or above which a cited sentence counts as supported. */
      supportThreshold: z.number().min(0).max(1).default(0.5),
    })
    .default({ supportThreshold: 0.5 }),
  extractive: z
    .object({
      maxSentences: z.number().int().min(1).max(10).default(3),
    })
    .default({ maxSentences: 3 }),
  memory: z
    .object({
      /** Previous turns given to the model and used to rewrite follow-up questions. */
      turns: z.number().int().min(0).max(20).default(3),
      /** Rewrite follow-ups with the model (falls back to a keyword heuristic). */
      llmRewrite: z.boolean().default(true),
    })
    .default({ turns: 3, llmRewrite: true }),
  /** Prompt template version under resources/prompts (`answer.v1.md`). */
  promptVersion: z.string().regex(/^v\d+$/).default('v1'),
});
export type AnswerConfig = z.output<typeof AnswerConfig>;
export type AnswerConfigInput = z.input<typeof AnswerConfig>;

/**
 * The providers to try, in order, for a request. `auto` keeps the configured chain minus the
 * providers that are not set up; extractive is always available, so auto always ends with it.
 * An explicit choice is honoured alone: the user asked for that provider, and gets its error.
 */
export function resolveChain(cfg: AnswerConfig, choice: string = cfg.provider): ProviderName[] {
  const configured = (p: ProviderName): boolean => p === 'extractive' || (p === 'remote' ? !!cfg.remote : !!cfg.local);
  if (choice !== 'auto') {
    const parsed = ProviderNameSchema.safeParse(choice);
    if (!parsed.success) {
      throw new QuarryError('INVALID_INPUT', `Unknown answer provider "${choice}"`, {
        hint: 'Use one of: auto, local, remote, extractive.',
      });
    }
    if (!configured(parsed.data)) {
      throw new QuarryError('PROVIDER_FAILED', `The ${parsed.data} answer provider is not set up`, {
        hint: parsed.data === 'remote' ? 'Set a base URL and model for the remote provider in settings.' : 'Choose a local GGUF model in settings.',
      });
    }
    return [parsed.data];
  }
  const chain = cfg.chain.filter(configured);
  if (!chain.includes('extractive')) chain.push('extractive');
  return chain;
}
