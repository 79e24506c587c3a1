/**
 * Time to interactive: cold loads of the signed-in URL, each in a fresh browser context (empty
 * cache and storage, as on first open), timed from navigation start to the library view being
 * usable (a row or the empty state on screen and the filter box taking focus). The requests
 * and long tasks on the way say where the time went.
 */
import type { Browser } from 'playwright-core';
import { percentile } from '../common';
import { probedContext } from './browser';
import type { LongFrame, ProbeState } from './probes';

/** One cold load. */
export interface LoadSample {
  usableMs: number;
  firstRowMs: number;
  fcpMs: number;
  domContentLoadedMs: number;
  /** The requests of the load, by name, with timing and size. */
  requests: { name: string; startMs: number; endMs: number; bytes: number }[];
  longTasks: { count: number; totalMs: number; maxMs: number };
  /** The long animation frames before the view was usable, longest first (at most 3). */
  longFrames: LongFrame[];
}

/** Medians over the loads. */
export interface LoadReport {
  loads: number;
  medianUsableMs: number;
  minUsableMs: number;
  maxUsableMs: number;
  medianFcpMs: number;
  medianFirstRowMs: number;
  /** Ctrl+K moved focus to the search box once the view was usable. */
  searchShortcutWorks: boolean;
  samples: LoadSample[];
}

/** Loads `loginUrl` `n` times cold and reports the median time to a usable library view. */
export async function measureLoads(browser: Browser, loginUrl: string, n: number): Promise<LoadReport> {
  const samples: LoadSample[] = [];
  let searchShortcutWorks = false;
  for (let i = 0; i < n; i++) {
    const context = await probedContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(loginUrl, { waitUntil: 'commit' });
      await page.waitForFunction(() => (window as unknown as { __qb: ProbeState }).__qb.usableAt !== undefined, undefined, { timeout: 120_000, polling: 50 });
      const sample = await page.evaluate((): LoadSample => {
        const s = (window as unknown as { __qb: ProbeState }).__qb;
        const usable = s.usableAt ?? NaN;
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        const requests = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
          .filter((r) => r.startTime < usable)
          .map((r) => ({ name: new URL(r.name).pathname, startMs: r.startTime, endMs: r.responseEnd, bytes: r.encodedBodySize }));
        const before = s.longTasks.filter((t) => t.startTime < usable);
        return {
          usableMs: usable,
          firstRowMs: s.firstRowAt ?? NaN,
          fcpMs: fcp?.startTime ?? NaN,
          domContentLoadedMs: nav?.domContentLoadedEventEnd ?? NaN,
          requests,
          longTasks: { count: before.length, totalMs: before.reduce((a, t) => a + t.duration, 0), maxMs: Math.max(0, ...before.map((t) => t.duration)) },
          longFrames: s.longFrames.filter((f) => f.startTime < usable).sort((a, b) => b.duration - a.duration).slice(0, 3),
        };
      });
      samples.push(sample);
      if (i === 0) {
        await page.keyboard.press('Control+K');
        searchShortcutWorks = await page
          .getByTestId('search-input')
          .evaluate((el) => document.activeElement === el)
          .catch(() => false);
      }
    } finally {
      await context.close();
    }
  }
  const usable = samples.map((s) => s.usableMs);
  return {
    loads: n,
    medianUsableMs: percentile(usable, 50),
    minUsableMs: Math.min(...usable),
    maxUsableMs: Math.max(...usable),
    medianFcpMs: percentile(samples.map((s) => s.fcpMs), 50),
    medianFirstRowMs: percentile(samples.map((s) => s.firstRowMs), 50),
    searchShortcutWorks,
    samples,
  };
}
