import { randomUUID } from 'node:crypto';
import type { ModelManifest } from '../embed/manifest';
import { QuarryError, toQuarryError } from '../util/errors';
import type { ChatStore } from './chats';
import { checkCitations, numberByAppearance } from './citations';
import { AnswerConfig, resolveChain, type AnswerConfigInput } from './config';
import { packSources } from './context';
import { citationStableEnd } from './markers';
import { lastTurns, rewriteQuestion } from './memory';
import { withPrivacy } from './privacy';
import { buildAnswerMessages, loadTemplate, notFoundText } from './prompt';
import { ExtractiveProvider, holdsKeyTerms, holdsTerm, NO_DIRECT_ANSWER } from './providers/extractive';
import { LocalProvider } from './providers/local';
import { RemoteProvider } from './providers/remote';
import { passageRelevance } from './relevance';
import { raceAbort } from './retry';
import { Router, type ProviderStatus, type RoutedError } from './router';
import { IncrementalText } from './stream';
import { contentTokens, exactTerms } from './text';
import type { AnswerDeps, AnswerEvent, AnswerProvider, AnswerResult, AskRequest, ProviderName, Source, Turn } from './types';
import { confidence, saysNotFound } from './verdict';

export interface AnswererOptions {
  /** Providers to use instead of (or besides) the configured ones — custom backends, tests. */
  providers?: Partial<Record<ProviderName, AnswerProvider>>;
  /** Persisted chats: with one, `chatId` requests load memory from and save answers to it. */
  chats?: ChatStore;
  promptsDir?: string;
  /** fetch for the remote provider (the app may route it through a proxy). */
  fetchImpl?: typeof fetch;
  /** The models folder, `<dataDir>/models`, for local models given by manifest id. */
  modelsDir?: string;
  /** Defaults to the manifest shipped in models/manifest.json. */
  manifest?: ModelManifest;
  now?: () => number;
  random?: () => number;
  /** Structured log lines; they never contain document text, prompts or keys. */
  log?: (entry: Record<string, unknown>) => void;
}

/** What `quarry status` shows about answering. */
export interface AnswerStatus {
  /** The chain `auto` uses, in order. */
  chain: ProviderName[];
  providers: ProviderStatus[];
  /** Whether any configured provider sends data off this machine. */
  sendsData: boolean;
  privacy: 'remote' | 'always' | 'never';
}

/**
 * Answers questions from the library with verified citations. Retrieves passages, decides
 * "not found" instead of guessing, routes generation over the provider chain, streams events,
 * checks every citation and (with a chat store) keeps the conversation.
 *
 * @example
 * const answerer = new Answerer({}, { search: (q) => engine.search(q) });
 * for await (const e of answerer.ask({ question: 'What causes scurvy?' })) {
 *   if (e.type === 'token') process.stdout.write(e.text);
 * }
 */
/**
 * The identifiers a question names (codes with a capital letter and two or more digits: E-4013,
 * INV-2024-0043, SQL0551N) when none of them is in any of the passages: found word for word
 * (dashes where letters meet digits optional, as search matches them) or as the same run of
 * words. Empty when the question names none, or any one is there.
 *
 * Acronyms (ROS, SSRI), short codes (APOE4, IL-6) and amounts (400mg) are left out: a passage
 * may spell them out ("reactive oxygen species"). Measured with `npm run bench -- answer`: with
 * every code exactTerms finds, 10 SciFact claims whose gold abstract was given said "not found"
 * (all acronyms, short codes or amounts).
 */
export function missingCodes(question: string, passages: readonly string[]): string[] {
  const codes = exactTerms(question).filter((t) => t.code && /\p{Lu}/u.test(t.text) && (t.text.match(/\p{N}/gu) ?? []).length >= 2 && !/^\p{N}+\p{Ll}+$/u.test(t.text));
  if (codes.length === 0) return [];
  const seqs = passages.map((p) => contentTokens(p));
  const present = codes.some((t) => passages.some((p, i) => holdsTerm(p, seqs[i], t)));
  return present ? [] : codes.map((t) => t.text);
}

export class Answerer {
  readonly config: AnswerConfig;
  private readonly router: Router;
  private readonly providers = new Map<ProviderName, AnswerProvider>();
  private readonly now: () => number;

  constructor(
    config: AnswerConfigInput,
    private readonly deps: AnswerDeps,
    private readonly opts: AnswererOptions = {},
  ) {
    this.config = AnswerConfig.parse(config);
    this.now = opts.now ?? Date.now;
    const c = this.config;
    const given = opts.providers ?? {};
    const extractive =
      given.extractive ??
      new ExtractiveProvider({ maxSentences: c.extractive.maxSentences, embedder: deps.embedder, minRelevance: c.retrieval.minRelevance });
    const remote = given.remote ?? (c.remote ? new RemoteProvider(c.remote, opts.fetchImpl) : undefined);
    const local = given.local ?? (c.local ? new LocalProvider(c.local, { modelsDir: opts.modelsDir, manifest: opts.manifest }) : undefined);
    const redact = (p: AnswerProvider): AnswerProvider =>
      c.privacy.redact === 'always' || (c.privacy.redact === 'remote' && p.remote) ? withPrivacy(p) : p;
    if (remote) this.providers.set('remote', redact(remote));
    if (local) this.providers.set('local', redact(local));
    this.providers.set('extractive', extractive);
    this.router = new Router(this.providers, {
      retry: c.retry,
      breaker: c.breaker,
      now: this.now,
      random: opts.random,
      timeouts: (name) => {
        if (name === 'remote' && c.remote) return c.remote.timeouts;
        if (name === 'local' && c.local) return c.local.timeouts;
        return { firstTokenMs: 30_000, totalMs: 60_000 };
      },
      onBreakerChange: (provider, from, to) => opts.log?.({ event: 'answer.breaker', provider, from, to }),
    });
  }

  status(): AnswerStatus {
    const chain = resolveChain(this.config, 'auto');
    return {
      chain,
      providers: this.router.status(),
      sendsData: chain.some((n) => this.providers.get(n)?.remote),
      privacy: this.config.privacy.redact,
    };
  }

  /**
   * Streams an answer as events: retrieval, provider, tokens (a `reset` discards the tokens so
   * far when a provider fails mid-answer), citations, then done or error. Breaking out of the
   * loop, or aborting `signal`, cancels the work at once.
   */
  ask(req: AskRequest, opts: { signal?: AbortSignal } = {}): AsyncIterableIterator<AnswerEvent> {
    const queue: AnswerEvent[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    const ctrl = new AbortController();
    const onAbort = (): void => ctrl.abort(opts.signal?.reason);
    if (opts.signal?.aborted) ctrl.abort(opts.signal.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const push = (e: AnswerEvent): void => {
      queue.push(e);
      wake?.();
    };
    this.answer(req, { signal: ctrl.signal, onEvent: push })
      .catch(() => undefined)
      .finally(() => {
        finished = true;
        wake?.();
      });
    return (async function* events(): AsyncGenerator<AnswerEvent> {
      try {
        for (;;) {
          const e = queue.shift();
          if (e) {
            yield e;
            if (e.type === 'done' || e.type === 'error') return;
            continue;
          }
          if (finished) return;
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
        }
      } finally {
        opts.signal?.removeEventListener('abort', onAbort);
        ctrl.abort();
      }
    })();
  }

  /**
   * Answers one question; `onEvent` receives the same events `ask` streams.
   * @throws QuarryError (CANCELLED when aborted; the provider's error when none succeeded)
   */
  async answer(req: AskRequest, opts: { signal?: AbortSignal; onEvent?: (e: AnswerEvent) => void } = {}): Promise<AnswerResult> {
    const signal = opts.signal ?? new AbortController().signal;
    const emit = (e: AnswerEvent): void => opts.onEvent?.(e);
    const id = randomUUID().slice(0, 8);
    const t0 = this.now();
    try {
      const result = await this.run(req, signal, emit, t0);
      if (req.chatId && this.opts.chats) await this.opts.chats.appendTurn(req.chatId, result);
      emit({ type: 'done', result });
      this.opts.log?.({ event: 'answer.done', id, provider: result.provider, notFound: result.notFound, ...result.timings });
      return result;
    } catch (e) {
      const err = signal.aborted ? new QuarryError('CANCELLED', 'The answer was cancelled') : toQuarryError(e);
      emit({ type: 'error', error: err.toInfo() });
      this.opts.log?.({ event: 'answer.error', id, code: err.code, attempts: (e as RoutedError).attempts?.length });
      throw err;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.providers.values()].map((p) => p.close().catch(() => undefined)));
  }

  private async run(req: AskRequest, signal: AbortSignal, emit: (e: AnswerEvent) => void, t0: number): Promise<AnswerResult> {
    const c = this.config;
    const question = req.question.trim();
    if (!question) throw new QuarryError('INVALID_INPUT', 'The question is empty', { hint: 'Type a question.' });
    if (signal.aborted) throw new QuarryError('CANCELLED', 'The answer was cancelled');
    const chain = resolveChain(c, req.provider ?? c.provider);
    const template = await loadTemplate('answer', c.promptVersion, this.opts.promptsDir);
    const history = lastTurns(req.history ?? (req.chatId && this.opts.chats ? await this.opts.chats.history(req.chatId, c.memory.turns) : []), c.memory.turns);
    const { query } = await this.standalone(question, history, chain, signal);

    const tr = this.now();
    const filters = { collection: req.collection, doc: req.doc };
    const found = await raceAbort(this.deps.search({ query, k: c.retrieval.k, filters }), signal);
    const retrieveMs = this.now() - tr;
    emit({ type: 'retrieval', query, results: found.results, tookMs: retrieveMs });
    const rel = await passageRelevance(query, found.results.map((r) => r.text), this.deps.embedder, signal);
    const topRelevance = Math.max(0, ...rel);
    const base = { question, query, retrieveMs, topRelevance, t0 };

    const scored = found.results.map((result, i) => ({ result, relevance: rel[i] }));
    const clear = topRelevance >= c.retrieval.minRelevance;
    // Below the bar, passages that hold every code, identifier or quoted phrase the question
    // names ("What does QSL stand for?" over a French paper that defines QSL) are still about
    // it: the question's other words are missing because they are in another language, or the
    // term sits in code. They go on, so a model can answer from them and quoting can point to
    // them; "not found" would be untrue. (A question naming no such term, whose passages hold
    // all its words, clears the bar anyway.)
    const terms = clear ? [] : exactTerms(query);
    const held = terms.length ? scored.filter((r) => holdsKeyTerms(query, r.result.text, terms)) : [];
    // A question about codes or IDs that no retrieved passage holds ("What does fault E-4013
    // mean?" when the manual lists E-4012) has no answer here, however well its other words
    // match: quoting sentences about faults would pass a near miss off as the answer.
    const absent = missingCodes(query, found.results.map((r) => r.text));
    if (found.results.length === 0 || (!clear && held.length === 0) || absent.length > 0) {
      const text = absent.length ? `${notFoundText(template)} No passage mentions ${absent.map((t) => `“${t}”`).join(' or ')}.` : notFoundText(template);
      emit({ type: 'token', text });
      return this.finish(base, { answer: text, notFound: true, provider: 'none', firstTokenMs: this.now() - t0 });
    }
    // Passages far below the bar only add noise for the model and the reader.
    const ranked = clear ? scored.filter((r) => r.relevance >= c.retrieval.minRelevance / 2) : held;

    const expand = c.retrieval.expandSections ? this.deps.expandSection?.bind(this.deps) : undefined;
    let current: { sources: Source[]; stream: IncrementalText } | undefined;
    let firstTokenAt: number | null = null;
    const routed = await this.router.run(
      chain,
      async (provider, sig) => {
        const budget = await provider.budget(sig);
        const fixed = buildAnswerMessages(template, { question, sources: [], history });
        const sources = await packSources(ranked, {
          budget,
          fixedTokens: budget.count(fixed.map((m) => m.content).join('\n')),
          maxSources: c.retrieval.maxSources,
          expand,
          signal: sig,
        });
        // Shown as it will be saved: markers to sources not given removed, numbered [1], [2], …
        // in order of first appearance.
        current = { sources, stream: new IncrementalText((raw) => numberByAppearance(raw, sources).answer, citationStableEnd) };
        firstTokenAt = null;
        return { messages: buildAnswerMessages(template, { question, sources, history }), question: query, sources, maxTokens: budget.maxOutputTokens };
      },
      {
        onToken: (t) => {
          const shown = current?.stream.push(t);
          if (!shown) return;
          firstTokenAt ??= this.now();
          emit({ type: 'token', text: shown });
        },
        onEvent: emit,
      },
      signal,
    );
    const rest = current?.stream.flush();
    if (rest) {
      firstTokenAt ??= this.now();
      emit({ type: 'token', text: rest });
    }
    const numbered = numberByAppearance(routed.result.text.trim(), current?.sources ?? []);
    const checked = await checkCitations(numbered.answer, numbered.sources, {
      threshold: c.citations.supportThreshold,
      embedder: this.deps.embedder,
      signal,
    });
    emit({ type: 'citations', citations: checked.citations, claims: checked.claims });
    const notFound = saysNotFound(checked.answer, notFoundText(template), checked.claims);
    // Quoting found no sentence that answers and points to passages instead: nothing answered.
    const direct = !(routed.provider.name === 'extractive' && checked.answer.startsWith(NO_DIRECT_ANSWER));
    if (notFound && !checked.answer) {
      // Nothing was streamed (no sentence qualified): show the not-found sentence as the answer.
      firstTokenAt ??= this.now();
      emit({ type: 'token', text: notFoundText(template) });
    }
    return this.finish(base, {
      answer: notFound && !checked.answer ? notFoundText(template) : checked.answer,
      notFound,
      direct,
      provider: routed.provider.name,
      model: routed.result.model ?? routed.provider.model,
      citations: notFound ? [] : checked.citations,
      claims: notFound ? [] : checked.claims,
      removedCitations: [...new Set([...numbered.removed, ...checked.removedCitations])].sort((a, b) => a - b),
      usage: routed.result.usage,
      attempts: routed.attempts,
      firstTokenMs: firstTokenAt === null ? null : firstTokenAt - t0,
    });
  }

  private finish(
    base: { question: string; query: string; retrieveMs: number; topRelevance: number; t0: number },
    r: Omit<Partial<AnswerResult>, 'direct'> & Pick<AnswerResult, 'answer' | 'notFound' | 'provider'> & { firstTokenMs: number | null; direct?: boolean },
  ): AnswerResult {
    const claims = r.claims ?? [];
    return {
      answer: r.answer,
      citations: r.citations ?? [],
      claims,
      confidence: confidence({
        notFound: r.notFound,
        direct: r.direct,
        topRelevance: base.topRelevance,
        minRelevance: this.config.retrieval.minRelevance,
        claims,
      }),
      notFound: r.notFound,
      ...(r.direct === false && !r.notFound ? { direct: false as const } : {}),
      provider: r.provider,
      ...(r.model ? { model: r.model } : {}),
      question: base.question,
      query: base.query,
      removedCitations: r.removedCitations ?? [],
      timings: { retrieveMs: base.retrieveMs, firstTokenMs: r.firstTokenMs, totalMs: this.now() - base.t0 },
      usage: r.usage ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0, exact: true },
      attempts: r.attempts ?? [],
    };
  }

  /** The follow-up rewritten into a standalone query, with the first generative provider when there is one. */
  private async standalone(question: string, history: Turn[], chain: ProviderName[], signal: AbortSignal): Promise<{ query: string }> {
    const llm = chain.filter((n) => n !== 'extractive' && this.providers.has(n));
    if (!this.config.memory.llmRewrite || llm.length === 0) return rewriteQuestion(question, history);
    const template = await loadTemplate('rewrite', this.config.promptVersion, this.opts.promptsDir);
    return rewriteQuestion(question, history, {
      template,
      complete: async (system, user) => {
        const out = await this.router.run(
          llm,
          async () => ({ messages: [{ role: 'system', content: system }, { role: 'user', content: user }], question, sources: [], maxTokens: 80 }),
          { onToken: () => undefined, onEvent: () => undefined },
          signal,
        );
        return out.result.text;
      },
    });
  }
}
