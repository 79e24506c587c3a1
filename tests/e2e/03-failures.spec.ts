import { sharedPath } from '../helpers/shared';
import { addFiles, expect, row, snap, test } from './fixtures';

test('an encrypted PDF asks for its password; a wrong one stays a failure to fix, and the right one indexes it', async ({ app }) => {
  const name = 'pdfjs__issue6010_1.pdf';
  const file = sharedPath('corpus', 'pdf', 'encrypted', name);
  await addFiles(app, [file]);
  const r = row(app, name);
  await expect(r).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  await expect(r.getByTestId('row-error')).toContainText(/password/i);
  // The app's own guidance, not the CLI's flag.
  await expect(r.getByTestId('row-error')).toContainText('Enter password');
  await expect(r.getByTestId('row-error')).not.toContainText('--password');
  await snap(app, '09-password-needed');
  // A wrong password first: the row says so and still asks for one.
  await r.getByRole('button', { name: 'Enter password' }).click();
  let dialog = app.getByRole('dialog');
  await dialog.getByLabel('Password').fill('not-it');
  await dialog.getByRole('button', { name: 'Unlock and index' }).click();
  await expect(r.getByTestId('row-error')).toContainText(/not correct/, { timeout: 30_000 });
  await expect(r).toHaveAttribute('data-status', 'failed');
  // Activity: both attempts are failures, not finished work; the newest asks for the password.
  await app.getByRole('button', { name: /^Activity/ }).click();
  const failed = app.getByRole('region', { name: 'Failed' }).getByTestId('job').filter({ hasText: name });
  await expect(failed).toHaveCount(2);
  await expect(app.getByRole('region', { name: 'Finished' }).getByTestId('job').filter({ hasText: name })).toHaveCount(0);
  await expect(failed.getByRole('button', { name: 'Enter password' })).toHaveCount(1);
  await snap(app, '09b-wrong-password-in-activity');
  // The right one, entered in Activity.
  await failed.getByRole('button', { name: 'Enter password' }).click();
  dialog = app.getByRole('dialog');
  await dialog.getByLabel('Password').fill('abc');
  await dialog.getByRole('button', { name: 'Unlock and index' }).click();
  // Both failures were resolved by the run with it: history, with nothing left to do but dismiss.
  const jobs = app.getByTestId('job').filter({ hasText: name });
  await expect(jobs.filter({ hasText: 'failed · resolved by a later run' })).toHaveCount(2, { timeout: 30_000 });
  await expect(failed).toHaveCount(0);
  await expect(jobs.getByRole('button', { name: /Retry|Enter password/ })).toHaveCount(0);
  // "Clear finished" empties the history, and a reload keeps it cleared.
  await app.getByRole('button', { name: 'Clear finished' }).click();
  await expect(jobs).toHaveCount(0);
  await app.reload();
  await expect(app.getByTestId('connection')).toHaveText('Connected');
  await expect(r).toHaveAttribute('data-status', 'ready');
  await app.getByRole('button', { name: /^Activity/ }).click();
  await expect(app.getByRole('heading', { name: 'Activity' })).toBeVisible();
  await expect(jobs).toHaveCount(0);
});

test('a file type Quarry cannot read offers no Retry, in the Library or in Activity, and Dismiss in Activity settles it', async ({ app }) => {
  const name = 'unstructured__fake-doc.rtf';
  const file = sharedPath('corpus', 'formats', 'rtf', name);
  await addFiles(app, [file]);
  const r = row(app, name);
  await expect(r).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  await expect(r.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  // Not a document of the library: the header counts it apart.
  await expect(app.getByTestId('failed-count')).toBeVisible();
  await app.getByRole('button', { name: /^Activity/ }).click();
  const job = app.getByRole('region', { name: 'Failed' }).getByTestId('job').filter({ hasText: name });
  await expect(job).toHaveCount(1);
  await expect(job.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  // Dismissed: off the list, and no longer counted on the badge (other specs' failures may be).
  const badge = app.getByRole('button', { name: /^Activity/ }).getByLabel(/need attention/);
  const before = Number(await badge.innerText());
  await job.getByRole('button', { name: `Dismiss ${name}` }).click();
  await expect(app.getByTestId('job').filter({ hasText: name })).toHaveCount(0);
  if (before > 1) await expect(badge).toHaveText(String(before - 1));
  else await expect(badge).toHaveCount(0);
  // The file stays in the Library (failed, with Remove) until it is removed there; Activity
  // keeps it dismissed after a reload.
  await app.reload();
  await expect(app.getByTestId('connection')).toHaveText('Connected');
  await expect(r).toHaveAttribute('data-status', 'failed');
  await app.getByRole('button', { name: /^Activity/ }).click();
  await expect(app.getByRole('heading', { name: 'Activity' })).toBeVisible();
  await expect(app.getByTestId('job').filter({ hasText: name })).toHaveCount(0);
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
