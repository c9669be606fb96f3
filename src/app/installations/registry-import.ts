import { Injectable, inject } from '@angular/core';
import { Observable, exhaustMap, takeWhile, timer } from 'rxjs';

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

  /** The job's state every IMPORT_POLL_MS until it has finished (that state included). */
  watch$(appId: string, jobId: string): Observable<ImportJob> {
    const path = this.api.appPath(appId, `/imports/${encodeURIComponent(jobId)}`);
    return timer(0, IMPORT_POLL_MS).pipe(
      // A slow answer is waited for (ticks meanwhile are dropped), never cancelled or piled up.
      exhaustMap(() => this.api.get$<ImportJob>(path)),
      takeWhile((job) => job.state === 'running', true),
    );
  }
}
