import { expect, it } from 'vitest';
import { displayKeys, shortcutFor } from '../../../../renderer/app/shortcuts';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }> = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

it('maps Ctrl+K to search on Linux/Windows and Cmd+K on macOS, not the other way round', () => {
  expect(shortcutFor(key('k', { ctrlKey: true }), false)).toEqual({ kind: 'search' });
  expect(shortcutFor(key('K', { metaKey: true }), true)).toEqual({ kind: 'search' });
  expect(shortcutFor(key('k', { metaKey: true }), false)).toBeUndefined();
  expect(shortcutFor(key('k', { ctrlKey: true }), true)).toBeUndefined();
});

it('maps digits and comma to views and Escape to back; leaves plain keys alone', () => {
  expect(shortcutFor(key('1', { ctrlKey: true }), false)).toEqual({ kind: 'go', view: 'library' });
  expect(shortcutFor(key('3', { ctrlKey: true }), false)).toEqual({ kind: 'go', view: 'activity' });
  expect(shortcutFor(key(',', { ctrlKey: true }), false)).toEqual({ kind: 'go', view: 'settings' });
  expect(shortcutFor(key('Escape'), false)).toEqual({ kind: 'back' });
  expect(shortcutFor(key('k'), false)).toBeUndefined();
  expect(shortcutFor(key('1', { ctrlKey: true, altKey: true }), false)).toBeUndefined();
});

it('shows the platform’s modifier', () => {
  expect(displayKeys('Mod+K', true)).toBe('⌘K');
  expect(displayKeys('Mod+K', false)).toBe('Ctrl+K');
});
