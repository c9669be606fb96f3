import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { Observable } from 'rxjs';

import { ActionResult } from '../core/action-runner';
import { KiiError } from '../core/kii-error';
import { siteLabel } from '../core/kii-site';
import { appRefusalText } from './app-refusal';
import { AppCredentials, KII_SITES, KiiSiteName, NewApp, TeamAppRow } from './team-app';

/** Connect (no `app`) or replace the credentials of `app`; `submit$` is the store's action. */
export interface AppCredentialsData {
  readonly app?: TeamAppRow;
  readonly submit$: (app: NewApp) => Observable<ActionResult<TeamAppRow>>;
}

/** One of the three credential fields, drawn by one loop of the template. */
interface CredentialField {
  readonly name: 'appKey' | 'clientId' | 'clientSecret';
  readonly type: 'text' | 'password';
  readonly label: string;
  readonly hint?: string;
}

/** Kii app IDs as the console server accepts them (console-server/apps/connected-apps.ts). */
const APP_ID_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Connects a Kii app, or replaces a connected app's credentials. The console server checks
 * them with Kii before storing anything; a refusal stays in the dialog beside what was typed.
 * The client secret lives only in its form control: it is sent once and never shown back, and
 * the form is reset when the dialog closes, whichever way.
 */
@Component({
  selector: 'kpc-app-credentials-dialog',
  imports: [
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    ReactiveFormsModule,
  ],
  templateUrl: './app-credentials-dialog.html',
  styleUrl: './app-credentials-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AppCredentialsDialog {
  protected readonly data = inject<AppCredentialsData>(MAT_DIALOG_DATA);
  private readonly ref = inject<MatDialogRef<AppCredentialsDialog, TeamAppRow>>(MatDialogRef);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly sites = KII_SITES;
  protected readonly siteName = siteLabel;
  protected readonly credentialFields: readonly CredentialField[] = [
    {
      name: 'appKey',
      type: 'text',
      label: $localize`:Label of the app key field@@kpc.apps.appKeyLabel:App key`,
    },
    {
      name: 'clientId',
      type: 'text',
      label: $localize`:Label of the client ID field@@kpc.apps.clientIdLabel:Client ID`,
    },
    {
      name: 'clientSecret',
      type: 'password',
      label: $localize`:Label of the client secret field@@kpc.apps.clientSecretLabel:Client secret`,
      hint: $localize`:Hint under the client secret field@@kpc.apps.clientSecretHint:Sent once to the console server; never shown again.`,
    },
  ];
  protected readonly replacing = this.data.app !== undefined;
  protected readonly form = inject(NonNullableFormBuilder).group({
    appId: [this.data.app?.appId ?? '', [Validators.required, Validators.pattern(APP_ID_PATTERN)]],
    label: [this.data.app?.label ?? '', Validators.maxLength(100)],
    site: [(this.data.app?.site ?? 'us') as KiiSiteName, Validators.required],
    baseUrl: [this.data.app?.site === 'custom' ? this.data.app.baseUrl : ''],
    appKey: ['', Validators.required],
    clientId: ['', Validators.required],
    clientSecret: ['', Validators.required],
  });
  protected readonly site = toSignal(this.form.controls.site.valueChanges, {
    initialValue: this.form.controls.site.value,
  });
  protected readonly busy = signal(false);
  protected readonly failure = signal<{ error: KiiError; text: string } | null>(null);

  constructor() {
    // The base URL is asked for only with a custom site.
    this.form.controls.site.valueChanges
      .pipe(takeUntilDestroyed())
      .subscribe((site) => this.requireBaseUrl(site === 'custom'));
    this.requireBaseUrl(this.form.controls.site.value === 'custom');
    // Whatever closes the dialog (Cancel, Escape, success), nothing typed outlives it.
    this.ref
      .beforeClosed()
      .pipe(takeUntilDestroyed())
      .subscribe(() => this.form.reset());
  }

  protected submit(event: Event): void {
    event.preventDefault();
    if (this.busy()) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const credentials: AppCredentials = {
      label: value.label.trim(),
      site: value.site,
      ...(value.site === 'custom' ? { baseUrl: value.baseUrl.trim() } : {}),
      appKey: value.appKey.trim(),
      clientId: value.clientId.trim(),
      clientSecret: value.clientSecret,
    };
    this.busy.set(true);
    this.failure.set(null);
    this.data
      .submit$({ appId: value.appId.trim(), ...credentials })
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((result) => {
        this.busy.set(false);
        if (result.ok) this.ref.close(result.value);
        else this.failure.set({ error: result.error, text: appRefusalText(result.error) });
      });
  }

  private requireBaseUrl(on: boolean): void {
    const control = this.form.controls.baseUrl;
    control.setValidators(on ? [Validators.required, Validators.pattern(/^https?:\/\/\S+$/)] : []);
    control.updateValueAndValidity({ emitEvent: false });
  }
}
