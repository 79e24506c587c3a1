import { stripMarkers } from './markers';
import { render, type Template } from './prompt';
import { contentTokens } from './text';
import type { Turn } from './types';

// Words that point back into the conversation: a question using them cannot be searched alone.
const ANAPHORA = /\b(it|its|it's|they|them|their|this|that|these|those|he|she|him|her|his|hers|there|then|the same|the former|the latter|above|previous|earlier|one|ones)\b/i;
const CONTINUATION = /^\s*(and|but|also|so|what about|how about|why|why not|what else|more|same|any other|or|then|ok|okay|and what|compared)\b/i;

/** The last `n` turns, oldest first. */
export function lastTurns(history: Turn[] | undefined, n: number): Turn[] {
  return n <= 0 || !history ? [] : history.slice(-n);
}

/**
 * Whether a question depends on the conversation: it refers back ("its side effects", "and in
 * 2020?") or is too short to stand alone.
 */
export function isFollowUp(question: string, history: Turn[]): boolean {
  if (history.length === 0) return false;
  return ANAPHORA.test(question) || CONTINUATION.test(question) || contentTokens(question).length <= 2;
}

/**
 * A standalone query without a model: the follow-up plus the key words of the previous
 * question that it lacks ("What about its side effects?" after "What is metformin used for?"
 * → "What about its side effects? metformin used"). Good enough for retrieval, which is what
 * the standalone query is for.
 */
export function heuristicRewrite(question: string, history: Turn[]): string {
  const prev = history[history.length - 1];
  if (!prev) return question;
  const have = new Set(contentTokens(question));
  const extra: string[] = [];
  const seen = new Set<string>();
  for (const m of prev.question.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu)) {
    const word = m[0];
    const toks = contentTokens(word);
    if (toks.length === 0 || toks.some((t) => have.has(t)) || seen.has(word.toLowerCase())) continue;
    seen.add(word.toLowerCase());
    extra.push(word);
    if (extra.length >= 6) break;
  }
  return extra.length ? `${question} ${extra.join(' ')}` : question;
}

/** The conversation as the rewrite prompt shows it. */
export function formatHistory(history: Turn[]): string {
  return history.map((t) => `User: ${t.question}\nAssistant: ${clip(stripMarkers(t.answer), 600)}`).join('\n');
}

/**
 * Rewrites a follow-up into a standalone query with a model when one is given, else (or when
 * the model fails or answers nonsense) with the keyword heuristic.
 */
export async function rewriteQuestion(
  question: string,
  history: Turn[],
  opts: { template?: Template; complete?: (system: string, user: string) => Promise<string> } = {},
): Promise<{ query: string; method: 'none' | 'llm' | 'heuristic' }> {
  if (!isFollowUp(question, history)) return { query: question, method: 'none' };
  if (opts.template && opts.complete) {
    try {
      const out = await opts.complete(opts.template.system, render(opts.template.user, { history: formatHistory(history), question }));
      const line = out.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
      const cleaned = line.replace(/^(standalone question:|question:)\s*/i, '').replace(/^["'](.*)["']$/, '$1');
      // A rewrite must still be a question of sensible length that shares words with the conversation.
      if (cleaned.length >= 3 && cleaned.length <= 400 && sharesWords(cleaned, question, history)) return { query: cleaned, method: 'llm' };
    } catch {
      // The heuristic below always works; a failed rewrite must not fail the answer.
    }
  }
  return { query: heuristicRewrite(question, history), method: 'heuristic' };
}

function sharesWords(rewrite: string, question: string, history: Turn[]): boolean {
  const r = new Set(contentTokens(rewrite));
  const ctx = contentTokens(`${question} ${history.map((t) => t.question).join(' ')}`);
  return ctx.some((t) => r.has(t));
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
