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
