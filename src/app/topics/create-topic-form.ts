import {
  ChangeDetectionStrategy,
  Component,
  effect,
  inject,
  input,
  output,
  untracked,
  viewChild,
} from '@angular/core';
import {
  FormGroupDirective,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

import { TOPIC_NAME_PATTERN } from '../core/kii/topic-scope';

/** One field and a button: the name of a new topic, checked against Kii's rule. */
@Component({
  selector: 'kpc-create-topic-form',
  imports: [ReactiveFormsModule, MatButtonModule, MatFormFieldModule, MatInputModule],
  template: `
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
      <mat-form-field>
        <mat-label i18n="Label of the new topic name field@@kpc.topics.newName"
          >New topic name</mat-label
        >
        <input
          matInput
          formControlName="name"
          autocomplete="off"
          spellcheck="false"
          maxlength="64"
        />
        <mat-hint i18n="Hint under the new topic name field@@kpc.topics.newNameHint"
          >Letters, digits, _ and -; up to 64.</mat-hint
        >
        @if (form.controls.name.hasError('required')) {
          <mat-error i18n="Validation message@@kpc.topics.nameRequired"
            >Enter a topic name.</mat-error
          >
        } @else if (form.controls.name.hasError('pattern')) {
          <mat-error i18n="Validation message@@kpc.topics.nameInvalid"
            >Use only letters, digits, _ and -.</mat-error
          >
        }
      </mat-form-field>
      <button matButton="filled" type="submit" [disabled]="busy()">
        <ng-container i18n="Button that creates a topic@@kpc.topics.create"
          >Create topic</ng-container
        >
      </button>
    </form>
  `,
  styles: `
    form {
      display: flex;
      flex-wrap: wrap;
      gap: 8px 16px;
      align-items: baseline;
    }
    mat-form-field {
      flex: 1 1 240px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CreateTopicForm {
  readonly busy = input(false);
  /** The scope's listed topics: the field clears once the submitted name shows up there. */
  readonly existing = input<readonly string[]>([]);
  readonly create = output<string>();

  protected readonly form = inject(NonNullableFormBuilder).group({
    name: ['', [Validators.required, Validators.pattern(TOPIC_NAME_PATTERN)]],
  });
  private readonly directive = viewChild.required(FormGroupDirective);
  private submitted: string | null = null;

  constructor() {
    // Cleared only on success, so a refused name stays to be corrected.
    effect(() => {
      const names = this.existing();
      untracked(() => {
        if (this.submitted && names.includes(this.submitted)) {
          this.submitted = null;
          // resetForm, not reset: an emptied field must not show "Enter a topic name".
          this.directive().resetForm();
        }
      });
    });
  }

  protected submit(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.submitted = this.form.controls.name.value.trim();
    this.create.emit(this.submitted);
  }
}
