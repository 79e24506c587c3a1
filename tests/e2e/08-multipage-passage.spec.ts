import { sharedPath } from '../helpers/shared';
import { addFiles, expect, row, snap, test } from './fixtures';

const REDP = sharedPath('corpus', 'pdf', 'long_real', 'docling__redp5110_sampled.pdf');
const OLAP = sharedPath('corpus', 'pdf', 'long_real', 'unstructured__fr_olap.pdf');

test.describe.configure({ mode: 'serial' });

test('a search hit over two pages is highlighted on both pages, in the page and the text view', async ({ app }) => {
  await addFiles(app, [REDP]);
  await expect(row(app, 'docling__redp5110_sampled.pdf')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await app.keyboard.press('Control+K');
  await app.getByTestId('search-input').fill('Leverage row permissions on the database');
  const hit = app.getByTestId('result').filter({ hasText: 'docling__redp5110_sampled.pdf' }).filter({ has: app.getByTestId('result-page').getByText(/^pp\. \d+–\d+$/) }).first();
  const label = (await hit.getByTestId('result-page').textContent()) ?? '';
  const [, from, to] = /pp\. (\d+)–(\d+)/.exec(label)!;
  await hit.click();

  const viewer = app.getByTestId('viewer');
  await expect(viewer).toHaveAttribute('data-page', from!);
  await expect(app.getByTestId('pdf-page')).toHaveAttribute('data-rendered', 'true');
  await expect(app.locator('.textLayer [data-testid="passage-highlight"]').first()).toBeVisible();
  await expect(app.getByText('The passage could not be placed')).toHaveCount(0);
  await snap(app, '08-multipage-first-page');

  await app.getByRole('button', { name: 'Next page' }).click();
  await expect(viewer).toHaveAttribute('data-page', String(Number(from) + 1));
  await expect(app.getByTestId('pdf-page')).toHaveAttribute('data-rendered', 'true');
  await expect(app.locator('.textLayer [data-testid="passage-highlight"]').first()).toBeVisible();
  await expect(app.getByText('The passage could not be placed')).toHaveCount(0);
  await app.getByRole('radio', { name: 'Text' }).click();
  await expect(app.getByTestId('text-pane').getByTestId('passage-highlight')).toBeVisible();
  expect(Number(to)).toBeGreaterThan(Number(from));
  await app.keyboard.press('Escape');
});

test('a citation from a chunk over pages 13–14 opens its page with the quote highlighted', async ({ app }) => {
  await app.keyboard.press('Control+4');
  await app.getByTestId('question-input').fill('What are the rules for masking the TAX_ID column?');
  await app.getByTestId('question-input').press('Enter');
  const turn = app.getByTestId('turn').last();
  await expect(turn).toBeVisible({ timeout: 60_000 });
  const chips = turn.getByTestId('citation');
  await expect(chips.first()).toBeVisible();
  const labels = await chips.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  // A quote over the page break opens at its first page (labelled "pages 13–14"); one placed on a page, at that page.
  const i = Math.max(0, labels.findIndex((l) => /pages \d+–\d+/.test(l)));
  const page = /pages? (\d+)/.exec(labels[i]!)![1]!;
  await chips.nth(i).click();
  await expect(app.getByTestId('viewer')).toHaveAttribute('data-page', page);
  await expect(app.getByTestId('pdf-page')).toHaveAttribute('data-rendered', 'true');
  await expect(app.locator('.textLayer [data-testid="passage-highlight"]').first()).toBeVisible();
  await snap(app, '08-multipage-citation');
});

test('a search hit over two pages opens on the page with the words searched for, and links to its other part', async ({ app }) => {
  // The reviewer's case: the hit is pp. 11–12, but page 11 holds only "Références" and the 2010a
  // reference; the 2010b reference searched for is on page 12.
  await addFiles(app, [OLAP]);
  await expect(row(app, 'unstructured__fr_olap.pdf')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await app.keyboard.press('Control+K');
  const input = app.getByTestId('search-input');
  await input.fill('Aligon Marcel Negre 2010b Résumé et interrogation');
  const first = app.getByTestId('result').first();
  await expect(first).toContainText('unstructured__fr_olap.pdf');
  await expect(first.getByTestId('result-page')).toHaveText('pp. 11–12');
  await input.press('Enter');

  const viewer = app.getByTestId('viewer');
  await expect(viewer).toHaveAttribute('data-page', '12');
  await expect(app.getByTestId('pdf-page')).toHaveAttribute('data-rendered', 'true');
  await expect(app.locator('.textLayer [data-testid="passage-highlight"]').filter({ hasText: '2010b' })).toBeVisible();
  const nav = app.getByTestId('passage-nav');
  await expect(nav).toContainText('The passage runs over pp. 11–12.');
  await expect(nav.getByTestId('passage-next')).toHaveCount(0);
  await snap(app, '08-multipage-opens-where-the-words-are');

  // Its first part is one click away, and that page says where the passage goes on.
  await nav.getByRole('button', { name: 'Passage starts on page 11' }).click();
  await expect(viewer).toHaveAttribute('data-page', '11');
  await expect(app.getByTestId('pdf-page')).toHaveAttribute('data-rendered', 'true');
  await expect(app.locator('.textLayer [data-testid="passage-highlight"]').filter({ hasText: '2010a' })).toBeVisible();
  const next = nav.getByRole('button', { name: 'Passage continues on page 12' });
  await expect(next).toBeVisible();
  await snap(app, '08-multipage-continues-on-next-page');

  // Zoom acts on the page image only: Text mode does not offer it.
  await expect(app.getByRole('group', { name: 'Zoom' })).toBeVisible();
  await app.getByRole('radio', { name: 'Text' }).click();
  await expect(app.getByRole('group', { name: 'Zoom' })).toHaveCount(0);
  await next.click();
  await expect(viewer).toHaveAttribute('data-page', '12');
  await expect(app.getByTestId('text-pane').getByTestId('passage-highlight')).toContainText('2010b');
  await app.keyboard.press('Escape');
});
