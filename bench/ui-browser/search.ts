/**
 * Keystroke to rendered search results, in the page: from the input event of the keystroke
 * that completes a query (its own event timestamp) to the DOM change that shows that query's
 * answer (a MutationObserver), and the frame that paints it. "That query's answer" is exact:
 * the page records each search.query request and what it returned, and the change must show
 * the same first document, page and result count with the same server time.
 */
import type { Page } from 'playwright-core';
import { percentile, round } from '../common';
import { rng } from '../library';
import { probes, sleep } from './browser';
import type { LongFrame, ProbeState } from './probes';
import { startProfile, stopProfile, threadMetrics, type ProfileReport, type ThreadMetrics } from './profile';

export type Entry = 'paste' | 'typed' | 'enter';

/** One measured query. */
export interface QuerySample {
  entry: Entry;
  query: string;
  /** Keystroke (event timestamp) → results in the DOM. */
  toDomMs: number;
  /** Keystroke → the frame that paints them. */
  toFrameMs: number;
  /** Keystroke → the request leaving (the search box's typing pause, plus any queueing). */
  toRequestMs: number;
  /** Request → response headers (HTTP + engine). */
  requestMs: number;
  /** The engine's own time for the search (from the answer). */
  engineMs: number;
  /** Response headers → results in the DOM (body, JSON, store, React render and commit). */
  renderMs: number;
  /** How long the keystroke's event waited for the main thread. */
  inputDelayMs: number;
  /** search.query requests sent while this query was entered. */
  requests: number;
}

export interface SearchReport {
  queries: number;
  failed: { entry: Entry; query: string }[];
  samples: QuerySample[];
  longFrames: LongFrame[];
  /** The page's main thread during the timed queries. */
  mainThread: ThreadMetrics;
}

/** How long one query may take to show its answer before it counts as failed. */
const ANSWER_TIMEOUT_MS = 10_000;

interface Match {
  keyAt: number;
  keyNow: number;
  startAt: number;
  headersAt: number;
  domAt: number;
  frameAt: number;
  tookMs: number;
  requests: number;
}

/** Waits in the page until `value`'s answer is on screen, then returns the timestamps. */
async function waitForAnswer(page: Page, value: string, entry: Entry, from: { inputs: number; enters: number; searches: number }): Promise<Match | undefined> {
  const handle = await page
    .waitForFunction(
      ({ value, entry, from }) => {
        const s = (window as unknown as { __qb: ProbeState }).__qb;
        const keys = entry === 'enter' ? s.enters.slice(from.enters) : s.inputs.slice(from.inputs);
        const key = keys.filter((k) => k.value === value).pop();
        if (!key) return false;
        const q = value.trim();
        const rec = s.searches.slice(from.searches).filter((r) => r.query === q && r.startAt >= Math.min(key.at, key.now)).pop();
        if (!rec || Number.isNaN(rec.bodyAt)) return false;
        const change = s.changes.find(
          (c) =>
            c.at >= rec.headersAt &&
            c.firstDoc === rec.firstDoc &&
            c.firstPage.includes(String(rec.firstPage)) &&
            c.countText.startsWith(`${rec.count} result`) &&
            c.countText.includes(`${Math.round(rec.tookMs)} ms`),
        );
        if (!change || Number.isNaN(change.frameAt)) return false;
        return {
          keyAt: key.at,
          keyNow: key.now,
          startAt: rec.startAt,
          headersAt: rec.headersAt,
          domAt: change.at,
          frameAt: change.frameAt,
          tookMs: rec.tookMs,
          requests: s.searches.length - from.searches,
        };
      },
      { value, entry, from },
      { timeout: ANSWER_TIMEOUT_MS, polling: 50 },
    )
    .catch(() => undefined);
  return handle ? ((await handle.jsonValue()) as Match) : undefined;
}

/**
 * Enters each query in the Search view and times it. `paste` replaces the box's text in one
 * input event; `typed` puts all but the last `typedChars` characters in, then types those one
 * key at a time with human gaps (60–220 ms, some longer than the box's typing pause, so
 * intermediate searches run as they would for a person); `enter` pastes and presses Enter
 * at once (the search runs without the typing pause).
 */
export async function measureSearch(page: Page, plan: { query: string; entry: Entry }[], opts: { typedChars: number; warmup: string[] }): Promise<SearchReport> {
  await page.getByRole('button', { name: 'Search' }).click();
  const input = page.getByTestId('search-input');
  await input.waitFor();
  for (const q of opts.warmup) {
    const from = await counts(page);
    await input.fill(q);
    await waitForAnswer(page, q, 'paste', from);
  }
  const t0 = await page.evaluate(() => performance.now());
  const samples: QuerySample[] = [];
  const failed: { entry: Entry; query: string }[] = [];
  const { metrics: mainThread } = await threadMetrics(page, () => enterAll(page, plan, opts.typedChars, samples, failed));
  const s = await probes(page);
  return { queries: plan.length, failed, samples, mainThread, longFrames: s.longFrames.filter((f) => f.startTime >= t0).sort((a, b) => b.duration - a.duration).slice(0, 5) };
}

async function enterAll(page: Page, plan: { query: string; entry: Entry }[], typedChars: number, samples: QuerySample[], failed: { entry: Entry; query: string }[]): Promise<void> {
  const input = page.getByTestId('search-input');
  const gap = rng(7);
  let misses = 0; // in a row
  for (const { query, entry } of plan) {
    const from = await counts(page);
    if (entry === 'typed') {
      const cut = Math.max(0, query.length - typedChars);
      await input.fill(query.slice(0, cut));
      for (const ch of query.slice(cut)) {
        await page.keyboard.type(ch);
        await sleep(60 + Math.floor(gap() * 160));
      }
    } else {
      await input.fill(query);
      if (entry === 'enter') await page.keyboard.press('Enter');
    }
    const m = await waitForAnswer(page, query, entry, from);
    if (!m) {
      failed.push({ entry, query });
      const st = await probes(page);
      const sent = st.searches.slice(from.searches);
      console.log(`[search] no answer on screen in ${ANSWER_TIMEOUT_MS / 1000} s for ${entry} "${query}": ${sent.length} requests sent, ${sent.filter((r) => Number.isNaN(r.bodyAt) || r.bodyAt === null).length} unanswered`);
      // Five failures in a row: the engine is not keeping up; stop rather than run for an hour.
      if (++misses >= 5) break;
      continue;
    }
    misses = 0;
    const key = Math.min(m.keyAt, m.keyNow);
    samples.push({
      entry,
      query,
      toDomMs: m.domAt - key,
      toFrameMs: m.frameAt - key,
      toRequestMs: m.startAt - key,
      requestMs: m.headersAt - m.startAt,
      engineMs: m.tookMs,
      renderMs: m.domAt - m.headersAt,
      inputDelayMs: Math.max(0, m.keyNow - m.keyAt),
      requests: m.requests,
    });
    if (samples.length % 20 === 0) console.log(`[search] ${samples.length} queries timed`);
    // A short pause, as between two searches; stale answers settle before the next query.
    await sleep(150);
  }
}

/**
 * Profiles the page while `queries` are pasted and submitted with Enter, one after another:
 * where the renderer's main-thread time goes per search (a separate pass after the timed one).
 */
export async function profileSearch(page: Page, queries: string[], staticDir: string): Promise<ProfileReport> {
  const input = page.getByTestId('search-input');
  const cdp = await startProfile(page);
  for (const q of queries) {
    const from = await counts(page);
    await input.fill(q);
    await page.keyboard.press('Enter');
    await waitForAnswer(page, q, 'enter', from);
  }
  return stopProfile(cdp, staticDir);
}

function counts(page: Page): Promise<{ inputs: number; enters: number; searches: number }> {
  return page.evaluate(() => {
    const s = (window as unknown as { __qb: ProbeState }).__qb;
    return { inputs: s.inputs.length, enters: s.enters.length, searches: s.searches.length };
  });
}

/** p50/p95 of one field over samples, rounded. */
export function p50p95(samples: QuerySample[], field: keyof Omit<QuerySample, 'entry' | 'query'>): { p50: number; p95: number } {
  const v = samples.map((s) => s[field]);
  return { p50: round(percentile(v, 50)), p95: round(percentile(v, 95)) };
}
