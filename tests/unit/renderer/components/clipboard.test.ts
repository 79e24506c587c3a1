import { describe, expect, it } from 'vitest';
import { copyText } from '../../../../renderer/components/clipboard';

/** Just enough of a document for the text-area fallback, recording what it did. */
function fakeDocument(copies: boolean) {
  const log: string[] = [];
  const focused = { focus: () => log.push('focus back') };
  const area = {
    value: '',
    style: {} as Record<string, string>,
    setAttribute: () => undefined,
    select: () => log.push(`select ${area.value}`),
    remove: () => log.push('remove'),
  };
  const doc = {
    activeElement: focused,
    body: { append: () => log.push('append') },
    createElement: () => area,
    execCommand: (cmd: string) => (log.push(cmd), copies),
  };
  return { doc: doc as unknown as Document, log };
}

describe('copyText', () => {
  it('uses the Clipboard API when there is one', async () => {
    const written: string[] = [];
    const { doc, log } = fakeDocument(true);
    await copyText('A [1]', { clipboard: { writeText: async (t) => void written.push(t) }, document: doc });
    expect(written).toEqual(['A [1]']);
    expect(log).toEqual([]);
  });

  it('falls back to a hidden text area without it, or when it refuses, and cleans up', async () => {
    const { doc, log } = fakeDocument(true);
    await copyText('A [1]', { clipboard: { writeText: () => Promise.reject(new Error('NotAllowedError')) }, document: doc });
    expect(log).toEqual(['append', 'select A [1]', 'copy', 'remove', 'focus back']);
    const bare = fakeDocument(true);
    await copyText('B', { document: bare.doc });
    expect(bare.log).toContain('copy');
  });

  it('fails when the browser will not copy', async () => {
    const { doc, log } = fakeDocument(false);
    await expect(copyText('A', { document: doc })).rejects.toThrow('did not allow copying');
    expect(log).toContain('remove');
    await expect(copyText('A', {})).rejects.toThrow('no clipboard');
  });
});
