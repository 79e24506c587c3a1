import type { RemoteConfig } from '../config';
import { ProviderError, parseRetryAfter } from '../retry';
import type { AnswerProvider, GenerateRequest, GenerateResult, TokenBudget, Usage } from '../types';
import { SseParser } from './sse';

/** A rough token count for servers whose tokenizer we cannot run: ~3.5 Latin characters a token, ~1 per CJK character. */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x2e80) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 3.5 + other);
}

interface ChunkJson {
  choices?: { delta?: { content?: string | null }; message?: { content?: string | null }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null;
  model?: string;
  error?: { message?: string } | string;
}

/**
 * Any OpenAI-compatible chat-completions API — OpenAI, Ollama, LM Studio, vLLM, llama.cpp
 * server — streamed over server-sent events. Failures are typed: 401/403 UNAUTHORIZED (never
 * retried), 429 and 5xx retryable with the server's Retry-After, network drops (also mid-stream)
 * NETWORK and retryable. Malformed stream lines are skipped, not fatal.
 *
 * @example
 * const p = new RemoteProvider(RemoteConfig.parse({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' }));
 */
export class RemoteProvider implements AnswerProvider {
  readonly name = 'remote' as const;
  readonly remote = true;
  /** Stream lines that were not valid JSON, skipped (kept for diagnostics). */
  malformedLines = 0;

  constructor(
    private readonly cfg: RemoteConfig,
    private readonly fetchImpl: typeof fetch = globalThis.fetch,
  ) {}

  get model(): string {
    return this.cfg.model;
  }

  async budget(): Promise<TokenBudget> {
    return { contextTokens: this.cfg.contextTokens, maxOutputTokens: this.cfg.maxOutputTokens, count: estimateTokens, exact: false };
  }

  async generate(req: GenerateRequest): Promise<GenerateResult> {
    const url = `${this.cfg.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    const body: Record<string, unknown> = {
      model: this.cfg.model,
      messages: req.messages,
      stream: true,
      temperature: this.cfg.temperature,
      max_tokens: req.maxTokens,
    };
    if (this.cfg.includeUsage) body.stream_options = { include_usage: true };
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream', ...this.cfg.headers };
    if (this.cfg.apiKey) headers.authorization = `Bearer ${this.cfg.apiKey}`;

    let res: Response;
    try {
      res = await this.fetchImpl(url, { method: 'POST', headers, body: JSON.stringify(body), signal: req.signal });
    } catch (e) {
      if (req.signal.aborted) throw e;
      throw this.networkError(e, 'Could not reach');
    }
    if (!res.ok) throw await this.httpError(res);
    const promptEstimate = req.messages.reduce((n, m) => n + estimateTokens(m.content) + 4, 0);
    if (!(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
      return this.fromJson((await res.json()) as ChunkJson, req, promptEstimate);
    }
    return this.fromStream(res, req, promptEstimate);
  }

  async close(): Promise<void> {}

  private async fromStream(res: Response, req: GenerateRequest, promptEstimate: number): Promise<GenerateResult> {
    if (!res.body) throw new ProviderError('PROVIDER_FAILED', 'The remote provider sent an empty response', { retryable: true });
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    let text = '';
    let usage: Usage | undefined;
    let finish: string | undefined;
    let model: string | undefined;
    let done = false;
    const handle = (data: string): void => {
      if (data.trim() === '[DONE]') {
        done = true;
        return;
      }
      let json: ChunkJson;
      try {
        json = JSON.parse(data) as ChunkJson;
      } catch {
        this.malformedLines++;
        return;
      }
      if (json.error) {
        const msg = typeof json.error === 'string' ? json.error : (json.error.message ?? 'unknown error');
        throw new ProviderError('PROVIDER_FAILED', `The remote provider failed mid-answer: ${clip(msg)}`, { retryable: true });
      }
      model = json.model ?? model;
      const choice = json.choices?.[0];
      const piece = choice?.delta?.content ?? choice?.message?.content;
      if (piece) {
        text += piece;
        req.onToken(piece);
      }
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (json.usage) usage = toUsage(json.usage);
    };
    try {
      while (!done) {
        const { value, done: eof } = await reader.read();
        if (eof) break;
        for (const data of parser.push(decoder.decode(value, { stream: true }))) handle(data);
      }
      if (!done) for (const data of parser.end()) handle(data);
    } catch (e) {
      if (req.signal.aborted || e instanceof ProviderError) throw e;
      throw this.networkError(e, 'The connection dropped while streaming from');
    } finally {
      reader.cancel().catch(() => undefined);
    }
    if (!done && !finish) {
      throw new ProviderError('NETWORK', `The connection to ${this.host()} closed before the answer was complete`, {
        retryable: true,
        hint: 'The server may have restarted; the answer will be retried.',
      });
    }
    return { text, usage: usage ?? estimated(promptEstimate, text), model: model ?? this.cfg.model, finishReason: finish ?? 'stop' };
  }

  private fromJson(json: ChunkJson, req: GenerateRequest, promptEstimate: number): GenerateResult {
    // Some servers ignore `stream: true` and answer in one JSON body: accept it.
    const text = json.choices?.[0]?.message?.content ?? '';
    if (text) req.onToken(text);
    return {
      text,
      usage: json.usage ? toUsage(json.usage) : estimated(promptEstimate, text),
      model: json.model ?? this.cfg.model,
      finishReason: json.choices?.[0]?.finish_reason ?? 'stop',
    };
  }

  private async httpError(res: Response): Promise<ProviderError> {
    let detail = '';
    try {
      const raw = await res.text();
      try {
        const j = JSON.parse(raw) as ChunkJson;
        detail = typeof j.error === 'string' ? j.error : (j.error?.message ?? raw);
      } catch {
        detail = raw;
      }
    } catch {
      // The body is only for the message; the status says enough.
    }
    const suffix = detail ? `: ${clip(detail)}` : '';
    const s = res.status;
    if (s === 401 || s === 403) {
      return new ProviderError('UNAUTHORIZED', `The remote provider at ${this.host()} rejected the API key (HTTP ${s})${suffix}`, {
        status: s,
        hint: 'Check the API key in the remote provider settings.',
      });
    }
    if (s === 429) {
      return new ProviderError('PROVIDER_FAILED', `The remote provider is rate-limiting requests (HTTP 429)${suffix}`, {
        status: s,
        retryable: true,
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
        hint: 'Wait a moment, or check your plan limits.',
      });
    }
    if (s >= 500) {
      return new ProviderError('PROVIDER_FAILED', `The remote provider failed (HTTP ${s})${suffix}`, {
        status: s,
        retryable: true,
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
      });
    }
    const hint = s === 404 ? `Check the base URL and that the model "${this.cfg.model}" exists on the server.` : 'Check the remote provider settings.';
    return new ProviderError('PROVIDER_FAILED', `The remote provider refused the request (HTTP ${s})${suffix}`, { status: s, hint });
  }

  private networkError(e: unknown, what: string): ProviderError {
    const cause = e instanceof Error ? ((e.cause as { code?: string } | undefined)?.code ?? e.message) : String(e);
    return new ProviderError('NETWORK', `${what} ${this.host()}: ${cause}`, {
      retryable: true,
      cause: e,
      hint: 'Check that the server is running and the base URL is right.',
    });
  }

  private host(): string {
    try {
      return new URL(this.cfg.baseUrl).host;
    } catch {
      return this.cfg.baseUrl;
    }
  }
}

function toUsage(u: NonNullable<ChunkJson['usage']>): Usage {
  const p = u.prompt_tokens ?? 0;
  const c = u.completion_tokens ?? 0;
  return { promptTokens: p, completionTokens: c, totalTokens: u.total_tokens ?? p + c, exact: true };
}

function estimated(prompt: number, text: string): Usage {
  const c = estimateTokens(text);
  return { promptTokens: prompt, completionTokens: c, totalTokens: prompt + c, exact: false };
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 200)}…` : one;
}
