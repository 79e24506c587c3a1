import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { ChatHistoryItem, Llama, LlamaContext, LlamaModel } from 'node-llama-cpp';
import { QuarryError } from '../../util/errors';
import type { ModelManifest } from '../../embed/manifest';
import type { LocalConfig } from '../config';
import { isModelPath, resolveModel } from '../models';
import type { AnswerProvider, GenerateRequest, GenerateResult, TokenBudget } from '../types';

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
}

export interface LocalProviderOptions {
  /** The models folder, `<dataDir>/models` (when `cfg.model` is a manifest id and `cfg.modelsDir` is unset). */
  modelsDir?: string;
  /** Defaults to the manifest shipped in models/manifest.json. */
  manifest?: ModelManifest;
}

/**
 * Threads for llama.cpp: half the logical cores (≈ the physical ones; hyper-threads slow
 * token generation down), at most 8. Setting it explicitly matters: left to its default on a
 * 2-core machine, generation was measured ~1000x slower (shared/models/stories260K-gguf/NOTE.txt).
 */
export function defaultThreads(): number {
  return Math.max(1, Math.min(8, Math.floor(availableParallelism() / 2)));
}

/**
 * A GGUF model run in-process by node-llama-cpp. The model is loaded on first use and kept,
 * then unloaded after `idleUnloadMs` without requests; requests run one at a time on one
 * context sequence. The context size comes from the model (its trained size, capped by
 * `maxContextTokens` and by what fits in memory) and prompts are counted with its own tokenizer.
 *
 * @example
 * const p = new LocalProvider(LocalConfig.parse({ model: '/models/qwen2.5-3b-instruct-q4_k_m.gguf' }));
 */
export class LocalProvider implements AnswerProvider {
  readonly name = 'local' as const;
  readonly remote = false;
  private loading: Promise<Loaded> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private active = 0;

  constructor(
    private readonly cfg: LocalConfig,
    private readonly opts: LocalProviderOptions = {},
  ) {}

  get model(): string {
    return isModelPath(this.cfg.model) ? path.basename(this.cfg.model) : this.cfg.model;
  }

  /** True while a model is loaded (or loading). */
  get isLoaded(): boolean {
    return this.loading !== undefined;
  }

  async budget(signal?: AbortSignal): Promise<TokenBudget> {
    const { model, context } = await this.load(signal);
    this.touch();
    return {
      contextTokens: context.contextSize,
      maxOutputTokens: Math.min(this.cfg.maxOutputTokens, Math.floor(context.contextSize / 4)),
      count: (t) => model.tokenize(t).length,
      exact: true,
    };
  }

  generate(req: GenerateRequest): Promise<GenerateResult> {
    // One sequence, one request at a time: queue behind any running generation.
    const run = this.queue.then(() => this.generateNow(req));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Frees the model now (it loads again on the next request). */
  async unload(): Promise<void> {
    clearTimeout(this.idleTimer);
    const loading = this.loading;
    this.loading = undefined;
    if (!loading) return;
    const l = await loading.catch(() => undefined);
    if (!l) return;
    await l.context.dispose();
    await l.model.dispose();
    await l.llama.dispose();
  }

  async close(): Promise<void> {
    await this.queue;
    await this.unload();
  }

  private async generateNow(req: GenerateRequest): Promise<GenerateResult> {
    req.signal.throwIfAborted();
    const { model, context } = await this.load(req.signal);
    const { LlamaChatSession } = await import('node-llama-cpp');
    const system = req.messages.find((m) => m.role === 'system')?.content ?? '';
    const rest = req.messages.filter((m) => m.role !== 'system');
    const last = rest.pop();
    if (!last || last.role !== 'user') throw new QuarryError('INTERNAL', 'A local generation needs a final user message');
    const promptTokens = req.messages.reduce((n, m) => n + model.tokenize(m.content).length, 0);
    const room = context.contextSize - promptTokens - 16;
    if (room < 8) {
      throw new QuarryError('PROVIDER_FAILED', `The prompt (${promptTokens} tokens) does not fit the local model's ${context.contextSize}-token context window`, {
        hint: 'Ask a shorter question, start a new chat, or choose a model with a larger context.',
      });
    }
    const session = new LlamaChatSession({ contextSequence: context.getSequence(), systemPrompt: system, autoDisposeSequence: true });
    this.active++;
    try {
      if (rest.length) session.setChatHistory([{ type: 'system', text: system }, ...rest.map(toHistoryItem)]);
      let completionTokens = 0;
      const meta = await session.promptWithMeta(last.content, {
        maxTokens: Math.min(req.maxTokens, room),
        temperature: this.cfg.temperature,
        signal: req.signal,
        onTextChunk: (t) => req.onToken(t),
        onToken: (tokens) => {
          completionTokens += tokens.length;
        },
      });
      return {
        text: meta.responseText,
        usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, exact: true },
        model: this.model,
        finishReason: meta.stopReason,
      };
    } finally {
      session.dispose();
      this.active--;
      this.touch();
    }
  }

  private load(signal?: AbortSignal): Promise<Loaded> {
    if (!this.loading) {
      this.loading = this.loadNow(signal);
      this.loading.catch(() => {
        this.loading = undefined;
      });
    }
    return this.loading;
  }

  private async loadNow(signal?: AbortSignal): Promise<Loaded> {
    const modelsDir = this.cfg.modelsDir ?? this.opts.modelsDir;
    if (!modelsDir && !isModelPath(this.cfg.model)) {
      throw new QuarryError('MODEL_MISSING', `No models folder is configured for the model id "${this.cfg.model}"`, {
        hint: 'Give the local model as a .gguf path, or run Quarry with a data folder.',
      });
    }
    const file = await resolveModel(this.cfg.model, {
      modelsDir: modelsDir ?? '',
      manifest: this.opts.manifest,
      download: this.cfg.autoDownload,
      signal,
    });
    // Loaded lazily: node-llama-cpp is a large native dependency that extractive-only users never need.
    const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
    let llama: Llama;
    try {
      llama = await getLlama({ gpu: this.cfg.gpu === 'off' ? false : this.cfg.gpu, logLevel: LlamaLogLevel.error });
    } catch (e) {
      throw new QuarryError('PROVIDER_FAILED', `llama.cpp could not start: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
        hint: 'Set the local model GPU option to "off" to run on the CPU.',
      });
    }
    try {
      const model = await llama.loadModel({ modelPath: file });
      const max = Math.min(model.trainContextSize || this.cfg.maxContextTokens, this.cfg.maxContextTokens);
      const context = await model.createContext({
        contextSize: { min: Math.min(512, max), max },
        sequences: 1,
        threads: this.cfg.threads ?? defaultThreads(),
      });
      return { llama, model, context };
    } catch (e) {
      await llama.dispose().catch(() => undefined);
      throw new QuarryError('MODEL_MISSING', `The local model ${path.basename(file)} could not be loaded: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
        hint: 'Check that the file is a complete GGUF model supported by this version of llama.cpp.',
      });
    }
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.active === 0) void this.unload();
      else this.touch();
    }, this.cfg.idleUnloadMs);
    // An idle timer must not keep the CLI process alive.
    this.idleTimer.unref();
  }
}

function toHistoryItem(m: { role: string; content: string }): ChatHistoryItem {
  return m.role === 'assistant' ? { type: 'model', response: [m.content] } : { type: 'user', text: m.content };
}
