/**
 * An incremental parser for server-sent events (the WHATWG event-stream format): bytes arrive
 * in arbitrary pieces; complete events come out. Only `data` matters for chat completions;
 * comments (`: keep-alive`) and other fields are ignored.
 */
export class SseParser {
  private buf = '';
  private data: string[] = [];

  /** Feeds decoded text; returns the data of every event completed by it. */
  push(text: string): string[] {
    this.buf += text;
    const out: string[] = [];
    for (;;) {
      const nl = this.buf.search(/\r\n|\r|\n/);
      if (nl < 0) break;
      const sep = this.buf[nl] === '\r' && this.buf[nl + 1] === '\n' ? 2 : 1;
      // A lone '\r' at the end may be the first half of "\r\n": wait for more.
      if (this.buf[nl] === '\r' && sep === 1 && nl === this.buf.length - 1) break;
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + sep);
      this.line(line, out);
    }
    return out;
  }

  /** The stream ended: a final event without its blank line still counts. */
  end(): string[] {
    const out: string[] = [];
    if (this.buf) this.line(this.buf, out);
    this.buf = '';
    this.line('', out);
    return out;
  }

  private line(line: string, out: string[]): void {
    if (line === '') {
      if (this.data.length) out.push(this.data.join('\n'));
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
  }
}
