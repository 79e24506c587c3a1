import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CalibrationProgress, ErrorInfo, LibraryStatus, ModelInfo, ModelProgress, RemoteTestResult, SettingsUpdate, SettingsView } from '../../../contract';
import { errorInfo, type QuarryClient } from '../../api/client';

export type Theme = 'system' | 'light' | 'dark';
export type Density = 'comfortable' | 'compact';

/** Preferences kept in the browser (they are about this screen, not the library). */
export interface Preferences {
  theme: Theme;
  density: Density;
}

export interface SettingsState extends Preferences {
  status: LibraryStatus | undefined;
  statusError: ErrorInfo | undefined;
  /** The engine-side settings (answer providers, embedder); undefined until loaded or when unavailable. */
  engine: SettingsView | undefined;
  engineError: ErrorInfo | undefined;
  models: ModelInfo[];
  downloads: Record<string, ModelProgress>;
  test: RemoteTestResult | 'testing' | undefined;
  saving: boolean;
  /** Set after a save that applies only when the engine restarts (the server build). */
  restartNeeded: boolean;
  setTheme(theme: Theme): void;
  setDensity(density: Density): void;
  loadStatus(): Promise<void>;
  loadEngine(): Promise<void>;
  save(update: SettingsUpdate): Promise<boolean>;
  testRemote(input: { baseUrl: string; model: string; apiKey?: string }): Promise<void>;
  pull(id: string): Promise<void>;
  /** A fusion calibration running now (started here or by the engine in the background). */
  calibrating: CalibrationProgress | undefined;
  calibrateError: ErrorInfo | undefined;
  /** Calibrates fusion on this library, then reloads the status that shows the result. */
  calibrate(): Promise<void>;
  /** Subscribes to model download and calibration progress; returns the unsubscribe function. */
  connect(): () => void;
}

export type SettingsStore = StoreApi<SettingsState>;

const KEY = 'quarry.preferences';

/** Reads preferences, ignoring anything malformed (a hand-edited or older value). */
export function readPreferences(storage: Pick<Storage, 'getItem'> | undefined): Preferences {
  const fallback: Preferences = { theme: 'system', density: 'comfortable' };
  try {
    const raw = JSON.parse(storage?.getItem(KEY) ?? '{}') as Partial<Preferences>;
    return {
      theme: raw.theme === 'light' || raw.theme === 'dark' || raw.theme === 'system' ? raw.theme : fallback.theme,
      density: raw.density === 'compact' ? 'compact' : fallback.density,
    };
  } catch {
    return fallback;
  }
}

/** Settings: UI preferences (persisted locally) and the library's status (read from the engine). */
export function createSettingsStore(client: QuarryClient, storage?: Pick<Storage, 'getItem' | 'setItem'>): SettingsStore {
  return createStore<SettingsState>()((set, get) => {
    const save = (): void => {
      const { theme, density } = get();
      storage?.setItem(KEY, JSON.stringify({ theme, density }));
    };
    return {
      ...readPreferences(storage),
      status: undefined,
      statusError: undefined,
      setTheme: (theme) => {
        set({ theme });
        save();
      },
      setDensity: (density) => {
        set({ density });
        save();
      },
      loadStatus: async () => {
        try {
          set({ status: await client.call('library.status', {}), statusError: undefined });
        } catch (e) {
          set({ statusError: errorInfo(e) });
        }
      },
      engine: undefined,
      engineError: undefined,
      models: [],
      downloads: {},
      test: undefined,
      saving: false,
      restartNeeded: false,
      loadEngine: async () => {
        try {
          const [engine, { models }] = await Promise.all([client.call('settings.get', {}), client.call('models.list', {})]);
          set({ engine, models, engineError: undefined });
        } catch (e) {
          set({ engineError: errorInfo(e) });
        }
      },
      save: async (update) => {
        set({ saving: true });
        try {
          const r = await client.call('settings.update', update);
          set({ restartNeeded: get().restartNeeded || r.restartRequired, engineError: undefined });
          await get().loadEngine();
          return true;
        } catch (e) {
          set({ engineError: errorInfo(e) });
          return false;
        } finally {
          set({ saving: false });
        }
      },
      testRemote: async (input) => {
        set({ test: 'testing' });
        try {
          set({ test: await client.call('settings.testRemote', input) });
        } catch (e) {
          set({ test: { ok: false, models: [], tookMs: 0, error: errorInfo(e) } });
        }
      },
      pull: async (id) => {
        set((s) => ({ downloads: { ...s.downloads, [id]: { id, bytesDone: 0, bytesTotal: null, bytesPerSecond: 0, state: 'downloading' } } }));
        try {
          await client.call('models.pull', { id });
        } catch (e) {
          set((s) => ({ downloads: { ...s.downloads, [id]: { id, bytesDone: 0, bytesTotal: null, bytesPerSecond: 0, state: 'failed', error: errorInfo(e) } } }));
        }
      },
      calibrating: undefined,
      calibrateError: undefined,
      calibrate: async () => {
        if (get().calibrating) return;
        set({ calibrating: { stage: 'sample', done: 0, total: 1 }, calibrateError: undefined });
        try {
          await client.call('library.calibrate', {});
        } catch (e) {
          set({ calibrateError: errorInfo(e) });
        } finally {
          set({ calibrating: undefined });
        }
        await get().loadStatus();
      },
      connect: () => {
        const offModels = client.on('models.progress', (p) => {
          set((s) => ({ downloads: { ...s.downloads, [p.id]: p } }));
          if (p.state === 'done') void get().loadEngine();
        });
        const offCalibration = client.on('calibration.progress', (p) => {
          // The last 'score' step ends a run (a background re-run too): show what it chose.
          const finished = p.stage === 'score' && p.done >= p.total;
          set({ calibrating: finished ? undefined : p });
          if (finished) void get().loadStatus();
        });
        return () => {
          offModels();
          offCalibration();
        };
      },
    };
  });
}

/** The theme actually shown: 'system' follows the OS. */
export function effectiveTheme(theme: Theme, prefersDark: boolean): 'light' | 'dark' {
  return theme === 'system' ? (prefersDark ? 'dark' : 'light') : theme;
}
