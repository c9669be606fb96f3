import { DOCUMENT } from '@angular/common';
import { InjectionToken, inject } from '@angular/core';
import { Observable, defer, from, map, switchMap } from 'rxjs';

import { makeKiiError } from '../core/kii-error';
import { Installation } from '../core/kii/installation';

/** How the console came to know an installation. */
export type KnownSource = 'installed' | 'looked-up' | 'imported';

/** An installation this console knows for an app on Kii Cloud, which cannot list them. */
export interface KnownInstallation extends Installation {
  readonly source: KnownSource;
}

/**
 * The installations this console knows per app (`appKey` is `catalogKey(session)`): those
 * installed, looked up or imported here. Kii Cloud has no listing API (docs/kii-api.md §5.6), so
 * this is all the Installations page can show there. Failures are `KiiError`s.
 */
export interface InstallationCatalog {
  list$(appKey: string): Observable<readonly KnownInstallation[]>;
  /** Adds or refreshes; an installation keeps how and when it was first known. */
  put$(appKey: string, items: readonly KnownInstallation[]): Observable<void>;
  remove$(appKey: string, installationIDs: readonly string[]): Observable<void>;
}

/** `window.indexedDB`. */
export const INDEXED_DB = new InjectionToken<IDBFactory>('INDEXED_DB', {
  providedIn: 'root',
  factory: () => inject(DOCUMENT).defaultView!.indexedDB,
});

/** The catalog, in this browser's IndexedDB. Specs provide `MemoryInstallationCatalog`. */
export const INSTALLATION_CATALOG = new InjectionToken<InstallationCatalog>(
  'INSTALLATION_CATALOG',
  {
    providedIn: 'root',
    factory: () => new IndexedDbCatalog(inject(INDEXED_DB)),
  },
);

/** One catalog per app and site: the same app ID on two sites are two apps. */
export function catalogKey(target: { readonly baseUrl: string; readonly appId: string }): string {
  return `${target.baseUrl} ${target.appId}`;
}

const STORE = 'installations';

interface Row extends KnownInstallation {
  readonly app: string;
}

/** `InstallationCatalog` on IndexedDB: one object store keyed by [app, installationID]. */
export class IndexedDbCatalog implements InstallationCatalog {
  private db: Promise<IDBDatabase> | null = null;

  constructor(
    private readonly factory: IDBFactory,
    private readonly name = 'kpc-installations',
  ) {}

  list$(appKey: string): Observable<readonly KnownInstallation[]> {
    return this.run$('readonly', (store) =>
      request<Row[]>(store.index('by-app').getAll(IDBKeyRange.only(appKey))),
    ).pipe(map((rows) => rows.map(({ app: _app, ...installation }) => installation)));
  }

  put$(appKey: string, items: readonly KnownInstallation[]): Observable<void> {
    return this.run$('readwrite', async (store) => {
      for (const item of items) {
        const old = await request<Row | undefined>(store.get([appKey, item.installationID]));
        const createdAt = old?.createdAt ?? item.createdAt ?? Date.now();
        const source = old?.source ?? item.source;
        store.put({ ...item, createdAt, source, app: appKey } satisfies Row);
      }
    });
  }

  remove$(appKey: string, installationIDs: readonly string[]): Observable<void> {
    return this.run$('readwrite', async (store) => {
      for (const id of installationIDs) store.delete([appKey, id]);
    });
  }

  /** Runs `work` in one transaction and completes when the transaction has committed. */
  private run$<T>(
    mode: IDBTransactionMode,
    work: (store: IDBObjectStore) => Promise<T>,
  ): Observable<T> {
    return defer(() => from(this.open())).pipe(
      switchMap(
        (db) =>
          new Promise<T>((resolve, reject) => {
            const tx = db.transaction(STORE, mode);
            let result: T;
            work(tx.objectStore(STORE)).then(
              (value) => (result = value),
              () => tx.abort(),
            );
            tx.oncomplete = () => resolve(result);
            tx.onerror = tx.onabort = () => reject(storageError(tx.error));
          }),
      ),
    );
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const opening = this.factory.open(this.name, 1);
      opening.onupgradeneeded = () => {
        const store = opening.result.createObjectStore(STORE, {
          keyPath: ['app', 'installationID'],
        });
        store.createIndex('by-app', 'app');
      };
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(storageError(opening.error));
      opening.onblocked = () => reject(storageError(null));
    }).catch((error: unknown) => {
      // A later call may succeed (another tab closed, storage freed): do not cache the failure.
      this.db = null;
      throw error;
    });
    return this.db;
  }
}

function request<T>(req: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error);
  });
}

function storageError(error: DOMException | null) {
  return makeKiiError('unknown', {
    detail: `This browser's storage (IndexedDB) failed: ${error?.message || 'unavailable'}`,
  });
}
