import { Injectable, inject } from '@angular/core';
import { Observable, exhaustMap, retry, takeWhile, throwError, timer } from 'rxjs';

import { toKiiError } from '../core/kii-error';
import { TeamApi } from '../core/team/team-api';

/** A verdict on one imported reference (console-server/registry/verify-installations.ts). */
export type ImportVerdict = 'exists' | 'gone' | 'refused' | 'not-checked';

/** The answer to starting an import: lines the server could not use are named at once. */
export interface ImportStarted {
  readonly jobId: string;
  readonly total: number;
  /** The first line was a header and was skipped. */
  readonly header: boolean;
  readonly invalid: readonly {
    readonly line: number;
    readonly text: string;
    readonly reason: string;
  }[];
  readonly duplicates: readonly {
    readonly line: number;
    readonly text: string;
    readonly firstLine: number;
  }[];
}

export interface ImportItem {
  readonly index: number;
  readonly ref: string;
  readonly status: ImportVerdict;
  readonly httpStatus?: number;
  readonly errorCode?: string;
  readonly installationID?: string;
}

/** An import as GET /apps/:appId/imports/:jobId shows it; `results` once it has finished. */
export interface ImportJob {
  readonly jobId: string;
  readonly state: 'running' | 'done' | 'failed';
  readonly total: number;
  readonly done: number;
  readonly counts: Readonly<Record<ImportVerdict, number>>;
  readonly results?: readonly ImportItem[];
  readonly stoppedBy?: {
    readonly status: number;
    readonly errorCode: string;
    readonly message: string;
  };
}

/** How often a running import is asked for its progress. */
export const IMPORT_POLL_MS = 500;

/**
 * Polls that may fail in a row while the console server is away (a restart, a proxy's 502):
 * one a second for a minute, after which the failure is shown. Once the server is back, a job
 * it was running reads as failed with `INTERRUPTED`, and the dialog says so.
 */
export const IMPORT_RECONNECT_TRIES = 60;
export const IMPORT_RECONNECT_MS = 1000;

/** The console server was not reached, or a proxy in front of it found it away. */
function serverAway(error: unknown): boolean {
  const status = toKiiError(error).status;
  return status === 0 || status === 502 || status === 503 || status === 504;
}

/** A job the console server was running when it stopped (docs/team-api.md, "Installations"). */
export function interrupted(job: ImportJob): boolean {
  return job.stoppedBy?.errorCode === 'INTERRUPTED';
}

/**
 * The shared registry's CSV import (team mode; docs/team-api.md, "Import"): the console
 * server checks every reference against Kii in the background and records each verdict in
 * the registry the whole team sees.
 */
@Injectable({ providedIn: 'root' })
export class RegistryImport {
  private readonly api = inject(TeamApi);

  /** Sends the file as it is: the server parses it (header, quotes, duplicates). */
  start$(appId: string, csv: string): Observable<ImportStarted> {
    const path = this.api.appPath(appId, '/installations/import');
    return this.api.post$<ImportStarted>(path, csv, { contentType: 'text/csv' });
  }

  /**
   * The job's state every IMPORT_POLL_MS until it has finished (that state included). While
   * the console server is away (a restart) the poll is retried, so the dialog learns how the
   * job ended once it is back.
   */
  watch$(appId: string, jobId: string): Observable<ImportJob> {
    const path = this.api.appPath(appId, `/imports/${encodeURIComponent(jobId)}`);
    return timer(0, IMPORT_POLL_MS).pipe(
      // A slow answer is waited for (ticks meanwhile are dropped), never cancelled or piled up.
      exhaustMap(() =>
        this.api.get$<ImportJob>(path).pipe(
          retry({
            count: IMPORT_RECONNECT_TRIES,
            delay: (error: unknown) =>
              serverAway(error) ? timer(IMPORT_RECONNECT_MS) : throwError(() => error),
          }),
        ),
      ),
      takeWhile((job) => job.state === 'running', true),
    );
  }
}
