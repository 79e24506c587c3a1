import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { load } from '../../../bin/deps-loader.mjs';

const require = createRequire(import.meta.url);

describe('deps-loader (module hook registered after tsx)', () => {
  it("loads an installed package's ES module as it is, without the next hook (tsx)", async () => {
    const file = require.resolve('pdfjs-dist/legacy/build/pdf.mjs');
    const next = vi.fn();
    const out = await load(pathToFileURL(file).href, { format: 'module' }, next);
    expect(next).not.toHaveBeenCalled();
    expect(out.format).toBe('module');
    expect(out.shortCircuit).toBe(true);
    expect(Buffer.from(out.source as Uint8Array).equals(await readFile(file))).toBe(true);
  });

  it('passes our own sources, CommonJS and non-file URLs on to the next hook', async () => {
    const next = vi.fn(async () => ({ format: 'module', source: 'export {}' }));
    const ours = pathToFileURL(require.resolve('../../../main/engine.ts')).href;
    await load(ours, { format: 'module' }, next);
    const cjs = pathToFileURL(require.resolve('jszip')).href;
    await load(cjs, { format: 'commonjs' }, next);
    await load('node:fs', { format: 'builtin' }, next);
    expect(next.mock.calls.map((c) => (c as unknown[])[0])).toEqual([ours, cjs, 'node:fs']);
  });
});
