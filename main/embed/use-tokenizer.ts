/**
 * The Universal Sentence Encoder's SentencePiece tokenizer, producing exactly the ids of
 * `@energetic-ai/embeddings`' Tokenizer (tests compare them on real text) but in linear time:
 * the upstream one copies the rest of the input (`symbols.slice(i)`) at every position, which
 * costs O(n²) and ~17 ms for a 1,500-character abstract — a fifth of the model's own time.
 */

/** [piece, log-probability] pairs, as in the model package's vocab.json. */
export type UseVocabulary = Array<[string, number]>;

interface TrieNode {
  children: Map<string, TrieNode>;
  end: boolean;
  score: number;
  index: number;
}

const SEPARATOR = '\u2581';
/** Ids 0-5 are <unk>, <s>, </s> and extra tokens: never produced by matching. */
const RESERVED = 6;

/** The USE graph reads only the first 128 ids of each input (measured: ids beyond it change nothing). */
export const USE_MAX_TOKENS = 128;

export class UseTokenizer {
  private readonly root: TrieNode = node();
  private readonly pieceLength: Int32Array;

  constructor(private readonly vocabulary: UseVocabulary) {
    this.pieceLength = new Int32Array(vocabulary.length);
    for (let i = 0; i < vocabulary.length; i++) this.pieceLength[i] = vocabulary[i][0].length;
    for (let i = RESERVED; i < vocabulary.length; i++) {
      let n = this.root;
      for (const ch of vocabulary[i][0]) {
        let next = n.children.get(ch);
        if (!next) n.children.set(ch, (next = node()));
        n = next;
      }
      n.end = true;
      n.score = vocabulary[i][1];
      n.index = i;
    }
  }

  /** All ids of `input`, identical to the upstream tokenizer's `encode`. */
  encode(input: string): number[] {
    return this.encodeNormalized(input.normalize('NFKC'));
  }

  /**
   * The first `maxTokens` ids of `input` without tokenizing all of it. Every piece that spans a
   * space starts with it (no vocabulary piece has an inner '▁'), so a cut just before a space is
   * a boundary of every segmentation: tokenizing a prefix that ends there gives the same leading
   * ids as tokenizing the whole text (tests check this on real abstracts).
   */
  encodeTruncated(input: string, maxTokens = USE_MAX_TOKENS): number[] {
    const text = input.normalize('NFKC');
    // ~4 characters a token in English prose; start with twice that and grow when short.
    let limit = maxTokens * 8;
    for (;;) {
      if (text.length <= limit) return this.encodeNormalized(text).slice(0, maxTokens);
      // Text without spaces (CJK, a base64 blob) is cut mid-word: its first ids are then only
      // nearly certain to match, but a megabyte-long "word" is never tokenised whole.
      const space = text.lastIndexOf(' ', limit);
      const cut = space > limit / 2 ? space : limit;
      const ids = this.encodeNormalized(text.slice(0, cut));
      if (ids.length >= maxTokens) return ids.slice(0, maxTokens);
      limit *= 2;
    }
  }

  private encodeNormalized(normalized: string): number[] {
    if (normalized.length === 0) return [];
    const symbols = Array.from(SEPARATOR + normalized.replace(/ /g, SEPARATOR));
    const n = symbols.length;
    // Candidate pieces grouped by end position, in ascending start order as upstream visits them.
    const starts: number[][] = Array.from({ length: n + 1 }, () => []);
    const ids: number[][] = Array.from({ length: n + 1 }, () => []);
    const scores: number[][] = Array.from({ length: n + 1 }, () => []);
    for (let i = 0; i < n; i++) {
      let cur = this.root.children.get(symbols[i]);
      let found = false;
      for (let j = i; j < n && cur; j++) {
        if (cur.end) {
          starts[j + 1].push(i);
          ids[j + 1].push(cur.index);
          scores[j + 1].push(cur.score);
          found = true;
        }
        cur = j + 1 < n ? cur.children.get(symbols[j + 1]) : undefined;
      }
      if (!found) {
        starts[i + 1].push(i);
        ids[i + 1].push(0);
        scores[i + 1].push(0);
      }
    }
    const best = new Float64Array(n + 1);
    const words = new Int32Array(n + 1);
    for (let end = 0; end <= n; end++) {
      const s = starts[end];
      for (let k = 0; k < s.length; k++) {
        const score = scores[end][k] + best[s[k]];
        // Upstream treats a best of exactly 0 as "unset" and lets ties go to the later piece;
        // both quirks are kept so the ids match.
        if (best[end] === 0 || score >= best[end]) {
          best[end] = score;
          words[end] = ids[end][k];
        }
      }
    }
    const reversed: number[] = [];
    for (let at = n; at > 0; at -= this.pieceLength[words[at]]) reversed.push(words[at]);
    const out: number[] = [];
    let previousUnknown = false;
    for (let i = reversed.length - 1; i >= 0; i--) {
      const id = reversed[i];
      if (!(previousUnknown && id === 0)) out.push(id);
      previousUnknown = id === 0;
    }
    return out;
  }
}

function node(): TrieNode {
  return { children: new Map(), end: false, score: 0, index: 0 };
}
