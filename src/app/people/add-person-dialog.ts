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
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Observable } from 'rxjs';

import { ActionResult } from '../core/action-runner';
import { KiiError } from '../core/kii-error';
import { ConnectedApp, RoleGrant } from '../core/team/team-types';
import { CopyButton } from '../shared/copy-button';
import { LOGIN_PATTERN, MIN_PASSWORD_LENGTH, NewPerson, Person, generatePassword } from './person';
import { RoleEditor } from './role-editor';

/** What the add-person dialog needs: the apps roles can name and the store's create action. */
export interface AddPersonData {
  readonly apps: readonly ConnectedApp[];
  readonly create$: (person: NewPerson) => Observable<ActionResult<Person>>;
}

/**
 * Adds a person: login, display name, an initial password (typed, or generated and shown so
 * the admin can hand it over) and their roles. A refusal (a taken login) stays in the dialog
 * beside what was typed; the dialog closes with the person once added.
 */
@Component({
  selector: 'kpc-add-person-dialog',
  imports: [
    CopyButton,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    RoleEditor,
  ],
  template: `
    <h2 mat-dialog-title i18n="Title of the add-person dialog@@kpc.people.addTitle">
      Add a person
    </h2>
    <form (submit)="submit($event)">
      <mat-dialog-content class="kpc-form">
        <mat-form-field>
          <mat-label i18n="Label of the login field@@kpc.people.loginLabel">Login</mat-label>
          <input
            matInput
            name="login"
            required
            autocomplete="off"
            spellcheck="false"
            [value]="login()"
            (input)="login.set($any($event.target).value)"
          />
          <!-- A hint, not mat-error: the field has no form control to put in an error state. -->
          @if (login() && !loginOk()) {
            <mat-hint
              class="kpc-invalid"
              i18n="Error under a login that breaks the rules@@kpc.people.loginError"
              >Use lower-case letters, digits and . _ &#64; - only, starting with a letter or
              digit.</mat-hint
            >
          } @else {
            <mat-hint i18n="Hint under the login field@@kpc.people.loginHint"
              >Lower-case letters, digits and . _ &#64; -</mat-hint
            >
          }
        </mat-form-field>
        <mat-form-field>
          <mat-label i18n="Label of the display name field@@kpc.people.displayNameLabel"
            >Display name</mat-label
          >
          <input
            matInput
            name="displayName"
            required
            maxlength="100"
            autocomplete="off"
            [value]="displayName()"
            (input)="displayName.set($any($event.target).value)"
          />
        </mat-form-field>
        <div class="kpc-row">
          <mat-form-field class="kpc-grow">
            <mat-label i18n="Label of the initial password field@@kpc.people.passwordLabel"
              >Initial password</mat-label
            >
            <input
              matInput
              name="password"
              required
              autocomplete="new-password"
              spellcheck="false"
              [type]="generated() ? 'text' : 'password'"
              [value]="password()"
              (input)="typePassword($any($event.target).value)"
            />
            <mat-hint i18n="Hint under the password field; N is a number@@kpc.people.passwordHint"
              >At least {{ minLength }} characters. Hand it over privately.</mat-hint
            >
          </mat-form-field>
          <button matButton="outlined" type="button" (click)="generate()">
            <ng-container i18n="Button that generates a password@@kpc.people.generate"
              >Generate</ng-container
            >
          </button>
          @if (generated()) {
            <kpc-copy-button
              [text]="password()"
              i18n-label="Accessible name of the copy password button@@kpc.people.copyPassword"
              label="Copy password"
            />
          }
        </div>
        <h3 i18n="Heading of the roles section@@kpc.people.rolesHeading">Roles</h3>
        <kpc-role-editor [apps]="data.apps" [(grants)]="roles" />
        @if (failure(); as failure) {
          <p class="kpc-failure" role="alert">
            {{ failure.message }}
            @if (failure.errorCode) {
              <code>{{ failure.errorCode }}</code>
            }
            @if (failure.detail) {
              <span>{{ failure.detail }}</span>
            }
          </p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button matButton type="button" mat-dialog-close>
          <ng-container i18n="Button that closes a dialog without acting@@kpc.people.cancel"
            >Cancel</ng-container
          >
        </button>
        <button matButton="filled" type="submit" [disabled]="!ready() || busy()">
          <ng-container i18n="Button that adds the person@@kpc.people.addSubmit"
            >Add person</ng-container
          >
        </button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .kpc-form {
      display: flex;
      flex-direction: column;
      gap: 8px;
      min-width: min(560px, 80vw);
    }
    .kpc-row {
      display: flex;
      align-items: flex-start;
      gap: 8px;
    }
    .kpc-grow {
      flex: 1;
    }
    .kpc-row button {
      margin-top: 8px;
    }
    h3 {
      margin: 8px 0 0;
      font: var(--mat-sys-title-small);
    }
    .kpc-invalid {
      color: var(--mat-sys-error);
    }
    .kpc-failure {
      margin: 0;
      padding: 8px 12px;
      border-radius: 8px;
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AddPersonDialog {
  protected readonly data = inject<AddPersonData>(MAT_DIALOG_DATA);
  private readonly ref = inject<MatDialogRef<AddPersonDialog, Person>>(MatDialogRef);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly minLength = MIN_PASSWORD_LENGTH;
  protected readonly login = signal('');
  protected readonly displayName = signal('');
  protected readonly password = signal('');
  /** True while the password field holds a generated one (shown, so it can be handed over). */
  protected readonly generated = signal(false);
  protected readonly roles = signal<readonly RoleGrant[]>([]);
  protected readonly busy = signal(false);
  protected readonly failure = signal<KiiError | null>(null);
  protected readonly loginOk = computed(() => LOGIN_PATTERN.test(this.login().trim()));
  protected readonly ready = computed(
    () =>
      this.loginOk() &&
      this.displayName().trim() !== '' &&
      this.password().length >= MIN_PASSWORD_LENGTH,
  );

  protected generate(): void {
    this.password.set(generatePassword());
    this.generated.set(true);
  }

  protected typePassword(value: string): void {
    this.password.set(value);
    this.generated.set(false);
  }

  protected submit(event: Event): void {
    event.preventDefault();
    if (!this.ready() || this.busy()) return;
    this.busy.set(true);
    this.failure.set(null);
    const person: NewPerson = {
      login: this.login().trim(),
      displayName: this.displayName().trim(),
      password: this.password(),
      roles: this.roles(),
    };
    this.data
      .create$(person)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((result) => {
        this.busy.set(false);
        if (result.ok) this.ref.close(result.value);
        else this.failure.set(result.error);
      });
  }
}
