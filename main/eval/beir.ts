import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { QuarryError } from '../util/errors';
import type { Qrels } from './metrics';

export interface BeirDoc {
  id: string;
  title: string;
  text: string;
}

export interface BeirDataset {
  corpus: BeirDoc[];
  /** The split's queries: those present in its qrels. */
  queries: { id: string; text: string }[];
  qrels: Qrels;
}

async function* jsonl(file: string): AsyncGenerator<Record<string, unknown>> {
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) if (line.trim()) yield JSON.parse(line) as Record<string, unknown>;
}

/** Loads a BEIR-format folder: corpus.jsonl, queries*.jsonl, qrels/<split>.tsv. */
export async function loadBeir(dir: string, split: string): Promise<BeirDataset> {
  const need = (p: string): string => {
    if (!existsSync(p)) throw new QuarryError('FILE_NOT_FOUND', `${p} is missing: not a BEIR-format folder?`, { hint: 'A BEIR folder holds corpus.jsonl, queries.jsonl and qrels/<split>.tsv.' });
    return p;
  };
  const qrelsText = await readFile(need(path.join(dir, 'qrels', `${split}.tsv`)), 'utf8');
  const qrels: Qrels = new Map();
  for (const line of qrelsText.split('\n').slice(1)) {
    const [qid, did, score] = line.trim().split('\t');
    if (!qid || !did) continue;
    const m = qrels.get(qid) ?? new Map<string, number>();
    m.set(did, Number(score ?? 1));
    qrels.set(qid, m);
  }
  const corpus: BeirDoc[] = [];
  for await (const r of jsonl(need(path.join(dir, 'corpus.jsonl')))) corpus.push({ id: String(r._id), title: String(r.title ?? ''), text: String(r.text ?? '') });
  const queryFiles = ['queries.jsonl', 'queries.all.jsonl', `queries.${split}.jsonl`].map((f) => path.join(dir, f)).filter(existsSync);
  if (queryFiles.length === 0) need(path.join(dir, 'queries.jsonl'));
  const byId = new Map<string, string>();
  for (const f of queryFiles) for await (const r of jsonl(f)) byId.set(String(r._id), String(r.text));
  const queries = [...qrels.keys()].filter((q) => byId.has(q)).map((id) => ({ id, text: byId.get(id)! }));
  for (const q of [...qrels.keys()]) if (!byId.has(q)) qrels.delete(q);
  return { corpus, queries, qrels };
}
