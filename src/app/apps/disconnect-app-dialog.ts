import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';

import { TeamAppRow } from './team-app';

/**
 * Asks before disconnecting an app, saying what it does as console-server/routes/apps-routes.ts
 * does it: the stored credentials go, the registry's rows and people's roles on the app stay
 * (neither table refers to the connected app), and nothing changes on Kii itself.
 */
@Component({
  selector: 'kpc-disconnect-app-dialog',
  imports: [MatButtonModule, MatDialogModule],
  template: `
    <h2
      mat-dialog-title
      i18n="Title of the disconnect dialog; APP is an app's label@@kpc.apps.disconnectTitle"
    >
      Disconnect {{ app.label }}?
    </h2>
    <mat-dialog-content>
      <p i18n="What disconnecting does; APP is an app ID@@kpc.apps.disconnectWhat">
        The console server forgets the credentials of {{ app.appId }} and makes no more Kii calls
        for it: nobody can see or change its installations, topics or live traffic here until an
        admin connects it again.
      </p>
      <p i18n="What disconnecting keeps@@kpc.apps.disconnectKeeps">
        The team's installations registry keeps the app's rows, people keep their roles on it and
        the audit trail keeps its entries: connecting the app again finds them all. Nothing changes
        on Kii: installations stay installed and devices keep receiving pushes.
      </p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button matButton type="button" [mat-dialog-close]="false">
        <ng-container i18n="Button that closes a dialog without acting@@kpc.people.cancel"
          >Cancel</ng-container
        >
      </button>
      <button matButton="filled" type="button" [mat-dialog-close]="true">
        <ng-container i18n="Button that disconnects the app@@kpc.apps.disconnectSubmit"
          >Disconnect</ng-container
        >
      </button>
    </mat-dialog-actions>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DisconnectAppDialog {
  protected readonly app = inject<TeamAppRow>(MAT_DIALOG_DATA);
}
