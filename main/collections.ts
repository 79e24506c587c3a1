import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { CollectionInfo } from '../contract';

const FILE = 'collections.json';

/** What collections.json holds. Versioned so a later format can read this one. */
const CollectionsFile = z.object({ version: z.literal(1), collections: z.array(z.string()) });

/**
 * The collections a user created (`library.createCollection`), kept in `<dataDir>/collections.json`.
 * A collection is otherwise only a property of its documents, so one created before any file
 * was added to it vanished on the next start. A file of its own rather than a key in
 * settings.json: the settings handlers rewrite that file on every save, and two writers of one
 * file lose each other's changes.
 *
 * @example
 * const created = await CollectionRegistry.open(dataDir);
 * await created.add('Finance Q3');
 * created.has('Finance Q3'); // true, in this process and the next
 */
export class CollectionRegistry {
  /** Writes run one after another, each with the whole list as it is then. */
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly names: Set<string>,
  ) {}

  /**
   * Reads the list. A missing file is an empty list; so is a damaged one: the names of empty
   * collections are all it could hold (documents keep their own collection), and a library must
   * not fail to open over them.
   */
  static async open(dataDir: string): Promise<CollectionRegistry> {
    const file = path.join(dataDir, FILE);
    let names: string[] = [];
    try {
      const parsed = CollectionsFile.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (parsed.success) names = parsed.data.collections;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && !(e instanceof SyntaxError)) throw e;
    }
    return new CollectionRegistry(file, new Set(names));
  }

  /** The created collections, in the order they were created. */
  list(): string[] {
    return [...this.names];
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** Adds a collection durably; false when it was already there (nothing is written then). */
  async add(name: string): Promise<boolean> {
    if (this.names.has(name)) return false;
    this.names.add(name);
    // What could not be stored is not listed either: the caller reports the error.
    await this.save().catch((e: unknown) => {
      this.names.delete(name);
      throw e;
    });
    return true;
  }

  /** Removes a collection durably; false when it was not there. */
  async delete(name: string): Promise<boolean> {
    if (!this.names.delete(name)) return false;
    await this.save().catch((e: unknown) => {
      this.names.add(name);
      throw e;
    });
    return true;
  }

  private save(): Promise<void> {
    // Temp file + rename: a crash mid-write leaves the previous list, never half of one.
    const write = async (): Promise<void> => {
      const body: z.infer<typeof CollectionsFile> = { version: 1, collections: this.list() };
      await writeFile(`${this.file}.tmp`, JSON.stringify(body, null, 2));
      await rename(`${this.file}.tmp`, this.file);
    };
    this.writing = this.writing.catch(() => undefined).then(write);
    return this.writing;
  }
}

/**
 * Every collection with its document count: the ones documents are in, and the created ones
 * (0 while empty). Sorted by name, so lists and `quarry status` read the same every time.
 */
export function countCollections(created: Iterable<string>, documents: Iterable<{ collection: string }>): CollectionInfo[] {
  const counts = new Map<string, number>();
  for (const name of created) counts.set(name, 0);
  for (const d of documents) counts.set(d.collection, (counts.get(d.collection) ?? 0) + 1);
  return [...counts].map(([name, n]) => ({ name, documents: n })).sort((a, b) => a.name.localeCompare(b.name));
}
