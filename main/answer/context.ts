import type { SearchResult } from '../../contract';
import { QuarryError } from '../util/errors';
import { quoteSource } from './prompt';
import type { Source, TokenBudget } from './types';

export interface PackOptions {
  budget: TokenBudget;
  /** Tokens of the fixed part of the prompt: system prompt, history, question, template text. */
  fixedTokens: number;
  maxSources: number;
  /** Full text of a chunk's enclosing section, for parent-section expansion. */
  expand?: (sectionId: string) => Promise<string | undefined>;
  signal?: AbortSignal;
}

// Chat templates add role markers and separators the plain count does not see.
const TEMPLATE_MARGIN = 48;
// Below this many tokens a trimmed passage is too short to be worth quoting.
const MIN_PASSAGE_TOKENS = 48;
// A section replaces its chunk only when it is at most this many tokens (or twice the chunk).
const MAX_SECTION_TOKENS = 900;

/**
 * Chooses the passages to quote so that system prompt + history + question + sources + the
 * answer fit the model's context window, counted with the model's own tokenizer when it has one.
 * Passages go in rank order; a chunk is widened to its enclosing section when the section is
 * small enough (and later chunks of that section are then skipped as already quoted); the last
 * passage that does not fit whole is trimmed at a sentence or word boundary.
 *
 * @throws QuarryError PROVIDER_FAILED when the question alone leaves no room for any source.
 */
export async function packSources(ranked: { result: SearchResult; relevance: number }[], opts: PackOptions): Promise<Source[]> {
  const { budget } = opts;
  let remaining = budget.contextTokens - budget.maxOutputTokens - opts.fixedTokens - TEMPLATE_MARGIN;
  if (remaining < MIN_PASSAGE_TOKENS) {
    throw new QuarryError(
      'PROVIDER_FAILED',
      `The question and conversation take ${opts.fixedTokens} of the model's ${budget.contextTokens}-token context window, leaving no room for sources`,
      { hint: 'Ask a shorter question, start a new chat, or use a model with a larger context window.' },
    );
  }
  const out: Source[] = [];
  const expanded = new Set<string>();
  for (const { result, relevance } of ranked) {
    if (out.length >= opts.maxSources || remaining < MIN_PASSAGE_TOKENS) break;
    opts.signal?.throwIfAborted();
    if (expanded.has(result.sectionId)) continue;
    let text = result.text;
    if (opts.expand && result.sectionId) {
      const section = await opts.expand(result.sectionId).catch(() => undefined);
      if (section && section.length > text.length) {
        const limit = Math.min(remaining, Math.max(MAX_SECTION_TOKENS, 2 * budget.count(text)));
        if (budget.count(section) <= limit) {
          text = section;
          expanded.add(result.sectionId);
        }
      }
    }
    const n = out.length + 1;
    const overhead = budget.count(quoteSource({ n, result, text: '', relevance }));
    const cost = overhead + budget.count(text);
    if (cost <= remaining) {
      out.push({ n, result, text, relevance });
      remaining -= cost;
      continue;
    }
    const room = remaining - overhead;
    if (room >= MIN_PASSAGE_TOKENS) out.push({ n, result, text: trimToTokens(text, room, budget.count), relevance });
    break;
  }
  return out;
}

/** The longest prefix of `text` within `max` tokens, cut at a sentence end or a space when one is near. */
export function trimToTokens(text: string, max: number, count: (t: string) => number): string {
  if (count(text) <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (count(text.slice(0, mid)) <= max) lo = mid;
    else hi = mid - 1;
  }
  const cut = text.slice(0, lo);
  const sentence = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('.\n'));
  if (sentence > lo * 0.6) return cut.slice(0, sentence + 1);
  const space = cut.lastIndexOf(' ');
  return space > lo * 0.8 ? `${cut.slice(0, space)} …` : `${cut} …`;
}
