import type { View } from './store';

export type ShortcutAction = { kind: 'search' } | { kind: 'go'; view: View } | { kind: 'back' };

/** The keyboard shortcuts, listed once: the handler and the help in Settings both read this. */
export const SHORTCUTS: { keys: string; label: string }[] = [
  { keys: 'Mod+K', label: 'Search' },
  { keys: 'Mod+1', label: 'Library' },
  { keys: 'Mod+2', label: 'Search view' },
  { keys: 'Mod+3', label: 'Activity' },
  { keys: 'Mod+4', label: 'Chat' },
  { keys: 'Mod+,', label: 'Settings' },
  { keys: '↑ ↓ Enter', label: 'Move through results, open one' },
  { keys: 'Esc', label: 'Close the source viewer' },
];

const BY_DIGIT: Record<string, View> = { '1': 'library', '2': 'search', '3': 'activity', '4': 'chat' };

/**
 * Maps a key event to an app action. "Mod" is Cmd on macOS and Ctrl elsewhere, as in every
 * desktop app; bare keys are left to the focused control.
 */
export function shortcutFor(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>, isMac: boolean): ShortcutAction | undefined {
  const mod = isMac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
  if (mod && !e.altKey) {
    const key = e.key.toLowerCase();
    if (key === 'k') return { kind: 'search' };
    if (key === ',') return { kind: 'go', view: 'settings' };
    const view = BY_DIGIT[key];
    if (view && !e.shiftKey) return { kind: 'go', view };
  }
  if (e.key === 'Escape' && !e.ctrlKey && !e.metaKey && !e.altKey) return { kind: 'back' };
  return undefined;
}

/** "Ctrl+K" or "⌘K" for display. */
export function displayKeys(keys: string, isMac: boolean): string {
  return isMac ? keys.replace(/Mod\+/g, '⌘') : keys.replace(/Mod\+/g, 'Ctrl+');
}
