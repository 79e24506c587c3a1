import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { QuarryError } from '../main/util/errors';

/** The subset of Electron's safeStorage used here (so tests can give a fake). */
export interface Encryption {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * Secrets (remote model API keys, server tokens) encrypted with the OS keychain through
 * safeStorage and kept in `<userData>/secrets.json` as base64. Nothing is ever written in
 * plain text: without OS encryption, storing fails with a message saying why.
 */
export class SecretStore {
  private constructor(
    private readonly file: string,
    private readonly crypto: Encryption,
    private data: Record<string, string>,
  ) {}

  static async open(dir: string, crypto: Encryption): Promise<SecretStore> {
    const file = path.join(dir, 'secrets.json');
    let data: Record<string, string> = {};
    if (existsSync(file)) {
      try {
        data = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
      } catch {
        // A damaged file loses the secrets, not the app: the user enters them again.
        data = {};
      }
    }
    return new SecretStore(file, crypto, data);
  }

  /** The secret, or undefined when unset or no longer decryptable (another OS user, a new keychain). */
  get(name: string): string | undefined {
    const v = this.data[name];
    if (!v) return undefined;
    try {
      return this.crypto.decryptString(Buffer.from(v, 'base64'));
    } catch {
      return undefined;
    }
  }

  /** Stores (or, with undefined, deletes) a secret. */
  async set(name: string, value: string | undefined): Promise<void> {
    if (value === undefined || value === '') delete this.data[name];
    else {
      if (!this.crypto.isEncryptionAvailable()) {
        throw new QuarryError('INTERNAL', 'This system offers no secure storage for secrets, so the key was not saved.', {
          hint: 'On Linux, install and unlock a keyring (GNOME Keyring or KWallet), then enter the key again.',
        });
      }
      this.data[name] = this.crypto.encryptString(value).toString('base64');
    }
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFile(`${this.file}.tmp`, JSON.stringify(this.data), { mode: 0o600 });
    await rename(`${this.file}.tmp`, this.file);
  }

  /** Names of the stored secrets (never their values). */
  names(): string[] {
    return Object.keys(this.data);
  }
}
