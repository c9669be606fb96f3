import { ChangeDetectionStrategy, Component, inject, input, output, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';

import { PrincipalFields, principalRefForm, principalRefOf } from '../shared/principal-fields';
import { ScopeRequest } from './topics-store';

type ScopeKind = ScopeRequest['kind'];

/** Chooses whose topics to show: the app's, or one user's or thing's. Emits `open`. */
@Component({
  selector: 'kpc-scope-picker',
  imports: [ReactiveFormsModule, MatButtonModule, MatButtonToggleModule, PrincipalFields],
  template: `
    <form [formGroup]="owner" (ngSubmit)="submit()" novalidate>
      <mat-button-toggle-group
        [value]="kind()"
        (change)="choose($event.value)"
        i18n-aria-label="Accessible name of the topic scope choice@@kpc.topics.scopeChoice"
        aria-label="Topic scope"
      >
        <mat-button-toggle
          value="app"
          i18n="Choice: topics of the app scope@@kpc.topics.scopeChoiceApp"
          >App</mat-button-toggle
        >
        <mat-button-toggle
          value="user"
          i18n="Choice: topics of one user@@kpc.topics.scopeChoiceUser"
          >User</mat-button-toggle
        >
        <mat-button-toggle
          value="thing"
          i18n="Choice: topics of one thing@@kpc.topics.scopeChoiceThing"
          >Thing</mat-button-toggle
        >
      </mat-button-toggle-group>
      @if (kind(); as kind) {
        @if (kind !== 'app') {
          <kpc-principal-fields [kind]="kind" [group]="owner" />
        }
      }
      <button matButton="tonal" type="submit" [disabled]="busy()">
        <ng-container i18n="Button that lists the topics of the chosen scope@@kpc.topics.showTopics"
          >Show topics</ng-container
        >
      </button>
    </form>
  `,
  styles: `
    form {
      display: flex;
      flex-direction: column;
      align-items: flex-start;
      gap: 16px;
    }
    kpc-principal-fields {
      align-self: stretch;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ScopePicker {
  /** A scope is opening: submitting again waits. */
  readonly busy = input(false);
  readonly open = output<ScopeRequest>();

  protected readonly kind = signal<ScopeKind>('app');
  protected readonly owner = principalRefForm(inject(NonNullableFormBuilder));

  protected choose(kind: ScopeKind): void {
    this.kind.set(kind);
    this.owner.reset();
    // The app scope needs no owner: show its topics at once.
    if (kind === 'app') this.open.emit({ kind: 'app' });
  }

  protected submit(): void {
    const kind = this.kind();
    if (kind === 'app') {
      this.open.emit({ kind: 'app' });
      return;
    }
    if (this.owner.invalid) {
      this.owner.markAllAsTouched();
      return;
    }
    this.open.emit(principalRefOf(kind, this.owner));
  }
}
