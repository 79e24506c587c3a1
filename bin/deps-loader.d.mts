/** Node's module `load` hook (see deps-loader.mjs). */
export function load(
  url: string,
  context: { format?: string | null; conditions?: string[]; importAttributes?: Record<string, string> },
  nextLoad: (url: string, context?: unknown) => Promise<{ format?: string | null; source?: string | ArrayBuffer | Uint8Array; shortCircuit?: boolean }>,
): Promise<{ format?: string | null; source?: string | ArrayBuffer | Uint8Array; shortCircuit?: boolean }>;
