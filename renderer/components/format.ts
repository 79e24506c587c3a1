/** "1.2 MB" (decimal units, as file managers show them). */
export function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

// One formatter each, made once: toLocale*String with options builds a new Intl formatter on
// every call, which was 97% of a library row's render time while scrolling (bench/ui-browser.ts).
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DATE = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/** A short local date: "12 Mar 2026", or the time for today. */
export function formatDate(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  if (d.toDateString() === now.toDateString()) return TIME.format(d);
  return DATE.format(d);
}

/** Display name of a file format. */
export function formatLabel(format: string | undefined): string {
  switch (format) {
    case 'pdf':
      return 'PDF';
    case 'docx':
      return 'Word';
    case 'markdown':
      return 'Markdown';
    case 'html':
      return 'HTML';
    case 'text':
      return 'Text';
    default:
      return '—';
  }
}
