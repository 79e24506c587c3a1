import { sharedPath } from '../helpers/shared';
import { addFiles, expect, row, snap, test } from './fixtures';

test('reloading the page mid-ingest keeps showing the progress', async ({ app }) => {
  const name = 'unstructured__DA-619p.pdf';
  await addFiles(app, [sharedPath('corpus', 'pdf', 'long_real', name)]);
  const r = row(app, name);
  await expect(r.getByTestId('row-progress')).toBeVisible({ timeout: 30_000 });
  await app.reload();
  await expect(app.getByTestId('connection')).toHaveText('Connected');
  await expect(r).toHaveAttribute('data-status', /processing|queued/);
  await expect(r.getByTestId('row-progress')).toBeVisible();
  await expect(app.getByTestId('queue-banner')).toBeVisible();
  await snap(app, '11-after-reload-mid-ingest');
  // Stop the 619-page job: the point is made, and the machine is shared.
  await r.getByRole('button', { name: `Cancel indexing ${name}` }).click();
  await expect(r.getByTestId('row-progress')).toHaveCount(0, { timeout: 30_000 });
});

test('a new empty collection is kept across a reload, says it is empty, and can be deleted', async ({ app }) => {
  // A filter typed for all documents does not follow into the new collection.
  await app.getByRole('button', { name: 'Library' }).click();
  await app.getByLabel('Filter documents').fill('zzz-nothing-matches');
  await app.getByRole('button', { name: 'New collection' }).click();
  const dialog = app.getByRole('dialog');
  await dialog.getByLabel('Name').fill('Finance Q3');
  await dialog.getByRole('button', { name: 'Create' }).click();
  const item = app.getByRole('list', { name: 'Collections' }).getByRole('button', { name: /Finance Q3/ });
  await expect(item).toHaveAttribute('aria-current', 'true');
  await expect(item.getByTestId('collection-count')).toHaveText('0');
  await expect(app.getByLabel('Filter documents')).toHaveValue('');
  await expect(app.getByTestId('collection-empty')).toContainText('Finance Q3 is empty');
  await snap(app, '12-empty-collection');
  await app.reload();
  await expect(app.getByTestId('connection')).toHaveText('Connected');
  await expect(item.getByTestId('collection-count')).toHaveText('0');
  await item.click();
  await expect(app.getByTestId('collection-empty')).toBeVisible();
  await app.getByRole('button', { name: 'Delete collection' }).click();
  await expect(item).toHaveCount(0);
  await expect(app.getByRole('heading', { name: 'All documents' })).toBeVisible();
  await app.reload();
  await expect(app.getByTestId('connection')).toHaveText('Connected');
  // Loaded (collections are read with the documents), and it is not among them.
  await expect(app.getByText('Loading the library…')).toHaveCount(0);
  await expect(app.getByRole('list', { name: 'Collections' }).getByRole('button', { name: /All documents/ })).toBeVisible();
  await expect(item).toHaveCount(0);
});
