import { Provider } from '@angular/core';
import { Observable, defer, of, throwError } from 'rxjs';

import { makeKiiError } from '../app/core/kii-error';
import {
  INSTALLATION_CATALOG,
  InstallationCatalog,
  KnownInstallation,
} from '../app/installations/installation-catalog';

/** An in-memory `InstallationCatalog`; `failing` makes every call fail like broken storage. */
export class MemoryInstallationCatalog implements InstallationCatalog {
  /** appKey → installationID → installation. */
  readonly apps = new Map<string, Map<string, KnownInstallation>>();
  failing = false;

  /** The installations known for an app, by installation ID. */
  of(appKey: string): Map<string, KnownInstallation> {
    let app = this.apps.get(appKey);
    if (!app) this.apps.set(appKey, (app = new Map()));
    return app;
  }

  list$(appKey: string): Observable<readonly KnownInstallation[]> {
    return this.guard(() => of([...this.of(appKey).values()]));
  }

  put$(appKey: string, items: readonly KnownInstallation[]): Observable<void> {
    return this.guard(() => {
      const app = this.of(appKey);
      for (const item of items) {
        const old = app.get(item.installationID);
        const createdAt = old?.createdAt ?? item.createdAt ?? Date.now();
        app.set(item.installationID, { ...item, createdAt, source: old?.source ?? item.source });
      }
      return of(undefined);
    });
  }

  remove$(appKey: string, installationIDs: readonly string[]): Observable<void> {
    return this.guard(() => {
      for (const id of installationIDs) this.of(appKey).delete(id);
      return of(undefined);
    });
  }

  private guard<T>(work: () => Observable<T>): Observable<T> {
    return defer(() =>
      this.failing
        ? throwError(() => makeKiiError('unknown', { detail: 'IndexedDB failed (fake)' }))
        : work(),
    );
  }
}

/** Provides `INSTALLATION_CATALOG` as the given in-memory catalog. */
export function provideMemoryCatalog(catalog: MemoryInstallationCatalog): Provider {
  return { provide: INSTALLATION_CATALOG, useValue: catalog };
}
