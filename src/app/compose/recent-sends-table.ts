import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { CdkCopyToClipboard } from '@angular/cdk/clipboard';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';

import { RecentSend, sentToLabel } from './recent-sends';

/** The pushes sent from this tab, newest first, with their pushMessageIDs. */
@Component({
  selector: 'kpc-recent-sends-table',
  imports: [
    CdkCopyToClipboard,
    DatePipe,
    DecimalPipe,
    MatButtonModule,
    MatIconModule,
    MatTableModule,
    MatTooltipModule,
    RouterLink,
  ],
  template: `
    <table
      mat-table
      [dataSource]="sends()"
      i18n-aria-label="Accessible name of the recent sends table@@kpc.compose.recentTable"
      aria-label="Recent sends"
    >
      <ng-container matColumnDef="sentAt">
        <th
          mat-header-cell
          *matHeaderCellDef
          i18n="Column header: when it was sent@@kpc.compose.columnSentAt"
        >
          Sent
        </th>
        <td mat-cell *matCellDef="let send">{{ send.sentAt | date: 'HH:mm:ss' }}</td>
      </ng-container>
      <ng-container matColumnDef="target">
        <th
          mat-header-cell
          *matHeaderCellDef
          i18n="Column header: push target@@kpc.compose.columnTarget"
        >
          To
        </th>
        <td mat-cell *matCellDef="let send">{{ targetText(send) }}</td>
      </ng-container>
      <ng-container matColumnDef="pushMessageID">
        <th
          mat-header-cell
          *matHeaderCellDef
          i18n="Column header: Kii's push message ID@@kpc.compose.columnId"
        >
          Message ID
        </th>
        <td mat-cell *matCellDef="let send" class="kpc-id">
          <code>{{ send.pushMessageID }}</code>
          @if (send.pushMessageID) {
            <button
              matIconButton
              type="button"
              [cdkCopyToClipboard]="send.pushMessageID"
              [attr.aria-label]="copyLabel(send.pushMessageID)"
              [matTooltip]="copyLabel(send.pushMessageID)"
            >
              <mat-icon>content_copy</mat-icon>
            </button>
            <a
              matIconButton
              [routerLink]="['/pushes', send.pushMessageID]"
              [attr.aria-label]="reportLabel(send.pushMessageID)"
              [matTooltip]="reportLabel(send.pushMessageID)"
            >
              <mat-icon>summarize</mat-icon>
            </a>
          }
        </td>
      </ng-container>
      <ng-container matColumnDef="bytes">
        <th
          mat-header-cell
          *matHeaderCellDef
          i18n="Column header: payload size in bytes@@kpc.compose.columnBytes"
        >
          Bytes
        </th>
        <td mat-cell *matCellDef="let send">{{ send.bytes | number }}</td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="columns"></tr>
      <tr mat-row *matRowDef="let send; columns: columns"></tr>
      <tr class="mat-mdc-row" *matNoDataRow>
        <td
          class="mat-mdc-cell kpc-empty"
          [attr.colspan]="columns.length"
          i18n="Shown before anything was sent@@kpc.compose.noSends"
        >
          Nothing sent from this tab yet.
        </td>
      </tr>
    </table>
    @if (sends().length) {
      <button
        matButton
        type="button"
        (click)="clear.emit()"
        i18n="Button that clears the recent sends@@kpc.compose.clearSends"
      >
        Clear list
      </button>
    }
  `,
  styles: `
    :host {
      display: block;
    }
    table {
      width: 100%;
    }
    .kpc-id {
      white-space: nowrap;
    }
    .kpc-id code {
      word-break: break-all;
      white-space: normal;
    }
    .kpc-empty {
      padding: 16px;
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RecentSendsTable {
  readonly sends = input.required<readonly RecentSend[]>();
  readonly clear = output<void>();

  protected readonly columns = ['sentAt', 'target', 'pushMessageID', 'bytes'];

  protected targetText(send: RecentSend): string {
    return sentToLabel(send.target);
  }

  /** The push's report: counts and outcomes with the trace, this tab's record on Kii Cloud. */
  protected reportLabel(id: string): string {
    return $localize`:Accessible name of the link to a push's report@@kpc.compose.reportLink:Report of push ${id}:ID:`;
  }

  protected copyLabel(id: string): string {
    return $localize`:Accessible name of the copy button of a message ID@@kpc.compose.copyId:Copy message ID ${id}:ID:`;
  }
}
