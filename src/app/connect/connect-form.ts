import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';

import { KiiError } from '../core/kii-error';
import { SiteId, isKiiCloudSite, siteBaseUrl, siteLabel } from '../core/kii-site';
import { LocalServerInfo } from '../core/local-server';
import {
  PRINCIPAL_KINDS,
  PrincipalKind,
  credentialsOf,
  principalKindLabel,
} from '../core/principal';
import { SignInRequest } from '../core/session';
import { connectErrorText } from './connect-error-text';
import { ConnectPreset } from './connect-preset';

const CLOUD_SITES: readonly SiteId[] = ['us', 'jp', 'sg', 'eu'];
const HTTP_URL = /^https?:\/\/[^\s/?#]+[^\s?#]*$/i;

/** The sign-in form: site, app, principal and credentials. Emits a `SignInRequest`. */
@Component({
  selector: 'kpc-connect-form',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
  ],
  templateUrl: './connect-form.html',
  styleUrl: './connect-form.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConnectForm {
  /** The local server's answer: undefined while asking, null when absent. */
  readonly localServer = input<LocalServerInfo | null | undefined>(undefined);
  /** This page's origin; the local server's base URL is `<origin>/api`. */
  readonly origin = input.required<string>();
  readonly preset = input<ConnectPreset | null>(null);
  readonly busy = input(false);
  readonly error = input<KiiError | null>(null);

  readonly connect = output<SignInRequest>();

  protected readonly form = inject(NonNullableFormBuilder).group({
    site: ['us' as SiteId],
    customBaseUrl: [
      { value: '', disabled: true },
      [Validators.required, Validators.pattern(HTTP_URL)],
    ],
    appId: ['', Validators.required],
    appKey: ['', Validators.required],
    kind: ['admin' as PrincipalKind],
    login: ['', Validators.required],
    secret: ['', Validators.required],
    rememberSecret: [false],
  });

  protected readonly kinds = PRINCIPAL_KINDS;
  protected readonly kindLabel = principalKindLabel;
  protected readonly siteLabel = siteLabel;
  protected readonly hideSecret = signal(true);

  protected readonly site = toSignal(this.form.controls.site.valueChanges, {
    initialValue: this.form.controls.site.value,
  });
  protected readonly kind = toSignal(this.form.controls.kind.valueChanges, {
    initialValue: this.form.controls.kind.value,
  });
  // "This local server" is offered when discovery found one (or a chosen profile uses it).
  protected readonly sites = computed<readonly SiteId[]>(() =>
    this.localServer() || this.site() === 'local'
      ? ['local', ...CLOUD_SITES, 'custom']
      : [...CLOUD_SITES, 'custom'],
  );
  /** The base URL the SDK will use, shown under the site select. */
  protected readonly baseUrlHint = computed(() => {
    const site = this.site();
    return isKiiCloudSite(site) || site === 'local' ? siteBaseUrl(site, '', this.origin()) : '';
  });
  protected readonly errorText = computed(() => {
    const error = this.error();
    return error ? connectErrorText(error, this.kind()) : '';
  });

  constructor() {
    this.form.controls.site.valueChanges.pipe(takeUntilDestroyed()).subscribe((site) => {
      const control = this.form.controls.customBaseUrl;
      if (site === 'custom') control.enable();
      else control.disable();
    });
    effect(() => {
      const preset = this.preset();
      if (preset) untracked(() => this.apply(preset));
    });
  }

  /** A new principal kind means other credentials: start them empty. */
  protected kindChanged(): void {
    this.form.patchValue({ login: '', secret: '' });
    this.form.controls.login.markAsUntouched();
    this.form.controls.secret.markAsUntouched();
  }

  protected submit(): void {
    if (this.busy()) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    this.connect.emit({
      site: value.site,
      baseUrl: siteBaseUrl(value.site, value.customBaseUrl, this.origin()),
      appId: value.appId.trim(),
      appKey: value.appKey.trim(),
      credentials: credentialsOf(value.kind, value.login.trim(), value.secret),
      rememberSecret: value.rememberSecret,
    });
  }

  private apply(preset: ConnectPreset): void {
    if (preset.source === 'initial' && this.form.dirty) return;
    this.form.setValue({
      site: preset.site,
      customBaseUrl: preset.customBaseUrl,
      appId: preset.appId,
      appKey: preset.appKey,
      kind: preset.kind,
      login: preset.login,
      secret: preset.secret,
      rememberSecret: preset.rememberSecret,
    });
    this.form.markAsPristine();
    this.form.markAsUntouched();
  }
}
