import { HttpClient, HttpHeaders, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, catchError, defer, throwError } from 'rxjs';

import { makeKiiError, toKiiError } from './kii-error';
import { Session, SessionStore } from './session';
import { ConsoleMode } from './team/console-mode';

/** Options of one Kii REST call. */
export interface KiiRestOptions {
  readonly body?: unknown;
  /** Kii's vendor media type (`application/vnd.kii.InstallationCreationRequest+json`, ...). */
  readonly contentType?: string;
  readonly query?: Record<string, string | number | boolean | undefined>;
}

/**
 * Kii's REST API with the signed-in session's token, for what the SDK cannot do: installing
 * for someone else as the app admin (`userID` / `thingID` in the body), direct pushes, and the
 * local server's `/x-local/v1` extensions. Failures arrive as `KiiError`, like the SDK's.
 */
@Injectable({ providedIn: 'root' })
export class KiiRest {
  private readonly http = inject(HttpClient);
  private readonly sessions = inject(SessionStore);
  private readonly mode = inject(ConsoleMode);

  /** `{baseUrl}/apps/{appID}{path}`. */
  app$<T>(method: string, path: string, options: KiiRestOptions = {}): Observable<T> {
    return this.call$<T>(
      method,
      (s) => `${s.baseUrl}/apps/${encodeURIComponent(s.appId)}${path}`,
      options,
    );
  }

  /** `{baseUrl}/x-local/v1/apps/{appID}{path}`: the local server's extensions. */
  extension$<T>(method: string, path: string, options: KiiRestOptions = {}): Observable<T> {
    return this.call$<T>(
      method,
      (s) => `${s.baseUrl}/x-local/v1/apps/${encodeURIComponent(s.appId)}${path}`,
      options,
    );
  }

  private call$<T>(
    method: string,
    url: (session: Session) => string,
    options: KiiRestOptions,
  ): Observable<T> {
    return defer(() => {
      if (this.mode.team()) {
        // The browser holds no Kii token in team mode: every call goes through /team/api.
        return throwError(() =>
          makeKiiError('forbidden', {
            detail: 'Team mode reaches Kii only through the console server.',
          }),
        );
      }
      const session = this.sessions.session();
      if (!session) {
        return throwError(() => makeKiiError('auth', { detail: 'No signed-in session' }));
      }
      let headers = new HttpHeaders({
        'x-kii-appid': session.appId,
        'x-kii-appkey': session.appKey,
        authorization: `Bearer ${session.token}`,
      });
      if (options.body !== undefined) {
        headers = headers.set('content-type', options.contentType ?? 'application/json');
      }
      let params = new HttpParams();
      for (const [key, value] of Object.entries(options.query ?? {})) {
        if (value !== undefined) params = params.set(key, String(value));
      }
      return this.http.request<T>(method, url(session), {
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        headers,
        params,
        responseType: 'json',
      });
    }).pipe(catchError((error: unknown) => throwError(() => toKiiError(error))));
  }
}
