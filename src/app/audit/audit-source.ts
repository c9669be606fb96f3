import { HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import { TEAM_API_BASE, TeamApi } from '../core/team/team-api';
import { AuditFilters, AuditPage } from './audit-entry';

/** The audit API (docs/team-api.md, "Audit"). */
const AUDIT_PATH = '/audit';

/** Entries per page: enough to fill a screen or two, small enough to answer at once. */
export const AUDIT_PAGE_SIZE = 50;

/**
 * Reads the audit trail from the console server. The server decides what a person sees
 * (their own actions, or the whole trail for an admin); this only asks.
 */
@Injectable({ providedIn: 'root' })
export class AuditSource {
  private readonly api = inject(TeamApi);

  /** The newest entries matching `filters`, or those older than `before`. */
  page$(filters: AuditFilters, before?: number): Observable<AuditPage> {
    const query: Record<string, string | number> = { limit: AUDIT_PAGE_SIZE };
    const params = queryOf(filters);
    for (const key of params.keys()) query[key] = params.get(key)!;
    if (before !== undefined) query['before'] = before;
    return this.api.get$<AuditPage>(AUDIT_PATH, query);
  }

  /**
   * Where the server's CSV export of every matching entry downloads from: a plain GET the
   * session cookie rides on, so the browser streams it to a file without holding it.
   */
  csvUrl(filters: AuditFilters): string {
    return `${TEAM_API_BASE}${AUDIT_PATH}?${queryOf(filters).set('format', 'csv').toString()}`;
  }
}

/** The query for `filters`; a `datetime-local` value is the browser's local time. */
function queryOf(filters: AuditFilters): HttpParams {
  let params = new HttpParams();
  const add = (name: string, value: string) => {
    const text = value.trim();
    if (text) params = params.set(name, text);
  };
  add('person', filters.person);
  add('app', filters.appId);
  add('action', filters.action);
  add('outcome', filters.outcome);
  add('from', isoOf(filters.from));
  add('to', isoOf(filters.to));
  return params;
}

function isoOf(local: string): string {
  if (!local) return '';
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}
