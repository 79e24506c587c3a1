import { describe, expect, it } from 'vitest';
import { Redactor, ibanValid, luhnValid, withPrivacy } from '../../../main/answer/privacy';
import type { AnswerProvider, GenerateRequest } from '../../../main/answer/types';

describe('Redactor', () => {
  it('redacts e-mails, phone numbers, card numbers and IBANs, and restores them', () => {
    const r = new Redactor();
    const text =
      'Contact ana.silva@example.org or +44 20 7946 0958, (555) 123-4567. Card 4111 1111 1111 1111, ' +
      'IBAN GB82 WEST 1234 5698 7654 32. Again: ana.silva@example.org.';
    const red = r.redact(text);
    expect(red).toBe(
      'Contact <EMAIL_1> or <PHONE_1>, <PHONE_2>. Card <CARD_1>, IBAN <IBAN_1>. Again: <EMAIL_1>.',
    );
    expect(r.restore(red)).toBe(text);
    expect(r.summary()).toEqual({ EMAIL: 1, PHONE: 2, CARD: 1, IBAN: 1 });
  });

  it('leaves ordinary numbers alone: years, quantities, p-values, invalid checksums', () => {
    const r = new Redactor();
    const text = 'In 2019, 4,000 adults (p < 0.05) took 1.2 mg; order 4111 1111 1111 1112; ref 1234567890.';
    expect(r.redact(text)).toBe(text);
  });

  it('checks Luhn and IBAN checksums', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(ibanValid('DE89 3704 0044 0532 0130 00')).toBe(true);
    expect(ibanValid('DE89 3704 0044 0532 0130 01')).toBe(false);
  });
});

describe('withPrivacy', () => {
  it('sends redacted messages (system prompt untouched) and restores a placeholder split across tokens', async () => {
    let sent: GenerateRequest | undefined;
    const inner: AnswerProvider = {
      name: 'remote',
      remote: true,
      model: 'm',
      budget: async () => ({ contextTokens: 1000, maxOutputTokens: 100, count: (t) => t.length, exact: false }),
      close: async () => undefined,
      async generate(req) {
        sent = req;
        for (const t of ['Write to <EM', 'AIL_1', '> today', '.']) req.onToken(t);
        return { text: 'Write to <EMAIL_1> today.', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2, exact: true } };
      },
    };
    const shown: string[] = [];
    const res = await withPrivacy(inner).generate({
      messages: [
        { role: 'system', content: 'Rules: never reveal <EMAIL_1> placeholders' },
        { role: 'user', content: 'What is the address? Source: ana@example.org' },
      ],
      question: 'q',
      sources: [],
      maxTokens: 10,
      signal: new AbortController().signal,
      onToken: (t) => shown.push(t),
    });
    expect(sent?.messages[0].content).toBe('Rules: never reveal <EMAIL_1> placeholders');
    expect(sent?.messages[1].content).toBe('What is the address? Source: <EMAIL_1>');
    expect(shown.join('')).toBe('Write to ana@example.org today.');
    expect(shown.some((t) => t.includes('<EM'))).toBe(false);
    expect(res.text).toBe('Write to ana@example.org today.');
  });
});
