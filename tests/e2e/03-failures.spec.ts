import { sharedPath } from '../helpers/shared';
import { addFiles, expect, row, snap, test } from './fixtures';

test('an encrypted PDF asks for its password, then indexes', async ({ app }) => {
  const file = sharedPath('corpus', 'pdf', 'encrypted', 'pdfjs__issue6010_1.pdf');
  await addFiles(app, [file]);
  const r = row(app, 'pdfjs__issue6010_1.pdf');
  await expect(r).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  await expect(r.getByTestId('row-error')).toContainText(/password/i);
  // The app's own guidance, not the CLI's flag.
  await expect(r.getByTestId('row-error')).toContainText('Enter password');
  await expect(r.getByTestId('row-error')).not.toContainText('--password');
  await snap(app, '09-password-needed');
  await r.getByRole('button', { name: 'Enter password' }).click();
  const dialog = app.getByRole('dialog');
  await dialog.getByLabel('Password').fill('abc');
  await dialog.getByRole('button', { name: 'Unlock and index' }).click();
  await expect(r).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  // Activity: the failure without the password was resolved by the run with it; it is history.
  await app.getByRole('button', { name: /^Activity/ }).click();
  const jobs = app.getByTestId('job').filter({ hasText: 'pdfjs__issue6010_1.pdf' });
  await expect(jobs.filter({ hasText: 'failed · resolved by a later run' })).toHaveCount(1);
  await expect(app.getByRole('region', { name: 'Failed' }).getByTestId('job').filter({ hasText: 'pdfjs__issue6010_1.pdf' })).toHaveCount(0);
  await expect(jobs.getByRole('button')).toHaveCount(0);
});

test('a file type Quarry cannot read offers no Retry, in the Library or in Activity', async ({ app }) => {
  const file = sharedPath('corpus', 'formats', 'rtf', 'unstructured__fake-doc.rtf');
  await addFiles(app, [file]);
  const r = row(app, 'unstructured__fake-doc.rtf');
  await expect(r).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  await expect(r.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await app.getByRole('button', { name: /^Activity/ }).click();
  const job = app.getByRole('region', { name: 'Failed' }).getByTestId('job').filter({ hasText: 'unstructured__fake-doc.rtf' });
  await expect(job).toHaveCount(1);
  await expect(job.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  // Not a document of the library: the header counts it apart.
  await app.getByRole('button', { name: 'Library' }).click();
  await expect(app.getByTestId('failed-count')).toBeVisible();
});

test('a PDF read with warnings keeps its collection under its name and lists the warnings on request', async ({ app }) => {
  const name = 'pdfjs__poppler-90-0-fuzzed.pdf';
  await addFiles(app, [sharedPath('corpus', 'pdf', 'malformed', name)]);
  const r = row(app, name);
  await expect(r).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(r.getByTestId('row-collection')).toHaveText('default');
  const button = r.getByRole('button', { name: /^\d+ warnings? in pdfjs__poppler-90-0-fuzzed\.pdf/ });
  await expect(button).toBeVisible();
  const n = Number((await button.innerText()).match(/\d+/)![0]);
  // By keyboard: focus it, Enter opens the list, Escape closes it and focus goes back.
  await button.focus();
  await app.keyboard.press('Enter');
  const dialog = app.getByRole('dialog', { name: new RegExp(`${n} warnings? in ${name.replace(/\./g, '\\.')}`) });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('warning')).toHaveCount(n);
  await expect(dialog.getByTestId('warning').first()).toContainText(/Page \d+|Whole document/);
  const texts = await dialog.getByTestId('warning').allInnerTexts();
  expect(new Set(texts).size).toBe(texts.length);
  await snap(app, '10b-warnings-dialog');
  await app.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(button).toBeFocused();
});

test('cancelling a file while it is indexed keeps it listed as Cancelled, with Retry and Dismiss', async ({ app }) => {
  // Long enough to be cancelled mid-read (04-reload uses DA-619p; dismissing is per browser).
  const name = 'unstructured__pdf2image-memory-error-test-400p.pdf';
  await addFiles(app, [sharedPath('corpus', 'pdf', 'long_real', name)]);
  const r = row(app, name);
  await expect(r.getByTestId('row-progress')).toBeVisible({ timeout: 30_000 });
  await r.getByRole('button', { name: `Cancel indexing ${name}` }).click();
  await expect(r).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });
  await expect(r).toContainText('Cancelled');
  await snap(app, '10c-cancelled-row');
  // Retry indexes it again; cancelled again (the machine is shared), Dismiss takes it off the list.
  await r.getByRole('button', { name: 'Retry' }).click();
  await expect(r).toHaveAttribute('data-status', /processing|queued/);
  await expect(r.getByRole('button', { name: `Cancel indexing ${name}` })).toBeVisible();
  await r.getByRole('button', { name: `Cancel indexing ${name}` }).click();
  await expect(r).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });
  await r.getByRole('button', { name: `Dismiss ${name}` }).click();
  await expect(r).toHaveCount(0);
});

test('a malformed file shows its error on its row, and the rest of the library is untouched', async ({ app }) => {
  const file = sharedPath('corpus', 'pdf', 'malformed', 'pdfjs__bug1020226.pdf');
  await addFiles(app, [file]);
  const r = row(app, 'pdfjs__bug1020226.pdf');
  await expect(r).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  await expect(r.getByTestId('row-error')).not.toBeEmpty();
  await expect(r.getByRole('button', { name: /Remove/ })).toBeVisible();
  await snap(app, '10-malformed-row');
  await r.getByRole('button', { name: /Remove/ }).click();
  await app.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
  await expect(r).toHaveCount(0);
});
