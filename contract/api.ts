import { z } from 'zod';
import { AskAccepted, AskRequest, Chat, ChatEvent, ChatSummary } from './chat';
import { type ErrorInfo } from './errors';
import { ModelInfo, ModelProgress, RemoteTest, RemoteTestResult, SettingsSaved, SettingsUpdate, SettingsView } from './settings';

export * from './chat';
export * from './settings';
import {
  CalibrateRequest,
  CalibrationInfo,
  CalibrationProgress,
  CollectionInfo,
  CollectionName,
  DocumentInfo,
  IngestAccepted,
  IngestProgress,
  IngestRequest,
  JobInfo,
  LibraryStatus,
  PageText,
  SearchQuery,
  SearchResults,
} from './schemas';

const Empty = z.object({}).default({});
const Ok = z.object({ ok: z.literal(true) });

/**
 * Every method the UI (and any other client) may call. The Electron IPC handlers and the HTTP
 * routes are generated from this map; each parses its input with the schema.
 */
export const api = {
  'library.ingest': { input: IngestRequest, output: IngestAccepted },
  'library.documents': {
    input: z.object({ collection: z.string().optional() }).default({}),
    output: z.object({ documents: z.array(DocumentInfo) }),
  },
  /** Removes a document at once; `library.restore` brings it back for a few seconds after. */
  'library.remove': { input: z.object({ docId: z.string() }), output: Ok },
  /** Undoes a `library.remove` while its deletion is pending (NOT_FOUND after). */
  'library.restore': { input: z.object({ docId: z.string() }), output: Ok },
  'library.setTags': { input: z.object({ docId: z.string(), tags: z.array(z.string()) }), output: Ok },
  /** Every collection with its document count: those documents are in, and created ones while empty. */
  'library.collections': { input: Empty, output: z.object({ collections: z.array(CollectionInfo) }) },
  /**
   * Creates a collection that stays listed (with 0 documents while empty) until it is deleted,
   * across restarts: a collection is otherwise only a property of the documents in it. Creating
   * one that exists is not an error.
   */
  'library.createCollection': { input: z.object({ name: CollectionName }), output: Ok },
  /** Deletes a created collection that is empty (INVALID_INPUT while documents are in it or being added). */
  'library.deleteCollection': { input: z.object({ name: CollectionName }), output: Ok },
  'library.reindex': { input: z.object({ docId: z.string(), password: z.string().optional() }), output: IngestAccepted },
  'library.status': { input: Empty, output: LibraryStatus },
  'library.page': { input: z.object({ docId: z.string(), page: z.number().int().min(1) }), output: PageText },
  /** Calibrates fusion on this library (seconds to a minute; progress as `calibration.progress`). */
  'library.calibrate': { input: CalibrateRequest, output: CalibrationInfo },
  'jobs.list': { input: Empty, output: z.object({ jobs: z.array(JobInfo), progress: IngestProgress }) },
  'jobs.cancel': { input: z.object({ jobId: z.string() }), output: Ok },
  'jobs.retry': { input: z.object({ jobId: z.string(), password: z.string().optional() }), output: Ok },
  'search.query': { input: SearchQuery, output: SearchResults },
  // Cited answers (main/answer/). `chat.ask` returns at once; the answer streams as chat.event.
  'chat.ask': { input: AskRequest, output: AskAccepted },
  'chat.stop': { input: z.object({ askId: z.string() }), output: Ok },
  'chat.list': { input: Empty, output: z.object({ chats: z.array(ChatSummary) }) },
  'chat.get': { input: z.object({ chatId: z.string() }), output: Chat },
  'chat.rename': { input: z.object({ chatId: z.string(), title: z.string().trim().min(1).max(200) }), output: Ok },
  'chat.delete': { input: z.object({ chatId: z.string() }), output: Ok },
  // Settings and models (main/server/settings.ts over settings.json and the models manifest).
  'settings.get': { input: Empty, output: SettingsView },
  'settings.update': { input: SettingsUpdate, output: SettingsSaved },
  'settings.testRemote': { input: RemoteTest, output: RemoteTestResult },
  'models.list': { input: Empty, output: z.object({ models: z.array(ModelInfo) }) },
  'models.pull': { input: z.object({ id: z.string() }), output: Ok },
} satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

export type Api = typeof api;
export type Method = keyof Api;
export type Input<M extends Method> = z.input<Api[M]['input']>;
export type ParsedInput<M extends Method> = z.output<Api[M]['input']>;
export type Output<M extends Method> = z.output<Api[M]['output']>;

/**
 * Methods the transports add around the engine (answers from its answerer, settings over
 * settings.json), and calibration (added later; an engine without it answers NOT_FOUND):
 * optional in ApiHandlers.
 */
export type OptionalMethod = Extract<Method, `chat.${string}` | `settings.${string}` | `models.${string}` | 'library.calibrate'>;

/** One handler: parsed input in, output out. */
export type Handler<M extends Method> = (input: ParsedInput<M>) => Promise<Output<M>>;

/**
 * What the engine implements: one async function per method. The chat methods are optional so
 * an engine without answering still satisfies it; a transport answers them NOT_FOUND then.
 */
export type ApiHandlers = { [M in Exclude<Method, OptionalMethod>]: Handler<M> } & { [M in OptionalMethod]?: Handler<M> };

/** Every method implemented: what a transport serves. */
export type FullApiHandlers = { [M in Method]: Handler<M> };

/** Events streamed to clients (MessagePort in Electron, SSE over HTTP). */
export const events = {
  'ingest.progress': IngestProgress,
  'library.changed': z.object({ docIds: z.array(z.string()) }),
  /** A running fusion calibration's progress. */
  'calibration.progress': CalibrationProgress,
  /** A streamed answer's progress (tokens, citations, the finished turn). */
  'chat.event': ChatEvent,
  /** A model download's progress. */
  'models.progress': ModelProgress,
} satisfies Record<string, z.ZodType>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

/**
 * Every method name, in declaration order. Both transports (the Electron IPC handlers and the
 * HTTP routes) and the preload bridge are generated from this list.
 */
export const methods = Object.keys(api) as Method[];

/** Whether `name` is a method of the contract (guards a transport against arbitrary names). */
export function isMethod(name: string): name is Method {
  return Object.hasOwn(api, name);
}

/** Every event name, in declaration order. */
export const eventNames = Object.keys(events) as EventName[];

/** Whether `name` is an event of the contract. */
export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}

/**
 * Electron IPC channel names. They exist only here, so the main process and the preload cannot
 * drift apart (the fault GUIDE.md points out in Reor: channel strings written twice).
 */
export const ipcChannels = {
  /** renderer → main: `invoke(method, input)`, answered with an `IpcReply`. */
  invoke: 'quarry:invoke',
  /** main → renderer: `(name, payload)` for every contract event. */
  event: 'quarry:event',
  /** renderer → main: the original bytes of a document, for the source viewer. */
  file: 'quarry:file',
  /** renderer → main: show the native open dialog; answers the chosen paths. */
  pickPaths: 'quarry:pick-paths',
  /** main → renderer: a command chosen in the native menu (`MenuCommand`). */
  menu: 'quarry:menu',
} as const;

/** Commands the native menu sends to the page. */
export const menuCommands = ['search', 'library', 'chat', 'activity', 'settings', 'add-files'] as const;
export type MenuCommand = (typeof menuCommands)[number];

/**
 * What an IPC invoke answers. Errors travel as data, not as rejections, because Electron
 * flattens a rejected invoke into a bare message string and the code would be lost
 * (https://github.com/electron/electron/issues/24427).
 */
export type IpcReply<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/**
 * What the preload exposes as `window.quarry` in the desktop app. `api` holds one function per
 * contract method, generated from `methods`; nothing else of Electron or Node reaches the page.
 */
export interface QuarryBridge {
  readonly api: { [M in Method]: (input: Input<M>) => Promise<IpcReply<Output<M>>> };
  /** Every contract event; returns the unsubscribe function. */
  onEvent(listener: (name: EventName, payload: unknown) => void): () => void;
  /** The original bytes of a document, for the PDF viewer. */
  readFile(docId: string): Promise<IpcReply<Uint8Array>>;
  /** The native open dialog; resolves to the chosen paths (empty when cancelled). */
  pickPaths(kind: 'files' | 'folder'): Promise<string[]>;
  /** The path on disk of a dropped or picked file (Electron's webUtils.getPathForFile). */
  pathForFile(file: File): string;
  /** Commands from the native menu; returns the unsubscribe function. */
  onMenu(listener: (command: MenuCommand) => void): () => void;
  readonly platform: string;
}
