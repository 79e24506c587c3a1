import { describe, expect, it } from 'vitest';
import { DirectPort } from '../../../main/ingest/pdfjs-port';

describe('DirectPort', () => {
  it('delivers messages in order, asynchronously, by reference', async () => {
    const port = new DirectPort();
    const got: unknown[] = [];
    port.addEventListener('message', (e) => got.push(e.data));
    const payload = { big: new Uint8Array(4) };
    port.postMessage({ n: 1, payload });
    port.postMessage({ n: 2 });
    expect(got).toEqual([]);
    await Promise.resolve();
    await Promise.resolve();
    expect(got.map((m) => (m as { n: number }).n)).toEqual([1, 2]);
    expect((got[0] as { payload: unknown }).payload).toBe(payload);
  });

  it('keeps a stream chunk as it was when posted, though the sender reassigns its fields', async () => {
    const port = new DirectPort();
    let received: { chunk: { items: string[] } } | undefined;
    port.addEventListener('message', (e) => (received = e.data as typeof received));
    const textContent = { items: ['a', 'b'], styles: {} };
    port.postMessage({ stream: 4, chunk: textContent });
    // What pdfjs's getTextContent does right after enqueueing a chunk:
    textContent.items = [];
    await new Promise((r) => setTimeout(r, 0));
    expect(received?.chunk.items).toEqual(['a', 'b']);
  });

  it('stops delivering after terminate or removal', async () => {
    const port = new DirectPort();
    const got: unknown[] = [];
    const l = (e: { data: unknown }): number => got.push(e.data);
    port.addEventListener('message', l);
    port.removeEventListener('message', l);
    port.postMessage(1);
    port.addEventListener('message', l);
    port.terminate();
    port.postMessage(2);
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual([]);
  });
});
