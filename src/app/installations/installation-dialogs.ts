import { Injectable, inject } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { Observable, map } from 'rxjs';

import { BulkDialog, BulkDialogData, BulkDialogResult } from './bulk-dialog';
import { InstallDialog, InstallDialogData, InstallDialogResult } from './install-dialog';
import { Installation } from '../core/kii/installation';
import { UninstallBy } from './uninstall-action';
import { UninstallDialog } from './uninstall-dialog';

/** Opens the Installations dialogs; every way of closing is a typed value, never an error. */
@Injectable({ providedIn: 'root' })
export class InstallationDialogs {
  private readonly dialog = inject(MatDialog);

  /** The install dialog: installs through `data.install$` and shows what came back. */
  install$(data: InstallDialogData): Observable<InstallDialogResult> {
    return this.dialog
      .open<InstallDialog, InstallDialogData, InstallDialogResult>(InstallDialog, {
        data,
        autoFocus: 'first-tabbable',
        restoreFocus: true,
      })
      .afterClosed()
      .pipe(map((result) => result ?? { kind: 'closed' }));
  }

  /** Which ID to uninstall by, or null when the operator kept the installation. */
  confirmUninstall$(installation: Installation): Observable<UninstallBy | null> {
    return this.dialog
      .open<UninstallDialog, Installation, UninstallBy>(UninstallDialog, {
        data: installation,
        autoFocus: 'dialog',
        restoreFocus: true,
      })
      .afterClosed()
      .pipe(map((by) => by ?? null));
  }

  /** Bulk uninstall or import, from prefilled references. */
  bulk$(data: BulkDialogData): Observable<BulkDialogResult> {
    return this.dialog
      .open<BulkDialog, BulkDialogData, BulkDialogResult>(BulkDialog, {
        data,
        autoFocus: 'first-tabbable',
        restoreFocus: true,
        maxWidth: '95vw',
      })
      .afterClosed()
      .pipe(map((result) => result ?? { kind: 'closed' }));
  }
}
