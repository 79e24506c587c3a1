import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { checkDocxLimits } from '../../../main/ingest/docx';
import { DEFAULT_LIMITS } from '../../../main/ingest/types';
import { readZipDirectory, ZipDirectoryError } from '../../../main/ingest/zip-directory';

describe('readZipDirectory', () => {
  it('reads names and declared sizes from the central directory without inflating', async () => {
    const zip = new JSZip();
    zip.file('word/document.xml', 'x'.repeat(10_000));
    zip.file('a.txt', 'hello');
    const buf = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const entries = readZipDirectory(buf);
    const doc = entries.find((e) => e.name === 'word/document.xml');
    expect(doc?.uncompressedSize).toBe(10_000);
    expect(doc?.compressedSize).toBeLessThan(200);
    expect(entries.find((e) => e.name === 'a.txt')?.uncompressedSize).toBe(5);
  });

  it('throws ZipDirectoryError for non-zips and truncated zips', async () => {
    expect(() => readZipDirectory(Buffer.from('not a zip at all, just some text here'))).toThrow(ZipDirectoryError);
    const zip = new JSZip();
    zip.file('a.txt', 'hello');
    const buf = await zip.generateAsync({ type: 'nodebuffer' });
    expect(() => readZipDirectory(buf.subarray(0, buf.length - 10))).toThrow(ZipDirectoryError);
  });
});

describe('checkDocxLimits', () => {
  const entry = (name: string, compressedSize: number, uncompressedSize: number) => ({ name, compressedSize, uncompressedSize });

  it('passes ordinary documents, including tiny parts that compress extremely well', () => {
    expect(() => checkDocxLimits([entry('word/document.xml', 20_000, 200_000), entry('word/styles.xml', 10, 50_000)], DEFAULT_LIMITS)).not.toThrow();
  });

  it('refuses a part compressed beyond the ratio limit', () => {
    expect(() => checkDocxLimits([entry('word/document.xml', 10_000, 50_000_000)], DEFAULT_LIMITS)).toThrow(/5000:1/);
  });

  it('refuses an archive that expands beyond the total limit', () => {
    const limits = { ...DEFAULT_LIMITS, maxDocxUncompressedBytes: 1_000_000 };
    try {
      checkDocxLimits([entry('a', 400_000, 600_000), entry('b', 400_000, 600_000)], limits);
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('DOCX_TOO_LARGE');
    }
  });
});
