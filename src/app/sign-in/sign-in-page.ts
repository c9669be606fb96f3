import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { ActivatedRoute, Router } from '@angular/router';
import { Subject, catchError, exhaustMap, finalize, map, of } from 'rxjs';

import { KiiError, makeKiiError, toKiiError } from '../core/kii-error';
import { TEAM_API_BASE } from '../core/team/team-api';
import { TeamSession } from '../core/team/team-session';
import { SignInProviders } from '../core/team/team-types';

/**
 * Team mode's sign-in: login name and password, or a single sign-on provider the console
 * server offers. No app credentials are ever typed here: the console server holds them.
 */
@Component({
  selector: 'kpc-sign-in-page',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
  ],
  template: `
    <h1 i18n="Heading of the team sign-in page@@kpc.team.signIn.heading">Sign in</h1>
    <p class="kpc-lead" i18n="Introduction on the team sign-in page@@kpc.team.signIn.lead">
      Sign in with your team account. The console server holds the Kii app credentials; your role on
      each app decides what you can do.
    </p>
    <mat-card appearance="outlined" class="kpc-card">
      <mat-card-content>
        <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
          <mat-form-field>
            <mat-label i18n="Label of the login name field@@kpc.team.signIn.login"
              >Login name</mat-label
            >
            <input
              matInput
              formControlName="login"
              autocomplete="username"
              spellcheck="false"
              autocapitalize="none"
            />
            @if (form.controls.login.hasError('required')) {
              <mat-error i18n="Validation message@@kpc.team.signIn.loginRequired"
                >Enter your login name.</mat-error
              >
            }
          </mat-form-field>
          <mat-form-field>
            <mat-label i18n="Label of the password field@@kpc.team.signIn.password"
              >Password</mat-label
            >
            <input
              matInput
              formControlName="password"
              type="password"
              autocomplete="current-password"
            />
            @if (form.controls.password.hasError('required')) {
              <mat-error i18n="Validation message@@kpc.team.signIn.passwordRequired"
                >Enter your password.</mat-error
              >
            }
          </mat-form-field>
          @if (error(); as failure) {
            <div class="kpc-alert" role="alert">
              {{ failure.message }}
            </div>
          }
          <button
            matButton="filled"
            type="submit"
            [disabled]="busy()"
            i18n="Button that signs in with login name and password@@kpc.team.signIn.submit"
          >
            Sign in
          </button>
        </form>
        @if (providers()?.oidc; as sso) {
          @if (sso.length > 0) {
            <div class="kpc-sso">
              <p i18n="Text above the single sign-on buttons@@kpc.team.signIn.ssoLead">
                Or sign in with your organisation:
              </p>
              @for (provider of sso; track provider.id) {
                <a matButton="outlined" [href]="startUrl(provider.id)"
                  ><ng-container
                    i18n="
                      Single sign-on button; the interpolation is the provider's
                      name@@kpc.team.signIn.sso"
                    >Sign in with {{ provider.label }}</ng-container
                  ></a
                >
              }
            </div>
          }
        }
      </mat-card-content>
    </mat-card>
  `,
  styles: `
    @use '../shared/page-layout';
    .kpc-card {
      max-width: 480px;
    }
    form,
    .kpc-sso {
      display: flex;
      flex-direction: column;
      gap: 8px;
      align-items: stretch;
    }
    .kpc-sso {
      margin-top: 24px;
    }
    .kpc-alert {
      margin-bottom: 8px;
      color: var(--mat-sys-error);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class SignInPage {
  private readonly team = inject(TeamSession);
  private readonly router = inject(Router);
  private readonly submits = new Subject<{ login: string; password: string }>();

  protected readonly form = inject(NonNullableFormBuilder).group({
    login: ['', Validators.required],
    password: ['', Validators.required],
  });
  protected readonly busy = signal(false);
  /** A failed sign-in, or the single sign-on failure the callback named in `?ssoError=`. */
  protected readonly error = signal<KiiError | null>(ssoError(inject(ActivatedRoute)));
  /** Null until (or unless) the server names its providers: password only, then. */
  protected readonly providers = toSignal(
    this.team.providers$().pipe(catchError(() => of<SignInProviders | null>(null))),
    { initialValue: null },
  );

  constructor() {
    this.submits
      .pipe(
        // A second Enter while the first sign-in runs is ignored, not queued.
        exhaustMap(({ login, password }) => {
          this.busy.set(true);
          this.error.set(null);
          return this.team.signIn$(login, password).pipe(
            map(() => null),
            catchError((raw: unknown) => of(toKiiError(raw))),
            finalize(() => this.busy.set(false)),
          );
        }),
        takeUntilDestroyed(),
      )
      .subscribe((failure) => {
        if (failure) {
          this.error.set(failure);
          this.form.controls.password.reset();
          return;
        }
        void this.router.navigateByUrl(this.team.appId() ? '/installations' : '/choose-app');
      });
  }

  protected submit(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.submits.next(this.form.getRawValue());
  }

  protected startUrl(providerId: string): string {
    return `${TEAM_API_BASE}/session/oidc/${encodeURIComponent(providerId)}/start`;
  }
}

function ssoError(route: ActivatedRoute): KiiError | null {
  const code = route.snapshot.queryParamMap.get('ssoError');
  return code && /^[A-Z_]{1,64}$/.test(code) ? makeKiiError('auth', { errorCode: code }) : null;
}
