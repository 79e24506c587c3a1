import { describe, expect, it } from 'vitest';
import { analyzeQuery, exactPattern, isCodeLike } from '../../../main/search/query';

describe('analyzeQuery', () => {
  it('finds codes, IDs and numbers as exact units', () => {
    expect(analyzeQuery('error E-4012 in pump').exact).toEqual(['E-4012']);
    expect(analyzeQuery('What does Item 7A say?').exact).toEqual(['7A']);
    expect(analyzeQuery('ISO-27001 controls for SKU123').exact).toEqual(['ISO-27001', 'SKU123']);
  });

  it('keeps quoted phrases as units and strips the quotes from the text', () => {
    const a = analyzeQuery('"net revenue" growth 2023');
    expect(a.exact).toEqual(['net revenue', '2023']);
    expect(a.text).toBe('net revenue growth 2023');
  });

  it('does not treat ordinary words or a shouted query as codes', () => {
    expect(analyzeQuery('protein folding in cells').exact).toEqual([]);
    expect(analyzeQuery('WHAT IS THE REVENUE').exact).toEqual([]);
    expect(isCodeLike('a')).toBe(false);
    expect(isCodeLike('GDPR')).toBe(true);
  });
});

describe('exactPattern', () => {
  it('matches whole tokens case-insensitively, tolerating dash variants', () => {
    const p = exactPattern('E-4012');
    expect(p.test('fault e-4012 seen')).toBe(true);
    expect(p.test('fault E–4012 seen')).toBe(true);
    expect(p.test('fault E-40123 seen')).toBe(false);
    expect(p.test('fault XE-4012')).toBe(false);
  });

  it('matches phrases across whitespace runs', () => {
    expect(exactPattern('net revenue').test('the net\n revenue rose')).toBe(true);
    expect(exactPattern('7A').test('Item 7A.')).toBe(true);
    expect(exactPattern('7A').test('Item 17A.')).toBe(false);
  });
});
