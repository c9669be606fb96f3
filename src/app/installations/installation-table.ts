import { DatePipe, DecimalPipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  computed,
  effect,
  input,
  model,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginator, MatPaginatorModule } from '@angular/material/paginator';
import { MatSort, MatSortModule } from '@angular/material/sort';
import { MatTableDataSource, MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';

import { principalIcon } from '../shared/principal-icon';
import { providePaginatorIntl } from '../shared/paginator-intl';
import { Installation, environmentLabel, ownerLabel } from '../core/kii/installation';

// The text a row is found by, built once per row object: filtering 100,000 rows on every
// keystroke must not rebuild 100,000 strings.
const searchText = new WeakMap<Installation, string>();

function haystack(row: Installation): string {
  let text = searchText.get(row);
  if (text === undefined) {
    text = [
      row.installationID,
      row.registrationID,
      row.deviceType,
      environmentLabel(row.development),
      row.owner?.name ?? '',
      row.owner?.id ?? '',
      ownerLabel(row.owner),
      row.addedBy ?? '',
    ]
      .join('\n')
      .toLowerCase();
    searchText.set(row, text);
  }
  return text;
}

/**
 * The installations: filter, sort, page (Material's table over a client-side data source,
 * fine at 100,000 rows), select for bulk uninstall, open one, or uninstall one.
 */
@Component({
  selector: 'kpc-installation-table',
  imports: [
    DatePipe,
    DecimalPipe,
    RouterLink,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatPaginatorModule,
    MatSortModule,
    MatTableModule,
    MatTooltipModule,
  ],
  providers: [providePaginatorIntl()],
  templateUrl: './installation-table.html',
  styleUrl: './installation-table.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InstallationTable {
  readonly rows = input.required<readonly Installation[]>();
  /** Accessible name of the table. */
  readonly caption = input('');
  /** What to say when there are no rows at all. */
  readonly emptyText = input('');
  /** Installation IDs whose uninstall is running. */
  readonly busyIds = input<ReadonlySet<string>>(new Set());
  /** Selected installation IDs (two-way). */
  readonly selection = model<ReadonlySet<string>>(new Set());
  /** False drops the row selection and Uninstall (a team role that may only look). */
  readonly canUninstall = input(true);

  readonly uninstall = output<Installation>();

  // "Added by" and "Last seen" only when the rows carry them: the team's shared registry, the
  // local server's trace extension.
  protected readonly columns = computed(() => {
    const rows = this.rows();
    const changes = this.canUninstall();
    return [
      ...(changes ? ['select'] : []),
      'installationID',
      'registrationID',
      'deviceType',
      'environment',
      'owner',
      'createdAt',
      ...(rows.some((row) => row.addedBy !== undefined) ? ['addedBy'] : []),
      ...(rows.some((row) => row.lastSeen) ? ['lastSeen'] : []),
      ...(changes ? ['actions'] : []),
    ];
  });
  protected readonly dataSource = new MatTableDataSource<Installation>([]);
  protected readonly filter = signal('');
  /** Bumped whenever the filtered rows change, for the "select all" state. */
  private readonly filteredVersion = signal(0);

  private readonly sort = viewChild(MatSort);
  private readonly paginator = viewChild(MatPaginator);
  private readonly filterInput = viewChild<ElementRef<HTMLInputElement>>('filterInput');

  protected readonly filteredCount = computed(() => {
    this.filteredVersion();
    return this.dataSource.filteredData.length;
  });
  protected readonly allSelected = computed(() => {
    this.filteredVersion();
    const selected = this.selection();
    const rows = this.dataSource.filteredData;
    return (
      rows.length > 0 &&
      selected.size >= rows.length &&
      rows.every((r) => selected.has(r.installationID))
    );
  });
  protected readonly someSelected = computed(
    () => this.selection().size > 0 && !this.allSelected(),
  );

  /** Moves keyboard focus to the filter, e.g. after the focused row left the table. */
  focusFilter(): void {
    this.filterInput()?.nativeElement.focus();
  }

  constructor() {
    this.dataSource.filterPredicate = (row, filter) => haystack(row).includes(filter);
    this.dataSource.sortingDataAccessor = (row, column) => {
      switch (column) {
        case 'owner':
          return (row.owner?.name ?? '').toLowerCase();
        case 'environment':
          return row.development ? 1 : 0;
        case 'createdAt':
          return row.createdAt ?? 0;
        case 'lastSeen':
          return row.lastSeen?.connected ? Number.MAX_SAFE_INTEGER : (row.lastSeen?.at ?? 0);
        default:
          return String(row[column as keyof Installation] ?? '').toLowerCase();
      }
    };
    this.dataSource
      .connect()
      .pipe(takeUntilDestroyed())
      .subscribe(() => this.filteredVersion.update((v) => v + 1));
    effect(() => {
      this.dataSource.data = this.rows() as Installation[];
      this.filteredVersion.update((v) => v + 1);
    });
    effect(() => {
      const sort = this.sort();
      const paginator = this.paginator();
      if (sort && this.dataSource.sort !== sort) this.dataSource.sort = sort;
      if (paginator && this.dataSource.paginator !== paginator)
        this.dataSource.paginator = paginator;
    });
  }

  protected applyFilter(text: string): void {
    this.filter.set(text);
    this.dataSource.filter = text.trim().toLowerCase();
    this.dataSource.paginator?.firstPage();
  }

  protected toggleAll(): void {
    if (this.allSelected()) {
      this.selection.set(new Set());
    } else {
      this.selection.set(new Set(this.dataSource.filteredData.map((r) => r.installationID)));
    }
  }

  protected toggle(row: Installation): void {
    const next = new Set(this.selection());
    if (next.has(row.installationID)) next.delete(row.installationID);
    else next.add(row.installationID);
    this.selection.set(next);
  }

  protected environment(row: Installation): string {
    return environmentLabel(row.development);
  }

  protected ownerIcon(row: Installation): string {
    return principalIcon(row.owner?.kind);
  }

  protected ownerText(row: Installation): string {
    return ownerLabel(row.owner);
  }

  protected selectLabel(row: Installation): string {
    return $localize`:Accessible name of a row's selection checkbox; ID is the installation ID@@kpc.installations.selectRow:Select installation ${row.installationID}:ID:`;
  }

  protected uninstallLabel(row: Installation): string {
    return $localize`:Accessible name of a row's uninstall button; ID is the installation ID@@kpc.installations.uninstallRow:Uninstall ${row.installationID}:ID:`;
  }
}
