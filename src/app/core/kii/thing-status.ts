import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';

import { KiiRest } from '../kii-rest';

/** A thing's online status as Kii reports it (docs/kii-api.md §9.7). */
export interface ThingOnline {
  /** True while the thing holds an MQTT connection. */
  readonly online: boolean;
  /** When the status last changed (server clock); null when Kii gives none (never online). */
  readonly since: number | null;
}

/**
 * Reads a thing's `_online` and `_onlineStatusModifiedAt` (`GET .../things/{thingID}`,
 * docs/kii-api.md §4): the one connection fact Kii Cloud exposes, and only for things.
 * Failures arrive as `KiiError` (KiiRest's one error model).
 */
@Injectable({ providedIn: 'root' })
export class ThingStatus {
  private readonly rest = inject(KiiRest);

  online$(thingID: string): Observable<ThingOnline> {
    type Body = { _online?: boolean; _onlineStatusModifiedAt?: number };
    return this.rest.app$<Body>('GET', `/things/${encodeURIComponent(thingID)}`).pipe(
      map((thing) => ({
        online: thing?._online === true,
        since:
          typeof thing?._onlineStatusModifiedAt === 'number' ? thing._onlineStatusModifiedAt : null,
      })),
    );
  }
}
