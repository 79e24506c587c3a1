import { SearchMode } from '../../contract';
import { openEngine } from './lazy';
import { UsageError, type Command } from './command';
import { printJson, style } from './output';

export const searchCommand: Command = {
  name: 'search',
  summary: 'Search the library (hybrid, vector or text)',
  usage: 'quarry search "<query>" [-k N] [--mode hybrid|vector|text] [--collection C] [--doc NAME] [--tag T]... [--json]',
  details: 'Exact codes and IDs in the query ("E-4012", "Item 7A") and "quoted phrases" rank passages that contain them verbatim first.',
  options: {
    k: { type: 'string', short: 'k' },
    mode: { type: 'string', short: 'm' },
    collection: { type: 'string', short: 'c' },
    doc: { type: 'string' },
    tag: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  },
  async run({ dataDir, args, values, io }) {
    const query = args.join(' ').trim();
    if (!query) throw new UsageError('Give a query, e.g. quarry search "net revenue 2023".');
    const k = values.k === undefined ? 10 : Number(values.k);
    if (!Number.isInteger(k) || k < 1 || k > 200) throw new UsageError('-k takes a whole number from 1 to 200.');
    const mode = SearchMode.safeParse(values.mode ?? 'hybrid');
    if (!mode.success) throw new UsageError('--mode is one of hybrid, vector, text.');
    const engine = await openEngine({ dataDir, readOnly: true });
    try {
      const res = await engine.handlers['search.query']({
        query,
        k,
        mode: mode.data,
        filters: { collection: values.collection as string | undefined, doc: values.doc as string | undefined, tags: values.tag as string[] | undefined },
      });
      if (values.json) {
        printJson(io, {
          query: res.query,
          tookMs: res.tookMs,
          results: res.results.map((r) => ({
            chunkId: r.chunkId, docId: r.docId, docName: r.docName, path: r.path, page: r.page, pageEnd: r.pageEnd,
            score: r.score, text: r.text, snippet: r.snippet, retrievers: r.retrievers,
          })),
        });
        return 0;
      }
      if (res.results.length === 0) {
        io.out.write(engine.documents().size === 0 ? 'The library is empty. Add documents with `quarry ingest <files|folders>`.\n' : `No results for "${query}".\n`);
        return 0;
      }
      io.out.write(style(io.out, 'dim', `${res.results.length} results in ${res.tookMs} ms (${res.mode})`) + '\n\n');
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
