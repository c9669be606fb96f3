import {
  HttpClient,
  HttpEventType,
  HttpHeaders,
  HttpParams,
  HttpRequest,
} from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { EMPTY, Observable, catchError, defer, from, mergeMap, throwError } from 'rxjs';

import { toKiiError } from '../kii-error';

/** Where the console server answers: the page's own origin (console-server/app.ts). */
export const TEAM_API_BASE = '/team/api';

/** The CSRF header the console server checks on every state change (console-server/http-edge.ts). */
export const CSRF_HEADER = 'x-kpc-csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The media type of answers streamed one JSON value per line (bulk uninstall). */
const LINES = 'application/x-ndjson';

/** Options of one team API call. */
export interface TeamCallOptions {
  readonly body?: unknown;
  /** `text/csv` and the like; JSON otherwise. */
  readonly contentType?: string;
  readonly query?: Record<string, string | number | boolean | undefined>;
}

/**
 * The console server's API under /team/api, same-origin with the session cookie. Every state
 * change carries `x-kpc-csrf` (the session's token; any value on sign-in, where the server
 * takes none yet). Failures arrive as `KiiError` (the `{error:{code,message}}` envelope read
 * by kii-error.ts); a 401 UNAUTHENTICATED from any call tells the session store it has ended.
 */
@Injectable({ providedIn: 'root' })
export class TeamApi {
  private readonly http = inject(HttpClient);
  private csrfToken: string | null = null;
  private sessionEnded: (() => void) | null = null;

  /** The token from GET /me or a sign-in; null after signing out. */
  useCsrfToken(token: string | null): void {
    this.csrfToken = token;
  }

  /** Called when the server says the session is gone (expired, signed out elsewhere). */
  onSessionEnded(handler: () => void): void {
    this.sessionEnded = handler;
  }

  get$<T>(path: string, query?: TeamCallOptions['query']): Observable<T> {
    return this.call$<T>('GET', path, { query });
  }

  post$<T>(path: string, body?: unknown, options: Omit<TeamCallOptions, 'body'> = {}) {
    return this.call$<T>('POST', path, { ...options, body });
  }

  put$<T>(path: string, body?: unknown): Observable<T> {
    return this.call$<T>('PUT', path, { body });
  }

  delete$<T>(path: string): Observable<T> {
    return this.call$<T>('DELETE', path, {});
  }

  /** `/apps/{appId}{path}` with the app ID encoded. */
  appPath(appId: string, path: string): string {
    return `/apps/${encodeURIComponent(appId)}${path}`;
  }

  /**
   * POSTs JSON and reads an NDJSON answer: each line's value is emitted as soon as the line has
   * arrived (the bulk uninstall's items, then its outcome), completing when the answer ends.
   */
  postLines$<T>(path: string, body: unknown): Observable<T> {
    return defer(() => {
      // Characters of the answer already split into lines.
      let read = 0;
      const request = new HttpRequest('POST', TEAM_API_BASE + path, JSON.stringify(body), {
        headers: this.headers('POST', body, 'application/json').set('accept', LINES),
        reportProgress: true,
        responseType: 'text',
        withCredentials: true,
      });
      return this.http.request<string>(request).pipe(
        mergeMap((event) => {
          const last = event.type === HttpEventType.Response;
          const text = last
            ? (event.body ?? '')
            : event.type === HttpEventType.DownloadProgress
              ? event.partialText
              : undefined;
          if (text === undefined) return EMPTY;
          // A partial answer may end mid-line: only whole lines are read before the end.
          const end = last ? text.length : text.lastIndexOf('\n') + 1;
          if (end <= read) return EMPTY;
          const lines = text.slice(read, end).split('\n');
          read = end;
          return from(lines.filter((line) => line.trim()).map((line) => JSON.parse(line) as T));
        }),
      );
    }).pipe(catchError((raw: unknown) => this.failure$(raw)));
  }

  call$<T>(method: string, path: string, options: TeamCallOptions = {}): Observable<T> {
    return defer(() => {
      const json = options.contentType === undefined;
      const headers = this.headers(method, options.body, options.contentType);
      let params = new HttpParams();
      for (const [key, value] of Object.entries(options.query ?? {})) {
        if (value !== undefined) params = params.set(key, String(value));
      }
      return this.http.request<T>(method, TEAM_API_BASE + path, {
        body:
          options.body === undefined
            ? undefined
            : json
              ? JSON.stringify(options.body)
              : options.body,
        headers,
        params,
        withCredentials: true,
        responseType: 'json',
      });
    }).pipe(catchError((raw: unknown) => this.failure$(raw)));
  }

  private headers(method: string, body: unknown, contentType: string | undefined): HttpHeaders {
    let headers = new HttpHeaders();
    if (!SAFE_METHODS.has(method)) {
      // The sign-in takes any non-empty value: there is no session token yet.
      headers = headers.set(CSRF_HEADER, this.csrfToken ?? 'sign-in');
    }
    if (body !== undefined)
      headers = headers.set('content-type', contentType ?? 'application/json');
    return headers;
  }

  private failure$(raw: unknown): Observable<never> {
    const error = toKiiError(raw);
    if (error.status === 401 && error.errorCode === 'UNAUTHENTICATED') this.sessionEnded?.();
    return throwError(() => error);
  }
}
