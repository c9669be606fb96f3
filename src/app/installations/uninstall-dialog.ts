import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatRadioModule } from '@angular/material/radio';

import {
  Installation,
  environmentLabel,
  ownerLabel,
  refText,
  refsOf,
} from '../core/kii/installation';
import { UninstallBy } from './uninstall-action';

/**
 * Asks before an installation goes, naming who stops receiving pushes, and which ID to
 * uninstall by. Closes with that choice, or undefined when cancelled.
 */
@Component({
  selector: 'kpc-uninstall-dialog',
  imports: [ReactiveFormsModule, MatButtonModule, MatDialogModule, MatRadioModule],
  template: `
    <h2
      mat-dialog-title
      i18n="Title of the uninstall confirmation@@kpc.installations.uninstallTitle"
    >
      Uninstall this installation?
    </h2>
    <mat-dialog-content>
      <p
        i18n="
          Text of the uninstall confirmation; OWNER is 'User alice', TYPE the device type, ENV the
          environment@@kpc.installations.uninstallText"
      >
        {{ owner }} will stop receiving pushes on this {{ data.deviceType }} installation ({{
          environment
        }}). Its MQTT connection is closed. This cannot be undone; installing again creates a new
        installation.
      </p>
      <span
        class="kpc-label"
        id="kpc-uninstall-by"
        i18n="Label of the choice which ID to uninstall by@@kpc.installations.uninstallBy"
        >Uninstall by</span
      >
      <mat-radio-group [formControl]="by" aria-labelledby="kpc-uninstall-by" class="kpc-choices">
        <mat-radio-button value="id">
          <ng-container i18n="Choice: uninstall by installation ID@@kpc.installations.byId"
            >Installation ID</ng-container
          >
          <code>{{ idText }}</code>
        </mat-radio-button>
        <mat-radio-button value="registration">
          <ng-container
            i18n="
              Choice: uninstall by device type and registration ID@@kpc.installations.byRegistration"
            >Registration ID</ng-container
          >
          <code>{{ registrationText }}</code>
        </mat-radio-button>
      </mat-radio-group>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button
        matButton
        type="button"
        mat-dialog-close
        i18n="Button that keeps the installation@@kpc.installations.uninstallCancel"
      >
        Cancel
      </button>
      <button
        matButton="filled"
        type="button"
        [mat-dialog-close]="by.value"
        i18n="Button that confirms the uninstall@@kpc.installations.uninstallConfirm"
      >
        Uninstall
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .kpc-label {
      display: block;
      color: var(--mat-sys-on-surface-variant);
    }
    .kpc-choices {
      display: flex;
      flex-direction: column;
    }
    code {
      margin-inline-start: 8px;
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UninstallDialog {
  protected readonly data = inject<Installation>(MAT_DIALOG_DATA);
  protected readonly by = new FormControl<UninstallBy>('id', { nonNullable: true });
  protected readonly owner = ownerLabel(this.data.owner);
  protected readonly environment = environmentLabel(this.data.development);
  protected readonly idText = refText(refsOf(this.data).byId);
  protected readonly registrationText = refText(refsOf(this.data).byRegistration);
}
