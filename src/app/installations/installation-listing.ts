import { Injectable, inject } from '@angular/core';
import { EMPTY, Observable, expand, map, scan } from 'rxjs';

import { KiiRest } from '../core/kii-rest';
import { Installation } from '../core/kii/installation';
import { TeamInstallationRow, installationOfRow } from '../core/kii/team-push-installations';
import { SessionStore } from '../core/session';
import { ConsoleMode } from '../core/team/console-mode';
import { TeamApi } from '../core/team/team-api';

/** One row of the local server's `GET /x-local/v1/apps/{app}/installations`. */
interface ListedInstallation {
  readonly installationID: string;
  readonly installationRegistrationID: string;
  readonly deviceType: string;
  readonly development: boolean;
  readonly userID?: string;
  readonly thingID?: string;
  readonly createdAt?: number;
  readonly ownerName?: string | null;
  /** With the trace extension (docs/kii-api.md §13.3). */
  readonly connected?: boolean;
  readonly lastSeenAt?: number | null;
}

interface ListingBody {
  readonly installations: readonly ListedInstallation[];
  readonly total: number;
  readonly nextPaginationKey?: string;
}

/** A page of the listing, with how far the whole listing has come. */
export interface ListingProgress {
  /** This page's installations only. */
  readonly page: readonly Installation[];
  readonly loaded: number;
  readonly total: number;
  readonly done: boolean;
}

/** The server's largest page: fewer round trips for 100,000 installations. */
export const LISTING_PAGE_SIZE = 1000;

/** The console server's largest page (docs/team-api.md, "Installations"). */
export const TEAM_LISTING_PAGE_SIZE = 500;

/** One page of the listing, whichever server answered it. */
interface ListingPage {
  readonly installations: readonly Installation[];
  readonly total: number;
  readonly nextKey?: string;
}

/**
 * Every installation of the app, page after page by the keyset key: in browser-only mode the
 * local server's listing extension (admin token; not part of Kii's API, docs/kii-api.md §5.6),
 * in team mode the console server's listing (that same listing where the app's server has it,
 * else the team's shared registry, with who added each row).
 */
@Injectable({ providedIn: 'root' })
export class InstallationListing {
  private readonly rest = inject(KiiRest);
  private readonly mode = inject(ConsoleMode);
  private readonly team = inject(TeamApi);
  private readonly sessions = inject(SessionStore);

  /** Emits each page as it arrives, then completes; a failed page fails the whole listing. */
  all$(pageSize = LISTING_PAGE_SIZE): Observable<ListingProgress> {
    const page$ = this.mode.team()
      ? (key?: string) => this.teamPage$(Math.min(pageSize, TEAM_LISTING_PAGE_SIZE), key)
      : (key?: string) => this.localPage$(pageSize, key);
    return page$().pipe(
      // One page at a time: the next key is only known once a page has arrived.
      expand((body) => (body.nextKey ? page$(body.nextKey) : EMPTY)),
      map((body) => ({ page: body.installations, total: body.total, done: !body.nextKey })),
      scan(
        (progress, next) => ({
          page: next.page,
          loaded: progress.loaded + next.page.length,
          total: Math.max(next.total ?? 0, progress.loaded + next.page.length),
          done: next.done,
        }),
        { page: [], loaded: 0, total: 0, done: false } as ListingProgress,
      ),
    );
  }

  private localPage$(limit: number, paginationKey?: string): Observable<ListingPage> {
    return this.rest
      .extension$<ListingBody>('GET', '/installations', { query: { limit, paginationKey } })
      .pipe(
        map((body) => ({
          installations: (body.installations ?? []).map(installationOf),
          total: body.total,
          nextKey: body.nextPaginationKey,
        })),
      );
  }

  private teamPage$(limit: number, cursor?: string): Observable<ListingPage> {
    const appId = this.sessions.session()?.appId ?? '';
    return this.team
      .get$<{ installations: TeamInstallationRow[]; total: number; nextCursor?: string }>(
        this.team.appPath(appId, '/installations'),
        { limit, cursor },
      )
      .pipe(
        map((body) => ({
          installations: (body.installations ?? []).map(installationOfRow),
          total: body.total,
          nextKey: body.nextCursor,
        })),
      );
  }
}

function installationOf(row: ListedInstallation): Installation {
  const id = row.userID ?? row.thingID;
  return {
    installationID: row.installationID,
    registrationID: row.installationRegistrationID,
    deviceType: row.deviceType,
    development: row.development === true,
    owner: id ? { kind: row.userID ? 'user' : 'thing', id, name: row.ownerName || id } : null,
    createdAt: typeof row.createdAt === 'number' ? row.createdAt : null,
    ...(typeof row.connected === 'boolean'
      ? { lastSeen: { connected: row.connected, at: row.lastSeenAt ?? null } }
      : {}),
  };
}
