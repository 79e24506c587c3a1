import type { Passage } from './helpers/memory-search';

/** A handful of passages about distinct topics: enough for retrieval, answering and citing. */
export const LIBRARY: Passage[] = [
  {
    docName: 'scurvy.pdf',
    page: 3,
    start: 120,
    text:
      'Scurvy is a disease caused by a lack of vitamin C in the diet. Early symptoms include weakness, ' +
      'fatigue and sore arms and legs. In 1747 James Lind showed that citrus fruit cured scurvy in sailors.',
  },
  {
    docName: 'scurvy.pdf',
    page: 4,
    text: 'Vitamin C is found in citrus fruits, tomatoes and potatoes. The body cannot store it for long, so it must be eaten regularly.',
  },
  {
    docName: 'bm25.md',
    page: 1,
    text:
      'BM25 is a ranking function used by search engines to estimate the relevance of documents to a query. ' +
      'It scores documents by term frequency, inverse document frequency and document length. ' +
      'The parameter k1 controls term frequency saturation and b controls length normalisation.',
  },
  {
    docName: 'volcano.txt',
    page: 2,
    text: 'Mount Vesuvius erupted in 79 AD and buried the Roman cities of Pompeii and Herculaneum under ash.',
  },
];
