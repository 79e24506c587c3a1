import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { SecretStore, type Encryption } from '../../../electron/secrets';
import { tempDir } from '../../helpers/shared';

// safeStorage needs Electron and an OS keychain; a reversible stand-in shows what is stored.
const fake = (available = true): Encryption => ({
  isEncryptionAvailable: () => available,
  encryptString: (s) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
  decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

it('stores secrets encrypted, never in plain text, and reads them back after a restart', async () => {
  const { dir, cleanup } = await tempDir();
  cleanups.push(cleanup);
  const s = await SecretStore.open(dir, fake());
  await s.set('remote.apiKey', 'sk-very-secret');
  const onDisk = await readFile(path.join(dir, 'secrets.json'), 'utf8');
  expect(onDisk).not.toContain('sk-very-secret');
  const again = await SecretStore.open(dir, fake());
  expect(again.get('remote.apiKey')).toBe('sk-very-secret');
  expect(again.names()).toEqual(['remote.apiKey']);
  await again.set('remote.apiKey', undefined);
  expect((await SecretStore.open(dir, fake())).get('remote.apiKey')).toBeUndefined();
});

it('refuses to store a secret when the OS offers no encryption', async () => {
  const { dir, cleanup } = await tempDir();
  cleanups.push(cleanup);
  const s = await SecretStore.open(dir, fake(false));
  await expect(s.set('k', 'v')).rejects.toThrow(/no secure storage/);
});

it('treats an undecryptable secret as unset', async () => {
  const { dir, cleanup } = await tempDir();
  cleanups.push(cleanup);
  await (await SecretStore.open(dir, fake())).set('k', 'v');
  const broken: Encryption = { ...fake(), decryptString: () => { throw new Error('keychain changed'); } };
  expect((await SecretStore.open(dir, broken)).get('k')).toBeUndefined();
});
