import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { MatCheckboxModule } from '@angular/material/checkbox';

import { SendFlags } from './push-message';

/** The controls of the delivery options. */
export type SendOptionsForm = FormGroup<{
  development: FormControl<boolean>;
  production: FormControl<boolean>;
  flags: FormGroup<{ [K in keyof SendFlags]: FormControl<boolean> }>;
}>;

/**
 * Development and/or production installations, and the send* flags that choose which
 * system keys Kii adds to the delivered payload (docs/kii-api.md §7.2, §9.4).
 */
@Component({
  selector: 'kpc-send-options',
  imports: [ReactiveFormsModule, MatCheckboxModule],
  template: `
    <div [formGroup]="form()">
      <fieldset>
        <legend i18n="Legend of the environment checkboxes@@kpc.compose.environments">
          Deliver to
        </legend>
        <mat-checkbox
          formControlName="development"
          i18n="Checkbox: development installations@@kpc.compose.development"
          >Development installations</mat-checkbox
        >
        <mat-checkbox
          formControlName="production"
          i18n="Checkbox: production installations@@kpc.compose.production"
          >Production installations</mat-checkbox
        >
      </fieldset>
      <fieldset formGroupName="flags">
        <legend i18n="Legend of the send* flags@@kpc.compose.flags">
          Keys Kii adds to the payload
        </legend>
        <mat-checkbox
          formControlName="sendSender"
          i18n="Checkbox for sendSender@@kpc.compose.sendSender"
          >Sender (sendSender)</mat-checkbox
        >
        <mat-checkbox formControlName="sendWhen" i18n="Checkbox for sendWhen@@kpc.compose.sendWhen"
          >Time sent (sendWhen)</mat-checkbox
        >
        <mat-checkbox
          formControlName="sendTopicID"
          i18n="Checkbox for sendTopicID@@kpc.compose.sendTopicID"
          >Topic ID (sendTopicID)</mat-checkbox
        >
        <mat-checkbox
          formControlName="sendObjectScope"
          i18n="Checkbox for sendObjectScope@@kpc.compose.sendObjectScope"
          >Topic scope (sendObjectScope)</mat-checkbox
        >
        <mat-checkbox
          formControlName="sendAppID"
          i18n="Checkbox for sendAppID@@kpc.compose.sendAppID"
          >App ID (sendAppID)</mat-checkbox
        >
        <mat-checkbox
          formControlName="sendOrigin"
          i18n="Checkbox for sendOrigin@@kpc.compose.sendOrigin"
          >Origin (sendOrigin)</mat-checkbox
        >
        @if (direct()) {
          <p
            class="kpc-note"
            i18n="Note under the flags for a direct push@@kpc.compose.directFlags"
          >
            A direct push has no topic: Kii adds neither topic ID nor scope.
          </p>
        }
      </fieldset>
    </div>
  `,
  styles: `
    fieldset {
      display: flex;
      flex-direction: column;
      align-items: flex-start;
      margin: 0 0 12px;
      padding: 0;
      border: 0;
    }
    legend {
      padding: 0;
      font: var(--mat-sys-title-small);
    }
    .kpc-note {
      margin: 4px 0 0;
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SendOptions {
  readonly form = input.required<SendOptionsForm>();
  /** A direct push: the topic flags do not apply. */
  readonly direct = input(false);
}
