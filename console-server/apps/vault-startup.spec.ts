import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestConsoleServer } from '../testing/test-console-server';
import { newVaultKeyText } from './vault-key';

describe('console server start-up: the vault key', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'kpc-vault-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const app = {
    appId: 'sealedapp',
    site: 'custom' as const,
    baseUrl: 'http://127.0.0.1:9/api',
    appKey: 'key-0123456789',
    clientId: 'client-id',
    clientSecret: 'secret-that-is-sealed',
  };

  it('creates <data-dir>/vault.key (0600) and opens the same apps after a restart', async () => {
    const first = await startTestConsoleServer({ inMemory: false, dataDir });
    first.app.team.apps.add(app, 'spec');
    await first.close();
    expect(statSync(join(dataDir, 'vault.key')).mode & 0o777).toBe(0o600);

    const second = await startTestConsoleServer({ inMemory: false, dataDir });
    expect(second.app.team.apps.credentials(app.appId)?.clientSecret).toBe(app.clientSecret);
    await second.close();
  });

  it('refuses to start with another key (--key-file) than the apps were sealed with', async () => {
    const first = await startTestConsoleServer({ inMemory: false, dataDir });
    first.app.team.apps.add(app, 'spec');
    await first.close();

    const other = join(dataDir, 'other.key');
    writeFileSync(other, `${newVaultKeyText()}\n`, { mode: 0o600 });
    await expectAsync(
      startTestConsoleServer({ inMemory: false, dataDir, keyFile: other }),
    ).toBeRejectedWithError(/not the one the connected apps were sealed with/);
  });
});
