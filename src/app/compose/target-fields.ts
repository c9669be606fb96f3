import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { startWith, switchMap } from 'rxjs';

import { PrincipalFields, PrincipalRefForm } from '../shared/principal-fields';
import { TARGET_KINDS, TargetKind, needsTopic, ownerKind, targetKindLabel } from './push-target';

/** The controls of the push target. */
export type TargetForm = FormGroup<{
  kind: FormControl<TargetKind>;
  who: PrincipalRefForm;
  topic: FormControl<string>;
}>;

/** Where to send: the kind of target, its owner (user or thing) and the topic. */
@Component({
  selector: 'kpc-target-fields',
  imports: [
    ReactiveFormsModule,
    MatAutocompleteModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    PrincipalFields,
  ],
  template: `
    <div class="kpc-target" [formGroup]="form()">
      <mat-form-field>
        <mat-label i18n="Label of the push target kind select@@kpc.compose.sendTo"
          >Send to</mat-label
        >
        <mat-select formControlName="kind">
          @for (kind of kinds; track kind) {
            <mat-option [value]="kind">{{ kindLabel(kind) }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
      @if (owner(); as owner) {
        <kpc-principal-fields [kind]="owner" [group]="form().controls.who" />
      }
      @if (withTopic()) {
        <mat-form-field>
          <mat-label i18n="Label of the topic name field@@kpc.compose.topic">Topic</mat-label>
          <input
            matInput
            formControlName="topic"
            autocomplete="off"
            spellcheck="false"
            [matAutocomplete]="suggestions"
            [matAutocompleteDisabled]="kind() !== 'app-topic' || appTopics().length === 0"
          />
          <mat-autocomplete #suggestions="matAutocomplete">
            @for (name of matchingTopics(); track name) {
              <mat-option [value]="name">{{ name }}</mat-option>
            }
          </mat-autocomplete>
        </mat-form-field>
      }
    </div>
  `,
  styles: `
    .kpc-target {
      display: flex;
      flex-direction: column;
      gap: 4px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TargetFields {
  readonly form = input.required<TargetForm>();
  /** App topic names to suggest. */
  readonly appTopics = input<readonly string[]>([]);

  protected readonly kinds = TARGET_KINDS;
  protected readonly kindLabel = targetKindLabel;

  private readonly value = toSignal(
    toObservable(this.form).pipe(
      switchMap((form) => form.valueChanges.pipe(startWith(form.value))),
    ),
  );
  protected readonly kind = computed(() => this.value()?.kind ?? 'app-topic');
  protected readonly owner = computed(() => ownerKind(this.kind()));
  protected readonly withTopic = computed(() => needsTopic(this.kind()));
  protected readonly matchingTopics = computed(() => {
    const typed = (this.value()?.topic ?? '').trim().toLowerCase();
    return this.appTopics()
      .filter((name) => name.toLowerCase().includes(typed))
      .slice(0, 20);
  });
}
