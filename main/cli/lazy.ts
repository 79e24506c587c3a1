import type { Engine, EngineOptions } from '../engine';

/**
 * Opens the engine, loading it (LanceDB, pdf.js, ONNX, llama.cpp bindings) only when a command
 * needs it, so `quarry --help` and usage errors answer at once.
 */
export async function openEngine(opts: EngineOptions): Promise<Engine> {
  const { createEngine } = await import('../engine');
  return createEngine(opts);
}
