import type { SearchQuery, SearchResult, SearchResults } from '../../../../contract';
import type { AnswerDeps } from '../../../../main/answer/types';
import { contentTokens } from '../../../../main/answer/text';

/** A passage of the test library. */
export interface Passage {
  docName: string;
  text: string;
  page?: number;
  /** Offset of the passage within its page (default 0). */
  start?: number;
  section?: string;
  headingPath?: string[];
}

/**
 * A real, small in-memory retriever (BM25 over a handful of passages): a legitimate test
 * double for the search engine, which answering only reaches through `AnswerDeps.search`.
 */
export function memorySearch(passages: Passage[], sections: Record<string, string> = {}): AnswerDeps & { queries: SearchQuery[] } {
  const docs = passages.map((p) => contentTokens(p.text));
  const avg = docs.reduce((s, d) => s + d.length, 0) / Math.max(1, docs.length);
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
  const queries: SearchQuery[] = [];
  return {
    queries,
    async search(q: SearchQuery): Promise<SearchResults> {
      queries.push(q);
      const qt = new Set(contentTokens(q.query));
      const scored = docs.map((d, i) => {
        let s = 0;
        for (const t of qt) {
          const tf = d.filter((x) => x === t).length;
          if (!tf) continue;
          const idf = Math.log(1 + (docs.length - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));
          s += (idf * tf * 2.2) / (tf + 1.2 * (0.25 + 0.75 * (d.length / avg)));
        }
        return { i, s };
      });
      const doc = q.filters?.doc;
      const results: SearchResult[] = scored
        .filter((x) => x.s > 0 && (!doc || passages[x.i].docName.startsWith(doc)))
        .sort((a, b) => b.s - a.s)
        .slice(0, q.k ?? 10)
        .map(({ i, s }) => {
          const p = passages[i];
          const start = p.start ?? 0;
          return {
            chunkId: `d${i}:0`,
            // Passages of one file are one document, as in the library.
            docId: `doc:${p.docName}`,
            docName: p.docName,
            path: `/library/${p.docName}`,
            page: p.page ?? 1,
            pageEnd: p.page ?? 1,
            start,
            end: start + p.text.length,
            headingPath: p.headingPath ?? [],
            sectionId: p.section ?? `d${i}:s0`,
            score: s,
            text: p.text,
            snippet: p.text.slice(0, 120),
            highlights: [],
            retrievers: ['text'],
          };
        });
      return { query: q.query, mode: q.mode ?? 'hybrid', tookMs: 0, results };
    },
    async expandSection(id: string): Promise<string | undefined> {
      return sections[id];
    },
  };
}
