import { sharedPath } from '../helpers/shared';
import { addFiles, expect, row, snap, test } from './fixtures';

test('an encrypted PDF asks for its password, then indexes', async ({ app }) => {
  const file = sharedPath('corpus', 'pdf', 'encrypted', 'pdfjs__issue6010_1.pdf');
  await addFiles(app, [file]);
  const r = row(app, 'pdfjs__issue6010_1.pdf');
  await expect(r).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  await expect(r.getByTestId('row-error')).toContainText(/password/i);
  await snap(app, '09-password-needed');
  await r.getByRole('button', { name: 'Enter password' }).click();
  const dialog = app.getByRole('dialog');
  await dialog.getByLabel('Password').fill('abc');
  await dialog.getByRole('button', { name: 'Unlock and index' }).click();
  await expect(r).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
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
