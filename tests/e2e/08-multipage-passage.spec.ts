import { sharedPath } from '../helpers/shared';
import { addFiles, expect, row, snap, test } from './fixtures';

const REDP = sharedPath('corpus', 'pdf', 'long_real', 'docling__redp5110_sampled.pdf');

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
