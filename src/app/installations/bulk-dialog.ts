import { DecimalPipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginator, MatPaginatorModule } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableDataSource, MatTableModule } from '@angular/material/table';
import { Subscription, filter, merge } from 'rxjs';

import { providePaginatorIntl } from '../shared/paginator-intl';
import {
  BulkItem,
  BulkProgress,
  BulkUninstall,
  PlanOutcome,
  RunOutcome,
  parseRefs,
  resultsCsv,
} from './bulk-uninstall';
import { FileSaver } from '../shared/file-saver';
import { Installation, ownerLabel, refText } from '../core/kii/installation';

/** Uninstall many, or import many into the console's list (Kii Cloud). */
export type BulkPurpose = 'uninstall' | 'import';

export interface BulkDialogData {
  readonly purpose: BulkPurpose;
  /** Prefilled references (the table's selection). */
  readonly text: string;
}

/** How the bulk dialog closed. */
export type BulkDialogResult =
  | { readonly kind: 'closed' }
  | { readonly kind: 'uninstalled'; readonly installationIDs: readonly string[] }
  | { readonly kind: 'imported'; readonly installations: readonly Installation[] };

type Step = 'input' | 'checking' | 'plan' | 'running' | 'results';
type Outcome = PlanOutcome | RunOutcome | 'pending';

/**
 * Bulk uninstall (or import) from a selection or pasted / CSV references: a dry run that
 * looks every one up first, then the uninstalls with one outcome each (done, not found,
 * refused, failed), exportable as CSV.
 */
@Component({
  selector: 'kpc-bulk-dialog',
  imports: [
    DecimalPipe,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatTableModule,
  ],
  providers: [providePaginatorIntl()],
  templateUrl: './bulk-dialog.html',
  styleUrl: './bulk-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class BulkDialog {
  protected readonly data = inject<BulkDialogData>(MAT_DIALOG_DATA);
  private readonly ref = inject<MatDialogRef<BulkDialog, BulkDialogResult>>(MatDialogRef);
  private readonly bulk = inject(BulkUninstall);
  private readonly files = inject(FileSaver);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly uninstalling = this.data.purpose === 'uninstall';
  protected readonly text = signal(this.data.text);
  protected readonly parsed = computed(() => parseRefs(this.text()));
  /** Team mode's limit per run, when the list is over it (the console server refuses more). */
  protected readonly overLimit = computed(() => {
    const max = this.bulk.maxPerRun;
    return this.uninstalling && max !== null && this.parsed().refs.length > max ? max : null;
  });
  protected readonly step = signal<Step>('input');
  protected readonly progress = signal<BulkProgress<Outcome>>({ items: [], done: 0, total: 0 });
  protected readonly fileError = signal(false);

  private plan: readonly BulkItem<PlanOutcome>[] = [];
  private work: Subscription | null = null;

  protected readonly counts = computed(() => {
    const counts: Record<Outcome, number> = {
      pending: 0,
      ready: 0,
      done: 0,
      'not-found': 0,
      refused: 0,
      failed: 0,
    };
    for (const item of this.progress().items) counts[item.outcome]++;
    return counts;
  });
  protected readonly percent = computed(() => {
    const { done, total } = this.progress();
    return total ? Math.round((done / total) * 100) : 0;
  });
  protected readonly columns = ['ref', 'owner', 'outcome'];
  protected readonly table = new MatTableDataSource<BulkItem<Outcome>>([]);
  private readonly paginator = viewChild(MatPaginator);

  constructor() {
    // Closing is ours: Escape or a backdrop click mid-way must still report what was done.
    this.ref.disableClose = true;
    merge(
      this.ref.backdropClick(),
      this.ref.keydownEvents().pipe(filter((event) => event.key === 'Escape')),
    )
      .pipe(takeUntilDestroyed())
      .subscribe(() => {
        if (!this.busy()) this.close();
      });
    effect(() => {
      this.table.data = this.progress().items as BulkItem<Outcome>[];
    });
    effect(() => {
      const paginator = this.paginator();
      if (paginator && this.table.paginator !== paginator) this.table.paginator = paginator;
    });
  }

  protected busy(): boolean {
    return this.step() === 'checking' || this.step() === 'running';
  }

  protected readFile(input: HTMLInputElement): void {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    this.fileError.set(false);
    file.text().then(
      (content) =>
        this.text.update((text) => (text.trim() ? `${text.trim()}\n${content}` : content)),
      () => this.fileError.set(true),
    );
  }

  protected check(): void {
    const refs = this.parsed().refs;
    if (!refs.length || this.overLimit() !== null) return;
    this.step.set('checking');
    this.work = (this.uninstalling ? this.bulk.dryRun$(refs) : this.bulk.lookUp$(refs))
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (progress) => this.progress.set(progress),
        complete: () => {
          this.plan = this.progress().items as BulkItem<PlanOutcome>[];
          this.step.set('plan');
        },
      });
  }

  protected back(): void {
    this.step.set('input');
    this.progress.set({ items: [], done: 0, total: 0 });
  }

  protected proceed(): void {
    if (!this.uninstalling) {
      const installations = this.plan.flatMap((item) =>
        item.installation ? [item.installation] : [],
      );
      this.ref.close({ kind: 'imported', installations });
      return;
    }
    const skipped = this.plan.filter((item) => item.outcome !== 'ready');
    this.step.set('running');
    this.work = this.bulk
      .run$(this.plan)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (progress) =>
          this.progress.set({ ...progress, items: [...progress.items, ...skipped] }),
        complete: () => this.step.set('results'),
      });
  }

  protected export(): void {
    const stamp = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\..*$/, '')
      .replace('T', '-');
    this.files.save(`uninstall-results-${stamp}.csv`, resultsCsv(this.progress().items));
  }

  protected close(): void {
    this.work?.unsubscribe();
    const done = this.progress()
      .items.filter((item) => item.outcome === 'done')
      .flatMap((item) => (item.installation ? [item.installation.installationID] : []));
    this.ref.close(
      done.length ? { kind: 'uninstalled', installationIDs: done } : { kind: 'closed' },
    );
  }

  protected refLabel(item: BulkItem<Outcome>): string {
    return refText(item.ref);
  }

  protected ownerText(item: BulkItem<Outcome>): string {
    return item.installation ? ownerLabel(item.installation.owner) : '';
  }

  protected outcomeText(outcome: Outcome): string {
    switch (outcome) {
      case 'pending':
        return $localize`:Bulk outcome, not handled yet@@kpc.bulk.pending:Waiting`;
      case 'ready':
        return this.uninstalling
          ? $localize`:Bulk dry-run outcome, found and will be uninstalled@@kpc.bulk.ready:Will be uninstalled`
          : $localize`:Bulk import outcome, found@@kpc.bulk.found:Found`;
      case 'done':
        return $localize`:Bulk outcome, uninstalled@@kpc.bulk.done:Done`;
      case 'not-found':
        return $localize`:Bulk outcome, no such installation@@kpc.bulk.notFound:Not found`;
      case 'refused':
        return $localize`:Bulk outcome, the server refused@@kpc.bulk.refused:Refused`;
      case 'failed':
        return $localize`:Bulk outcome, failed for another reason@@kpc.bulk.failed:Failed`;
    }
  }
}
