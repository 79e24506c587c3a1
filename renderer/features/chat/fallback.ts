import type { ChatTurn } from '../../../contract';
/**
 * Which answer providers failed before the one that wrote the answer. The engine announces each
 * provider it starts (`provider` events) and falls back along its chain (remote → local →
 * quoting the sources) when one fails, so a provider started but not the one that answered
 * failed. A provider that is not configured is never started, so it never counts.
 */
export function failedProviders(tried: readonly string[], answeredBy: string): string[] {
  if (answeredBy === 'none') return [];
  return [...new Set(tried)].filter((p) => p !== answeredBy && p !== 'extractive');
}

/** The model names the settings show, to name the one that failed. */
export interface ProviderModels {
  remote?: string;
  local?: string;
}

const KIND: Record<string, string> = { remote: 'remote model', local: 'local model' };

/**
 * The notice under an answer written by a fallback: "Your remote model (gpt-4o-mini) did not
 * answer — answered by quoting the sources instead."
 */
export function fallbackNotice(failed: readonly string[], answeredBy: string, models: ProviderModels = {}): string {
  const names = failed.map((p) => {
    const model = p === 'remote' || p === 'local' ? models[p] : undefined;
    return `${KIND[p] ?? `${p} provider`}${model ? ` (${model})` : ''}`;
  });
  const who = answeredBy === 'extractive' ? 'answered by quoting the sources instead' : `your ${KIND[answeredBy] ?? `${answeredBy} provider`} answered instead`;
  return `Your ${names.join(' and ')} did not answer — ${who}.`;
}

/**
 * The providers a turn fell back from: what the engine saved with it (`fellBack`, which survives
 * a reload and covers a model paused after failures), else what this window saw while the answer
 * streamed (older engines).
 */
export function turnFallbacks(turn: Pick<ChatTurn, 'id' | 'fellBack'>, live: Readonly<Record<string, string[]>>): string[] | undefined {
  const saved = turn.fellBack?.map((f) => f.provider);
  return saved?.length ? saved : live[turn.id];
}
