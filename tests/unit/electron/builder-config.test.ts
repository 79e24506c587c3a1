import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// js-yaml is what electron-builder itself reads this file with (installed with the toolchain).
import yaml from 'js-yaml';

// `npm run dist` cannot run here (no Electron binary, no macOS or Windows); this test reads
// electron-builder.yml and checks what packaging depends on.
const root = path.resolve(import.meta.dirname, '..', '..', '..');
const config = yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
type Platform = { target: (string | { target: string })[]; files?: string[] };
const platform = (name: string) => config[name] as Platform;
const targets = (name: string) => platform(name).target.map((t) => (typeof t === 'string' ? t : t.target));

describe('electron-builder.yml', () => {
  it('builds AppImage and deb for Linux, dmg for macOS, nsis for Windows', () => {
    expect(targets('linux')).toEqual(['AppImage', 'deb']);
    expect(targets('mac')).toEqual(['dmg']);
    expect(targets('win')).toEqual(['nsis']);
  });

  it('ships the built app and the data files the engine reads, not sources, maps or model caches', () => {
    const files = config.files as string[];
    expect(files).toEqual(expect.arrayContaining(['out/**/*', 'package.json', 'resources/prompts/**', 'models/manifest.json', '!**/*.map', '!models/cache/**']));
    expect(files.some((f) => /^(main|electron|renderer|contract)\//.test(f))).toBe(false);
  });

  it('keeps native modules and the worker entries out of the asar archive', () => {
    expect(config.asar).toBe(true);
    const unpack = config.asarUnpack as string[];
    for (const p of ['**/*.node', 'node_modules/@lancedb/**', 'node_modules/onnxruntime-node/**', 'node_modules/node-llama-cpp/**', 'node_modules/@node-llama-cpp/**', 'out/main/*-worker.js']) {
      expect(unpack).toContain(p);
    }
  });

  it('leaves out the other platforms’ prebuilt binaries on each target', () => {
    const others = { linux: ['darwin', 'win32', 'mac-', 'win-'], mac: ['linux', 'win32', 'win-'], win: ['linux', 'darwin', 'mac-'] } as const;
    for (const [name, words] of Object.entries(others)) {
      const excluded = (platform(name).files ?? []).filter((f) => f.startsWith('!')).join(' ');
      for (const w of words) expect(excluded, `${name} should exclude ${w}`).toContain(w);
      expect(excluded).toContain('onnxruntime-node');
      expect(excluded).toContain('@node-llama-cpp');
      expect(excluded).toContain('@lancedb/lancedb-');
    }
  });

  it('matches the output of electron-vite (out/main, out/preload, out/renderer)', () => {
    const viteConfig = readFileSync(path.join(root, 'electron.vite.config.ts'), 'utf8');
    for (const dir of ["'out', 'main'", "'out', 'preload'"]) expect(viteConfig).toContain(dir);
    const main = readFileSync(path.join(root, 'electron', 'main.ts'), 'utf8');
    expect(main).toContain("'preload', 'index.cjs'");
    expect(main).toContain("'engine-host.js'");
  });
});
