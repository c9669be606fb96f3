import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatExpansionModule } from '@angular/material/expansion';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';

import { MAX_BUFFER_CAPACITY, MIN_BUFFER_CAPACITY } from '../feed/message-buffer';
import {
  DEFAULT_MONITOR_SETTINGS,
  MAX_KEEP_ALIVE_SECONDS,
  MIN_KEEP_ALIVE_SECONDS,
  MonitorKind,
  MonitorSettings,
  StartMonitorRequest,
} from '../monitors/monitor';
import { TopicRef } from '../../core/kii/topic-scope';
import { TopicPicker } from './topic-picker';

/** What the dialog starts from. */
export interface StartMonitorData {
  /** The local server offers "All traffic". */
  readonly tapAvailable: boolean;
  /** Open on the takeover warning for this installation (the Installations page's link). */
  readonly installationID?: string;
  /**
   * Watching as an installation is offered (absent means yes). False for a team role below
   * operator: the console server refuses it, so the choice is not shown (docs/team-api.md).
   */
  readonly asInstallation?: boolean;
}

/**
 * Chooses what to watch: an installation (after the takeover warning), topics through the
 * console's monitor thing, or all traffic; plus keep-alive and buffer size.
 */
@Component({
  selector: 'kpc-start-monitor-dialog',
  imports: [
    MatButtonModule,
    MatButtonToggleModule,
    MatDialogModule,
    MatExpansionModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    ReactiveFormsModule,
    TopicPicker,
  ],
  templateUrl: './start-monitor-dialog.html',
  styleUrl: './start-monitor-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StartMonitorDialog {
  private readonly dialogRef =
    inject<MatDialogRef<StartMonitorDialog, StartMonitorRequest>>(MatDialogRef);
  protected readonly data = inject<StartMonitorData>(MAT_DIALOG_DATA);
  protected readonly asInstallation = this.data.asInstallation !== false;

  protected readonly kind = signal<MonitorKind>(
    this.data.installationID ? 'installation' : this.data.tapAvailable ? 'tap' : 'topics',
  );
  protected readonly step = signal<'choose' | 'takeover'>(
    this.data.installationID ? 'takeover' : 'choose',
  );
  protected readonly topics = signal<readonly TopicRef[]>([]);
  protected readonly submitted = signal(false);

  protected readonly installationId = new FormControl(this.data.installationID ?? '', {
    nonNullable: true,
    validators: [Validators.required, Validators.pattern(/\S/)],
  });
  protected readonly keepAlive = new FormControl(DEFAULT_MONITOR_SETTINGS.keepAliveSeconds, {
    nonNullable: true,
    validators: [
      Validators.required,
      Validators.min(MIN_KEEP_ALIVE_SECONDS),
      Validators.max(MAX_KEEP_ALIVE_SECONDS),
    ],
  });
  protected readonly capacity = new FormControl(DEFAULT_MONITOR_SETTINGS.capacity, {
    nonNullable: true,
    validators: [
      Validators.required,
      Validators.min(MIN_BUFFER_CAPACITY),
      Validators.max(MAX_BUFFER_CAPACITY),
    ],
  });
  protected readonly limits = {
    minKeepAlive: MIN_KEEP_ALIVE_SECONDS,
    maxKeepAlive: MAX_KEEP_ALIVE_SECONDS,
    minCapacity: MIN_BUFFER_CAPACITY,
    maxCapacity: MAX_BUFFER_CAPACITY,
  };

  private readonly installationIdValue = signal(this.installationId.value);
  protected readonly trimmedId = computed(() => this.installationIdValue().trim());

  constructor() {
    this.installationId.valueChanges
      .pipe(takeUntilDestroyed())
      .subscribe((v) => this.installationIdValue.set(v));
  }

  protected choose(kind: MonitorKind): void {
    this.kind.set(kind);
    this.submitted.set(false);
  }

  /** "Start" (or "Continue" to the takeover warning for an installation). */
  protected submit(): void {
    this.submitted.set(true);
    this.keepAlive.markAsTouched();
    this.capacity.markAsTouched();
    if (this.keepAlive.invalid || this.capacity.invalid) return;
    switch (this.kind()) {
      case 'installation':
        this.installationId.markAsTouched();
        if (this.installationId.valid) this.step.set('takeover');
        return;
      case 'topics':
        if (this.topics().length > 0)
          this.dialogRef.close({
            kind: 'topics',
            topics: this.topics(),
            settings: this.settings(),
          });
        return;
      case 'tap':
        this.dialogRef.close({ kind: 'tap', settings: this.settings() });
        return;
    }
  }

  /** The operator accepted the takeover. */
  protected takeOver(): void {
    this.dialogRef.close({
      kind: 'installation',
      installationID: this.trimmedId(),
      settings: this.settings(),
    });
  }

  protected back(): void {
    this.step.set('choose');
  }

  private settings(): MonitorSettings {
    return { keepAliveSeconds: this.keepAlive.value, capacity: this.capacity.value };
  }
}
