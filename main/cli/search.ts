import { SearchMode, type SearchResults } from '../../contract';
import { openEngine } from './lazy';
import { UsageError, type Command } from './command';
import { printJson, style } from './output';

export const searchCommand: Command = {
  name: 'search',
  summary: 'Search the library (hybrid, vector or text)',
  usage:
    'quarry search "<query>" [-k N] [--mode hybrid|vector|text] [--collection C] [--doc NAME] [--tag T]... ' +
    '[--rerank] [--reranker ID|FOLDER] [--rerank-budget MS] [--mmr LAMBDA] [--page-cap N] [--json]',
  details:
    'Exact codes and IDs in the query ("E-4012", "Item 7A") and "quoted phrases" rank passages that contain them verbatim first.\n' +
    '--rerank re-scores the top candidates with the cross-encoder set in Settings (on by default once one is set);\n' +
    '--reranker names one for this search (a manifest id installed by `quarry models pull`, or a model folder).\n' +
    'Past --rerank-budget milliseconds (default 300) the fused order is kept and the output says so.\n' +
    '--mmr 0.7 diversifies the top results (1 keeps the order); --page-cap N allows at most N results per page (default 2 with --mmr).',
  options: {
    k: { type: 'string', short: 'k' },
    mode: { type: 'string', short: 'm' },
    collection: { type: 'string', short: 'c' },
    doc: { type: 'string' },
    tag: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    rerank: { type: 'boolean' },
    reranker: { type: 'string' },
    'rerank-budget': { type: 'string' },
    mmr: { type: 'string' },
    'page-cap': { type: 'string' },
  },
  async run({ dataDir, args, values, io }) {
    const query = args.join(' ').trim();
    if (!query) throw new UsageError('Give a query, e.g. quarry search "net revenue 2023".');
    const k = values.k === undefined ? 10 : Number(values.k);
    if (!Number.isInteger(k) || k < 1 || k > 200) throw new UsageError('-k takes a whole number from 1 to 200.');
    const mode = SearchMode.safeParse(values.mode ?? 'hybrid');
    if (!mode.success) throw new UsageError('--mode is one of hybrid, vector, text.');
    const { rerank, diversity, budgetMs } = parseRefinements(values);
    const reranker = values.reranker as string | undefined;
    const engine = await openEngine({
      dataDir,
      readOnly: true,
      ...(reranker || budgetMs !== undefined ? { rerank: { ...(reranker ? { model: reranker } : {}), ...(budgetMs !== undefined ? { budgetMs } : {}) } } : {}),
    });
    try {
      // A one-shot search would spend its whole budget loading the model: load it first.
      if (rerank !== false) await engine.prepareReranker();
      const res = await engine.handlers['search.query']({
        query,
        k,
        mode: mode.data,
        filters: { collection: values.collection as string | undefined, doc: values.doc as string | undefined, tags: values.tag as string[] | undefined },
        ...(rerank !== undefined ? { rerank } : {}),
        ...(diversity ? { diversity } : {}),
      });
      if (values.json) {
        printJson(io, {
          query: res.query,
          tookMs: res.tookMs,
          results: res.results.map((r) => ({
            chunkId: r.chunkId, docId: r.docId, docName: r.docName, path: r.path, page: r.page, pageEnd: r.pageEnd,
            score: r.score, rerankScore: r.rerankScore, text: r.text, snippet: r.snippet, retrievers: r.retrievers,
          })),
          rerank: res.rerank,
          diversity: res.diversity,
          ...(res.missing ? { missing: res.missing } : {}),
        });
        return 0;
      }
      if (res.results.length === 0) {
        io.out.write(engine.documents().size === 0 ? 'The library is empty. Add documents with `quarry ingest <files|folders>`.\n' : `No results for "${query}".\n`);
        return 0;
      }
      io.out.write(style(io.out, 'dim', `${res.results.length} results in ${res.tookMs} ms (${res.mode})${refinementNote(res)}`) + '\n');
      // Near misses are not matches: "INV-2024-0043" must not pass for the 0042 that was found.
      if (res.missing) io.out.write(style(io.out, 'yellow', `No passage contains ${res.missing.map((m) => `"${m}"`).join(', ')}: these are the closest passages.`) + '\n');
      io.out.write('\n');
      res.results.forEach((r, i) => {
        const pages = r.pageEnd > r.page ? `pages ${r.page}–${r.pageEnd}` : `page ${r.page}`;
        io.out.write(`${style(io.out, 'bold', `${i + 1}. ${r.docName}`)} — ${pages}  ${style(io.out, 'dim', `score ${r.score.toFixed(3)} · ${r.retrievers.join('+')}`)}\n`);
        if (r.headingPath.length) io.out.write(`   ${style(io.out, 'dim', r.headingPath.join(' › '))}\n`);
        const snippet = r.snippet.replace(/«([^»]*)»/g, (_, m: string) => (io.out.isTTY ? style(io.out, 'yellow', m) : `«${m}»`));
        io.out.write(`   ${snippet}\n\n`);
      });
      return 0;
    } finally {
      await engine.close();
    }
  },
};

/** Reads --rerank, --reranker, --rerank-budget, --mmr and --page-cap. */
export function parseRefinements(values: Record<string, unknown>): {
  rerank?: boolean;
  budgetMs?: number;
  diversity?: { lambda: number; pageCap: number };
} {
  const rerank = values.rerank || values.reranker ? true : undefined;
  let budgetMs: number | undefined;
  if (values['rerank-budget'] !== undefined) {
    budgetMs = Number(values['rerank-budget']);
    if (!Number.isInteger(budgetMs) || budgetMs < 10 || budgetMs > 10_000) throw new UsageError('--rerank-budget takes milliseconds from 10 to 10000.');
  }
  let diversity: { lambda: number; pageCap: number } | undefined;
  if (values.mmr !== undefined || values['page-cap'] !== undefined) {
    const lambda = values.mmr === undefined ? 1 : Number(values.mmr);
    if (!(lambda >= 0 && lambda <= 1)) throw new UsageError('--mmr takes a lambda from 0 (most diverse) to 1 (order kept), e.g. 0.7.');
    const pageCap = values['page-cap'] === undefined ? 2 : Number(values['page-cap']);
    if (!Number.isInteger(pageCap) || pageCap < 0 || pageCap > 50) throw new UsageError('--page-cap takes a whole number from 0 (no cap) to 50.');
    diversity = { lambda, pageCap };
  }
  return { rerank, budgetMs, diversity };
}

function refinementNote(res: SearchResults): string {
  const parts: string[] = [];
  const r = res.rerank;
  if (r?.applied) parts.push(`reranked ${r.candidates}${r.reason === 'partial' ? ' (all the budget allowed)' : ''} by ${r.model} in ${r.tookMs} ms`);
  else if (r) parts.push(`not reranked (${r.reason}${r.message ? `: ${r.message}` : ''})`);
  if (res.diversity) parts.push(`diversified: lambda ${res.diversity.lambda}, ${res.diversity.pageCap || 'no'} per-page cap, ${res.diversity.changed} moved`);
  return parts.length ? ` · ${parts.join(' · ')}` : '';
}
