import { ChangeDetectionStrategy, Component, computed, effect, inject, input } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import {
  FormControl,
  FormGroup,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  Validators,
} from '@angular/forms';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { startWith, switchMap } from 'rxjs';

import { PrincipalRef, PrincipalRefBy } from '../core/principal-lookup';
import { ConsoleMode } from '../core/team/console-mode';

/** The controls of `PrincipalFields`: how the principal is named, and the name. */
export type PrincipalRefForm = FormGroup<{
  by: FormControl<PrincipalRefBy>;
  value: FormControl<string>;
}>;

/** A fresh `PrincipalRefForm`; the value is required. */
export function principalRefForm(
  fb: NonNullableFormBuilder,
  by: PrincipalRefBy = 'name',
): PrincipalRefForm {
  return fb.group({
    by: fb.control<PrincipalRefBy>(by),
    value: fb.control('', Validators.required),
  });
}

/** The `PrincipalRef` a filled-in form names. */
export function principalRefOf(kind: 'user' | 'thing', form: PrincipalRefForm): PrincipalRef {
  const { by, value } = form.getRawValue();
  return { kind, by, value: value.trim() };
}

/**
 * Names a user (by user ID or login name) or a thing (by thing ID or vendor thing ID): a
 * toggle for the kind of name and one text field. The parent owns the form group.
 */
@Component({
  selector: 'kpc-principal-fields',
  imports: [ReactiveFormsModule, MatButtonToggleModule, MatFormFieldModule, MatInputModule],
  template: `
    <div class="kpc-principal-fields" [formGroup]="group()">
      <!-- Team mode: the console server finds users and things by ID only. -->
      @if (!team) {
        <mat-button-toggle-group
          formControlName="by"
          hideSingleSelectionIndicator
          [attr.aria-label]="byLabel()"
        >
          <mat-button-toggle value="name">{{ nameLabel() }}</mat-button-toggle>
          <mat-button-toggle value="id">{{ idLabel() }}</mat-button-toggle>
        </mat-button-toggle-group>
      }
      <mat-form-field>
        <mat-label>{{ by() === 'id' ? idLabel() : nameLabel() }}</mat-label>
        <input matInput formControlName="value" autocomplete="off" spellcheck="false" />
        @if (group().controls.value.hasError('required')) {
          <mat-error>{{ requiredText() }}</mat-error>
        }
      </mat-form-field>
    </div>
  `,
  styles: `
    .kpc-principal-fields {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 16px;
      align-items: baseline;
    }
    mat-form-field {
      flex: 1 1 220px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PrincipalFields {
  readonly kind = input.required<'user' | 'thing'>();
  readonly group = input.required<PrincipalRefForm>();
  protected readonly team = inject(ConsoleMode).team();

  constructor() {
    if (this.team) {
      effect(() => {
        const by = this.group().controls.by;
        if (by.value !== 'id') by.setValue('id');
      });
    }
  }

  protected readonly by = toSignal(
    toObservable(this.group).pipe(
      switchMap((group) => group.controls.by.valueChanges.pipe(startWith(group.controls.by.value))),
    ),
    { initialValue: 'name' as PrincipalRefBy },
  );

  protected readonly idLabel = computed(() =>
    this.kind() === 'user'
      ? $localize`:Label of the field or choice for a Kii user ID@@kpc.principalFields.userId:User ID`
      : $localize`:Label of the field or choice for a Kii thing ID@@kpc.principalFields.thingId:Thing ID`,
  );
  protected readonly nameLabel = computed(() =>
    this.kind() === 'user'
      ? $localize`:Label of the field or choice for a user's login name@@kpc.principalFields.loginName:Login name`
      : $localize`:Label of the field or choice for a thing's vendor thing ID@@kpc.principalFields.vendorThingId:Vendor thing ID`,
  );
  protected readonly byLabel = computed(() =>
    this.kind() === 'user'
      ? $localize`:Accessible name of the choice how to name a user@@kpc.principalFields.userBy:Find the user by`
      : $localize`:Accessible name of the choice how to name a thing@@kpc.principalFields.thingBy:Find the thing by`,
  );
  protected readonly requiredText = computed(() =>
    this.kind() === 'user'
      ? $localize`:Validation message when no user is named@@kpc.principalFields.userRequired:Name the user.`
      : $localize`:Validation message when no thing is named@@kpc.principalFields.thingRequired:Name the thing.`,
  );
}
