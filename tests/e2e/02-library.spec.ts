import { sharedPath } from '../helpers/shared';
import type { Page } from '@playwright/test';
import { addFiles, expect, row, snap, test } from './fixtures';

const MULTI = sharedPath('corpus', 'pdf', 'long_real', 'docling__multi_page.pdf');
const REVIEW = sharedPath('corpus', 'pdf', 'long_real', 'pdfjs__TAMReview.pdf');

test.describe.configure({ mode: 'serial' });

/**
 * The window itself never scrolls: pdf.js's measuring canvas at the end of <body> once made the
 * page 19 px taller than the window, and centering a passage scrolled the toolbar out of view.
 */
async function expectWindowUnscrolled(page: Page): Promise<void> {
  const doc = await page.evaluate(() => ({ top: document.documentElement.scrollTop, body: document.body.scrollTop, height: document.documentElement.scrollHeight, window: window.innerHeight }));
  expect(doc).toEqual({ top: 0, body: 0, height: doc.window, window: doc.window });
  const toolbar = await page.getByRole('button', { name: 'Next page' }).boundingBox();
  expect(toolbar?.y ?? -1).toBeGreaterThanOrEqual(0);
}

test('an empty library says what to do', async ({ app }) => {
  await expect(app.getByText('Add documents to get started')).toBeVisible();
  await expect(app.getByTestId('dropzone')).toBeVisible();
  await snap(app, '01-empty-library');
});

test('real PDFs show progress, then become ready and searchable', async ({ app }) => {
  await addFiles(app, [MULTI, REVIEW]);
  // Progress is shown while the longer one is read and embedded.
  await expect(row(app, 'pdfjs__TAMReview.pdf')).toBeVisible();
  await expect(app.locator('[data-testid="row-progress"], [data-testid="queue-banner"]').first()).toBeVisible();
  await snap(app, '02-ingesting');
  await expect(row(app, 'docling__multi_page.pdf')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(row(app, 'pdfjs__TAMReview.pdf')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(row(app, 'docling__multi_page.pdf')).toContainText('PDF');
  await expect(row(app, 'docling__multi_page.pdf').getByRole('gridcell').nth(2)).toHaveText('5');
  await snap(app, '03-library-ready');
});

test('search shows a highlighted snippet and the page; the viewer shows that page with the passage highlighted', async ({ app }) => {
  await expect(row(app, 'docling__multi_page.pdf')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await app.keyboard.press('Control+K');
  const input = app.getByTestId('search-input');
  await expect(input).toBeFocused();
  // The pointer picks a result by moving: rest it on the fourth result of one search …
  await input.fill('typewriter keyboard');
  await app.evaluate(() => document.addEventListener('mousemove', (e) => (document.body.dataset.lastMove = JSON.stringify({ screenX: e.screenX, screenY: e.screenY, clientX: e.clientX, clientY: e.clientY })), true));
  const resting = app.getByTestId('result').nth(3);
  await resting.hover();
  await expect(resting).toHaveAttribute('aria-selected', 'true');
  // … then search again: new results render under the still pointer, the top one selected.
  await input.fill('Celtx screenwriting software');
  const first = app.getByTestId('result').first();
  await expect(first).toContainText('docling__multi_page.pdf');
  await expect(first.getByTestId('result-page')).toHaveText('p. 3');
  await expect(first.locator('mark').first()).toBeVisible();
  const marked = (await first.locator('mark').allTextContents()).map((t) => t.toLowerCase());
  expect(marked.some((t) => t.includes('celtx') || t.includes('screenwrit'))).toBe(true);
  await snap(app, '04-search-results');

  // Keyboard: the first result is selected; Enter opens it. What a browser sends to the result
  // that lands under a still pointer (mouseover; some also a mousemove where the pointer already
  // was) is not movement and must not take the selection: it made Enter open another document.
  await expect(first).toHaveAttribute('aria-selected', 'true');
  const under = app.getByTestId('result').nth(3);
  await under.dispatchEvent('mouseover');
  await under.dispatchEvent('mousemove', JSON.parse((await app.locator('body').getAttribute('data-last-move')) ?? '{}'));
  await expect(under).toHaveAttribute('aria-selected', 'false');
  await expect(first).toHaveAttribute('aria-selected', 'true');
  await input.press('Enter');
  const viewer = app.getByTestId('viewer');
  await expect(viewer).toHaveAttribute('data-page', '3');
  await expect(app.getByTestId('pdf-page')).toHaveAttribute('data-rendered', 'true');
  const highlight = app.locator('.textLayer [data-testid="passage-highlight"]');
  await expect(highlight.first()).toBeVisible();
  const highlighted = (await highlight.allTextContents()).join(' ');
  expect(highlighted).toMatch(/Celtx/);
  await expect(app.getByTestId('page-input')).toHaveValue('3');
  // Centering the passage scrolls the viewer, never the window: the toolbar stays in view.
  await expectWindowUnscrolled(app);
  await snap(app, '05-viewer-passage');

  // Page navigation and zoom.
  await app.getByRole('button', { name: 'Next page' }).click();
  await expect(viewer).toHaveAttribute('data-page', '4');
  await expect(app.getByTestId('pdf-page')).toHaveAttribute('data-rendered', 'true');
  await app.getByRole('button', { name: 'Zoom in' }).click();
  await expect(app.getByTestId('pdf-page')).toHaveAttribute('data-rendered', 'true');
  await app.keyboard.press('Escape');
  await expect(app.getByTestId('search-input')).toBeVisible();
});

test('the text view marks the same passage from its character offsets', async ({ app }) => {
  await app.keyboard.press('Control+K');
  await app.getByTestId('search-input').fill('Christopher Latham Sholes typewriter');
  const first = app.getByTestId('result').first();
  await expect(first.getByTestId('result-page')).toHaveText('p. 1');
  await first.click();
  await app.getByRole('radio', { name: 'Text' }).click();
  const mark = app.getByTestId('text-pane').getByTestId('passage-highlight');
  await expect(mark).toBeVisible();
  await expect(mark).toContainText('Sholes');
});

test('ask: a streamed answer cites its sources, and a citation opens the page with the passage highlighted', async ({ app, served }) => {
  await app.keyboard.press('Control+4');
  await app.getByTestId('question-input').fill('When did Christopher Latham Sholes patent the typewriter?');
  await app.getByTestId('question-input').press('Enter');
  const turn = app.getByTestId('turn').last();
  await expect(turn).toBeVisible({ timeout: 60_000 });
  await expect(turn.getByTestId('answer-text')).toContainText(/1868|Sholes/);
  const chip = turn.getByTestId('citation').first();
  await expect(chip).toBeVisible();
  const label = (await chip.getAttribute('aria-label')) ?? '';
  const page = /pages? (\d+)/.exec(label)?.[1];
  expect(page, label).toBeTruthy();
  await snap(app, '06-chat-answer');

  // A copied selection keeps each citation as [n], apart from the text, not as a digit glued to it.
  await app.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.url });
  await turn.getByTestId('answer-text').evaluate((el) => {
    (document.activeElement as HTMLElement | null)?.blur();
    const range = document.createRange();
    range.selectNodeContents(el);
    getSelection()!.removeAllRanges();
    getSelection()!.addRange(range);
  });
  await app.keyboard.press('Control+C');
  const selected = await app.evaluate(() => navigator.clipboard.readText());
  const chips = await turn.getByTestId('answer-text').getByTestId('citation').count();
  expect(selected.match(/ \[\d+\]/g) ?? [], selected).toHaveLength(chips);
  expect(selected.match(/\[\d+\]/g) ?? [], selected).toHaveLength(chips);
  // The Copy button: the answer with its markers, then the sources with their pages.
  await turn.getByTestId('copy-answer').click();
  await expect(turn.getByTestId('copy-answer')).toHaveText('Copied');
  const copied = await app.evaluate(() => navigator.clipboard.readText());
  expect(copied).toMatch(/\[1\][\s\S]*\n\nSources\n\[1\] \S+\.pdf — pages? \d+/);
  await expect(turn.getByTestId('copy-answer')).toHaveText('Copy', { timeout: 5000 });

  await chip.click();
  await expect(app.getByTestId('viewer')).toHaveAttribute('data-page', page!);
  await expect(app.getByTestId('pdf-page')).toHaveAttribute('data-rendered', 'true');
  await expect(app.locator('.textLayer [data-testid="passage-highlight"]').first()).toBeVisible();
  await expectWindowUnscrolled(app);
  await snap(app, '07-citation-in-viewer');
  // Back to the conversation, which is kept in the list.
  await app.keyboard.press('Escape');
  await expect(app.getByRole('navigation', { name: 'Conversations' })).toContainText('Sholes');
});

test('deleting a conversation can be undone, and is sent to the engine only when the undo runs out', async ({ app }) => {
  await app.keyboard.press('Control+4');
  const conversations = app.getByRole('navigation', { name: 'Conversations' });
  const item = conversations.getByRole('listitem').filter({ hasText: 'Sholes' });
  const toast = app.locator('.toast').filter({ hasText: 'Conversation deleted' });
  await expect(item).toHaveCount(1);
  await item.getByRole('button', { name: /^Delete / }).click();
  await expect(item).toHaveCount(0);
  await expect(toast).toBeVisible();
  await snap(app, '14b-conversation-deleted-undo');
  await toast.getByTestId('toast-action').click();
  await expect(item).toHaveCount(1);

  // Deleted again, and the page is reloaded within the undo window: the delete was never sent,
  // so the conversation is still there.
  await item.getByRole('button', { name: /^Delete / }).click();
  await expect(item).toHaveCount(0);
  await app.reload();
  await expect(app.getByTestId('connection')).toHaveText(/Connected/);
  await app.keyboard.press('Control+4');
  await expect(item).toHaveCount(1);

  // Once the toast is gone, it is deleted for good.
  const sent = app.waitForResponse((r) => r.url().endsWith('/api/chat.delete'), { timeout: 20_000 });
  await item.getByRole('button', { name: /^Delete / }).click();
  await expect(toast).toBeVisible();
  expect((await sent).ok()).toBe(true);
  await expect(toast).toHaveCount(0);
  await app.reload();
  await expect(app.getByTestId('connection')).toHaveText(/Connected/);
  await app.keyboard.press('Control+4');
  await expect(conversations).toBeVisible();
  await expect(item).toHaveCount(0);
});

test('dark theme and a narrow window still look right', async ({ app }) => {
  await app.setViewportSize({ width: 1024, height: 700 });
  await app.keyboard.press('Control+,');
  await app.getByRole('radio', { name: 'Dark' }).click();
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
  await app.keyboard.press('Control+1');
  await expect(row(app, 'docling__multi_page.pdf')).toBeVisible();
  await snap(app, '08-dark-1024x700');
  await app.keyboard.press('Control+,');
  await app.getByRole('radio', { name: 'Light' }).click();
});

test('at 800 px the library fits: the sidebar is icons, nothing scrolls sideways, and tags show under the name', async ({ app }) => {
  const name = 'docling__multi_page.pdf';
  const r = row(app, name);
  await expect(r).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await r.getByRole('button', { name: `Edit tags of ${name}` }).click();
  const dialog = app.getByRole('dialog');
  await dialog.getByLabel('Tags').fill('handbook, layout-review');
  await dialog.getByRole('button', { name: 'Save tags' }).click();
  await expect(r.getByRole('gridcell').nth(6)).toHaveAttribute('title', 'Tags: handbook, layout-review');

  await app.setViewportSize({ width: 800, height: 640 });
  await expect.poll(() => app.evaluate(() => document.documentElement.scrollWidth)).toBe(800);
  const add = await app.getByTestId('add-files').boundingBox();
  expect(add!.x + add!.width).toBeLessThanOrEqual(800);
  // The Tags column is hidden at this width; the tags are under the name instead.
  await expect(r.getByTestId('row-tags-inline')).toBeVisible();
  await expect(r.getByTestId('row-tags-inline')).toHaveText('· handbook, layout-review');
  // The sidebar's labels are clipped, not removed: its buttons keep their names.
  await expect(app.getByRole('button', { name: 'Library', exact: true })).toBeVisible();
  await snap(app, '08b-library-800');
  await app.setViewportSize({ width: 1280, height: 800 });
  await expect(r.getByTestId('row-tags-inline')).toBeHidden();
});

test('adding a file that is already in the library again adds no copy', async ({ app, served }) => {
  await expect(row(app, 'docling__multi_page.pdf')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  const api = async <T>(method: string): Promise<T> =>
    (await (await fetch(`${served.url}/api/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${served.token}` } })).json()) as T;
  type Jobs = { jobs: { jobId: string; path: string; state: string; unchanged?: boolean }[] };
  const before = new Set((await api<Jobs>('jobs.list')).jobs.map((j) => j.jobId));
  await addFiles(app, [MULTI]);
  // The upload's job runs to its end: it found the file unchanged.
  await expect
    .poll(async () => (await api<Jobs>('jobs.list')).jobs.filter((j) => !before.has(j.jobId)).map((j) => [j.state, j.unchanged ?? false]), { timeout: 30_000 })
    .toEqual([['done', true]]);
  type Docs = { documents: { name: string }[] };
  expect((await api<Docs>('library.documents')).documents.filter((d) => d.name === 'docling__multi_page.pdf')).toHaveLength(1);
  await expect(row(app, 'docling__multi_page.pdf')).toHaveCount(1);
});

test('removing a document can be undone from the toast', async ({ app }) => {
  const r = row(app, 'docling__multi_page.pdf');
  await expect(r).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await r.getByRole('button', { name: 'Remove docling__multi_page.pdf' }).click();
  await app.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
  await expect(r).toHaveCount(0);
  const toast = app.locator('.toast').filter({ hasText: 'Removed docling__multi_page.pdf' });
  await expect(toast).toBeVisible();
  await snap(app, '14-removed-undo');
  await toast.getByTestId('toast-action').click();
  await expect(app.locator('.toast').filter({ hasText: 'Restored docling__multi_page.pdf' })).toBeVisible();
  await expect(row(app, 'docling__multi_page.pdf')).toHaveAttribute('data-status', 'ready');
  // Searchable again, as before.
  await app.keyboard.press('Control+K');
  await app.getByTestId('search-input').fill('multi page');
  await expect(app.getByTestId('result').filter({ hasText: 'docling__multi_page.pdf' }).first()).toBeVisible();
  await app.keyboard.press('Escape');
});
