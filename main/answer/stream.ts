/**
 * Applies a whole-text transform (citation cleaning, privacy restoring) to streamed text.
 * Text that could still change meaning (an unclosed `[`, a half-received placeholder, trailing
 * whitespace that may precede a removed marker) is held back until it is complete, so what is
 * shown while streaming is exactly what the final answer says.
 */
export class IncrementalText {
  private raw = '';
  private emitted = 0;

  /**
   * @param transform maps the full raw text to the text to show; it must be local, so that
   *   transforming a prefix that `stableEnd` allows gives a prefix of the full result.
   * @param stableEnd how much of the raw text is safe to transform and show now.
   */
  constructor(
    private readonly transform: (raw: string) => string,
    private readonly stableEnd: (raw: string) => number,
  ) {}

  /** Adds streamed text; returns the newly showable text (often ''). */
  push(chunk: string): string {
    this.raw += chunk;
    return this.emit(this.stableEnd(this.raw));
  }

  /** The stream ended: returns whatever was held back. */
  flush(): string {
    return this.emit(this.raw.length);
  }

  /** The full transformed text so far (held-back parts included). */
  get text(): string {
    return this.transform(this.raw);
  }

  private emit(end: number): string {
    const shown = this.transform(this.raw.slice(0, end));
    if (shown.length <= this.emitted) return '';
    const delta = shown.slice(this.emitted);
    this.emitted = shown.length;
    return delta;
  }
}

/**
 * Where a safe prefix ends: before an unclosed opener (`[` or `<`) seen in the last `window`
 * characters, and before trailing whitespace.
 */
export function holdBackFrom(raw: string, opener: string, closer: string, window: number): number {
  let end = raw.length;
  const open = raw.lastIndexOf(opener);
  if (open >= 0 && raw.indexOf(closer, open) < 0 && raw.length - open <= window) end = open;
  while (end > 0 && /\s/.test(raw[end - 1])) end--;
  return end;
}
