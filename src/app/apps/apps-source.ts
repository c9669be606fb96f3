import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import { TeamApi } from '../core/team/team-api';
import { AppCredentials, NewApp, TeamAppRow } from './team-app';

/**
 * Connected apps on the console server (docs/team-api.md, "Connected apps"). Connecting needs
 * admin on every app, replacing or disconnecting admin of that app; the server checks both.
 * The credentials travel only in the request body: nothing here keeps them.
 */
@Injectable({ providedIn: 'root' })
export class AppsSource {
  private readonly api = inject(TeamApi);

  /** The apps the person holds a role on, each with that role. */
  list$(): Observable<readonly TeamAppRow[]> {
    return this.api.get$<TeamAppRow[]>('/apps');
  }

  connect$(app: NewApp): Observable<TeamAppRow> {
    return this.api.post$<TeamAppRow>('/apps', app);
  }

  /** Only the credential fields go: the server refuses any other (the app ID is the path's). */
  replace$(appId: string, credentials: AppCredentials): Observable<TeamAppRow> {
    const { label, site, baseUrl, appKey, clientId, clientSecret } = credentials;
    const body = { label, site, ...(baseUrl === undefined ? {} : { baseUrl }) };
    return this.api.put$<TeamAppRow>(`/apps/${encodeURIComponent(appId)}`, {
      ...body,
      appKey,
      clientId,
      clientSecret,
    });
  }

  disconnect$(appId: string): Observable<void> {
    return this.api.delete$<void>(`/apps/${encodeURIComponent(appId)}`);
  }
}
