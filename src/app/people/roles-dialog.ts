import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';

import { ConnectedApp, RoleGrant } from '../core/team/team-types';
import { Person } from './person';
import { RoleEditor } from './role-editor';

export interface RolesDialogData {
  readonly person: Person;
  readonly apps: readonly ConnectedApp[];
}

/**
 * Changes one person's roles. Closes with the new grants, or undefined when cancelled. The
 * change takes effect on the person's next request: their pages follow after a reload.
 */
@Component({
  selector: 'kpc-roles-dialog',
  imports: [MatButtonModule, MatDialogModule, RoleEditor],
  template: `
    <h2
      mat-dialog-title
      i18n="Title of the roles dialog; LOGIN is a login name@@kpc.people.rolesTitle"
    >
      Roles of {{ data.person.login }}
    </h2>
    <mat-dialog-content class="kpc-form">
      <p i18n="Explanation in the roles dialog@@kpc.people.rolesLead">
        A role on every app applies to each app; where a person also has a role on one app, the
        stronger of the two counts.
      </p>
      <kpc-role-editor [apps]="data.apps" [(grants)]="roles" />
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button matButton type="button" mat-dialog-close>
        <ng-container i18n="Button that closes a dialog without acting@@kpc.people.cancel"
          >Cancel</ng-container
        >
      </button>
      <button matButton="filled" type="button" [mat-dialog-close]="roles()">
        <ng-container i18n="Button that saves the roles@@kpc.people.saveRoles"
          >Save roles</ng-container
        >
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .kpc-form {
      min-width: min(560px, 80vw);
    }
    p {
      margin-top: 0;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RolesDialog {
  protected readonly data = inject<RolesDialogData>(MAT_DIALOG_DATA);
  protected readonly roles = signal<readonly RoleGrant[]>(this.data.person.roles);
}
