import { SiteId, siteLabel } from '../core/kii-site';
import { ConnectedApp } from '../core/team/team-types';

/*
 * A connected Kii app as the Apps page reads it (GET /team/api/apps, docs/team-api.md,
 * "Connected apps"): never a key or a secret. What an admin types to connect one.
 */

/** One row of the Apps page: the app, who connected it and when, and the person's role. */
export interface TeamAppRow extends ConnectedApp {
  readonly addedBy: string;
  readonly addedAt: number;
  readonly updatedAt: number;
}

/** Kii's sites by name (docs/kii-api.md §1.1), or `custom` with a base URL of its own. */
export const KII_SITES = ['us', 'jp', 'sg', 'eu', 'custom'] as const;
export type KiiSiteName = (typeof KII_SITES)[number];

/** The body of a replace (PUT /team/api/apps/:appId); `baseUrl` only with `custom`. */
export interface AppCredentials {
  readonly label: string;
  readonly site: KiiSiteName;
  readonly baseUrl?: string;
  readonly appKey: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** The body of a connect (POST /team/api/apps). */
export interface NewApp extends AppCredentials {
  readonly appId: string;
}

/** What the site column says: the Kii site's name, or the custom base URL alone. */
export function siteText(app: Pick<ConnectedApp, 'site' | 'baseUrl'>): string {
  const known = (KII_SITES as readonly string[]).includes(app.site) && app.site !== 'custom';
  return known ? `${siteLabel(app.site as SiteId)} · ${app.baseUrl}` : app.baseUrl;
}
