import { Injectable, inject } from '@angular/core';
import {
  Observable,
  asyncScheduler,
  catchError,
  from,
  map,
  mergeMap,
  of,
  scan,
  tap,
  throttleTime,
} from 'rxjs';

import { toKiiError } from '../core/kii-error';
import { InstallationRef, parseInstallationRef, refText } from '../core/kii/installation';
import { PushInstallations } from '../core/kii/push-installations';
import { ConsoleMode } from '../core/team/console-mode';
import { BulkItem, BulkProgress, PlanOutcome, RunOutcome, failureOutcome } from './bulk-items';
import { KnownInstallations } from './known-installations';
import { TEAM_BULK_MAX, TeamBulkUninstall } from './team-bulk-uninstall';

export type { BulkItem, BulkProgress, PlanOutcome, RunOutcome } from './bulk-items';
export { failureOutcome } from './bulk-items';

/** What pasted text or a CSV file named. */
export interface ParsedRefs {
  readonly refs: readonly InstallationRef[];
  /** Entries that are not installation references, as written. */
  readonly rejected: readonly string[];
}

// Enough to keep the server busy without flooding it (or Kii Cloud's rate limits).
const CONCURRENCY = 4;
// Large lists redraw at most this often.
const PROGRESS_MS = 100;
const HEADER =
  /^(installation ?id|installationregistrationid|registration ?id|device ?type|id|ref)$/i;

/**
 * Reads installation references from pasted text or a CSV file. With a header row naming
 * `installationID` (or `deviceType` and `registrationID`) the CSV columns are used, so a
 * table exported by this console reads back; otherwise every entry separated by commas,
 * semicolons, tabs, spaces or line breaks is one reference. Duplicates count once.
 */
export function parseRefs(text: string): ParsedRefs {
  const lines = text.split(/\r?\n/).filter((line) => line.trim());
  const header = lines[0]?.split(/[,;\t]/).map((cell) => unquote(cell).toLowerCase()) ?? [];
  const idColumn = header.indexOf('installationid');
  const typeColumn = header.indexOf('devicetype');
  const regColumn = header.indexOf('registrationid');
  let entries: string[];
  if (idColumn >= 0 || (typeColumn >= 0 && regColumn >= 0)) {
    entries = lines.slice(1).map((line) => {
      const cells = line.split(/[,;\t]/).map(unquote);
      return idColumn >= 0 && cells[idColumn]
        ? cells[idColumn]
        : `${cells[typeColumn] ?? ''}:${cells[regColumn] ?? ''}`;
    });
  } else {
    entries = text
      .split(/[\s,;]+/)
      .map(unquote)
      .filter((entry) => entry && !HEADER.test(entry));
  }
  const seen = new Set<string>();
  const refs: InstallationRef[] = [];
  const rejected: string[] = [];
  for (const entry of entries) {
    const ref = parseInstallationRef(entry);
    if (!ref) {
      if (entry.trim()) rejected.push(entry.trim());
      continue;
    }
    const key = refText(ref);
    if (seen.has(key)) continue;
    seen.add(key);
    refs.push(ref);
  }
  return { refs, rejected };
}

function unquote(cell: string): string {
  return cell
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .replace(/""/g, '"')
    .trim();
}

/**
 * Uninstalls many installations: first a dry run that looks each one up (and names its
 * owner), then the uninstalls of those found, each with its own outcome. In team mode both
 * steps are runs of the console server's bulk route (`TeamBulkUninstall`), audited once each.
 */
@Injectable({ providedIn: 'root' })
export class BulkUninstall {
  private readonly push = inject(PushInstallations);
  private readonly known = inject(KnownInstallations);
  private readonly team = inject(ConsoleMode).team() ? inject(TeamBulkUninstall) : null;

  /** How many references one run takes; null when there is no limit (browser-only mode). */
  readonly maxPerRun: number | null = this.team ? TEAM_BULK_MAX : null;

  /** The uninstall's dry run: looks every reference up; nothing is changed. */
  dryRun$(refs: readonly InstallationRef[]): Observable<BulkProgress<PlanOutcome>> {
    return this.team ? this.team.dryRun$(refs) : this.lookUp$(refs);
  }

  /** Looks every reference up one by one (an import into the list, or browser-only mode). */
  lookUp$(refs: readonly InstallationRef[]): Observable<BulkProgress<PlanOutcome>> {
    return this.each$<PlanOutcome>(
      refs.map((ref) => ({ ref, outcome: 'pending' as const })),
      (item) =>
        this.push.get$(item.ref).pipe(
          mergeMap((installation) => this.known.named$(installation)),
          map((installation): BulkItem<PlanOutcome> => ({
            ref: item.ref,
            outcome: 'ready',
            installation,
          })),
        ),
    );
  }

  /** Uninstalls the items the dry run found ready; the others keep their outcome. */
  run$(plan: readonly BulkItem<PlanOutcome>[]): Observable<BulkProgress<RunOutcome>> {
    if (this.team) return this.team.run$(plan);
    const ready = plan.filter((item) => item.outcome === 'ready');
    return this.each$<RunOutcome>(
      ready.map((item) => ({ ...item, outcome: 'pending' as const })),
      (item) =>
        this.push
          .uninstall$(item.ref)
          .pipe(map((): BulkItem<RunOutcome> => ({ ...item, outcome: 'done' }))),
    );
  }

  private each$<O extends PlanOutcome | RunOutcome>(
    start: readonly BulkItem<O>[],
    work: (item: BulkItem<O>) => Observable<BulkItem<O>>,
  ): Observable<BulkProgress<O>> {
    const items: BulkItem<O>[] = [...start];
    const total = items.length;
    if (total === 0) return of({ items: [], done: 0, total: 0 });
    return from(start.map((item, index) => ({ item, index }))).pipe(
      mergeMap(
        ({ item, index }) =>
          work(item).pipe(
            catchError((raw: unknown) => {
              const error = toKiiError(raw);
              // Every outcome list holds the three failures.
              return of<BulkItem<O>>({ ...item, outcome: failureOutcome(error) as O, error });
            }),
            tap((result) => (items[index] = result)),
          ),
        CONCURRENCY,
      ),
      scan((done) => done + 1, 0),
      throttleTime(PROGRESS_MS, asyncScheduler, { leading: true, trailing: true }),
      map((done) => ({ items: [...items], done, total })),
    );
  }
}

/** The results as CSV (RFC 4180), for the operator's records. */
export function resultsCsv(items: readonly BulkItem<string>[]): string {
  const header = [
    'reference',
    'installationID',
    'registrationID',
    'deviceType',
    'owner',
    'outcome',
    'errorCode',
    'message',
  ];
  const rows = items.map((item) => [
    refText(item.ref),
    item.installation?.installationID ?? (item.ref.by === 'id' ? item.ref.installationID : ''),
    item.installation?.registrationID ??
      (item.ref.by === 'registration' ? item.ref.registrationID : ''),
    item.installation?.deviceType ?? (item.ref.by === 'registration' ? item.ref.deviceType : ''),
    item.installation?.owner
      ? `${item.installation.owner.kind}:${item.installation.owner.name}`
      : '',
    item.outcome,
    item.error?.errorCode ?? '',
    item.error ? (item.error.detail ?? item.error.message) : '',
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function csvCell(value: string): string {
  // A leading = + - @ would run as a formula in a spreadsheet: IDs come from the server.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
