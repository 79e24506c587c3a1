import { describe, expect, it } from 'vitest';
import { Answerer, missingCodes } from '../../../main/answer/answerer';
import { stripMarkers } from '../../../main/answer/markers';
import { holdsKeyTerms, NO_DIRECT_ANSWER, RELATED_HINT, relatedPassages } from '../../../main/answer/providers/extractive';
import { confidence } from '../../../main/answer/verdict';
import type { AnswerProvider, AnswerResult, GenerateRequest } from '../../../main/answer/types';
import { LIBRARY } from './fixtures';
import { memorySearch, type Passage } from './helpers/memory-search';
import { source } from './helpers/source';

/**
 * Passages of a French paper as the PDF gives them (unstructured__fr_olap.pdf, pages 1, 3 and 6),
 * in a library that also holds English documents. An English question about QSL shares only
 * "QSL" with them: the rest of its words are English.
 */
const OLAP: Passage[] = [
  {
    docName: 'fr_olap.pdf',
    page: 1,
    start: 40,
    text:
      'Dans cet article, nous développons les travaux entrepris sur le résumé de log de requêtes OLAP (Aligon et al., 2010a), ' +
      'où nous proposions un langage de manipulation de requêtes (appelé QSL) pour résumer des requêtes OLAP, une mesure de la ' +
      'qualité d’un résumé et un algorithme glouton de construction automatique de résumés de log de requêtes utilisant QSL. ' +
      'Nous indiquons comment ces propriétés sont utilisées pour interroger un log.',
  },
  { docName: 'fr_olap.pdf', page: 3, text: '3 Le langage QSL\n\nDans cette section, nous définissons formellement notre langage de résumé de requêtes.' },
  {
    docName: 'fr_olap.pdf',
    page: 6,
    text:
      '5.1 Algorithmes de résumé\n\nL’algorithme SummarizeLog est un algorithme glouton qui résume un log en résumant ' +
      'successivement des requêtes au moyen des opérateurs de QSL, jusqu’à atteindre une taille donnée.',
  },
  ...LIBRARY,
];

/** A page of the IBM Redbook (redp5110, page 13) that names the function only in SQL. */
const SQL_ONLY: Passage[] = [
  {
    docName: 'redp5110.pdf',
    page: 13,
    text:
      'Example 3-9 Creating a mask on the TAX_ID column\n\n' +
      "CREATE MASK HR_SCHEMA.MASK_TAX_ID_ON_EMPLOYEES ON HR_SCHEMA.EMPLOYEES AS EMPLOYEES FOR COLUMN TAX_ID RETURN CASE WHEN VERIFY_GROUP_FOR_USER ( SESSION_USER , 'HR' ) = 1 THEN EMPLOYEES . TAX_ID\n\n" +
      "ELSE 'XXX-XX-XXXX' END ENABLE ;",
  },
  ...LIBRARY,
];

async function ask(passages: Passage[], question: string): Promise<{ r: AnswerResult; streamed: string }> {
  let streamed = '';
  const r = await new Answerer({}, memorySearch(passages)).answer({ question }, { onEvent: (e) => e.type === 'token' && (streamed += e.text) });
  return { r, streamed };
}

/** Each cited piece is the source's own text, located on its page, and the checker accepts it. */
function expectQuotedExactly(r: AnswerResult, passages: Passage[]): void {
  const cited = r.claims.filter((c) => c.citations.length > 0);
  expect(cited.length).toBe(r.citations.length);
  for (const claim of cited) {
    expect(claim.status).toBe('supported');
    expect(claim.support).toBe(1);
    const c = r.citations.find((x) => x.n === claim.citations[0]);
    expect(c?.quote.replace(/\s+/g, ' ')).toBe(stripMarkers(claim.text));
    const p = passages.find((x) => x.docName === c?.docName && (x.page ?? 1) === c?.page) as Passage;
    const at = p.start ?? 0;
    expect(p.text.slice((c?.start ?? 0) - at, (c?.end ?? 0) - at)).toBe(c?.quote);
  }
  expect(r.removedCitations).toEqual([]);
}

describe('passages that hold the key terms, but no sentence that answers', () => {
  it('an English question about a French paper: points to where it mentions QSL, cited, instead of "not found"', async () => {
    const { r, streamed } = await ask(OLAP, 'What does QSL stand for?');
    expect(r).toMatchObject({ notFound: false, provider: 'extractive' });
    expect(r.answer.startsWith(`${NO_DIRECT_ANSWER} The passages that mention QSL:`)).toBe(true);
    expect(r.answer.endsWith(RELATED_HINT)).toBe(true);
    expect(streamed).toBe(r.answer);
    // The three French passages, none of the English ones, numbered in order.
    expect(r.citations.map((c) => c.n)).toEqual([1, 2, 3]);
    expect(r.citations.map((c) => `${c.docName} ${c.page}`).sort()).toEqual(['fr_olap.pdf 1', 'fr_olap.pdf 3', 'fr_olap.pdf 6']);
    expectQuotedExactly(r, OLAP);
    // The long opening sentence is cut to the clause that names QSL, at word boundaries.
    const first = r.citations.find((c) => c.page === 1);
    expect(first?.quote.startsWith('où nous proposions un langage de manipulation de requêtes (appelé QSL)')).toBe(true);
    expect(first?.quote.length).toBeLessThanOrEqual(300);
    // Nothing was answered: the figure must not read as confidence in an answer.
    expect(r.confidence).toBeGreaterThan(0);
    expect(r.confidence).toBeLessThanOrEqual(0.2);
  });

  it('points to SQL that names the function when no prose sentence does', async () => {
    const { r } = await ask(SQL_ONLY, 'What does VERIFY_GROUP_FOR_USER check?');
    expect(r.notFound).toBe(false);
    expect(r.answer.startsWith(`${NO_DIRECT_ANSWER} The passage that mentions VERIFY_GROUP_FOR_USER:`)).toBe(true);
    expect(r.citations).toHaveLength(1);
    expect(r.citations[0].quote).toContain("WHEN VERIFY_GROUP_FOR_USER ( SESSION_USER , 'HR' ) = 1 THEN EMPLOYEES");
    // The stop that stands apart in the SQL is left out, so the marker does not move it.
    expect(r.answer).toContain('THEN EMPLOYEES [1]\n');
    expectQuotedExactly(r, SQL_ONLY);
    expect(r.confidence).toBeLessThanOrEqual(0.2);
  });

  it('points to the passage that holds every word of the question when each sentence holds only one', async () => {
    const words = ['amber', 'basalt', 'cobalt', 'diorite', 'emerald', 'feldspar'];
    const text = words.map((w) => `The ${w} sample stayed in storage room.`).join(' ');
    const { r, streamed } = await ask([{ docName: 'minerals.txt', text }], words.join(' '));
    expect(r).toMatchObject({ notFound: false, provider: 'extractive' });
    expect(r.answer).toBe(
      `${NO_DIRECT_ANSWER} The passage that mentions your question's words:\n\nThe amber sample stayed in storage room [1].\n\n${RELATED_HINT}`,
    );
    expect(streamed).toBe(r.answer);
    expectQuotedExactly(r, [{ docName: 'minerals.txt', text }]);
  });

  it('a configured model gets the passages that hold the term, though they are below the relevance bar', async () => {
    let seen: string[] = [];
    const model: AnswerProvider = {
      name: 'remote',
      remote: true,
      model: 'scripted',
      budget: async () => ({ contextTokens: 100_000, maxOutputTokens: 500, count: (t: string) => Math.ceil(t.length / 4), exact: false }),
      async generate(req: GenerateRequest) {
        seen = req.sources.map((s) => s.result.docName);
        const text = 'QSL est un langage de manipulation de requêtes [1].';
        req.onToken(text);
        return { text, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0, exact: false } };
      },
      close: async () => undefined,
    };
    const answerer = new Answerer({ remote: { baseUrl: 'http://127.0.0.1:9/v1', model: 'scripted' } }, memorySearch(OLAP), { providers: { remote: model } });
    const r = await answerer.answer({ question: 'What does QSL stand for?' });
    expect(r).toMatchObject({ notFound: false, provider: 'remote' });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((d) => d === 'fr_olap.pdf')).toBe(true);
    expect(r.answer.startsWith(NO_DIRECT_ANSWER)).toBe(false);
  });
});

describe('still "not found" when nothing relevant was retrieved', () => {
  it('a code no passage holds, though other words of the question match a little', async () => {
    const { r } = await ask(OLAP, 'What does PX77 stand for in the langage?');
    expect(r).toMatchObject({ notFound: true, provider: 'none', citations: [], confidence: 0 });
    expect(r.answer).toMatch(/could not find/);
  });

  it('a question that shares no word with the library', async () => {
    const { r } = await ask(OLAP, 'Who won the 1998 football world cup final?');
    expect(r).toMatchObject({ notFound: true, provider: 'none', citations: [], confidence: 0 });
  });

  it('passages relevant enough to quote from, but none holding all the words, and no sentence that answers', async () => {
    // Four of the question's six words, one per sentence: relevant as a whole, no sentence answers.
    const words = ['amber', 'basalt', 'cobalt', 'diorite'];
    const text = words.map((w) => `The ${w} sample stayed in storage room.`).join(' ');
    const { r, streamed } = await ask([{ docName: 'minerals.txt', text }], `${words.join(' ')} emerald feldspar`);
    expect(r).toMatchObject({ notFound: true, provider: 'extractive', citations: [] });
    expect(streamed).toBe(r.answer);
    expect(r.answer).toMatch(/could not find/);
  });
});

describe('relatedPassages and holdsKeyTerms', () => {
  it('a passage holds the key terms when it has every code the question names, or every word when it names none', () => {
    expect(holdsKeyTerms('What does QSL stand for?', 'un langage (appelé QSL)')).toBe(true);
    expect(holdsKeyTerms('Is QSL faster than PX-77?', 'un langage (appelé QSL)')).toBe(false);
    expect(holdsKeyTerms('amber basalt', 'Amber is not basalt.')).toBe(true);
    expect(holdsKeyTerms('amber basalt', 'Amber is soft.')).toBe(false);
  });

  it('quotes at most `max` passages, best first, and nothing when none holds the terms', () => {
    const sources = [1, 2, 3, 4].map((n) => source(n, `Le passage ${n} parle de QSL et de requêtes.`));
    const text = relatedPassages('What is QSL?', sources, 2);
    expect(text.match(/\[\d\]/g)).toEqual(['[1]', '[2]']);
    expect(relatedPassages('What is PX77?', sources)).toBe('');
  });

  it('skips a sentence whose own "[3]" would read as a citation marker of the answer', () => {
    const s = source(1, 'QSL was defined in [3]. The QSL operators summarise queries.');
    expect(relatedPassages('What is QSL?', [s])).toContain('The QSL operators summarise queries [1].');
  });

  it('gives an answer that is not direct no more than 0.2 confidence, however exact its quotes', () => {
    const claims = [{ text: 'x [1]', start: 0, end: 5, citations: [1], support: 1, status: 'supported' as const }];
    expect(confidence({ notFound: false, direct: false, topRelevance: 0.9, minRelevance: 0.3, claims })).toBeCloseTo(0.18);
    expect(confidence({ notFound: false, topRelevance: 0.9, minRelevance: 0.3, claims })).toBeGreaterThan(0.9);
  });
});

describe('a question about an ID no passage holds', () => {
  const manual = [
    { docName: 'manual.pdf', page: 2, text: 'E-4012 Discharge pressure sensor out of range. Inspect the sensor cable for damage if the fault persists.' },
    { docName: 'notes.docx', text: 'Pump 2 showed a fault twice during the week; the sensor cable was chafed near the gland.' },
  ];

  it('is "not found", naming the ID, instead of quoting sentences about faults', async () => {
    const r = await new Answerer({}, memorySearch(manual)).answer({ question: 'What does fault E-4099 mean?' });
    expect(r.notFound).toBe(true);
    expect(r.answer).toBe('I could not find this in your documents. No passage mentions “E-4099”.');
    expect(r.citations).toEqual([]);
    expect(r.confidence).toBe(0);
  });

  it('is not "not found" when the ID is there, written with or without its dash', async () => {
    const r = await new Answerer({}, memorySearch(manual)).answer({ question: 'What does fault E-4012 mean?' });
    expect(r.notFound).toBe(false);
    expect(r.answer).toContain('Discharge pressure sensor out of range');
    // Without the dash the words differ ("e4012" against "e", "4012"), so lexical relevance
    // stays under the bar; the passage that holds the code is still pointed to.
    const undashed = await new Answerer({}, memorySearch(manual)).answer({ question: 'What does fault E4012 mean?' });
    expect(undashed.notFound).toBe(false);
    expect(undashed.citations.map((c) => c.docName)).toContain('manual.pdf');
    expect(undashed.answer).toContain('E-4012 Discharge pressure sensor out of range');
  });

  it('leaves acronyms, short codes and amounts alone: a passage may spell them out', () => {
    const text = ['Reactive oxygen species mediate neuronal death; apolipoprotein E4 carriers; 400 mg daily.'];
    expect(missingCodes('FoxO3a activation is mediated by ROS.', text)).toEqual([]);
    expect(missingCodes('Carriers of APOE4 have increased risk.', text)).toEqual([]);
    expect(missingCodes('Taking 400mg helps.', text)).toEqual([]);
    expect(missingCodes('What does SQL0551N mean?', text)).toEqual(['SQL0551N']);
    expect(missingCodes('What is INV-2024-0043 or INV-2024-0044?', ['Invoice INV-2024-0044 was paid.'])).toEqual([]);
  });
});
