/**
 * A CPU profile of the page's main thread (Chrome DevTools protocol), attributed to original
 * sources through the build's source maps: which component or library function the time went
 * to, by self time and by inclusive time for the app's own functions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { decodeMappings, lookup, nameAt, origin, repoPath, type Segment, type SourceMapV3 } from './sourcemap';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where the sampled time went. */
export interface ProfileReport {
  sampledMs: number;
  /** Self time by origin: npm package, app folder, or V8's own buckets ("(program)" is native work: style, layout, paint, parsing). */
  byOrigin: { origin: string; ms: number }[];
  /** Functions by self time, resolved to original source (at most 15). */
  topSelf: { fn: string; ms: number }[];
  /** The app's own functions (renderer/, contract/) by inclusive time: self plus what they call (at most 12). */
  appInclusive: { fn: string; ms: number }[];
}

/** Starts sampling the page's JavaScript (every 250 µs). */
export async function startProfile(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
  return cdp;
}

/** Stops sampling and attributes the profile; `staticDir` holds the served bundle and its maps. */
export async function stopProfile(cdp: CDPSession, staticDir: string): Promise<ProfileReport> {
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
  await cdp.detach();
  return attribute(profile, staticDir);
}

const maps = new Map<string, { lines: Segment[][]; map: SourceMapV3; dir: string } | null>();

function mapFor(url: string, staticDir: string): { lines: Segment[][]; map: SourceMapV3; dir: string } | null {
  if (!maps.has(url)) {
    let entry: { lines: Segment[][]; map: SourceMapV3; dir: string } | null = null;
    try {
      const file = path.join(staticDir, decodeURIComponent(new URL(url).pathname));
      const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as SourceMapV3;
      entry = { lines: decodeMappings(map), map, dir: path.dirname(file) };
    } catch {
      // Not ours, or no map: named by its minified name.
    }
    maps.set(url, entry);
  }
  return maps.get(url) ?? null;
}

/** Names a frame by its original source position, or by what V8 calls it. */
function resolve(cf: CallFrame, staticDir: string): { key: string; origin: string; app: boolean } {
  if (!cf.url) {
    const name = cf.functionName || '(anonymous)';
    return { key: name, origin: name.startsWith('(') ? name : '(native)', app: false };
  }
  const m = mapFor(cf.url, staticDir);
  const seg = m ? lookup(m.lines, cf.lineNumber, cf.columnNumber) : undefined;
  if (!m || !seg) return { key: `${cf.functionName || '(anonymous)'} ${cf.url.split('/').pop()}`, origin: '(unmapped)', app: false };
  const source = repoPath(m.dir, m.map.sources[seg[1]] ?? '');
  const short = source.replace(/^.*node_modules\//, '');
  const original = m.map.sourcesContent?.[seg[1]]?.split('\n')[seg[2]];
  const name = (seg[4] >= 0 ? m.map.names?.[seg[4]] : undefined) ?? nameAt(original ?? undefined, seg[3]) ?? cf.functionName;
  const o = origin(source);
  return { key: `${name || '(anonymous)'} ${short}:${seg[2] + 1}`, origin: o, app: o.startsWith('app:') };
}

/** Self and inclusive times from a V8 CPU profile. */
export function attribute(profile: CpuProfile, staticDir: string): ProfileReport {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0)));

  const resolved = new Map<number, ReturnType<typeof resolve>>();
  const res = (id: number): ReturnType<typeof resolve> => {
    let r = resolved.get(id);
    if (!r) resolved.set(id, (r = resolve(byId.get(id)!.callFrame, staticDir)));
    return r;
  };
  const self = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    if (byId.get(id)?.callFrame.functionName === '(idle)') continue;
    total += us;
    const r = res(id);
    self.set(r.key, (self.get(r.key) ?? 0) + us);
    byOrigin.set(r.origin, (byOrigin.get(r.origin) ?? 0) + us);
    // Inclusive: each app function on the stack counts this sample once (recursion too).
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const a = res(n);
      if (a.app && !seen.has(a.key)) {
        seen.add(a.key);
        inclusive.set(a.key, (inclusive.get(a.key) ?? 0) + us);
      }
    }
  }
  const top = (m: Map<string, number>, k: number): { fn: string; ms: number }[] =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([fn, us]) => ({ fn, ms: Math.round(us / 100) / 10 }));
  return {
    sampledMs: Math.round(total / 1000),
    byOrigin: top(byOrigin, 12).map(({ fn, ms }) => ({ origin: fn, ms })),
    topSelf: top(self, 15),
    appInclusive: top(inclusive, 12),
  };
}

/** Main-thread totals from Chromium's Performance domain (seconds, cumulative). */
export interface ThreadMetrics {
  /** Wall time of the renderer main thread's tasks. */
  taskMs: number;
  /** CPU time the main thread actually got: well under taskMs means it waited for a core. */
  threadCpuMs: number;
  scriptMs: number;
  layoutMs: number;
  styleMs: number;
}

/** Runs `fn` and reports the page main thread's task, CPU, script, layout and style time during it. */
export async function threadMetrics<T>(page: Page, fn: () => Promise<T>): Promise<{ result: T; metrics: ThreadMetrics }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const read = async (): Promise<Record<string, number>> => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    return Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  };
  const a = await read();
  const result = await fn();
  const b = await read();
  await cdp.detach();
  const d = (k: string): number => Math.round(((b[k] ?? 0) - (a[k] ?? 0)) * 1000);
  return { result, metrics: { taskMs: d('TaskDuration'), threadCpuMs: d('ThreadTime'), scriptMs: d('ScriptDuration'), layoutMs: d('LayoutDuration'), styleMs: d('RecalcStyleDuration') } };
}
