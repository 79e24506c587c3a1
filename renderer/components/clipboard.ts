/** What copying needs from the page; tests pass their own. */
export interface ClipboardEnv {
  clipboard?: Pick<Clipboard, 'writeText'>;
  document?: Document;
}

/**
 * Puts text on the clipboard. The Clipboard API is there only in a secure context (the desktop
 * app, https, localhost), so a server opened by its LAN address falls back to copying from a
 * hidden text area, which browsers allow during the click that asked for it.
 * @throws Error when neither way works.
 */
export async function copyText(text: string, env: ClipboardEnv = { clipboard: globalThis.navigator?.clipboard, document: globalThis.document }): Promise<void> {
  if (env.clipboard) {
    try {
      await env.clipboard.writeText(text);
      return;
    } catch {
      // Refused (no permission, window not focused): the text area may still work.
    }
  }
  const doc = env.document;
  if (!doc) throw new Error('This window has no clipboard to copy to.');
  const focused = doc.activeElement as HTMLElement | null;
  const area = doc.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.setAttribute('aria-hidden', 'true');
  area.style.position = 'fixed';
  area.style.top = '0';
  area.style.left = '0';
  area.style.opacity = '0';
  doc.body.append(area);
  try {
    area.select();
    // Deprecated, but the only way without the Clipboard API; it reports failure by returning false.
    if (!doc.execCommand('copy')) throw new Error('The browser did not allow copying.');
  } finally {
    area.remove();
    focused?.focus();
  }
}
