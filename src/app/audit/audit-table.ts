import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { MatTableModule } from '@angular/material/table';

import { JsonTree } from '../shared/json-tree';
import { AuditEntry, actionLabel, outcomeOf } from './audit-entry';

/**
 * Audit entries as a table: when, who, app, what, target, outcome (the HTTP status and Kii's
 * or the server's errorCode), the client address and the details (a bulk run's items, a
 * change's before and after). Every cell is bound as text: targets
 * and logins come from people and devices.
 */
@Component({
  selector: 'kpc-audit-table',
  imports: [DatePipe, JsonTree, MatIconModule, MatTableModule],
  template: `
    <div class="kpc-scroll">
      <table mat-table [dataSource]="entries()" [trackBy]="bySeq">
        <caption class="kpc-visually-hidden">
          {{
            caption()
          }}
        </caption>
        <ng-container matColumnDef="time">
          <th mat-header-cell *matHeaderCellDef i18n="Audit column header@@kpc.audit.colTime">
            When
          </th>
          <td mat-cell *matCellDef="let entry">
            <time [attr.datetime]="entry.time">{{ entry.time | date: 'medium' }}</time>
          </td>
        </ng-container>
        <ng-container matColumnDef="person">
          <th mat-header-cell *matHeaderCellDef i18n="Audit column header@@kpc.audit.colPerson">
            Who
          </th>
          <td mat-cell *matCellDef="let entry">
            @if (entry.person !== null) {
              {{ entry.person }}
            } @else {
              <span
                class="kpc-none"
                i18n="Audit entry without a signed-in person@@kpc.audit.anonymous"
                >nobody signed in</span
              >
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="app">
          <th mat-header-cell *matHeaderCellDef i18n="Audit column header@@kpc.audit.colApp">
            App
          </th>
          <td mat-cell *matCellDef="let entry">{{ entry.appId ?? '' }}</td>
        </ng-container>
        <ng-container matColumnDef="action">
          <th mat-header-cell *matHeaderCellDef i18n="Audit column header@@kpc.audit.colAction">
            What
          </th>
          <td mat-cell *matCellDef="let entry">
            {{ label(entry.action) }}
            <code class="kpc-code">{{ entry.action }}</code>
          </td>
        </ng-container>
        <ng-container matColumnDef="target">
          <th mat-header-cell *matHeaderCellDef i18n="Audit column header@@kpc.audit.colTarget">
            Target
          </th>
          <td mat-cell *matCellDef="let entry" class="kpc-target">{{ entry.target ?? '' }}</td>
        </ng-container>
        <ng-container matColumnDef="outcome">
          <th mat-header-cell *matHeaderCellDef i18n="Audit column header@@kpc.audit.colOutcome">
            Outcome
          </th>
          <td mat-cell *matCellDef="let entry">
            @if (ok(entry)) {
              <mat-icon aria-hidden="true" class="kpc-ok">check_circle</mat-icon>
              <span
                i18n="Audit outcome of a successful action; STATUS is an HTTP status@@kpc.audit.ok"
                >Succeeded ({{ entry.status }})</span
              >
            } @else {
              <mat-icon aria-hidden="true" class="kpc-failed">error</mat-icon>
              <span
                i18n="
                  Audit outcome of a refused or failed action; STATUS is an HTTP
                  status@@kpc.audit.failed"
                >Failed ({{ entry.status }})</span
              >
              @if (entry.errorCode) {
                <code class="kpc-code">{{ entry.errorCode }}</code>
              }
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="address">
          <th mat-header-cell *matHeaderCellDef i18n="Audit column header@@kpc.audit.colAddress">
            Client address
          </th>
          <td mat-cell *matCellDef="let entry">{{ entry.clientAddress ?? '' }}</td>
        </ng-container>
        <ng-container matColumnDef="details">
          <th mat-header-cell *matHeaderCellDef i18n="Audit column header@@kpc.audit.colDetails">
            Details
          </th>
          <td mat-cell *matCellDef="let entry">
            @if (hasDetails(entry)) {
              <!-- Depth 2: closed until opened; bulk runs list every item here. -->
              <kpc-json-tree [value]="entry.details" [depth]="2" />
            }
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns"></tr>
        <tr class="mat-mdc-row" *matNoDataRow>
          <td class="mat-mdc-cell kpc-empty" [attr.colspan]="columns.length">{{ emptyText() }}</td>
        </tr>
      </table>
    </div>
  `,
  styles: `
    .kpc-scroll {
      overflow-x: auto;
    }
    table {
      width: 100%;
    }
    td {
      vertical-align: top;
      padding-top: 8px;
      padding-bottom: 8px;
    }
    .kpc-target {
      overflow-wrap: anywhere;
      max-width: 28ch;
    }
    .kpc-code {
      display: block;
      font-size: 0.85em;
      color: var(--mat-sys-on-surface-variant);
      overflow-wrap: anywhere;
    }
    mat-icon {
      vertical-align: middle;
      font-size: 18px;
      width: 18px;
      height: 18px;
      margin-inline-end: 4px;
    }
    .kpc-ok {
      color: var(--mat-sys-primary);
    }
    .kpc-failed {
      color: var(--mat-sys-error);
    }
    .kpc-none,
    .kpc-empty {
      color: var(--mat-sys-on-surface-variant);
    }
    .kpc-empty {
      padding: 16px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuditTable {
  readonly entries = input.required<readonly AuditEntry[]>();
  readonly caption = input.required<string>();
  /** Shown in place of rows when there are none; empty while loading. */
  readonly emptyText = input('');

  protected readonly columns = [
    'time',
    'person',
    'app',
    'action',
    'target',
    'outcome',
    'address',
    'details',
  ] as const;
  protected readonly label = actionLabel;
  protected readonly ok = (entry: AuditEntry) => outcomeOf(entry) === 'ok';
  protected readonly hasDetails = (entry: AuditEntry) => Object.keys(entry.details).length > 0;
  protected readonly bySeq = (_index: number, entry: AuditEntry) => entry.seq;
}
