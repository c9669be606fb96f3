import { Injectable, inject } from '@angular/core';
import { EMPTY, Observable, expand, map, scan } from 'rxjs';

import { KiiRest } from '../core/kii-rest';
import { Installation } from '../core/kii/installation';

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

/**
 * Every installation of the app through the local server's listing extension (admin token;
 * not part of Kii's API, docs/kii-api.md §5.6), page after page by its keyset `paginationKey`.
 */
@Injectable({ providedIn: 'root' })
export class InstallationListing {
  private readonly rest = inject(KiiRest);

  /** Emits each page as it arrives, then completes; a failed page fails the whole listing. */
  all$(pageSize = LISTING_PAGE_SIZE): Observable<ListingProgress> {
    const page$ = (paginationKey?: string) =>
      this.rest.extension$<ListingBody>('GET', '/installations', {
        query: { limit: pageSize, paginationKey },
      });
    return page$().pipe(
      // One page at a time: the next key is only known once a page has arrived.
      expand((body) => (body.nextPaginationKey ? page$(body.nextPaginationKey) : EMPTY)),
      map((body) => ({
        page: (body.installations ?? []).map(installationOf),
        total: body.total,
        done: !body.nextPaginationKey,
      })),
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
