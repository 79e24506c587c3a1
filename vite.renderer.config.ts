// Builds the renderer for the browser (`quarry serve`, the e2e suite): `vite build -c vite.renderer.config.ts`
// writes out/renderer. The desktop build uses electron.vite.config.ts, which shares `rendererConfig`.
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const root = import.meta.dirname;

/**
 * Copies pdf.js's character maps, standard fonts and WebAssembly decoders next to the app
 * (out/renderer/pdfjs/…), where the viewer points pdf.js: CJK PDFs need the maps, PDFs
 * without embedded fonts need the fonts, and JPEG 2000 images need the decoders.
 */
export function pdfjsResources(): Plugin {
  let outDir = '';
  return {
    name: 'quarry-pdfjs-resources',
    apply: 'build',
    configResolved(c) {
      outDir = path.resolve(c.root, c.build.outDir);
    },
    writeBundle() {
      const src = path.join(root, 'node_modules', 'pdfjs-dist');
      for (const dir of ['cmaps', 'standard_fonts', 'wasm']) {
        const from = path.join(src, dir);
        if (existsSync(from)) cpSync(from, path.join(outDir, 'pdfjs', dir), { recursive: true });
      }
    },
  };
}

/** The renderer's Vite settings, shared by the browser build and electron-vite. */
export const rendererConfig: UserConfig = {
  root: path.join(root, 'renderer'),
  // Relative asset URLs work both from http://host/ and from file:// in the packaged app.
  base: './',
  plugins: [react(), pdfjsResources()],
  build: {
    outDir: path.join(root, 'out', 'renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
};

export default defineConfig(rendererConfig);
