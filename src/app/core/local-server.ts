import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { Observable, catchError, map, of } from 'rxjs';

import { BROWSER_LOCATION } from './browser';
import { localServerBaseUrl } from './kii-site';

/** The demo app a local server seeded with `--seed-demo` announces. */
export interface LocalDemoApp {
  readonly appId: string;
  readonly appKey: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** `GET /api/x-local/v1/info` of the kii-push-local server. */
export interface LocalServerInfo {
  readonly server: 'kii-push-local';
  readonly version: string;
  /** Extensions beyond Kii's API, e.g. `installations` (listing), `deliveries`, `tap`. */
  readonly extensions: readonly string[];
  readonly demo?: LocalDemoApp;
}

/** Path of the discovery endpoint below the local server's base URL. */
export const LOCAL_INFO_PATH = '/x-local/v1/info';

/**
 * Finds out whether the page was served by the local Kii-compatible server. Against any other
 * host (Kii Cloud, `ng serve`) the endpoint fails or answers something else, and `info` is null.
 */
@Injectable({ providedIn: 'root' })
export class LocalServer {
  private readonly http = inject(HttpClient);

  /** The local server's Kii base URL: this page's origin + `/api`. */
  readonly baseUrl = localServerBaseUrl(inject(BROWSER_LOCATION).origin);

  /** undefined while asking, null when there is no local server, else its answer. */
  readonly info = toSignal(this.discover$(), { initialValue: undefined });

  /** Asks the discovery endpoint once; every failure means "no local server". */
  discover$(): Observable<LocalServerInfo | null> {
    return this.http.get<unknown>(this.baseUrl + LOCAL_INFO_PATH).pipe(
      map((body) => (isLocalServerInfo(body) ? body : null)),
      catchError(() => of(null)),
    );
  }
}

function isLocalServerInfo(value: unknown): value is LocalServerInfo {
  if (typeof value !== 'object' || value === null) return false;
  const info = value as Record<string, unknown>;
  if (info['server'] !== 'kii-push-local' || typeof info['version'] !== 'string') return false;
  if (!Array.isArray(info['extensions'])) return false;
  const demo = info['demo'];
  if (demo === undefined) return true;
  if (typeof demo !== 'object' || demo === null) return false;
  const d = demo as Record<string, unknown>;
  return ['appId', 'appKey', 'clientId', 'clientSecret'].every((k) => typeof d[k] === 'string');
}
