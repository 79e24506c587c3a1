import { readFile, stat } from 'node:fs/promises';
import { eventNames, type IpcReply } from '../contract';
import { callMethod, parseInput } from '../main/server/api-routes';
import type { TransportEngine } from '../main/server/types';
import { QuarryError, toQuarryError } from '../main/util/errors';
import type { FromHost, ToHost } from './protocol';

/** Largest original file sent to the viewer in one message. */
export const MAX_VIEWER_FILE_BYTES = 512 * 1024 * 1024;

async function reply<T>(fn: () => Promise<T>): Promise<IpcReply<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, error: toQuarryError(e).toInfo() };
  }
}

/**
 * The engine host's side of the protocol, without Electron: answers calls and file reads, and
 * forwards every contract event. `post` sends a message to the main process. Returns the
 * message handler and a function that unsubscribes the events.
 */
export function createHostHandler(engine: TransportEngine & { close(): Promise<void> }, post: (m: FromHost) => void): { onMessage(m: ToHost): Promise<void>; dispose(): void } {
  const offs = eventNames.map((name) => engine.on(name, (payload) => post({ kind: 'event', name, payload })));
  return {
    async onMessage(m) {
      if (m.kind === 'call') {
        const r = await reply(() => callMethod(engine, m.method, parseInput(m.method, m.input)));
        post({ kind: 'reply', id: m.id, reply: r });
      } else if (m.kind === 'file') {
        const r = await reply(async () => {
          const file = await engine.filePath(m.docId);
          const st = await stat(file);
          if (st.size > MAX_VIEWER_FILE_BYTES) throw new QuarryError('FILE_TOO_LARGE', 'The file is too large to show in the viewer.', { hint: 'Open it in another program.' });
          return new Uint8Array(await readFile(file));
        });
        post({ kind: 'reply', id: m.id, reply: r });
      } else if (m.kind === 'close') {
        for (const off of offs) off();
        const r = await reply(async () => engine.close());
        post({ kind: 'reply', id: m.id, reply: r });
      }
    },
    dispose() {
      for (const off of offs) off();
    },
  };
}
