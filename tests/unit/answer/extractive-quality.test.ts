import { describe, expect, it } from 'vitest';
import { Answerer } from '../../../main/answer/answerer';
import { checkCitations, numberByAppearance } from '../../../main/answer/citations';
import { appearanceOrder, findMarkers, renumberCitations, stripMarkers } from '../../../main/answer/markers';
import { citeSentence, isByline, isProse, MIN_COVERAGE, MIN_RELATIVE, selectEvidence } from '../../../main/answer/providers/extractive';
import { splitSentences } from '../../../main/answer/text';
import type { AnswerProvider, AnswerResult, GenerateRequest } from '../../../main/answer/types';
import { memorySearch, type Passage } from './helpers/memory-search';
import { source } from './helpers/source';

/**
 * Passages as they come out of a real PDF (docling__redp5110_sampled.pdf, page 13): a numbered
 * step, a list of rules with its lead-in, and SQL whose extraction put spaces around "." and ",".
 */
const MASKING: Passage[] = [
  {
    docName: 'redp5110.pdf',
    page: 13,
    text:
      'Chapter 3. Row and Column Access Control 27\n\n' +
      "RETURN CASE WHEN VERIFY_GROUP_FOR_USER ( SESSION_USER , 'HR', 'EMP' ) = 1 THEN EMPLOYEES . DATE_OF_BIRTH\n\n" +
      '2. The other column to mask in this example is the TAX_ID information. In this example, the rules to enforce include the following ones:\n\n' +
      '– Human Resources can see the unmasked TAX_ID of the employees.\n\n' +
      '– Employees can see only their own unmasked TAX_ID.\n\n' +
      '– Managers see a masked version of TAX_ID with the first five characters replaced with the X character (for example, XXX-XX-1234).\n\n' +
      '– Any other person sees the entire TAX_ID as masked, for example, XXX-XX-XXXX.\n\n' +
      'To implement this column mask, run the SQL statement that is shown in Example 3-9.',
  },
  {
    docName: 'redp5110.pdf',
    page: 13,
    start: 900,
    text:
      '– Any other person sees the entire TAX_ID as masked, for example, XXX-XX-XXXX.\n\n' +
      'Example 3-9 Creating a mask on the TAX_ID column\n\n' +
      "CREATE MASK HR_SCHEMA.MASK_TAX_ID_ON_EMPLOYEES ON HR_SCHEMA.EMPLOYEES AS EMPLOYEES FOR COLUMN TAX_ID RETURN CASE WHEN VERIFY_GROUP_FOR_USER ( SESSION_USER , 'HR' ) = 1 THEN EMPLOYEES . TAX_ID\n\n" +
      "WHEN VERIFY_GROUP_FOR_USER ( SESSION_USER , 'MGR' ) = 1 AND SESSION_USER <> EMPLOYEES . USER_ID THEN ( 'XXX-XX-' CONCAT QSYS2 . SUBSTR ( EMPLOYEES . TAX_ID , 8 , 4 ) )\n\n" +
      "ELSE 'XXX-XX-XXXX' END ENABLE ;",
  },
  {
    docName: 'redp5110.pdf',
    page: 10,
    text: 'Column mask\n\nA column mask is a database object that manifests a column value access control rule for a specific column in a specific table. It uses a CASE expression that describes what you see when you access the column.',
  },
];

/**
 * A fairy tale, and a game guide that shares its words (moon, buried) and ranks first for them:
 * its questions are not answers, and its "crater!!!" must not be cut by a marker.
 */
const MOON: Passage[] = [
  {
    docName: 'DA-619p.pdf',
    page: 566,
    text:
      'This island is where Tevinter first met the Moon Men. Did the Moon Men fly? Was the Moon buried? ' +
      'It is Clear as the Sky that Ancient Tevinter, along with the Moon Men, came here to kill a buried Snake-King under the crater!!!',
  },
  {
    docName: 'pdkids.pdf',
    page: 4,
    text:
      'But evening twilight brought no Moon, which was not strange, for she was buried deep in the bog. ' +
      'The poor Moon was now buried deep in the black mud, with a heavy stone on top of her.',
  },
  {
    docName: 'pdkids.pdf',
    page: 1,
    text: 'Now, I have heard my Granny say that a long time before her day the Moon got trapped and buried in the bog. The wayfarer was lost in the marshes.',
  },
];

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

/**
 * Every cited sentence is, word for word, in the quote shown for each source it cites (a byline,
 * which the source leaves unpunctuated, ends the answer's sentence with a period of its own).
 */
function expectQuotesMatchClaims(r: AnswerResult): void {
  const byN = new Map(r.citations.map((c) => [c.n, c]));
  for (const claim of r.claims) {
    for (const n of claim.citations) {
      const quote = collapse(byN.get(n)?.quote ?? '');
      const text = collapse(stripMarkers(claim.text));
      expect(quote).toContain(quote.endsWith(text.slice(0, -1)) ? text.slice(0, -1) : text);
    }
  }
}

/** Citation numbers are 1, 2, … in order of first appearance in the text. */
function expectAppearanceOrder(text: string): void {
  const seen: number[] = [];
  for (const m of findMarkers(text)) for (const n of m.numbers) if (!seen.includes(n)) seen.push(n);
  expect(seen).toEqual(seen.map((_n, i) => i + 1));
}

/** A provider that writes a fixed answer, streamed in small pieces (in the extractive slot: always configured). */
function scripted(text: string): AnswerProvider {
  return {
    name: 'extractive',
    remote: false,
    model: 'scripted',
    budget: async () => ({ contextTokens: 100_000, maxOutputTokens: 500, count: (t: string) => Math.ceil(t.length / 4), exact: false }),
    async generate(req: GenerateRequest) {
      for (let i = 0; i < text.length; i += 3) req.onToken(text.slice(i, i + 3));
      return { text, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0, exact: false } };
    },
    close: async () => undefined,
  };
}

describe('citation numbers follow the order of first appearance', () => {
  it('renumbers markers: the first source cited is [1], the next new one [2]', () => {
    const text = 'A [3]. B [1, 3]. C [2].';
    expect([...appearanceOrder(text)]).toEqual([[3, 1], [1, 2], [2, 3]]);
    expect(renumberCitations(text, appearanceOrder(text))).toBe('A [1]. B [1, 2]. C [3].');
  });

  it('renumbers the sources to match, uncited ones after the cited ones, and drops unknown numbers', () => {
    const sources = [source(1, 'One.'), source(2, 'Two.'), source(3, 'Three.')];
    const r = numberByAppearance('A [3]. B [9]. C [1].', sources);
    expect(r.answer).toBe('A [1]. B. C [2].');
    expect(r.removed).toEqual([9]);
    expect(r.sources.map((s) => [s.n, s.text])).toEqual([[1, 'Three.'], [2, 'One.'], [3, 'Two.']]);
  });

  it('an answer citing [3] then [2] then [4] reads [1], [2], [3], streamed and saved alike, each number naming its own source', async () => {
    const lib: Passage[] = [
      { docName: 'a.txt', text: 'Vitamin C deficiency causes scurvy in sailors.' },
      { docName: 'b.txt', text: 'Scurvy was common on long voyages.' },
      { docName: 'c.txt', text: 'Citrus fruit cures scurvy quickly.' },
      { docName: 'd.txt', text: 'Lind tested scurvy cures in 1747.' },
    ];
    const search = memorySearch(lib);
    const found = await search.search({ query: 'scurvy', k: 8 });
    const names = found.results.map((x) => x.docName);
    const answer = `${found.results[2].text.replace(/\.$/, ' [3].')} ${found.results[1].text.replace(/\.$/, ' [2].')} ${found.results[3].text.replace(/\.$/, ' [4].')}`;
    const answerer = new Answerer({}, search, { providers: { extractive: scripted(answer) } });
    let streamed = '';
    const r = await answerer.answer({ question: 'scurvy' }, { onEvent: (e) => e.type === 'token' && (streamed += e.text) });
    expect(r.answer.match(/\[\d+\]/g)).toEqual(['[1]', '[2]', '[3]']);
    expect(streamed).toBe(r.answer);
    expect(r.citations.map((c) => [c.n, c.docName])).toEqual([[1, names[2]], [2, names[1]], [3, names[3]]]);
    expect(r.claims.map((c) => c.citations)).toEqual([[1], [2], [3]]);
    expect(r.claims.every((c) => c.status === 'supported')).toBe(true);
  });

  it('extractive answers are numbered from [1] even when the best sentence is not in the top passage', async () => {
    const r = await new Answerer({}, memorySearch(MOON)).answer({ question: 'Who wrote The Buried Moon?' });
    expect(r.notFound).toBe(false);
    expect(r.answer).toContain('[1]');
    expectAppearanceOrder(r.answer);
    expect(r.citations.map((c) => c.n)).toEqual(r.citations.map((_c, i) => i + 1));
  });
});

describe('the quote shown for a source is the sentence cited', () => {
  it('extractive: every cited sentence is in its source quote, and a source cited once quotes exactly that sentence', async () => {
    const r = await new Answerer({}, memorySearch(MASKING)).answer({ question: 'What are the rules for masking the TAX_ID column?' });
    expect(r.provider).toBe('extractive');
    expectQuotesMatchClaims(r);
    expectAppearanceOrder(r.answer);
    for (const c of r.citations) {
      const citing = r.claims.filter((cl) => cl.citations.includes(c.n));
      if (citing.length === 1) expect(collapse(c.quote)).toBe(collapse(stripMarkers(citing[0].text)));
    }
    expect(r.claims.every((c) => c.status === 'supported' && c.citations.length > 0)).toBe(true);
  });

  it('checkCitations quotes a sentence copied from its source exactly, line breaks and all, and located on the page', async () => {
    const text = 'Intro line.\n\nThe other column to mask is the\nTAX_ID information. Any other person sees it masked.';
    const src = source(1, text);
    const r = await checkCitations('Any other person sees it masked [1]. The other column to mask is the TAX_ID information [1].', [src]);
    expect(r.citations).toHaveLength(1);
    // Both sentences, as the source has them (one quote per source: from the first to the last).
    expect(r.citations[0].quote).toBe('The other column to mask is the\nTAX_ID information. Any other person sees it masked.');
    expect(text.slice(r.citations[0].start, r.citations[0].end)).toBe(r.citations[0].quote);
    expect(r.claims.map((c) => c.support)).toEqual([1, 1]);
  });
});

describe('markers sit after whole sentences, outside words and punctuation runs', () => {
  it('goes before the whole final run of punctuation, never inside it', () => {
    expect(citeSentence('It rose by 4%.', 2)).toBe('It rose by 4% [2].');
    expect(citeSentence('Kill the Snake-King under the crater!!!', 4)).toBe('Kill the Snake-King under the crater [4]!!!');
    expect(citeSentence('Was it so?!', 1)).toBe('Was it so [1]?!');
    expect(citeSentence('The end...', 1)).toBe('The end [1]...');
  });

  it('goes after a closing quote or bracket, so it never lands inside quoted text', () => {
    expect(citeSentence('He said "go home."', 3)).toBe('He said "go home." [3]');
    expect(citeSentence('It was rare (about 1%.)', 1)).toBe('It was rare (about 1%.) [1]');
    expect(citeSentence('No final stop', 1)).toBe('No final stop [1]');
  });

  it('an extractive answer has no marker between punctuation marks or inside a word', async () => {
    const r = await new Answerer({}, memorySearch(MOON)).answer({ question: 'Who wrote The Buried Moon?' });
    expect(r.answer).not.toMatch(/[.!?]\s*\[\d+(?:, \d+)*\]\s*[.!?]/);
    expect(r.answer).not.toMatch(/\w\[\d+\]|\[\d+\]\w/);
    // Each cited sentence is one claim of the answer.
    expect(splitSentences(r.answer).length).toBe(findMarkers(r.answer).length);
  });
});

describe('only prose is quoted', () => {
  it('rejects code, SQL, table rows, contents lines, headings, questions and short pieces', () => {
    expect(isProse("CREATE MASK HR_SCHEMA.MASK_TAX_ID_ON_EMPLOYEES ON HR_SCHEMA.EMPLOYEES AS EMPLOYEES FOR COLUMN TAX_ID RETURN CASE WHEN VERIFY_GROUP_FOR_USER ( SESSION_USER , 'HR' ) = 1 THEN EMPLOYEES .")).toBe(false);
    expect(isProse('WHEN VERIFY_GROUP_FOR_USER ( SESSION_USER , MGR ) = 1 AND SESSION_USER = EMPLOYEES . USER_ID THEN EMPLOYEES.')).toBe(false);
    expect(isProse('if (x == 1) { return y; } else { return z; }.')).toBe(false);
    expect(isProse('Total 12.3 45.6 78.9 10.1 11.2 13.4 100.')).toBe(false);
    expect(isProse('Introduction ........................ 5')).toBe(false);
    expect(isProse('Figure 3-10 Column masks shown in System i Navigator')).toBe(false);
    expect(isProse('ROW AND COLUMN ACCESS CONTROL SUPPORT.')).toBe(false);
    expect(isProse('Did the Moon Men fly?')).toBe(false);
    expect(isProse('See above.')).toBe(false);
    expect(isProse('of the employees who were hired later.')).toBe(false);
  });

  it('accepts sentences, statistics included, and a list lead-in only as a lead-in', () => {
    expect(isProse('Managers see a masked version of TAX_ID with the first five characters replaced (for example, XXX-XX-1234).')).toBe(true);
    expect(isProse('After 6 months, 4 of 53 patients (7.5%) in the MSC group (95% CI, 0.4%-14.7%; P = .04) had rejection.')).toBe(true);
    expect(isProse('In this example, the rules to enforce include the following ones:')).toBe(false);
    expect(isProse('In this example, the rules to enforce include the following ones:', { lead: true })).toBe(true);
  });

  it('answers the TAX_ID question with the rules, not with SQL cut off mid-statement', async () => {
    const r = await new Answerer({}, memorySearch(MASKING)).answer({ question: 'What are the rules for masking the TAX_ID column?' });
    expect(r.answer).not.toMatch(/CREATE MASK|THEN EMPLOYEES|VERIFY_GROUP_FOR_USER|END ENABLE/);
    expect(r.answer).toContain('Human Resources can see the unmasked TAX_ID of the employees.');
    expect(r.answer).toContain('Managers see a masked version of TAX_ID');
    expect(r.answer).toContain('Any other person sees the entire TAX_ID as masked');
    // The rule quoted twice (it opens the second passage too) is said once.
    expect(r.answer.match(/Any other person sees/g)).toHaveLength(1);
  });
});

describe('irrelevant sentences are left out', () => {
  it('uses the measured relevance bar by default', async () => {
    expect([MIN_COVERAGE, MIN_RELATIVE]).toEqual([0.2, 0.5]);
  });

  it('drops a sentence that shares only a common word with the question', async () => {
    const a = source(1, 'Scurvy is a disease caused by a lack of vitamin C in the diet of sailors.', 0.8);
    const b = source(2, 'Many sailors liked to sing songs on the deck in the evening.', 0.4);
    const ev = await selectEvidence('What disease did sailors get from a lack of vitamin C?', [a, b], { maxSentences: 3 });
    expect(ev.map((e) => e.n)).toEqual([1]);
  });

  it('does not quote the questions a source asks', async () => {
    const r = await new Answerer({}, memorySearch(MOON)).answer({ question: 'Who wrote The Buried Moon?' });
    expect(r.answer).toContain('buried');
    expect(r.answer).not.toMatch(/Did the Moon Men fly|Was the Moon buried/);
  });
});

describe('confidence describes the answer given', () => {
  it('"not found" carries no confidence (0), not a high figure', async () => {
    const r = await new Answerer({}, memorySearch(MASKING)).answer({ question: 'Who won the 1998 football world cup final?' });
    expect(r.notFound).toBe(true);
    expect(r.confidence).toBe(0);
  });
});

/** The fairy tale's title page as the PDF gives it: the title line names the author, unpunctuated. */
const MOON_WITH_TITLE: Passage[] = [
  ...MOON,
  {
    docName: 'pdkids.pdf',
    page: 1,
    text:
      'PD KIDS\n\nPublic domain texts for young people.\n\nThe Buried Moon - An English Fairy Tale by Edmund Dulac\n\n' +
      "In my old Granny's days, long, long ago, Carland was just a collection of bogs, and the Moon shone over them.",
  },
];

describe('names in the question, and bylines', () => {
  it('"Who wrote …?" is answered from the title line that names the author, cited to its page', async () => {
    const r = await new Answerer({}, memorySearch(MOON_WITH_TITLE)).answer({ question: 'Who wrote The Buried Moon?' });
    expect(r.notFound).toBe(false);
    expect(r.answer).toContain('The Buried Moon - An English Fairy Tale by Edmund Dulac [1].');
    expect(r.citations[0]).toMatchObject({ docName: 'pdkids.pdf', page: 1 });
    expect(r.answer).not.toContain('Tevinter');
    expectQuotesMatchClaims(r);
    expect(r.claims.every((c) => c.status === 'supported')).toBe(true);
  });

  it('a document that never mentions the named title does not answer for it, though it shares the words', async () => {
    const r = await new Answerer({}, memorySearch(MOON_WITH_TITLE)).answer({ question: 'What happened to the Moon in The Buried Moon?' });
    expect(r.answer).toContain('buried deep in the bog');
    expect(r.answer).not.toContain('Tevinter');
    expect(r.citations.every((c) => c.docName === 'pdkids.pdf')).toBe(true);
  });

  it('the same passages answer for a name the game guide does hold', async () => {
    const r = await new Answerer({}, memorySearch(MOON_WITH_TITLE)).answer({ question: 'Why did Tevinter fight alongside the Moon Men?' });
    expect(r.answer).toContain('Tevinter');
    expect(r.citations.some((c) => c.docName === 'DA-619p.pdf')).toBe(true);
  });

  it('a byline is quoted only for who wrote something, or when it holds the words asked for', () => {
    expect(isByline('The Buried Moon - An English Fairy Tale by Edmund Dulac')).toBe(true);
    expect(isByline('Notes on the Tides, by J. R. van der Berg')).toBe(true);
    expect(isByline('Figure 3 by region')).toBe(false);
    expect(isByline('Sales by Region')).toBe(false);
    expect(isByline('Revenue 2023 2024 by Q1 Q2')).toBe(false);
    expect(isByline('The Buried Moon by Edmund Dulac.\nAnother line')).toBe(false);
  });
});
