import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';

/** The topics of one scope: choose one for its subscriptions, delete one, load more. */
@Component({
  selector: 'kpc-topic-table',
  imports: [MatButtonModule, MatIconModule, MatProgressBarModule, MatTableModule, MatTooltipModule],
  template: `
    <table mat-table [dataSource]="names()" [attr.aria-label]="caption()">
      <ng-container matColumnDef="name">
        <th
          mat-header-cell
          *matHeaderCellDef
          i18n="Column header: topic name@@kpc.topics.columnName"
        >
          Topic
        </th>
        <td mat-cell *matCellDef="let name">{{ name }}</td>
      </ng-container>
      <ng-container matColumnDef="actions">
        <th mat-header-cell *matHeaderCellDef>
          <span
            class="kpc-visually-hidden"
            i18n="Column header: actions on a topic@@kpc.topics.columnActions"
            >Actions</span
          >
        </th>
        <td mat-cell *matCellDef="let name" class="kpc-actions">
          <button
            matButton
            type="button"
            [attr.aria-pressed]="name === selected()"
            (click)="topicSelect.emit(name)"
            i18n="Button that opens the subscriptions of a topic@@kpc.topics.subscriptionsButton"
          >
            Subscriptions
          </button>
          @if (canChange()) {
            <button
              matIconButton
              type="button"
              [disabled]="pending().has('delete:' + name)"
              [attr.aria-label]="deleteLabel(name)"
              [matTooltip]="deleteLabel(name)"
              (click)="remove.emit(name)"
            >
              <mat-icon>delete</mat-icon>
            </button>
          }
        </td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="columns"></tr>
      <tr
        mat-row
        *matRowDef="let name; columns: columns"
        [class.kpc-selected]="name === selected()"
      ></tr>
      <tr class="mat-mdc-row" *matNoDataRow>
        <td class="mat-mdc-cell kpc-empty" [attr.colspan]="columns.length">
          @if (loading() !== 'first') {
            <ng-container i18n="Shown when a scope has no topics@@kpc.topics.empty"
              >No topics in this scope yet.</ng-container
            >
          }
        </td>
      </tr>
    </table>
    @if (loading()) {
      <mat-progress-bar
        mode="indeterminate"
        i18n-aria-label="
          Accessible name of the progress bar while topics load@@kpc.topics.loadingTopics"
        aria-label="Loading topics"
      />
    }
    @if (hasMore()) {
      <button
        matButton
        type="button"
        class="kpc-more"
        [disabled]="loading() !== null"
        (click)="loadMore.emit()"
      >
        <ng-container i18n="Button that loads the next page of topics@@kpc.topics.loadMore"
          >Load more</ng-container
        >
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
    .kpc-actions {
      text-align: end;
      white-space: nowrap;
    }
    .kpc-selected {
      background: var(--mat-sys-secondary-container);
    }
    .kpc-empty {
      padding: 16px;
      color: var(--mat-sys-on-surface-variant);
    }
    .kpc-more {
      margin-top: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TopicTable {
  readonly names = input.required<readonly string[]>();
  /** Accessible name of the table ("App scope topics"). */
  readonly caption = input('');
  readonly selected = input<string | null>(null);
  readonly loading = input<'first' | 'more' | null>(null);
  readonly hasMore = input(false);
  /** Running actions of the store (`delete:<topic>` disables that row's Delete). */
  readonly pending = input<ReadonlySet<string>>(new Set());
  /** False hides Delete (a team role that may only look). */
  readonly canChange = input(true);

  readonly topicSelect = output<string>();
  readonly remove = output<string>();
  readonly loadMore = output<void>();

  protected readonly columns = ['name', 'actions'];

  protected deleteLabel(name: string): string {
    return $localize`:Accessible name of the delete button of a topic row@@kpc.topics.deleteTopic:Delete topic ${name}:NAME:`;
  }
}
