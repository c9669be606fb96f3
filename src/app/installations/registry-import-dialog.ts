import { DecimalPipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { Observable, map, switchMap, tap } from 'rxjs';

import { KiiError, toKiiError } from '../core/kii-error';
import {
  ImportJob,
  ImportStarted,
  ImportVerdict,
  RegistryImport,
  interrupted,
} from './registry-import';

export interface RegistryImportData {
  readonly appId: string;
}

/** True when the dialog closes after an import ran (the listing has new verdicts). */
export type RegistryImportResult = boolean;

/**
 * Imports a CSV of installation IDs or `deviceType:registrationID` into the team's shared
 * registry (team mode): upload or paste, start, watch the console server check each against
 * Kii, then one verdict per row: exists, gone or refused.
 */
@Component({
  selector: 'kpc-registry-import-dialog',
  imports: [
    DecimalPipe,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatTableModule,
  ],
  templateUrl: './registry-import-dialog.html',
  styleUrl: './registry-import-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RegistryImportDialog {
  protected readonly data = inject<RegistryImportData>(MAT_DIALOG_DATA);
  private readonly imports = inject(RegistryImport);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly text = signal('');
  protected readonly fileError = signal(false);
  protected readonly started = signal<ImportStarted | null>(null);
  protected readonly job = signal<ImportJob | null>(null);
  protected readonly failure = signal<KiiError | null>(null);
  protected readonly busy = signal(false);
  protected readonly columns = ['line', 'ref', 'verdict'] as const;

  /** Non-empty lines: what the operator is about to send (the server decides what counts). */
  protected readonly lineCount = computed(
    () =>
      this.text()
        .split(/\r\n|\r|\n/)
        .filter((line) => line.trim() !== '').length,
  );
  protected readonly percent = computed(() => {
    const job = this.job();
    return job && job.total ? Math.round((job.done / job.total) * 100) : 0;
  });
  protected readonly finished = computed(() => {
    const state = this.job()?.state;
    return state === 'done' || state === 'failed';
  });
  protected readonly results = computed(() => this.job()?.results ?? []);
  /** The console server stopped while it ran: the list can simply be sent again. */
  protected readonly interrupted = computed(() => {
    const job = this.job();
    return job !== null && interrupted(job);
  });

  protected readFile(input: HTMLInputElement): void {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    this.fileError.set(false);
    file.text().then(
      (text) => this.text.set(text),
      () => this.fileError.set(true),
    );
  }

  protected start(): void {
    if (this.busy() || this.lineCount() === 0) return;
    this.busy.set(true);
    this.failure.set(null);
    this.imports
      .start$(this.data.appId, this.text())
      .pipe(
        tap((started) => this.started.set(started)),
        switchMap((started) => this.imports.watch$(this.data.appId, started.jobId)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (job) => this.job.set(job),
        error: (error: unknown) => {
          this.busy.set(false);
          this.failure.set(toKiiError(error));
        },
        complete: () => this.busy.set(false),
      });
  }

  /**
   * Sends the same list again, for a job the console server stopped under. The skipped lines
   * shown stay (the same text gives the same ones) until the new answer replaces them.
   */
  protected again(): void {
    if (this.busy()) return;
    this.job.set(null);
    this.start();
  }

  protected readonly verdictLabel = verdictLabel;
}

/** Opens the import dialog; true once an import ran (the listing has new verdicts). */
export function openRegistryImport$(
  dialog: MatDialog,
  data: RegistryImportData,
): Observable<RegistryImportResult> {
  return dialog
    .open<RegistryImportDialog, RegistryImportData, RegistryImportResult>(RegistryImportDialog, {
      data,
      autoFocus: 'first-tabbable',
      restoreFocus: true,
      maxWidth: '95vw',
    })
    .afterClosed()
    .pipe(map((imported) => imported === true));
}

/** A verdict in the console's language. */
export function verdictLabel(verdict: ImportVerdict): string {
  switch (verdict) {
    case 'exists':
      return $localize`:Import verdict when Kii has the installation@@kpc.import.exists:exists`;
    case 'gone':
      return $localize`:Import verdict when Kii does not have the installation@@kpc.import.gone:gone`;
    case 'refused':
      return $localize`:Import verdict when Kii refused the lookup@@kpc.import.refused:refused`;
    case 'not-checked':
      return $localize`:Import verdict when the run stopped before checking@@kpc.import.notChecked:not checked`;
  }
}
