import { describe, expect, it } from 'vitest';
import { parsePdfDate } from '../../../main/ingest/pdf-meta';

describe('parsePdfDate', () => {
  it('parses full dates with time zones', () => {
    expect(parsePdfDate("D:20230105143000+01'00'")).toBe('2023-01-05T13:30:00.000Z');
    expect(parsePdfDate("D:20230105143000-05'30")).toBe('2023-01-05T20:00:00.000Z');
    expect(parsePdfDate('D:20230105143000Z')).toBe('2023-01-05T14:30:00.000Z');
  });

  it('accepts partial dates and no D: prefix', () => {
    expect(parsePdfDate('D:2019')).toBe('2019-01-01T00:00:00.000Z');
    expect(parsePdfDate('201906')).toBe('2019-06-01T00:00:00.000Z');
    expect(parsePdfDate('2020-02-03T04:05:06Z')).toBe('2020-02-03T04:05:06.000Z');
  });

  it('returns undefined for garbage and impossible dates', () => {
    expect(parsePdfDate('yesterday')).toBeUndefined();
    expect(parsePdfDate('D:20231345')).toBeUndefined();
    expect(parsePdfDate(undefined)).toBeUndefined();
    expect(parsePdfDate(42)).toBeUndefined();
  });
});
