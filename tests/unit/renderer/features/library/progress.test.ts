import { describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../../../contract';
import { fileEta, fileFraction, foldProgress, formatEta, isWaitingToEmbed, progressText, syncWithJobs, type FileProgress } from '../../../../../renderer/features/library/progress';
import { progress } from '../../../server/fake-engine';

describe('fileFraction', () => {
  it('splits the parse and embed stages by the file’s own counts', () => {
    expect(fileFraction({ stage: 'parse', pagesDone: 5, pagesTotal: 10, chunksDone: 0, chunksTotal: 0, exact: true })).toBeCloseTo(0.225);
    expect(fileFraction({ stage: 'embed', pagesDone: 0, pagesTotal: 0, chunksDone: 10, chunksTotal: 10, exact: true })).toBeCloseTo(0.95);
  });
  it('stands at the start of the stage without the file’s own counts', () => {
    expect(fileFraction({ stage: 'embed', pagesDone: 900, pagesTotal: 1000, chunksDone: 5, chunksTotal: 10, exact: false })).toBe(0.5);
    expect(fileFraction({ stage: 'done', pagesDone: 0, pagesTotal: 0, chunksDone: 0, chunksTotal: 0, exact: false })).toBe(1);
  });
});

describe('foldProgress', () => {
  it('tracks running jobs by id, keeps their start time, and drops them when they end', () => {
    let files = foldProgress({}, progress({ jobId: 'a', path: '/a.pdf', stage: 'parse', file: { pagesDone: 1, pagesTotal: 4, chunksDone: 0, chunksTotal: 0 } }), 1000);
    expect(files.a).toMatchObject({ stage: 'parse', pagesDone: 1, pagesTotal: 4, exact: true, startedAt: 1000 });
    files = foldProgress(files, progress({ jobId: 'a', stage: 'embed', file: { pagesDone: 4, pagesTotal: 4, chunksDone: 2, chunksTotal: 8 } }), 3000);
    expect(files.a).toMatchObject({ stage: 'embed', path: '/a.pdf', chunksDone: 2, startedAt: 1000, updatedAt: 3000 });
    files = foldProgress(files, progress({ jobId: 'a', stage: 'done' }), 4000);
    expect(files).toEqual({});
  });
  it('ignores queue-wide events without a job', () => {
    const files = {};
    expect(foldProgress(files, progress({ stage: 'queued' }), 0)).toBe(files);
  });
});

describe('ETA', () => {
  it('reading: from the pages per second measured on this file, counting down between reports', () => {
    let files = foldProgress({}, progress({ jobId: 'a', stage: 'parse', file: { pagesDone: 10, pagesTotal: 100, chunksDone: 0, chunksTotal: 0 } }), 0);
    // One report is no rate.
    expect(fileEta(files.a!, 500)).toBeUndefined();
    files = foldProgress(files, progress({ jobId: 'a', stage: 'parse', file: { pagesDone: 30, pagesTotal: 100, chunksDone: 0, chunksTotal: 0 } }), 4000);
    // 20 pages in 4 s: 5 pages/s, 70 pages left.
    expect(fileEta(files.a!, 4000)).toBe(14);
    expect(fileEta(files.a!, 9000)).toBe(9);
    files = foldProgress(files, progress({ jobId: 'a', stage: 'parse', file: { pagesDone: 60, pagesTotal: 100, chunksDone: 0, chunksTotal: 0 } }), 9000);
    // 50 pages in 9 s, 40 left.
    expect(fileEta(files.a!, 9000)).toBe(7);
  });

  it('a file waiting for the embedder says so, with no ETA until the embedder has a measured rate', () => {
    // The reviewer's case: a one-page file parsed, queued behind bigger files' texts.
    let files = foldProgress({}, progress({ jobId: 's', path: '/small.pdf', stage: 'embed', filesTotal: 12, file: { pagesDone: 1, pagesTotal: 1, chunksDone: 0, chunksTotal: 3, chunksAhead: 900 } }), 0);
    const etas: (number | undefined)[] = [];
    for (let t = 4000; t <= 120_000; t += 4000) {
      files = foldProgress(files, progress({ jobId: 's', stage: 'embed', filesTotal: 12, file: { pagesDone: 1, pagesTotal: 1, chunksDone: 0, chunksTotal: 3, chunksAhead: 900 } }), t);
      etas.push(fileEta(files.s!, t));
      expect(fileFraction(files.s!)).toBe(0.5);
    }
    expect(etas.every((e) => e === undefined)).toBe(true);
    expect(isWaitingToEmbed(files.s!)).toBe(true);
    expect(progressText({ stage: 'embed', waiting: true, chunksAhead: 900, etaSeconds: fileEta(files.s!, 120_000) })).toBe('Waiting to embed · 900 chunks ahead');
  });

  it('embedding: the embedder’s throughput applied to the texts ahead plus the file’s own, falling over time', () => {
    const at = (t: number, ahead: number, done: number) =>
      progress({ jobId: 's', stage: 'embed', filesTotal: 12, file: { pagesDone: 1, pagesTotal: 1, chunksDone: done, chunksTotal: 4, chunksAhead: ahead, embedRate: 10 } });
    let files = foldProgress({}, at(0, 396, 0), 0);
    // (396 ahead + 4 own) / 10 per s.
    expect(fileEta(files.s!, 0)).toBe(40);
    expect(fileEta(files.s!, 4000)).toBe(36);
    const seen: number[] = [];
    for (const [t, ahead, done] of [[4000, 356, 0], [8000, 310, 0], [12_000, 280, 0], [40_000, 0, 2]] as const) {
      files = foldProgress(files, at(t, ahead, done), t);
      seen.push(fileEta(files.s!, t)!);
    }
    expect(seen).toEqual([36, 31, 28, 1]);
    expect(seen.every((e, i) => i === 0 || e < seen[i - 1]!)).toBe(true);
    // The bar moves with the chunks embedded, and only then.
    expect(fileFraction(files.s!)).toBeCloseTo(0.725);
  });

  it('gives no ETA for a file whose own counts the engine did not send', () => {
    const p: FileProgress = { jobId: 'a', path: '', stage: 'embed', pagesDone: 0, pagesTotal: 0, chunksDone: 5, chunksTotal: 10, embedRate: 10, exact: false, startedAt: 0, updatedAt: 0 };
    expect(fileEta(p, 9000)).toBeUndefined();
  });
  it('formats seconds, minutes and hours', () => {
    expect(formatEta(12)).toBe('12 s');
    expect(formatEta(150)).toBe('3 min');
    expect(formatEta(3900)).toBe('1 h 5 min');
  });
});

it('uses the batch counts as the file’s own when the batch is that one file', () => {
  const files = foldProgress({}, progress({ jobId: 'a', stage: 'parse', filesTotal: 1, pagesDone: 30, pagesTotal: 60 }), 0);
  expect(files.a).toMatchObject({ exact: true, pagesDone: 30, pagesTotal: 60 });
  const many = foldProgress({}, progress({ jobId: 'a', stage: 'parse', filesTotal: 3, pagesDone: 30, pagesTotal: 60 }), 0);
  expect(many.a!.exact).toBe(false);
});

describe('progress never steps back', () => {
  it('a report without the file’s counts keeps the counts known', () => {
    let files = foldProgress({}, progress({ jobId: 'a', stage: 'parse', filesTotal: 3, file: { pagesDone: 8, pagesTotal: 10, chunksDone: 0, chunksTotal: 0 } }), 0);
    const before = fileFraction(files.a!);
    files = foldProgress(files, progress({ jobId: 'a', stage: 'parse', filesTotal: 3 }), 100);
    expect(fileFraction(files.a!)).toBe(before);
  });
});

describe('syncWithJobs (page reload)', () => {
  const running = (over: Partial<JobInfo>): JobInfo => ({ jobId: 'j', path: '/a.pdf', collection: 'default', state: 'running', attempts: 1, createdAt: '', updatedAt: '', ...over });

  it('takes the stage and counts the engine lists for running jobs', () => {
    const files = syncWithJobs({}, [running({ live: { stage: 'embed', pagesDone: 1, pagesTotal: 1, chunksDone: 0, chunksTotal: 3, chunksAhead: 40, embedRate: 8 } })], 1000);
    expect(files.j).toMatchObject({ stage: 'embed', path: '/a.pdf', chunksAhead: 40, embedRate: 8, exact: true, updatedAt: 1000 });
    expect(progressText({ stage: files.j!.stage, waiting: isWaitingToEmbed(files.j!), chunksAhead: files.j!.chunksAhead, etaSeconds: fileEta(files.j!, 1000) })).toBe('Waiting to embed · 40 chunks ahead · 5 s left');
  });

  it('drops the progress of jobs no longer running, keeps what events took further, and changes nothing when in line', () => {
    let files = foldProgress({}, progress({ jobId: 'j', stage: 'embed', file: { pagesDone: 1, pagesTotal: 1, chunksDone: 2, chunksTotal: 3 } }), 0);
    files = foldProgress(files, progress({ jobId: 'gone', stage: 'parse' }), 0);
    const synced = syncWithJobs(files, [running({ live: { stage: 'parse', pagesDone: 1, pagesTotal: 1, chunksDone: 0, chunksTotal: 0 } }), running({ jobId: 'gone', state: 'done' })], 10);
    expect(synced.j).toBe(files.j);
    expect(synced.gone).toBeUndefined();
    const none = {};
    expect(syncWithJobs(none, [running({ state: 'queued' })], 0)).toBe(none);
  });
});
