import type { Claim } from './types';

/**
 * How sure the answer is, 0..1: mostly how well its sentences are supported by what they cite
 * (an uncited factual sentence counts as unsupported), partly how relevant the best passage
 * was. "Not found" gives no answer to be sure of: 0, and screens show no confidence for it
 * (a high figure beside "not found" read as confidence in an answer). An answer that is not
 * `direct` (it points to passages that mention the question's terms, saying that none answers
 * it) answers nothing either: its quotes are exact, but a high figure would read as confidence
 * in an answer, so it gets what an answer without claims gets, at most 0.2.
 */
export function confidence(input: { notFound: boolean; direct?: boolean; topRelevance: number; minRelevance: number; claims: Claim[] }): number {
  const { notFound, topRelevance, claims } = input;
  if (notFound) return 0;
  if (claims.length === 0 || input.direct === false) return round(0.2 * Math.min(1, topRelevance));
  const mean = claims.reduce((s, c) => s + (c.status === 'uncited' ? 0 : c.support), 0) / claims.length;
  return round(0.3 * Math.min(1, topRelevance) + 0.7 * mean);
}

/**
 * True when a generated answer is the model saying the sources do not answer the question:
 * the template's not-found sentence (or a close variant) and no citation.
 */
export function saysNotFound(answer: string, notFoundText: string, claims: Claim[]): boolean {
  if (claims.some((c) => c.citations.length > 0)) return false;
  const norm = (s: string): string => s.toLowerCase().replace(/[^\p{L}\p{N} ]/gu, '').replace(/\s+/g, ' ').trim();
  const a = norm(answer);
  if (a.length === 0) return true;
  return a.includes(norm(notFoundText)) || /\b(could not|cannot|can't|couldn't) find\b|\bdo(es)? not (contain|mention|say)\b/.test(a);
}

function round(x: number): number {
  return Math.round(Math.max(0, Math.min(1, x)) * 1000) / 1000;
}
