/**
 * Library scrolling: the virtualised document table scrolled from top to bottom with mouse-wheel
 * steps while every frame's duration is recorded in the page (requestAnimationFrame deltas),
 * with long tasks and long animation frames (script attribution, style and layout time) to
 * explain any slow one. Idle frames on the same page, measured first, are the baseline.
 */
import type { Locator, Page } from 'playwright-core';
import { percentile } from '../common';
import { probes, sleep } from './browser';
import type { LongFrame, ProbeState } from './probes';
import { startProfile, stopProfile, threadMetrics, type ProfileReport, type ThreadMetrics } from './profile';

/** Frame-time statistics (ms). */
export interface FrameStats {
  frames: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  over50: number;
  over33: number;
}

export interface ScrollReport {
  documents: number;
  rowsInDomMax: number;
  wheelSteps: number;
  stepPx: number;
  scrolledPx: number;
  seconds: number;
  /** The last document's row was in the DOM at the end. */
  reachedBottom: boolean;
  idle: FrameStats;
  scroll: FrameStats;
  longTasks: { count: number; maxMs: number };
  /**
   * Long animation frames (Chromium's own count of frames whose work took over 50 ms, from the
   * first task to the end of rendering): it can count a frame that requestAnimationFrame
   * deltas, which are whole vsync intervals, show as 33 ms.
   */
  longAnimationFrames: number;
  /** The longest animation frames while scrolling (at most 5), with what ran in them. */
  longFrames: LongFrame[];
  /** The page's main thread during the timed pass: task wall time against the CPU it got. */
  mainThread: ThreadMetrics;
  /** CPU profile of a second pass, back to the top (when a frame missed the target, or asked for). */
  profile?: ProfileReport;
}

/** Summarises frame durations. */
export function frameStats(frames: number[]): FrameStats {
  return {
    frames: frames.length,
    p50: percentile(frames, 50),
    p95: percentile(frames, 95),
    p99: percentile(frames, 99),
    max: frames.length ? Math.max(...frames) : NaN,
    over50: frames.filter((f) => f > 50).length,
    over33: frames.filter((f) => f > 33.4).length,
  };
}

async function record(page: Page, on: boolean): Promise<void> {
  await page.evaluate((v) => {
    const s = (window as unknown as { __qb: ProbeState }).__qb;
    if (v) s.frames = [];
    s.recording = v;
  }, on);
}

function nextFrame(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => r())));
}

/** Wheels the table until it stops at the top or bottom, one step per rendered frame. */
async function wheelThrough(page: Page, table: Locator, deltaPx: number): Promise<{ steps: number; rowsInDomMax: number; lastTop: number }> {
  let steps = 0;
  let rowsInDomMax = 0;
  let stuck = 0;
  let lastTop = -1;
  for (;;) {
    await page.mouse.wheel(0, deltaPx);
    steps++;
    await nextFrame(page);
    const m = await table.evaluate((el) => ({ top: el.scrollTop, max: el.scrollHeight - el.clientHeight, rows: el.querySelectorAll('[data-testid="doc-row"]').length }));
    rowsInDomMax = Math.max(rowsInDomMax, m.rows);
    const done = deltaPx > 0 ? m.top >= m.max - 1 : m.top <= 0;
    stuck = m.top === lastTop ? stuck + 1 : 0;
    lastTop = m.top;
    if (done || stuck >= 20) break;
  }
  // Let the last frames (smooth-scroll tail, final render) land.
  await sleep(500);
  return { steps, rowsInDomMax, lastTop };
}

/**
 * Scrolls the library table of the open page from top to bottom. `stepPx` per wheel event
 * (about a screenful, so nearly every step mounts a fresh set of rows: harder than a gentle
 * scroll), one step per rendered frame. When a frame took longer than `profile.overMs` (or
 * always, if asked), scrolls back up under the CPU profiler: a separate pass, because sampling
 * slows the page and must not overlap the timed one.
 */
export async function measureScroll(page: Page, stepPx: number, profile: { staticDir: string; always: boolean; overMs: number }): Promise<ScrollReport> {
  await page.getByRole('button', { name: 'Library' }).click();
  const table = page.getByTestId('doc-table');
  await table.waitFor();
  await page.getByTestId('doc-row').first().waitFor();
  const documents = await table.evaluate((el) => Number(el.getAttribute('aria-rowcount')) - 1);
  const box = await table.boundingBox();
  if (!box) throw new Error('The document table has no box on screen.');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);

  // Baseline: the same page, doing nothing, for one second.
  await record(page, true);
  await sleep(1000);
  await record(page, false);
  const idle = frameStats((await probes(page)).frames);

  const t0 = await page.evaluate(() => performance.now());
  await record(page, true);
  const started = performance.now();
  const { result: down, metrics: mainThread } = await threadMetrics(page, () => wheelThrough(page, table, stepPx));
  await record(page, false);
  const seconds = (performance.now() - started) / 1000;
  const s = await probes(page);
  const reachedBottom = await page.locator(`[data-testid="doc-row"][aria-rowindex="${documents + 1}"]`).count() > 0;
  const during = s.longFrames.filter((f) => f.startTime >= t0);
  const scroll = frameStats(s.frames);
  let cpu: ProfileReport | undefined;
  if (profile.always || scroll.max > profile.overMs) {
    const cdp = await startProfile(page);
    await wheelThrough(page, table, -stepPx);
    cpu = await stopProfile(cdp, profile.staticDir);
  }
  return {
    documents,
    rowsInDomMax: down.rowsInDomMax,
    wheelSteps: down.steps,
    stepPx,
    scrolledPx: down.lastTop,
    seconds,
    reachedBottom,
    idle,
    scroll,
    mainThread,
    longTasks: { count: s.longTasks.filter((t) => t.startTime >= t0).length, maxMs: Math.max(0, ...s.longTasks.filter((t) => t.startTime >= t0).map((t) => t.duration)) },
    longAnimationFrames: during.length,
    longFrames: during.sort((a, b) => b.duration - a.duration).slice(0, 5),
    profile: cpu,
  };
}
