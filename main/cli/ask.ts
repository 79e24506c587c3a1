import type { Answerer } from '../answer/answerer';
import type { AnswerResult, Citation, ProviderChoice } from '../answer/types';
import { toQuarryError } from '../util/errors';

export interface AskArgs {
  question: string;
  /** auto | local | remote | extractive */
  provider: string;
  collection?: string;
  doc?: string;
  json: boolean;
}

export interface AskDeps {
  answerer: Answerer;
  out: NodeJS.WritableStream;
  /** Aborts the answer (the CLI wires Ctrl-C to it). */
  signal?: AbortSignal;
}

/** The `--json` form of an answer: stable field names scripts rely on. */
export function answerJson(r: AnswerResult): Record<string, unknown> {
  return {
    answer: r.answer,
    citations: r.citations.map((c) => ({
      n: c.n,
      chunkId: c.chunkId,
      docId: c.docId,
      docName: c.docName,
      path: c.path,
      page: c.page,
      pageEnd: c.pageEnd ?? c.page,
      start: c.start,
      end: c.end,
      quote: c.quote,
      support: c.support,
    })),
    confidence: r.confidence,
    notFound: r.notFound,
    provider: r.provider,
    model: r.model,
    timings: r.timings,
    usage: r.usage,
    claims: r.claims,
    removedCitations: r.removedCitations,
    attempts: r.attempts,
  };
}

/** `[1] report.pdf — page 4`, or `— pages 4–5` for a quote over a page break. */
export function sourceLine(c: Citation): string {
  const pageEnd = c.pageEnd ?? c.page;
  return `[${c.n}] ${c.docName} — ${pageEnd > c.page ? `pages ${c.page}–${pageEnd}` : `page ${c.page}`}`;
}

/**
 * `quarry ask "<question>" [--provider auto|local|remote|extractive] [--collection C] [--doc NAME] [--json]`.
 * Human output streams the answer, then lists the sources; `--json` prints one JSON object.
 * Exit codes: 0 answered (also "not found"), 1 failed, 2 bad input, 130 cancelled.
 *
 * @example
 * const code = await runAsk({ question: 'What is BM25?', provider: 'auto', json: false }, { answerer, out: process.stdout });
 */
export async function runAsk(args: AskArgs, deps: AskDeps): Promise<number> {
  const { out } = deps;
  const req = { question: args.question, provider: args.provider as ProviderChoice, collection: args.collection, doc: args.doc };
  try {
    if (args.json) {
      const result = await deps.answerer.answer(req, { signal: deps.signal });
      out.write(`${JSON.stringify(answerJson(result))}\n`);
      return 0;
    }
    let result: AnswerResult | undefined;
    let streamed = false;
    for await (const e of deps.answerer.ask(req, { signal: deps.signal })) {
      if (e.type === 'token') {
        out.write(e.text);
        streamed = true;
      } else if (e.type === 'reset' && streamed) {
        out.write(`\n\n(That answer broke off: ${e.reason}. Trying again…)\n\n`);
        streamed = false;
      } else if (e.type === 'done') {
        result = e.result;
      } else if (e.type === 'error') {
        throw Object.assign(new Error(e.error.message), { info: e.error });
      }
    }
    if (!result) return fail(out, args.json, toQuarryError(new Error('The answer ended without a result')));
    out.write('\n');
    if (result.citations.length) {
      out.write('\nSources:\n');
      for (const c of result.citations) out.write(`${sourceLine(c)}\n`);
    }
    const weak = result.claims.filter((c) => c.status === 'unsupported').length;
    if (weak) out.write(`\nNote: ${weak} sentence${weak === 1 ? ' is' : 's are'} not well supported by the cited source.\n`);
    const by = result.provider === 'none' ? 'nothing relevant found' : `answered by ${result.provider}${result.model && result.model !== result.provider ? ` (${result.model})` : ''}`;
    // "Not found" has no answer to be confident in: no figure beside it.
    out.write(`\n(${by}${result.notFound ? '' : ` · confidence ${result.confidence.toFixed(2)}`})\n`);
    return 0;
  } catch (e) {
    const info = (e as { info?: { code: string; message: string; hint?: string } }).info;
    return fail(out, args.json, info ?? toQuarryError(e).toInfo());
  }
}

function fail(out: NodeJS.WritableStream, json: boolean, err: { code: string; message: string; hint?: string }): number {
  if (json) out.write(`${JSON.stringify({ error: { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) } })}\n`);
  else out.write(`\nError: ${err.message}${err.hint ? `\nHint: ${err.hint}` : ''}\n`);
  if (err.code === 'CANCELLED') return 130;
  if (err.code === 'INVALID_INPUT') return 2;
  return 1;
}
