import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QuarryError } from '../util/errors';
import { stripMarkers } from './markers';
import type { ChatMessage, Source, Turn } from './types';

/** A versioned prompt template from resources/prompts (`<name>.<version>.md`). */
export interface Template {
  id: string;
  version: string;
  /** Front-matter values (`notFound: …`). */
  meta: Record<string, string>;
  system: string;
  user: string;
}

/** resources/prompts of this checkout (the app may pass its own resources path instead). */
export function defaultPromptsDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/prompts');
}

/**
 * Parses a template file: optional `---` front matter of `key: value` lines, then the system
 * part after `<!-- system -->` and the user part after `<!-- user -->`.
 */
export function parseTemplate(text: string, name = 'template'): Template {
  const meta: Record<string, string> = {};
  let body = text.replace(/\r\n/g, '\n');
  const fm = /^---\n([\s\S]*?)\n---\n/.exec(body);
  if (fm) {
    for (const line of fm[1].split('\n')) {
      const m = /^([A-Za-z][\w-]*):\s*(.*)$/.exec(line);
      if (m) meta[m[1]] = m[2].trim();
    }
    body = body.slice(fm[0].length);
  }
  const sys = body.indexOf('<!-- system -->');
  const usr = body.indexOf('<!-- user -->');
  if (sys < 0 || usr < 0 || usr < sys) {
    throw new QuarryError('INTERNAL', `Prompt template ${name} needs <!-- system --> and then <!-- user --> sections`);
  }
  return {
    id: meta.id ?? name,
    version: meta.version ?? '0',
    meta,
    system: body.slice(sys + '<!-- system -->'.length, usr).trim(),
    user: body.slice(usr + '<!-- user -->'.length).trim(),
  };
}

const cache = new Map<string, Template>();

/** Loads (once) `resources/prompts/<name>.<version>.md`. */
export async function loadTemplate(name: string, version: string, dir: string = defaultPromptsDir()): Promise<Template> {
  const file = path.join(dir, `${name}.${version}.md`);
  const hit = cache.get(file);
  if (hit) return hit;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new QuarryError('INTERNAL', `Prompt template ${name}.${version} is missing (${file})`, {
      cause: e,
      hint: 'Reinstall Quarry, or set promptVersion to a version that exists.',
    });
  }
  const tpl = parseTemplate(text, `${name}.${version}`);
  cache.set(file, tpl);
  return tpl;
}

/**
 * Fills `{{name}}` slots in one pass: a value that itself contains `{{question}}` (a document
 * quoting a template) is inserted literally, never expanded.
 */
export function render(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (all, key: string) => vars[key] ?? all);
}

/**
 * Neutralises markup in document text before it is quoted to a model: anything that looks like
 * a tag (`</source>`, `<system>`) has its `<` escaped, so a document cannot close its quote and
 * speak as the prompt. Ordinary text ("p < 0.05") is left as it is.
 */
export function escapeData(text: string): string {
  return text.replace(/<(?=\/?[A-Za-z!?])/g, '&lt;');
}

function attr(value: string): string {
  return value.replace(/[<>"&\n\r]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '"': '&quot;', '&': '&amp;' })[c] ?? ' ');
}

/** One source as quoted data: `<source id="1" document="x.pdf" page="3">…</source>`. */
export function quoteSource(s: Source): string {
  const r = s.result;
  const pages = r.pageEnd > r.page ? `${r.page}-${r.pageEnd}` : String(r.page);
  const section = r.headingPath.length ? ` section="${attr(r.headingPath.join(' > '))}"` : '';
  return `<source id="${s.n}" document="${attr(r.docName)}" page="${pages}"${section}>\n${escapeData(s.text)}\n</source>`;
}

/**
 * The chat messages for one answer: the template's fixed system prompt (documents never enter
 * it), previous turns as plain chat history, and a user message quoting the sources as data
 * followed by the question.
 */
export function buildAnswerMessages(tpl: Template, input: { question: string; sources: Source[]; history?: Turn[] }): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: render(tpl.system, { notFound: notFoundText(tpl) }) }];
  for (const t of input.history ?? []) {
    messages.push({ role: 'user', content: t.question });
    // Old citation numbers refer to old sources: drop them so they cannot be confused with new ones.
    messages.push({ role: 'assistant', content: stripMarkers(t.answer) });
  }
  messages.push({
    role: 'user',
    content: render(tpl.user, { sources: input.sources.map(quoteSource).join('\n\n'), question: input.question }),
  });
  return messages;
}

/** What the answer says when the sources do not contain the answer. */
export function notFoundText(tpl: Template): string {
  return tpl.meta.notFound ?? 'I could not find this in your documents.';
}
