/**
 * Seeded random ExtractedDocuments for property-style chunker tests. Besides the document,
 * the generator records what it knows to be true of the text it wrote (where sentences end,
 * where headings are), so tests can check the chunker against ground truth rather than
 * against the chunker's own sentence splitter.
 */
import { countTokens } from '../../../main/chunk/tokens';
import type { Block, ExtractedDocument, ExtractedPage } from '../../../main/ingest/types';
import { seededRandom } from '../../../main/util/random';

/** The seeded generator the generated documents are drawn from. */
export const rng = seededRandom;

const WORDS = (
  'the of and a to in is was for that with as on by at from this be are an which or results ' +
  'study data model patients cells analysis method system using between were been have has its ' +
  'significant increased treatment group control effect response protein expression levels high ' +
  'observed however measured after during both these than also more not can may each other ' +
  'approximately characterization interdisciplinary immunohistochemistry electroencephalography ' +
  'value 3.14 2.5% 1,024 e.g. i.e. cf. et al. vs. approx. example.com x86_64 covid-19 il-6 brca1 ' +
  '(see fig. 2) [12] "quoted" smith\'s'
).split(' ');
const CAPITALISED = 'The This We Results Patients In Our Data These A Dr. Smith Fig. Although Here'.split(' ');
const ENDINGS = ['.', '.', '.', '.', '!', '?', '."', '.)', '...', '?”'];
const CJK = (
  '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严'
).split('');
const CJK_ENDERS = ['。', '。', '！', '？'];

export interface Truth {
  /** Per page index: offsets where a sentence (or list item, table row, code line) ends. */
  sentenceEnds: Set<number>[];
  /** Per page index: offsets where one starts. */
  sentenceStarts: Set<number>[];
  /** Ranges of sentences larger than the maximum, which may be cut between words. */
  oversized: { page: number; start: number; end: number }[];
  /** Heading blocks in reading order. */
  headings: { page: number; start: number; end: number; path: string[] }[];
  /** Whether text comes before the first heading (then it forms section 0). */
  preamble: boolean;
}

export interface GenOptions {
  pages: number;
  maxTokens: number;
  /** Probability that a page has no text layer or failed to read. */
  pSkip: number;
  /** Probability that a paragraph runs on to the next page. */
  pContinue: number;
  cjk: boolean;
}

interface Sentence {
  text: string;
  oversized: boolean;
  /** Offsets (within the sentence) where it may be broken across a page: before a lower-case word. */
  wraps: number[];
}

/** A random document and the ground truth about it. */
export function generateDocument(seed: number, opts: Partial<GenOptions> = {}): { doc: ExtractedDocument; truth: Truth } {
  const o: GenOptions = { pages: 12, maxTokens: 400, pSkip: 0.08, pContinue: 0.3, cjk: true, ...opts };
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

  const latinSentence = (): Sentence => {
    const giant = r() < 0.01;
    const n = giant ? int(350, 700) : r() < 0.1 ? int(22, 40) : int(4, 22);
    let text = pick(CAPITALISED);
    const wraps: number[] = [];
    for (let i = 1; i < n; i++) {
      const w = r() < 0.0005 ? 'Z'.repeat(int(2000, 3000)) : pick(WORDS); // a word bigger than any chunk
      // A page may break before a lower-case word after a plain word (as "... the | data ...").
      if (/^[a-z]/.test(w) && /[a-z0-9]$/i.test(text)) wraps.push(text.length + 1);
      text += ' ' + w;
    }
    // Final punctuation only after a plain word, never after an abbreviation.
    text += /[a-z]$/.test(text) ? pick(ENDINGS) : ' end' + pick(ENDINGS);
    return { text, oversized: countTokens(text) > o.maxTokens, wraps };
  };
  const cjkSentence = (): Sentence => {
    const n = r() < 0.02 ? int(450, 700) : int(6, 40);
    let text = '';
    for (let i = 0; i < n; i++) text += pick(CJK);
    text += pick(CJK_ENDERS);
    return { text, oversized: countTokens(text) > o.maxTokens, wraps: [] };
  };

  // Build the document as a list of blocks, then lay the blocks out on pages.
  type GenBlock = { kind: Block['kind']; level?: number; parts: Sentence[]; sep: string; path: string[] };
  const blocks: GenBlock[] = [];
  const path: string[] = [];
  const total = o.pages * int(4, 9);
  let headingNo = 0;
  for (let b = 0; b < total; b++) {
    const x = r();
    if (x < 0.12 || (b === 0 && r() < 0.5)) {
      const level = Math.min(path.length + 1, int(1, 3));
      path.length = level - 1;
      const title = `Heading ${++headingNo} ${pick(WORDS)}`;
      path.push(title);
      blocks.push({ kind: 'heading', level, parts: [{ text: title, oversized: false, wraps: [] }], sep: '', path: [...path] });
      if (r() < 0.15) b--; // sometimes headings stack directly
    } else if (x < 0.2) {
      const items = Array.from({ length: int(2, 8) }, () => {
        const s = latinSentence();
        return { ...s, text: '- ' + s.text, wraps: s.wraps.map((w) => w + 2) };
      });
      blocks.push({ kind: 'list', parts: items, sep: '\n', path: [...path] });
    } else if (x < 0.26) {
      const rows = Array.from({ length: int(2, 25) }, (_, i) => ({
        text: `| ${i === 0 ? 'Name' : pick(WORDS)} | ${int(0, 9999)} | ${pick(WORDS)} ${pick(WORDS)} |`,
        oversized: false,
        wraps: [],
      }));
      blocks.push({ kind: 'table', parts: rows, sep: '\n', path: [...path] });
    } else if (x < 0.28) {
      const lines = Array.from({ length: int(2, 12) }, () => ({ text: `const v${int(0, 99)} = f(${int(0, 9)});`, oversized: false, wraps: [] }));
      blocks.push({ kind: 'code', parts: lines, sep: '\n', path: [...path] });
    } else {
      const cjk = o.cjk && r() < 0.1;
      const parts = Array.from({ length: int(1, 14) }, () => (cjk ? cjkSentence() : latinSentence()));
      blocks.push({ kind: 'paragraph', parts, sep: cjk ? '' : ' ', path: [...path] });
    }
  }

  const truth: Truth = { sentenceEnds: [], sentenceStarts: [], oversized: [], headings: [], preamble: blocks[0]?.kind !== 'heading' };
  const pages: ExtractedPage[] = [];
  let text = '';
  let pageBlocks: Block[] = [];
  let ends = new Set<number>();
  let starts = new Set<number>();
  const perPage = Math.max(1, Math.ceil(blocks.length / o.pages));
  const pushPage = (page: Omit<ExtractedPage, 'page'>): void => {
    pages.push({ page: pages.length + 1, ...page });
    truth.sentenceEnds.push(ends);
    truth.sentenceStarts.push(starts);
    ends = new Set();
    starts = new Set();
  };
  /** Ends the page; unless a paragraph runs on, a page without text (a scan, a bad page) may follow. */
  const finishPage = (mayGap: boolean): void => {
    // Some extractors pad pages with white space: offsets must survive it.
    pushPage({ text: r() < 0.1 ? text + '\n  ' : text, blocks: pageBlocks });
    text = '';
    pageBlocks = [];
    if (mayGap && r() < o.pSkip) {
      pushPage(r() < 0.5 ? { text: '', blocks: [], needsOcr: true } : { text: '', blocks: [], error: { code: 'PDF_MALFORMED', message: 'bad page' } });
    }
  };
  const addBlock = (kind: Block['kind'], parts: Sentence[], sep: string, bpath: string[], level?: number): void => {
    if (text) text += '\n\n';
    const start = text.length;
    parts.forEach((s, i) => {
      if (i > 0) text += sep;
      starts.add(text.length);
      if (s.oversized) truth.oversized.push({ page: pages.length, start: text.length, end: text.length + s.text.length });
      text += s.text;
      ends.add(text.length);
    });
    const block: Block = { kind, text: text.slice(start), start, end: text.length, headingPath: bpath };
    if (level !== undefined) block.level = level;
    if (kind === 'heading') truth.headings.push({ page: pages.length, start, end: text.length, path: bpath });
    pageBlocks.push(block);
  };
  blocks.forEach((b, i) => {
    const pageFull = i > 0 && i % perPage === 0;
    const last = b.parts[b.parts.length - 1];
    if (pageFull && b.kind === 'paragraph' && b.sep === ' ' && r() < o.pContinue && last.wraps.length > 0) {
      // The paragraph starts on this page and runs on to the next, breaking inside a sentence.
      const cut = pick(last.wraps);
      const head = [...b.parts.slice(0, -1), { text: last.text.slice(0, cut - 1), oversized: false, wraps: [] }];
      addBlock('paragraph', head, ' ', b.path);
      ends.delete(text.length); // not a sentence end: the sentence goes on over the page
      if (last.oversized) truth.oversized.push({ page: pages.length, start: text.length - (cut - 1), end: text.length });
      finishPage(false);
      addBlock('paragraph', [{ text: last.text.slice(cut), oversized: last.oversized, wraps: [] }], ' ', b.path);
      starts.delete(0);
      return;
    }
    if (pageFull) finishPage(true);
    addBlock(b.kind, b.parts, b.sep, b.path, b.level);
  });
  finishPage(true);
  return { doc: { format: 'pdf', meta: { pageCount: pages.length }, pages, warnings: [] }, truth };
}
