import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ErrorInfo, LibraryStatus } from '../../../contract';
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
  setTheme(theme: Theme): void;
  setDensity(density: Density): void;
  loadStatus(): Promise<void>;
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
    };
  });
}

/** The theme actually shown: 'system' follows the OS. */
export function effectiveTheme(theme: Theme, prefersDark: boolean): 'light' | 'dark' {
  return theme === 'system' ? (prefersDark ? 'dark' : 'light') : theme;
}
