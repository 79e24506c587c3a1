// The desktop build: `electron-vite build` writes out/main (main process + engine host),
// out/preload (the sandboxed bridge, CommonJS as sandboxed preloads require) and
// out/renderer (the same renderer as the browser build, see vite.renderer.config.ts).
import path from 'node:path';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './vite.renderer.config';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: path.join(root, 'out', 'main'),
      // npm dependencies (LanceDB, onnxruntime, node-llama-cpp…) stay external: they are
      // native or large, and electron-builder ships them from node_modules.
      externalizeDeps: true,
      rollupOptions: {
        // The engine starts worker threads from files next to its own module
        // (`new URL('./use-worker.js', import.meta.url)`); bundled, that module is
        // engine-host.js, so the workers are built as entries beside it.
        input: {
          index: path.join(root, 'electron', 'main.ts'),
          'engine-host': path.join(root, 'electron', 'engine-host.ts'),
          'use-worker': path.join(root, 'main', 'embed', 'use-worker.ts'),
          'pdf-worker': path.join(root, 'main', 'ingest', 'pdf-worker.ts'),
          'rerank-worker': path.join(root, 'main', 'search', 'rerank-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: path.join(root, 'out', 'preload'),
      // A sandboxed preload cannot require() packages: everything (the contract, zod) is bundled.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: path.join(root, 'preload', 'index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    build: { ...rendererConfig.build, rollupOptions: { input: path.join(root, 'renderer', 'index.html') } },
  },
});
