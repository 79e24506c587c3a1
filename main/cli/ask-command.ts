import { openEngine } from './lazy';
import { runAsk } from './ask';
import { UsageError, type Command } from './command';

export const askCommand: Command = {
  name: 'ask',
  summary: 'Answer a question from your documents, every claim cited to a document and page',
  usage: 'quarry ask "<question>" [--provider auto|local|remote|extractive] [--collection C] [--doc NAME] [--json]',
  details:
    'With no model configured the answer is extractive: the best-supported sentences of the top passages,\n' +
    'each cited. Configure a local GGUF or a remote OpenAI-compatible API in <data-dir>/settings.json ("answer").',
  options: {
    provider: { type: 'string', short: 'p' },
    collection: { type: 'string', short: 'c' },
    doc: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ dataDir, args, values, io }) {
    const question = args.join(' ').trim();
    if (!question) throw new UsageError('Ask a question, e.g. quarry ask "What does fault E-4012 mean?"');
    const provider = String(values.provider ?? 'auto');
    if (!['auto', 'local', 'remote', 'extractive'].includes(provider)) throw new UsageError('--provider is one of auto, local, remote, extractive.');
    const engine = await openEngine({ dataDir, readOnly: true });
    const ac = new AbortController();
    const onSigint = (): void => ac.abort();
    process.once('SIGINT', onSigint);
    try {
      const answerer = await engine.answerer();
      return await runAsk(
        { question, provider, collection: values.collection as string | undefined, doc: values.doc as string | undefined, json: Boolean(values.json) },
        { answerer, out: io.out, signal: ac.signal },
      );
    } finally {
      process.off('SIGINT', onSigint);
      await engine.close();
    }
  },
};
