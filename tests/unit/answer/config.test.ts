import { afterEach, describe, expect, it, vi } from 'vitest';
import { Answerer } from '../../../main/answer/answerer';
import { AnswerConfig, resolveChain } from '../../../main/answer/config';
import { LIBRARY } from './fixtures';
import { memorySearch } from './helpers/memory-search';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('AnswerConfig', () => {
  it('defaults to extractive answers with no model and no network', () => {
    const c = AnswerConfig.parse({});
    expect(c.provider).toBe('auto');
    expect(resolveChain(c)).toEqual(['extractive']);
    expect(c.privacy.redact).toBe('remote');
  });

  it('builds the fallback chain from what is configured', () => {
    const c = AnswerConfig.parse({ remote: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'm' }, local: { model: '/m.gguf' } });
    expect(resolveChain(c)).toEqual(['remote', 'local', 'extractive']);
    expect(resolveChain(AnswerConfig.parse({ ...c, chain: ['local', 'remote'] }))).toEqual(['local', 'remote', 'extractive']);
    expect(resolveChain(c, 'local')).toEqual(['local']);
  });

  it('rejects unknown or unconfigured providers with clear errors', () => {
    const c = AnswerConfig.parse({});
    expect(() => resolveChain(c, 'gpt')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => resolveChain(c, 'remote')).toThrow(expect.objectContaining({ code: 'PROVIDER_FAILED', hint: expect.stringContaining('base URL') }));
  });

  it('sends nothing anywhere when only local/extractive providers are configured', async () => {
    const fetchSpy = vi.fn(() => Promise.reject(new Error('no network allowed')));
    vi.stubGlobal('fetch', fetchSpy);
    const a = new Answerer({ local: { model: '/nowhere/missing.gguf' } }, memorySearch(LIBRARY));
    expect(a.status()).toMatchObject({ chain: ['local', 'extractive'], sendsData: false });
    const r = await a.answer({ question: 'What causes scurvy?' });
    expect(r.provider).toBe('extractive');
    expect(r.attempts[0].error?.code).toBe('MODEL_MISSING');
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('status shows each provider with its breaker', () => {
    const a = new Answerer({ remote: { baseUrl: 'http://127.0.0.1:1/v1', model: 'm' } }, memorySearch(LIBRARY));
    expect(a.status()).toEqual({
      chain: ['remote', 'extractive'],
      sendsData: true,
      privacy: 'remote',
      providers: [
        { provider: 'remote', model: 'm', state: 'closed', failures: 0 },
        { provider: 'extractive', model: 'extractive', state: 'closed', failures: 0 },
      ],
    });
  });
});
