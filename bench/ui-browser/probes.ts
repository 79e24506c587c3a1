/**
 * What the benchmark watches inside the page. `installProbes` is serialised by Playwright and
 * runs before the app's own scripts on every load, so it must be self-contained (no imports,
 * no closures over this module). It changes nothing the app does; it only records:
 * - keystrokes in the search box (input events, and Enter) with their event timestamps;
 * - each `search.query` request: when it left, when its answer was parsed, and what came back;
 * - each change of the visible search results (a MutationObserver), with the frame after it;
 * - frame times (requestAnimationFrame deltas) while `recording` is on;
 * - long tasks and long animation frames (with script attribution) all the time;
 * - the moment the library view first became usable (a row or the empty state visible and the
 *   filter box focusable).
 */

/** A `search.query` request seen by the page. */
export interface SearchRecord {
  query: string;
  startAt: number;
  headersAt: number;
  bodyAt: number;
  tookMs: number;
  count: number;
  firstDoc: string;
  firstPage: number;
}

/** What the search results showed after one DOM change. */
export interface ResultsChange {
  at: number;
  /** The next animation frame's callback: the frame that paints this change. */
  frameAt: number;
  countText: string;
  firstDoc: string;
  firstPage: string;
}

/** A long animation frame, cut down to what explains it. */
export interface LongFrame {
  startTime: number;
  duration: number;
  blockingDuration: number;
  /** Script time inside the frame, by invoker (e.g. "MessagePort.onmessage", "FrameRequestCallback"). */
  scripts: { invoker: string; source: string; duration: number }[];
  /** From the start of style and layout to the end of the frame (rendering work). */
  renderMs: number;
  styleLayoutMs: number;
}

export interface ProbeState {
  inputs: { at: number; now: number; value: string }[];
  enters: { at: number; now: number; value: string }[];
  searches: SearchRecord[];
  changes: ResultsChange[];
  recording: boolean;
  frames: number[];
  longTasks: { startTime: number; duration: number }[];
  longFrames: LongFrame[];
  usableAt: number | undefined;
  firstRowAt: number | undefined;
}

/** Installs the probes (runs in the page, before the app). */
export function installProbes(): void {
  const s: ProbeState = {
    inputs: [],
    enters: [],
    searches: [],
    changes: [],
    recording: false,
    frames: [],
    longTasks: [],
    longFrames: [],
    usableAt: undefined,
    firstRowAt: undefined,
  };
  (window as unknown as { __qb: ProbeState }).__qb = s;
  const isSearchBox = (t: EventTarget | null): t is HTMLInputElement => t instanceof HTMLInputElement && t.dataset.testid === 'search-input';

  // Capture phase on window runs before React's root listener: the timestamp is the browser's
  // own (event.timeStamp), `now` shows how long the event waited for the main thread.
  window.addEventListener('input', (e) => {
    if (isSearchBox(e.target)) s.inputs.push({ at: e.timeStamp, now: performance.now(), value: e.target.value });
  }, true);
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && isSearchBox(e.target)) s.enters.push({ at: e.timeStamp, now: performance.now(), value: e.target.value });
  }, true);

  // The HTTP client binds fetch when it is created (after this script), so wrapping it here
  // sees every call. The answer is read from a clone; the app reads its own copy.
  const original = window.fetch.bind(window);
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.endsWith('/api/search.query')) return original(input, init);
    let query = '';
    try {
      query = String((JSON.parse(String(init?.body ?? '{}')) as { query?: unknown }).query ?? '');
    } catch {
      // Not JSON: recorded with an empty query, never matched.
    }
    const rec: SearchRecord = { query, startAt: performance.now(), headersAt: NaN, bodyAt: NaN, tookMs: NaN, count: 0, firstDoc: '', firstPage: 0 };
    s.searches.push(rec);
    const res = await original(input, init);
    rec.headersAt = performance.now();
    void res
      .clone()
      .json()
      .then((j: { tookMs?: number; results?: { docName: string; page: number }[] }) => {
        rec.bodyAt = performance.now();
        rec.tookMs = j.tookMs ?? NaN;
        rec.count = j.results?.length ?? 0;
        rec.firstDoc = j.results?.[0]?.docName ?? '';
        rec.firstPage = j.results?.[0]?.page ?? 0;
      })
      .catch(() => undefined);
    return res;
  };

  // Every change of what the results area shows, timed right after React's commit.
  let last = '';
  new MutationObserver(() => {
    const count = document.querySelector('[data-testid="result-count"]')?.textContent ?? '';
    const first = document.querySelector('[data-testid="result"]');
    const firstDoc = first?.querySelector('.result-doc')?.textContent ?? '';
    const firstPage = first?.querySelector('[data-testid="result-page"]')?.textContent ?? '';
    const key = `${count}|${firstDoc}|${firstPage}`;
    if (key === last) return;
    last = key;
    const change: ResultsChange = { at: performance.now(), frameAt: NaN, countText: count, firstDoc, firstPage };
    s.changes.push(change);
    requestAnimationFrame(() => (change.frameAt = performance.now()));
  }).observe(document, { subtree: true, childList: true, characterData: true });

  // Frame times: one requestAnimationFrame loop for the page's life, kept only while recording.
  let prev = 0;
  const tick = (t: number): void => {
    if (s.recording && prev) s.frames.push(t - prev);
    prev = t;
    if (s.usableAt === undefined) checkUsable();
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);

  // The library is usable when a row (or the empty state) is on screen and the filter box
  // takes focus; checked once a frame until it is.
  function checkUsable(): void {
    const row = document.querySelector('[data-testid="doc-row"], [data-testid="dropzone"]');
    if (!row || row.getBoundingClientRect().height === 0) return;
    s.firstRowAt ??= performance.now();
    const box = document.querySelector<HTMLInputElement>('input[aria-label="Filter documents"]');
    if (!box || box.disabled) return;
    box.focus();
    if (document.activeElement === box) {
      s.usableAt = performance.now();
      box.blur();
    }
  }

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) s.longTasks.push({ startTime: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // Not supported: the frame times still tell the story.
  }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const f = e as PerformanceEntry & {
          blockingDuration: number;
          renderStart: number;
          styleAndLayoutStart: number;
          scripts: { invoker: string; sourceURL: string; sourceFunctionName: string; duration: number }[];
        };
        const end = f.startTime + f.duration;
        s.longFrames.push({
          startTime: f.startTime,
          duration: f.duration,
          blockingDuration: f.blockingDuration,
          scripts: f.scripts.map((x) => ({ invoker: x.invoker, source: `${x.sourceFunctionName || '(anonymous)'} ${x.sourceURL.split('/').pop() ?? ''}`, duration: x.duration })),
          renderMs: f.renderStart ? end - f.renderStart : 0,
          styleLayoutMs: f.styleAndLayoutStart ? end - f.styleAndLayoutStart : 0,
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    // Chromium before 123: no long-animation-frame entries.
  }
}
