import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { RerankSettings, Settings } from '../config';
import { listModels, pullModel } from '../embed/models';
import type { EventName, EventPayload, FullApiHandlers, ModelProgress, RemoteTestResult, SettingsView } from '../../contract';
import { QuarryError, toQuarryError } from '../util/errors';
import type { TransportEngine } from './types';

type SettingsHandlers = Pick<FullApiHandlers, 'settings.get' | 'settings.update' | 'settings.testRemote' | 'models.list' | 'models.pull'>;

export interface SettingsOptions {
  dataDir: string;
  /** 'secure': the desktop app keeps the API key in the OS keychain and hands it over as QUARRY_API_KEY. */
  keyStorage: 'secure' | 'environment';
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  /**
   * Applies new reranker settings to the running engine. With it, a save that changes only the
   * reranker takes effect at once (no restart); without it every save asks for one.
   */
  applyRerank?: (rerank: Partial<RerankSettings>) => Promise<void>;
}

type Raw = Record<string, unknown>;

/** The engine's live reranker switch, when it has one (test doubles may not). */
export function liveRerank(engine: object): SettingsOptions['applyRerank'] {
  const e = engine as { setRerank?: (r: Partial<RerankSettings>) => Promise<void> };
  return typeof e.setRerank === 'function' ? (r) => (e.setRerank as (r: Partial<RerankSettings>) => Promise<void>).call(engine, r) : undefined;
}

async function readRaw(file: string): Promise<Raw> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Raw;
  } catch (e) {
    throw new QuarryError('INVALID_INPUT', 'settings.json is not valid JSON, so it was left untouched.', { hint: 'Fix or delete the file, then try again.', cause: e });
  }
}

const obj = (v: unknown): Raw => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Raw) : {});

/**
 * Tests an OpenAI-compatible endpoint: lists its models (`GET <baseUrl>/models`) with the key,
 * and says whether the configured model is among them. Never throws: the answer carries the
 * typed error, for the Settings view to show next to the button.
 */
export async function testRemote(input: { baseUrl: string; model: string; apiKey?: string }, fetchImpl: typeof fetch = fetch, timeoutMs = 10_000): Promise<RemoteTestResult> {
  const t0 = performance.now();
  const took = (): number => Math.round(performance.now() - t0);
  try {
    const res = await fetchImpl(`${input.baseUrl.replace(/\/+$/, '')}/models`, {
      headers: input.apiKey ? { Authorization: `Bearer ${input.apiKey}` } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status === 401 || res.status === 403) {
      return { ok: false, models: [], tookMs: took(), error: { code: 'UNAUTHORIZED', message: `The server refused the API key (HTTP ${res.status}).`, hint: 'Check the key.' } };
    }
    if (!res.ok) {
      return { ok: false, models: [], tookMs: took(), error: { code: 'PROVIDER_FAILED', message: `The server answered HTTP ${res.status} to GET /models.`, hint: 'Check the base URL: it usually ends in /v1.' } };
    }
    const body = (await res.json().catch(() => ({}))) as { data?: { id?: unknown }[] };
    const models = (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
    return { ok: true, models, modelFound: models.length ? models.includes(input.model) : undefined, tookMs: took() };
  } catch (e) {
    const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
    return {
      ok: false,
      models: [],
      tookMs: took(),
      error: timedOut
        ? { code: 'TIMEOUT', message: `No answer from ${input.baseUrl} within ${timeoutMs / 1000} s.` }
        : { code: 'NETWORK', message: `Cannot reach ${input.baseUrl}.`, hint: 'Check the address and that the server is running.' },
    };
  }
}

/**
 * Adds the Settings methods to an engine: read and change the answer providers, the
 * embedder and the reranker in `<dataDir>/settings.json` (keys never go there), test a remote endpoint, list
 * and download the manifest's models with `models.progress` events. Changes to providers or
 * the embedder apply when the engine next starts; the answer says so.
 */
export function withSettings<E extends TransportEngine>(engine: E, opts: SettingsOptions): E & { readonly handlers: E['handlers'] & SettingsHandlers } {
  const env = opts.env ?? process.env;
  const file = path.join(opts.dataDir, 'settings.json');
  const modelsDir = path.join(opts.dataDir, 'models');
  const bus = new EventEmitter();
  const pulls = new Map<string, AbortController>();

  const view = async (): Promise<SettingsView> => {
    const raw = await readRaw(file);
    const answer = obj(raw.answer);
    const remote = obj(answer.remote);
    const local = obj(answer.local);
    const embedder = obj(raw.embedder);
    const provider = answer.provider;
    const redact = obj(answer.privacy).redact;
    const rerank = obj(raw.rerank);
    return {
      dataDir: opts.dataDir,
      answer: {
        provider: provider === 'extractive' || provider === 'local' || provider === 'remote' ? provider : 'auto',
        remote: typeof remote.baseUrl === 'string' && typeof remote.model === 'string' ? { baseUrl: remote.baseUrl, model: remote.model, hasKey: Boolean(env.QUARRY_API_KEY) } : undefined,
        local: typeof local.model === 'string' ? { model: local.model } : undefined,
        redact: redact === 'always' || redact === 'never' ? redact : 'remote',
      },
      embedder: { kind: typeof embedder.kind === 'string' ? embedder.kind : 'use', model: typeof embedder.model === 'string' ? embedder.model : undefined },
      keyStorage: opts.keyStorage,
      rerank: {
        model: typeof rerank.model === 'string' ? rerank.model : null,
        budgetMs: typeof rerank.budgetMs === 'number' ? rerank.budgetMs : RerankSettings.parse({}).budgetMs,
      },
    };
  };

  const handlers: SettingsHandlers = {
    'settings.get': view,
    'settings.update': async (update) => {
      if (update.answer?.remote?.apiKey !== undefined && opts.keyStorage === 'environment') {
        throw new QuarryError('INVALID_INPUT', 'This server keeps no API keys in its settings.', {
          hint: 'Start `quarry serve` with QUARRY_API_KEY set instead.',
        });
      }
      const raw = await readRaw(file);
      const answer = obj(raw.answer);
      const a = update.answer;
      if (a?.provider) answer.provider = a.provider;
      if (a?.redact) answer.privacy = { ...obj(answer.privacy), redact: a.redact };
      if (a?.remote === null) delete answer.remote;
      else if (a?.remote) {
        // The key (if any) was taken out by the desktop app before this point; never stored here.
        const { apiKey: _key, ...rest } = obj(answer.remote);
        answer.remote = { ...rest, baseUrl: a.remote.baseUrl, model: a.remote.model };
      }
      if (a?.local === null) delete answer.local;
      else if (a?.local) answer.local = { ...obj(answer.local), model: a.local.model };
      const next: Raw = { ...raw, answer };
      if (update.embedder) next.embedder = update.embedder;
      if (update.rerank) {
        const rerank = { ...obj(raw.rerank) };
        if (update.rerank.model === null) delete rerank.model;
        else if (update.rerank.model) rerank.model = update.rerank.model;
        if (update.rerank.budgetMs !== undefined) rerank.budgetMs = update.rerank.budgetMs;
        next.rerank = rerank;
      }
      const checked = Settings.safeParse(next);
      if (!checked.success) {
        const issue = checked.error.issues[0]!;
        throw new QuarryError('INVALID_INPUT', `These settings are not valid at ${issue.path.join('.')}: ${issue.message}`);
      }
      await mkdir(opts.dataDir, { recursive: true });
      await writeFile(`${file}.tmp`, JSON.stringify(next, null, 2));
      await rename(`${file}.tmp`, file);
      // The reranker is looked up per search: a change to it alone applies now. Answer
      // providers and the embedder are built when the engine starts.
      if (opts.applyRerank && update.rerank && !update.answer && !update.embedder) {
        await opts.applyRerank(checked.data.rerank);
        return { ok: true, restartRequired: false };
      }
      return { ok: true, restartRequired: true };
    },
    'settings.testRemote': async (input) => testRemote({ ...input, apiKey: input.apiKey ?? env.QUARRY_API_KEY }, opts.fetch),
    'models.list': async () => ({
      models: (await listModels(modelsDir)).map((m) => ({ id: m.id, kind: m.kind, name: m.name, license: m.license, state: m.state, bytesOnDisk: m.bytesOnDisk, bytesTotal: m.bytesTotal })),
    }),
    'models.pull': async ({ id }) => {
      if (pulls.has(id)) return { ok: true };
      const ctrl = new AbortController();
      pulls.set(id, ctrl);
      const emit = (p: ModelProgress): void => void bus.emit('models.progress', p);
      // Returns at once; the download reports through models.progress events.
      void pullModel(id, {
        dir: modelsDir,
        fetch: opts.fetch,
        signal: ctrl.signal,
        onProgress: (p) => emit({ id, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, bytesPerSecond: p.bytesPerSecond, state: 'downloading' }),
      })
        .then((s) => emit({ id, bytesDone: s.bytesOnDisk, bytesTotal: s.bytesTotal, bytesPerSecond: 0, state: 'done' }))
        .catch((e: unknown) => emit({ id, bytesDone: 0, bytesTotal: null, bytesPerSecond: 0, state: 'failed', error: toQuarryError(e).toInfo() }))
        .finally(() => pulls.delete(id));
      return { ok: true };
    },
  };

  const base = engine.handlers as E['handlers'];
  return Object.assign(Object.create(Object.getPrototypeOf(engine) as object) as E, engine, {
    handlers: { ...handlers, ...base } as E['handlers'] & SettingsHandlers,
    on<Ev extends EventName>(event: Ev, fn: (payload: EventPayload<Ev>) => void): () => void {
      if (event !== 'models.progress') return engine.on(event, fn);
      bus.on(event, fn);
      return () => void bus.off(event, fn);
    },
  });
}
