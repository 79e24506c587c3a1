import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findModel, loadManifest, modelDir, parseManifest } from '../../../main/embed/manifest';

const file = { path: 'a.bin', url: 'https://example.org/a.bin', sha256: null, size: null };
const model = { id: 'm', kind: 'embedding', name: 'M', license: 'MIT', source: 'https://example.org', runtime: 'transformers', files: [file] };

describe('the bundled manifest', () => {
  const manifest = loadManifest();

  it('lists the default embedder, a multilingual one, a reranker and a chat model', () => {
    const byId = new Map(manifest.models.map((m) => [m.id, m]));
    expect(byId.get('bge-small-en-v1.5')).toMatchObject({ kind: 'embedding', default: true, dtype: 'q8', dimension: 384, pooling: 'cls' });
    expect(byId.get('multilingual-e5-small')).toMatchObject({ queryPrefix: 'query: ', passagePrefix: 'passage: ', pooling: 'mean' });
    expect(byId.get('ms-marco-minilm-l-6-v2')?.kind).toBe('reranker');
    expect(byId.get('qwen2.5-1.5b-instruct-q4_k_m')).toMatchObject({ kind: 'llm', runtime: 'llama-cpp' });
  });

  it('points every file at a Hugging Face resolve URL', () => {
    for (const m of manifest.models) {
      for (const f of m.files) expect(f.url).toMatch(/^https:\/\/huggingface\.co\/[^/]+\/[^/]+\/resolve\/main\//);
    }
  });

  it('explains null checksums in its notes', () => {
    expect(manifest.notes.join(' ')).toMatch(/pins the sha256/);
  });
});

describe('parseManifest', () => {
  it('rejects a file path that escapes the model folder', () => {
    const bad = { version: 1, models: [{ ...model, files: [{ ...file, path: '../../etc/passwd' }] }] };
    expect(() => parseManifest(bad)).toThrow(/models\.0\.files\.0\.path/);
  });

  it('rejects an absolute file path and a malformed sha256', () => {
    expect(() => parseManifest({ version: 1, models: [{ ...model, files: [{ ...file, path: '/abs' }] }] })).toThrow(/invalid/);
    expect(() => parseManifest({ version: 1, models: [{ ...model, files: [{ ...file, sha256: 'XYZ' }] }] })).toThrow(/sha256/);
  });

  it('rejects duplicate ids', () => {
    expect(() => parseManifest({ version: 1, models: [model, model] })).toThrow(/twice/);
  });
});

describe('findModel and modelDir', () => {
  it('names the known ids when one is unknown', () => {
    expect(() => findModel('nope')).toThrow(expect.objectContaining({ code: 'NOT_FOUND', hint: expect.stringContaining('bge-small-en-v1.5') }));
  });

  it('puts a model under <models>/<id> and refuses ids that are paths', () => {
    expect(modelDir('/data/models', 'bge-small-en-v1.5')).toBe(path.join('/data/models', 'bge-small-en-v1.5'));
    expect(() => modelDir('/data/models', '../x')).toThrow(/not a valid model id/);
  });
});
