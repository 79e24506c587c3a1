import type { Source } from '../../../../main/answer/types';

/** A retrieved passage as the answerer gets it: one page of document d<n>, section s0. */
export function source(n: number, text: string, relevance = 0.5): Source {
  return {
    n,
    text,
    relevance,
    result: {
      chunkId: `c${n}`, docId: `d${n}`, docName: `doc${n}.pdf`, path: `/d${n}.pdf`, page: 1, pageEnd: 1, start: 0,
      end: text.length, headingPath: [], sectionId: `d${n}:s0`, score: 1, text, snippet: '', highlights: [], retrievers: ['text'],
    },
  };
}
