import { openEngine } from './lazy';
import { matchesDocName } from '../search/filters';
import { QuarryError } from '../util/errors';
import { UsageError, type Command } from './command';
import { formatBytes, printJson, style, table } from './output';

export const docsCommand: Command = {
  name: 'docs',
  summary: 'List the documents in the library',
  usage: 'quarry docs [--collection C] [--json]',
  options: { collection: { type: 'string', short: 'c' }, json: { type: 'boolean' } },
  async run({ dataDir, values, io }) {
    const engine = await openEngine({ dataDir, readOnly: true });
    try {
      const { documents } = await engine.handlers['library.documents']({ collection: values.collection as string | undefined });
      if (values.json) {
        printJson(io, { documents });
        return 0;
      }
      if (documents.length === 0) {
        io.out.write('No documents yet. Add some with `quarry ingest <files|folders>`.\n');
        return 0;
      }
      const sorted = [...documents].sort((a, b) => a.name.localeCompare(b.name));
      io.out.write(
        table(
          ['name', 'type', 'pages', 'chunks', 'size', 'status', 'collection', 'tags'],
          sorted.map((d) => [d.name, d.format, d.pages, d.chunks, formatBytes(d.bytes), d.status === 'failed' ? `failed: ${d.error?.code}` : d.pagesNeedingOcr ? `${d.status} (${d.pagesNeedingOcr} p. need OCR)` : d.status, d.collection, d.tags.join(',')]),
        ),
      );
      return 0;
    } finally {
      await engine.close();
    }
  },
};

export const removeCommand: Command = {
  name: 'remove',
  summary: 'Remove a document (by name, name without extension, or id) and all its passages',
  usage: 'quarry remove <doc> [--collection C] [--json]',
  options: { collection: { type: 'string', short: 'c' }, json: { type: 'boolean' } },
  async run({ dataDir, args, values, io }) {
    const name = args.join(' ').trim();
    if (!name) throw new UsageError('Name the document to remove (see `quarry docs`).');
    const engine = await openEngine({ dataDir, lockWaitMs: 10_000 });
    try {
      const matches = [...engine.documents().values()].filter((d) => matchesDocName(d, name) && (!values.collection || d.collection === values.collection));
      if (matches.length === 0) throw new QuarryError('NOT_FOUND', `No document matches "${name}".`, { hint: 'See `quarry docs` for the names in the library.' });
      if (matches.length > 1) {
        throw new QuarryError('INVALID_INPUT', `"${name}" matches ${matches.length} documents: ${matches.map((d) => `${d.docId} (${d.path})`).join(', ')}.`, { hint: 'Remove by id, or add --collection.' });
      }
      await engine.handlers['library.remove']({ docId: matches[0].docId });
      if (values.json) printJson(io, { removed: matches[0].docId, name: matches[0].name });
      else io.out.write(`Removed ${style(io.out, 'bold', matches[0].name)} (${matches[0].chunks} passages).\n`);
      return 0;
    } finally {
      await engine.close();
    }
  },
};
