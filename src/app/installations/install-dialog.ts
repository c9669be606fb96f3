import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import { Observable } from 'rxjs';

import { ActionResult } from '../core/action-runner';
import { KiiError } from '../core/kii-error';
import { failureText } from '../core/notifier';
import { Principal } from '../core/principal';
import { CopyButton } from '../shared/copy-button';
import { PrincipalFields, principalRefForm, principalRefOf } from '../shared/principal-fields';
import { Installation, environmentLabel, ownerLabel } from '../core/kii/installation';
import { InstallOrder, InstallOutcome, installLabel } from './installations-store';

/** What the install dialog needs: who is signed in, and the store's install action. */
export interface InstallDialogData {
  readonly principal: Principal;
  readonly install$: (order: InstallOrder) => Observable<ActionResult<InstallOutcome>>;
}

/** How the install dialog closed: nothing installed, or an installation (to open or not). */
export type InstallDialogResult =
  | { readonly kind: 'closed' }
  | { readonly kind: 'installed'; readonly installation: Installation; readonly open: boolean };

/**
 * Installs MQTT push: the owner (the app admin names a user or thing; a user or thing
 * installs for itself) and the environment. Then shows the returned IDs, and says so when
 * Kii returned the owner's existing installation. A failure stays in the dialog, above the
 * form as the operator left it, until the next attempt.
 */
@Component({
  selector: 'kpc-install-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatDialogModule,
    MatProgressBarModule,
    MatRadioModule,
    CopyButton,
    PrincipalFields,
  ],
  templateUrl: './install-dialog.html',
  styles: `
    .kpc-form {
      display: flex;
      flex-direction: column;
      gap: 16px;
      min-width: min(480px, 80vw);
    }
    .kpc-label {
      display: block;
      margin-bottom: 4px;
      color: var(--mat-sys-on-surface-variant);
    }
    dl {
      display: grid;
      grid-template-columns: max-content 1fr auto;
      align-items: center;
      gap: 4px 12px;
      margin: 8px 0 0;
    }
    dt {
      color: var(--mat-sys-on-surface-variant);
    }
    dd {
      margin: 0;
      overflow-wrap: anywhere;
      font-family: 'Roboto Mono', ui-monospace, monospace;
    }
    .kpc-failure {
      padding: 8px 12px;
      border-radius: 8px;
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .kpc-failure p {
      margin: 0;
    }
    .kpc-failure p + p {
      margin-top: 4px;
    }
    .kpc-existing {
      padding: 8px 12px;
      border-radius: 8px;
      background: var(--mat-sys-tertiary-container);
      color: var(--mat-sys-on-tertiary-container);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InstallDialog {
  protected readonly data = inject<InstallDialogData>(MAT_DIALOG_DATA);
  private readonly ref = inject<MatDialogRef<InstallDialog, InstallDialogResult>>(MatDialogRef);
  private readonly destroyRef = inject(DestroyRef);
  private readonly fb = inject(NonNullableFormBuilder);

  protected readonly isAdmin = this.data.principal.kind === 'admin';
  protected readonly ownerKind = signal<'user' | 'thing'>('user');
  protected readonly owner = principalRefForm(this.fb);
  protected readonly environment = this.fb.control<'production' | 'development'>('production');
  protected readonly busy = signal(false);
  protected readonly outcome = signal<InstallOutcome | null>(null);
  protected readonly failure = signal<KiiError | null>(null);
  /** What happened: "Installing push failed: The user was not found. (USER_NOT_FOUND: ...)". */
  protected readonly failureText = computed(() => {
    const failure = this.failure();
    return failure ? failureText(installLabel(), failure) : '';
  });
  /** What to do about it. */
  protected readonly failureAdvice = computed(() => {
    const failure = this.failure();
    return failure ? installAdvice(failure) : '';
  });

  protected readonly selfText = ownerLabel(
    this.data.principal.kind === 'admin'
      ? null
      : {
          kind: this.data.principal.kind,
          id: this.data.principal.id,
          name: this.data.principal.name,
        },
  );
  protected readonly resultOwner = computed(() =>
    ownerLabel(this.outcome()?.installation.owner ?? null),
  );
  protected readonly resultEnvironment = computed(() => {
    const outcome = this.outcome();
    return outcome ? environmentLabel(outcome.installation.development) : '';
  });

  protected install(): void {
    if (this.isAdmin && this.owner.invalid) {
      this.owner.markAllAsTouched();
      return;
    }
    const order: InstallOrder = {
      owner: this.isAdmin ? principalRefOf(this.ownerKind(), this.owner) : null,
      development: this.environment.value === 'development',
    };
    this.busy.set(true);
    this.failure.set(null);
    // The dialog must not close half-way: the operator would never see the IDs.
    this.ref.disableClose = true;
    this.data
      .install$(order)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (result) => {
          this.busy.set(false);
          this.ref.disableClose = false;
          if (result.ok) this.outcome.set(result.value);
          else this.failure.set(result.error);
        },
      });
  }

  protected close(open: boolean): void {
    const outcome = this.outcome();
    this.ref.close(
      outcome
        ? { kind: 'installed', installation: outcome.installation, open }
        : { kind: 'closed' },
    );
  }

  protected copyLabel(what: 'id' | 'registration'): string {
    return what === 'id'
      ? $localize`:Accessible name of the copy button of the installation ID@@kpc.installations.copyId:Copy installation ID`
      : $localize`:Accessible name of the copy button of the registration ID@@kpc.installations.copyRegistration:Copy registration ID`;
  }
}

/** What the operator can do after a failed install; the form keeps what they entered. */
function installAdvice(error: KiiError): string {
  switch (error.errorCode) {
    case 'USER_NOT_FOUND':
      return $localize`:Advice after an install failed because the named user does not exist@@kpc.installations.adviceUserNotFound:Nothing was installed. Check the login name or user ID, then select Install again.`;
    case 'THING_NOT_FOUND':
      return $localize`:Advice after an install failed because the named thing does not exist@@kpc.installations.adviceThingNotFound:Nothing was installed. Check the vendor thing ID or thing ID, then select Install again.`;
  }
  return error.kind === 'auth'
    ? $localize`:Advice after an install failed because the session was refused@@kpc.installations.adviceAuth:Nothing was installed. Sign in again on the Connect page, then install again.`
    : $localize`:Advice after any other failed install@@kpc.installations.adviceRetry:Nothing was installed. Correct the form if needed, then select Install again.`;
}
