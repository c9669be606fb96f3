import { Injectable, inject } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { Observable, map } from 'rxjs';

import { AppCredentialsData, AppCredentialsDialog } from './app-credentials-dialog';
import { DisconnectAppDialog } from './disconnect-app-dialog';
import { TeamAppRow } from './team-app';

const OPTIONS = { autoFocus: 'first-tabbable', restoreFocus: true, maxWidth: '95vw' } as const;

/** Opens the Apps dialogs; cancel is a value (null or false), never an error. */
@Injectable({ providedIn: 'root' })
export class AppsDialogs {
  private readonly dialog = inject(MatDialog);

  /** The app connected or replaced, or null when the admin cancelled. */
  credentials$(data: AppCredentialsData): Observable<TeamAppRow | null> {
    return this.dialog
      .open<AppCredentialsDialog, AppCredentialsData, TeamAppRow>(AppCredentialsDialog, {
        ...OPTIONS,
        data,
      })
      .afterClosed()
      .pipe(map((app) => app ?? null));
  }

  /** True when the admin confirmed disconnecting `app`. */
  disconnect$(app: TeamAppRow): Observable<boolean> {
    return this.dialog
      .open<DisconnectAppDialog, TeamAppRow, boolean>(DisconnectAppDialog, {
        // First tabbable is Cancel: Enter on the opened dialog does not disconnect.
        ...OPTIONS,
        data: app,
      })
      .afterClosed()
      .pipe(map((confirmed) => confirmed === true));
  }
}
