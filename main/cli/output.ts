import type { ErrorInfo } from '../../contract';

export interface Io {
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  err: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export const defaultIo: Io = { out: process.stdout, err: process.stderr };

const useColor = (s: { isTTY?: boolean }): boolean => Boolean(s.isTTY) && !process.env.NO_COLOR;

export function style(io: Io['out'], code: 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan', text: string): string {
  if (!useColor(io)) return text;
  const codes = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] }[code];
  return `\x1b[${codes[0]}m${text}\x1b[${codes[1]}m`;
}

export function printJson(io: Io, value: unknown): void {
  io.out.write(JSON.stringify(value, null, 2) + '\n');
}

export function printError(io: Io, e: ErrorInfo): void {
  io.err.write(`${style(io.err, 'red', `error [${e.code}]`)}: ${e.message}\n`);
  if (e.hint) io.err.write(`  ${style(io.err, 'dim', e.hint)}\n`);
}

/** A plain-text table with right-aligned numeric columns. */
export function table(headers: string[], rows: (string | number)[][], maxWidth = 60): string {
  const cells = [headers, ...rows.map((r) => r.map(String))].map((r) => r.map((c) => (c.length > maxWidth ? c.slice(0, maxWidth - 1) + '…' : c)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (r: string[]): string => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n') + '\n';
}

/**
 * A one-line progress bar on a terminal (redrawn in place); on a pipe it prints nothing, so
 * logs and `--json` output stay clean.
 */
export class ProgressBar {
  private last = 0;
  private shown = false;
  constructor(private readonly stream: Io['err']) {}

  update(done: number, total: number, label: string, etaSeconds?: number): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.last < 80 && done < total) return;
    this.last = now;
    const width = 28;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(frac * width);
    const eta = etaSeconds !== undefined ? ` ETA ${formatDuration(etaSeconds)}` : '';
    const cols = this.stream.columns ?? 100;
    const text = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total}${eta} ${label}`;
    this.stream.write(`\r\x1b[K${text.slice(0, cols - 1)}`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}

export function formatDuration(s: number): string {
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
