import { IncrementalText, holdBackFrom } from './stream';
import type { AnswerProvider, GenerateRequest, GenerateResult, TokenBudget } from './types';

export type PiiKind = 'EMAIL' | 'PHONE' | 'CARD' | 'IBAN';

interface Detector {
  kind: PiiKind;
  re: RegExp;
  valid?: (match: string) => boolean;
}

// Order matters: IBANs and card numbers are digit runs a phone pattern would also take.
const DETECTORS: Detector[] = [
  { kind: 'EMAIL', re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  { kind: 'IBAN', re: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g, valid: ibanValid },
  { kind: 'CARD', re: /\b\d(?:[ -]?\d){12,18}\b/g, valid: (m) => luhnValid(m.replace(/\D/g, '')) },
  {
    kind: 'PHONE',
    // International (+44 20 7946 0958), bracketed area codes ((555) 123-4567), NANP (555-123-4567)
    // and trunk-prefixed national numbers (020 7946 0958). Bare digit runs are left alone: in
    // documents they are far more often quantities, years or identifiers than phone numbers.
    re: /(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}|\(\d{2,4}\)[ .-]?\d{3,4}[ .-]?\d{3,4}|\b\d{3}[.-]\d{3}[.-]\d{4}\b|\b0\d{2,4}[ -]\d{3,4}[ -]?\d{3,4}\b)/g,
    valid: (m) => {
      const d = m.replace(/\D/g, '').length;
      return d >= 8 && d <= 15;
    },
  },
];

/** Luhn checksum, the check digit of payment card numbers. */
export function luhnValid(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** ISO 13616 mod-97 check of an IBAN (spaces allowed). */
export function ibanValid(iban: string): boolean {
  const s = iban.replace(/ /g, '');
  if (s.length < 15 || s.length > 34) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const v = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const digit of v) rem = (rem * 10 + Number(digit)) % 97;
  }
  return rem === 1;
}

/**
 * Replaces personal data with placeholders (`<EMAIL_1>`) before text leaves the machine and
 * puts the real values back into what comes back. One instance covers one request: the same
 * value always gets the same placeholder, so the model can still tell two people apart.
 *
 * @example
 * const r = new Redactor();
 * r.redact('Mail ana@example.org'); // 'Mail <EMAIL_1>'
 * r.restore('Write to <EMAIL_1>.');  // 'Write to ana@example.org.'
 */
export class Redactor {
  private readonly byValue = new Map<string, string>();
  private readonly byPlaceholder = new Map<string, string>();
  private readonly counts = new Map<PiiKind, number>();

  /** The text with every detected e-mail, phone, card number and IBAN replaced. */
  redact(text: string): string {
    let out = text;
    for (const d of DETECTORS) {
      out = out.replace(d.re, (m) => (d.valid && !d.valid(m) ? m : this.placeholder(d.kind, m)));
    }
    return out;
  }

  /** Puts the original values back in place of the placeholders. */
  restore(text: string): string {
    return text.replace(/<(EMAIL|PHONE|CARD|IBAN)_(\d+)>/g, (m) => this.byPlaceholder.get(m) ?? m);
  }

  /** How many values were redacted, by kind. */
  summary(): Partial<Record<PiiKind, number>> {
    return Object.fromEntries(this.counts);
  }

  private placeholder(kind: PiiKind, value: string): string {
    const known = this.byValue.get(value);
    if (known) return known;
    const n = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, n);
    const p = `<${kind}_${n}>`;
    this.byValue.set(value, p);
    this.byPlaceholder.set(p, value);
    return p;
  }
}

/**
 * Wraps a provider so that what it is sent is redacted and what it streams back is restored.
 * Placeholders split across streamed pieces are held back until complete.
 */
export function withPrivacy(provider: AnswerProvider): AnswerProvider {
  return {
    name: provider.name,
    remote: provider.remote,
    model: provider.model,
    budget: (signal?: AbortSignal): Promise<TokenBudget> => provider.budget(signal),
    close: () => provider.close(),
    async generate(req: GenerateRequest): Promise<GenerateResult> {
      const r = new Redactor();
      const messages = req.messages.map((m) => ({ ...m, content: m.role === 'system' ? m.content : r.redact(m.content) }));
      const stream = new IncrementalText(
        (raw) => r.restore(raw),
        (raw) => holdBackFrom(raw, '<', '>', 12),
      );
      const result = await provider.generate({
        ...req,
        messages,
        question: r.redact(req.question),
        onToken: (t) => {
          const shown = stream.push(t);
          if (shown) req.onToken(shown);
        },
      });
      const rest = stream.flush();
      if (rest) req.onToken(rest);
      return { ...result, text: r.restore(result.text) };
    },
  };
}
