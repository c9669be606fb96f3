import { Injectable, inject } from '@angular/core';
import { Observable, asyncScheduler, catchError, map, of, throttleTime, throwError } from 'rxjs';

import { KiiError, kiiErrorOf, makeKiiError, toKiiError } from '../core/kii-error';
import { InstallationRef, refText } from '../core/kii/installation';
import { SessionStore } from '../core/session';
import { TeamApi } from '../core/team/team-api';
import { BulkItem, BulkProgress, PlanOutcome, RunOutcome, failureOutcome } from './bulk-items';

/** The references one bulk run of the console server takes (docs/team-api.md, "Bulk uninstall"). */
export const TEAM_BULK_MAX = 1000;

// Large lists redraw at most this often, as in browser-only mode.
const PROGRESS_MS = 100;

/** One item of the console server's bulk answer. */
interface TeamBulkItem {
  readonly ref: string;
  readonly status:
    'uninstalled' | 'would-uninstall' | 'not-found' | 'failed' | 'invalid' | 'duplicate';
  readonly installationID?: string;
  readonly installation?: {
    readonly registrationID: string;
    readonly deviceType: string;
    readonly development: boolean;
    readonly owner?: { readonly type: string; readonly id: string };
  };
  readonly kii?: { readonly status: number; readonly errorCode?: string };
}

/** The streamed answer: a line per finished item, then the outcome (or an error). */
type TeamBulkLine =
  | { readonly index: number; readonly result: TeamBulkItem }
  | { readonly results: readonly TeamBulkItem[] }
  | { readonly error: { readonly code: string; readonly message: string } };

/**
 * Team mode's bulk uninstall: the dry run and the run are each one call of the console
 * server's bulk route, which writes one audit row per run with every item's outcome. Progress
 * comes from the route's NDJSON lines, one per finished item, so the dialog counts as it does
 * in browser-only mode. A refusal of the whole call (role, size) is every item's outcome.
 */
@Injectable({ providedIn: 'root' })
export class TeamBulkUninstall {
  private readonly api = inject(TeamApi);
  private readonly sessions = inject(SessionStore);

  /** Looks every reference up through the route's dry run; nothing is changed. */
  dryRun$(refs: readonly InstallationRef[]): Observable<BulkProgress<PlanOutcome>> {
    return this.bulk$<PlanOutcome>(
      refs.map((ref) => ({ ref, outcome: 'pending' as const })),
      true,
    );
  }

  /** Uninstalls the items the dry run found ready, in one run. */
  run$(plan: readonly BulkItem<PlanOutcome>[]): Observable<BulkProgress<RunOutcome>> {
    const ready = plan.filter((item) => item.outcome === 'ready');
    return this.bulk$<RunOutcome>(
      ready.map((item) => ({ ...item, outcome: 'pending' as const })),
      false,
    );
  }

  private bulk$<O extends PlanOutcome | RunOutcome>(
    start: readonly BulkItem<O>[],
    dryRun: boolean,
  ): Observable<BulkProgress<O>> {
    const items: BulkItem<O>[] = [...start];
    const total = items.length;
    if (total === 0) return of({ items: [], done: 0, total: 0 });
    const appId = this.sessions.session()?.appId;
    let done = 0;
    const settle = (index: number, result: TeamBulkItem) => {
      if (items[index]?.outcome === 'pending') done++;
      items[index] = itemOf(items[index], result);
    };
    const lines$ = appId
      ? this.api.postLines$<TeamBulkLine>(
          this.api.appPath(appId, '/installations/bulk-uninstall'),
          { refs: items.map((item) => refText(item.ref)), dryRun },
        )
      : throwError(() => makeKiiError('auth', { detail: 'No app is chosen.' }));
    return lines$.pipe(
      map((line) => {
        if ('index' in line) settle(line.index, line.result);
        else if ('results' in line) line.results.forEach((result, index) => settle(index, result));
        else
          throw makeKiiError('server', { errorCode: line.error.code, detail: line.error.message });
        return done;
      }),
      catchError((raw: unknown) => {
        const error = toKiiError(raw);
        items.forEach((item, index) => {
          if (item.outcome !== 'pending') return;
          items[index] = { ...item, outcome: failureOutcome(error) as O, error };
        });
        done = total;
        return of(done);
      }),
      throttleTime(PROGRESS_MS, asyncScheduler, { leading: true, trailing: true }),
      map((count) => ({ items: [...items], done: count, total })),
    );
  }
}

/** The console's item for the server's: outcome, the error Kii gave, what a dry run found. */
function itemOf<O extends PlanOutcome | RunOutcome>(
  item: BulkItem<O>,
  result: TeamBulkItem,
): BulkItem<O> {
  switch (result.status) {
    case 'would-uninstall': {
      const found = result.installation;
      const owner = found?.owner;
      const kind = owner?.type === 'user' || owner?.type === 'thing' ? owner.type : null;
      return {
        ref: item.ref,
        outcome: 'ready' as O,
        installation: {
          installationID: result.installationID ?? '',
          registrationID: found?.registrationID ?? '',
          deviceType: found?.deviceType ?? 'MQTT',
          development: found?.development === true,
          owner: kind && owner ? { kind, id: owner.id, name: owner.id } : null,
          createdAt: null,
        },
      };
    }
    case 'uninstalled':
      return { ...item, outcome: 'done' as O };
    default: {
      const error: KiiError = result.kii
        ? kiiErrorOf(result.kii.status, result.kii.errorCode)
        : makeKiiError('invalid', { detail: `${result.ref}: ${result.status}` });
      return { ...item, outcome: failureOutcome(error) as O, error };
    }
  }
}
