import { setTimeout as sleep } from 'node:timers/promises';
import type { EmbedderInfo } from '../../contract';
import { QuarryError } from '../util/errors';
import type { Embedder, EmbedOptions } from './types';
import { l2normalize, validateVectors } from './validate';

/** Options of {@link OpenAIEmbedder.create}. */
export interface OpenAIEmbedderOptions {
  /** Server root, e.g. http://127.0.0.1:11434 (Ollama), http://127.0.0.1:1234 (LM Studio), https://api.openai.com. A trailing /v1 is accepted. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** Known dimension; when absent, create() asks the server once with a probe text. */
  dimension?: number;
  /** Texts per request. */
  batchSize?: number;
  /** Per request. */
  timeoutMs?: number;
  /** Further attempts after a 429, a 5xx, a timeout or a network failure. */
  retries?: number;
  /** Base of the jittered exponential backoff. */
  retryDelayMs?: number;
  fetch?: typeof fetch;
}

interface EmbeddingsResponse {
  data?: Array<{ embedding?: number[]; index?: number }>;
}

/**
 * Embeddings from an OpenAI-compatible server: `POST {baseUrl}/v1/embeddings` with
 * `{ model, input: string[] }`. Works with Ollama, LM Studio, llama.cpp's server and OpenAI.
 * Retries 429, 5xx, timeouts and network failures with full-jitter backoff (honouring
 * Retry-After); other errors fail at once with a typed error. The key is never logged.
 *
 * @example
 * const e = await OpenAIEmbedder.create({ baseUrl: 'http://127.0.0.1:11434', model: 'nomic-embed-text' });
 */
export class OpenAIEmbedder implements Embedder {
  readonly info: EmbedderInfo;
  private readonly url: string;
  private readonly doFetch: typeof fetch;

  private constructor(
    private readonly opts: OpenAIEmbedderOptions,
    dimension: number,
  ) {
    this.url = `${opts.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1/embeddings`;
    this.doFetch = opts.fetch ?? fetch;
    // Same model name on two servers may be two models: the server is part of the id (and so
    // of the embedding cache's key).
    this.info = { id: `openai:${opts.model}@${new URL(this.url).host}`, dimension, kind: 'openai' };
  }

  /**
   * Checks the options and, without a dimension, asks the server for one embedding to learn it.
   *
   * @throws QuarryError INVALID_INPUT, UNAUTHORIZED, NETWORK, TIMEOUT, PROVIDER_FAILED.
   */
  static async create(opts: OpenAIEmbedderOptions): Promise<OpenAIEmbedder> {
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch {
      throw new QuarryError('INVALID_INPUT', `"${opts.baseUrl}" is not a valid server address.`, { hint: 'Use a full URL such as http://127.0.0.1:11434.' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new QuarryError('INVALID_INPUT', `The embedding server must be http or https, not ${url.protocol}`);
    }
    if (!opts.model) throw new QuarryError('INVALID_INPUT', 'An embedding model name is required.');
    if (opts.dimension !== undefined) return new OpenAIEmbedder(opts, opts.dimension);
    const probe = new OpenAIEmbedder(opts, 0);
    const [v] = await probe.request(['dimension probe']);
    if (v.length === 0) throw probe.malformed('the probe embedding is empty');
    return new OpenAIEmbedder(opts, v.length);
  }

  /** Unit-length vectors in input order. */
  async embed(texts: string[], opts: EmbedOptions = {}): Promise<Float32Array[]> {
    const batch = Math.max(1, this.opts.batchSize ?? 64);
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += batch) {
      const vectors = await this.request(texts.slice(i, i + batch), opts.signal);
      for (const v of vectors) out.push(l2normalize(v));
    }
    validateVectors(out, this.info.dimension, texts.length);
    return out;
  }

  async close(): Promise<void> {}

  /** One batch, with retries. */
  private async request(input: string[], signal?: AbortSignal): Promise<number[][]> {
    const retries = this.opts.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(input, signal);
      } catch (e) {
        const err = e as QuarryError;
        if (!err.retryable || attempt >= retries || signal?.aborted) throw err;
        // Full jitter, unless the server said when to come back (capped: a minute at most).
        const cap = Math.min((this.opts.retryDelayMs ?? 500) * 2 ** attempt, 20_000);
        const after = err instanceof RetryableError ? err.retryAfterMs : undefined;
        const wait = after !== undefined ? Math.min(after, 60_000) : Math.random() * cap;
        try {
          await sleep(wait, undefined, { signal });
        } catch (abort) {
          throw new QuarryError('CANCELLED', 'Embedding was cancelled.', { cause: abort });
        }
      }
    }
  }

  private async attempt(input: string[], signal?: AbortSignal): Promise<number[][]> {
    const timeoutMs = this.opts.timeoutMs ?? 60_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.opts.apiKey) headers.authorization = `Bearer ${this.opts.apiKey}`;
    let res: Response;
    let text: string;
    try {
      res = await this.doFetch(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: this.opts.model, input, encoding_format: 'float' }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await res.text();
    } catch (e) {
      if (signal?.aborted) throw new QuarryError('CANCELLED', 'Embedding was cancelled.', { cause: e });
      if (timeout.aborted) {
        throw new QuarryError('TIMEOUT', `The embedding server at ${this.opts.baseUrl} did not answer within ${timeoutMs / 1000} s.`, {
          hint: 'A local server may still be loading the model; try again, or raise the timeout.',
          retryable: true,
          cause: e,
        });
      }
      const detail = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
      throw new QuarryError('NETWORK', `Cannot reach the embedding server at ${this.opts.baseUrl}: ${detail}.`, {
        hint: 'Check that the server is running and the address is right.',
        retryable: true,
        cause: e,
      });
    }
    if (!res.ok) throw this.httpError(res, text);
    let body: EmbeddingsResponse;
    try {
      body = JSON.parse(text) as EmbeddingsResponse;
    } catch {
      throw this.malformed('the answer is not JSON');
    }
    const data = body.data;
    if (!Array.isArray(data) || data.length !== input.length) {
      throw this.malformed(`expected ${input.length} embeddings, got ${Array.isArray(data) ? data.length : 'none'}`);
    }
    // The spec orders results by `index`; some servers do not keep input order.
    const sorted = data.every((d) => typeof d.index === 'number') ? [...data].sort((a, b) => (a.index as number) - (b.index as number)) : data;
    return sorted.map((d, i) => {
      if (!Array.isArray(d.embedding)) throw this.malformed(`embedding ${i} is missing`);
      return d.embedding;
    });
  }

  private httpError(res: Response, text: string): QuarryError {
    const message = serverMessage(text);
    const where = `${this.opts.baseUrl} (model ${this.opts.model})`;
    if (res.status === 401 || res.status === 403) {
      return new QuarryError('UNAUTHORIZED', `The embedding server at ${where} refused the API key (HTTP ${res.status})${message ? `: ${message}` : ''}.`, {
        hint: this.opts.apiKey ? 'Check the API key in Settings → Embeddings.' : 'This server needs an API key: add it in Settings → Embeddings.',
      });
    }
    if (res.status === 429 || res.status >= 500) {
      const header = res.headers.get('retry-after');
      const after = header === null ? NaN : Number(header);
      return new RetryableError(`The embedding server at ${where} answered HTTP ${res.status}${message ? `: ${message}` : ''}.`, {
        hint: res.status === 429 ? 'The server is rate-limiting; wait a moment and try again.' : 'The server failed; try again later.',
        retryAfterMs: Number.isFinite(after) && after >= 0 ? after * 1000 : undefined,
      });
    }
    return new QuarryError('PROVIDER_FAILED', `The embedding server at ${where} rejected the request (HTTP ${res.status})${message ? `: ${message}` : ''}.`, {
      hint: res.status === 404 ? `Check the model name and the address; for Ollama run \`ollama pull ${this.opts.model}\`.` : 'Check the model name and server settings.',
    });
  }

  private malformed(detail: string): QuarryError {
    return new QuarryError('PROVIDER_FAILED', `The embedding server at ${this.opts.baseUrl} sent a malformed answer: ${detail}.`, {
      hint: 'Check that the address points at an OpenAI-compatible /v1/embeddings endpoint.',
    });
  }
}

/** A 429 or 5xx answer, with the server's Retry-After when it sent one. */
class RetryableError extends QuarryError {
  readonly retryAfterMs?: number;

  constructor(message: string, opts: { hint: string; retryAfterMs?: number }) {
    super('PROVIDER_FAILED', message, { hint: opts.hint, retryable: true });
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** The error text an OpenAI-style server put in its body, shortened; never the request. */
function serverMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    const m = typeof body.error === 'string' ? body.error : (body.error?.message ?? body.message);
    if (m) return m.slice(0, 300);
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.trim().slice(0, 300);
}
