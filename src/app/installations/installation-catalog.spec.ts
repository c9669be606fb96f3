import { firstValueFrom } from 'rxjs';

import { KiiError } from '../core/kii-error';
import { IndexedDbCatalog, KnownInstallation, catalogKey } from './installation-catalog';

const known = (id: string, createdAt: number | null = 1000): KnownInstallation => ({
  installationID: id,
  registrationID: `reg-${id}`,
  deviceType: 'MQTT',
  development: false,
  owner: { kind: 'user', id: 'u-1', name: 'alice' },
  createdAt,
  source: 'installed',
});

describe('IndexedDbCatalog', () => {
  const name = `kpc-installations-spec-${Math.random().toString(36).slice(2)}`;
  const app = catalogKey({ baseUrl: 'https://api-jp.kii.com/api', appId: 'app1' });
  let catalog: IndexedDbCatalog;

  beforeEach(() => {
    catalog = new IndexedDbCatalog(indexedDB, name);
  });
  afterAll(() => indexedDB.deleteDatabase(name));

  it('keeps installations per app, keeps how and when they were first known, and removes them', async () => {
    const other = catalogKey({ baseUrl: 'https://api.kii.com/api', appId: 'app1' });
    await firstValueFrom(catalog.put$(app, [known('a'), known('b')]), { defaultValue: 0 });
    await firstValueFrom(catalog.put$(other, [known('c')]), { defaultValue: 0 });
    const refreshed: KnownInstallation = {
      ...known('a', 5000),
      source: 'looked-up',
      owner: { kind: 'user', id: 'u-1', name: 'alice-renamed' },
    };
    await firstValueFrom(catalog.put$(app, [refreshed]), {
      defaultValue: 0,
    });

    // A second catalog on the same database: what a reload sees.
    const reloaded = new IndexedDbCatalog(indexedDB, name);
    const rows = await firstValueFrom(reloaded.list$(app));
    expect(rows.map((r) => r.installationID).sort()).toEqual(['a', 'b']);
    const a = rows.find((r) => r.installationID === 'a')!;
    expect(a.createdAt).toBe(1000);
    expect(a.source).toBe('installed');
    expect(a.owner).toEqual({ kind: 'user', id: 'u-1', name: 'alice-renamed' });

    await firstValueFrom(catalog.remove$(app, ['a', 'missing']), { defaultValue: 0 });
    expect((await firstValueFrom(catalog.list$(app))).map((r) => r.installationID)).toEqual(['b']);
    expect((await firstValueFrom(catalog.list$(other))).length).toBe(1);
  });

  it('fails as a KiiError when the browser refuses storage', async () => {
    const refusing = {
      open: () => {
        const request = {
          error: new DOMException('denied', 'SecurityError'),
        } as unknown as IDBOpenDBRequest;
        setTimeout(() => request.onerror?.(new Event('error')));
        return request;
      },
    } as unknown as IDBFactory;
    const broken = new IndexedDbCatalog(refusing, name);
    await expectAsync(firstValueFrom(broken.list$(app))).toBeRejectedWith(
      jasmine.objectContaining<KiiError>({
        kind: 'unknown',
        detail: jasmine.stringContaining('denied'),
      }),
    );
    await expectAsync(firstValueFrom(broken.put$(app, [known('x')]))).toBeRejected();
    await expectAsync(firstValueFrom(broken.remove$(app, ['x']))).toBeRejected();
  });
});
