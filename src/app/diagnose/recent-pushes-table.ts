import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';

import { RecentPush } from './diagnose-store';

/**
 * The pushes to pick from: with the trace, those the ledger kept a row of for the
 * installation (with its outcome); on Kii Cloud, those sent from this tab.
 */
@Component({
  selector: 'kpc-recent-pushes-table',
  imports: [DatePipe, MatButtonModule, MatProgressBarModule, MatTableModule],
  template: `
    <table mat-table [dataSource]="pushes()" [attr.aria-label]="caption()">
      <ng-container matColumnDef="sentAt">
        <th mat-header-cell *matHeaderCellDef i18n="Column header: when sent@@kpc.diagnose.colSent">
          Sent
        </th>
        <td mat-cell *matCellDef="let push">{{ push.sentAt | date: 'medium' }}</td>
      </ng-container>
      <ng-container matColumnDef="target">
        <th
          mat-header-cell
          *matHeaderCellDef
          i18n="Column header: push target@@kpc.diagnose.colTarget"
        >
          To
        </th>
        <td mat-cell *matCellDef="let push" class="kpc-code">{{ push.target }}</td>
      </ng-container>
      <ng-container matColumnDef="outcome">
        <th
          mat-header-cell
          *matHeaderCellDef
          i18n="Column header: delivery outcome@@kpc.diagnose.colOutcome"
        >
          Outcome
        </th>
        <td mat-cell *matCellDef="let push">
          <code>{{ push.outcome }}</code>
        </td>
      </ng-container>
      <ng-container matColumnDef="pick">
        <th mat-header-cell *matHeaderCellDef>
          <span
            class="kpc-visually-hidden"
            i18n="Column header of the row actions@@kpc.diagnose.colActions"
            >Actions</span
          >
        </th>
        <td mat-cell *matCellDef="let push">
          <button
            matButton
            type="button"
            [attr.aria-label]="pickLabel(push)"
            (click)="pick.emit(push)"
          >
            <ng-container i18n="Button that diagnoses this push@@kpc.diagnose.pick"
              >Diagnose</ng-container
            >
          </button>
        </td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="columns()"></tr>
      <tr mat-row *matRowDef="let push; columns: columns()"></tr>
      <tr class="mat-mdc-row" *matNoDataRow>
        <td class="mat-mdc-cell kpc-empty" [attr.colspan]="columns().length">
          @if (!loading()) {
            <ng-container
              i18n="Shown when no push is known for the installation@@kpc.diagnose.noRecent"
              >No recent push to pick: type its push message ID.</ng-container
            >
          }
        </td>
      </tr>
    </table>
    @if (loading()) {
      <mat-progress-bar
        mode="indeterminate"
        i18n-aria-label="Progress while recent pushes load@@kpc.diagnose.recentLoading"
        aria-label="Loading recent pushes"
      />
    }
  `,
  styles: `
    :host {
      display: block;
      overflow-x: auto;
    }
    table {
      width: 100%;
    }
    .kpc-code,
    code {
      font-family: 'Roboto Mono', ui-monospace, monospace;
      overflow-wrap: anywhere;
    }
    .kpc-empty {
      padding: 16px;
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RecentPushesTable {
  readonly pushes = input.required<readonly RecentPush[]>();
  /** True: the ledger's pushes to the installation, with outcomes. */
  readonly traced = input(false);
  readonly loading = input(false);
  readonly pick = output<RecentPush>();

  protected readonly columns = computed(() =>
    this.traced() ? ['sentAt', 'target', 'outcome', 'pick'] : ['sentAt', 'target', 'pick'],
  );
  protected readonly caption = computed(() =>
    this.traced()
      ? $localize`:Accessible name of the recent pushes table (trace)@@kpc.diagnose.recentTraced:Recent pushes to this installation`
      : $localize`:Accessible name of the recent pushes table (Kii Cloud)@@kpc.diagnose.recentSent:Pushes sent from this tab`,
  );

  protected pickLabel(push: RecentPush): string {
    return $localize`:Accessible name of a row's diagnose button@@kpc.diagnose.pickRow:Diagnose push ${push.pushMessageID}:ID:`;
  }
}
