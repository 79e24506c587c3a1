import { describe, expect, it } from 'vitest';
import { backoffMs, SseParser } from '../../../../renderer/api/sse';

describe('SseParser', () => {
  it('assembles events split across chunks at any point', () => {
    const p = new SseParser();
    const text = 'retry: 2000\n: connected\n\nevent: ingest.progress\ndata: {"a":1}\n\nevent: library.changed\ndata: {"docIds":[]}\n\n';
    const out = [];
    for (let i = 0; i < text.length; i += 7) out.push(...p.push(text.slice(i, i + 7)));
    expect(out).toEqual([
      { event: 'ingest.progress', data: '{"a":1}' },
      { event: 'library.changed', data: '{"docIds":[]}' },
    ]);
  });

  it('joins multi-line data, accepts CRLF and defaults the event name', () => {
    const p = new SseParser();
    expect(p.push('data: one\r\ndata: two\r\n\r\n')).toEqual([{ event: 'message', data: 'one\ntwo' }]);
  });

  it('ignores keep-alive comments', () => {
    expect(new SseParser().push(': ping\n\n: ping\n\n')).toEqual([]);
  });
});

it('backs off from half a second to at most ten', () => {
  expect(backoffMs(0)).toBe(500);
  expect(backoffMs(1)).toBe(1000);
  expect(backoffMs(10)).toBe(10_000);
});
