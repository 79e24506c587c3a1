import { describe, expect, it } from 'vitest';
import { fileEta, fileFraction, foldProgress, formatEta } from '../../../../../renderer/features/library/progress';
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
  it('extrapolates from the file’s own pace once there is enough to go on', () => {
    const p = { jobId: 'a', path: '', stage: 'parse' as const, pagesDone: 50, pagesTotal: 100, chunksDone: 0, chunksTotal: 0, exact: true, startedAt: 0, updatedAt: 0 };
    expect(fileEta(p, 500)).toBeUndefined();
    // Half the pages read is 22.5 % of the file (parsing is 45 % of the work): 9 s × 0.775 / 0.225.
    expect(fileEta(p, 9000)).toBe(31);
    expect(fileEta({ ...p, pagesDone: 0 }, 9000)).toBeUndefined();
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
