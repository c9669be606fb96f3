import { Injectable, inject } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { Observable, map } from 'rxjs';

import { RoleGrant } from '../core/team/team-types';
import { AddPersonData, AddPersonDialog } from './add-person-dialog';
import { Person } from './person';
import { RolesDialog, RolesDialogData } from './roles-dialog';

/** Opens the People dialogs; cancel is a value (null), never an error. */
@Injectable({ providedIn: 'root' })
export class PeopleDialogs {
  private readonly dialog = inject(MatDialog);

  /** The person added, or null when the admin cancelled. */
  add$(data: AddPersonData): Observable<Person | null> {
    return this.dialog
      .open<AddPersonDialog, AddPersonData, Person>(AddPersonDialog, {
        data,
        autoFocus: 'first-tabbable',
        restoreFocus: true,
        maxWidth: '95vw',
      })
      .afterClosed()
      .pipe(map((person) => person ?? null));
  }

  /** The new grants, or null when the admin cancelled. */
  roles$(data: RolesDialogData): Observable<readonly RoleGrant[] | null> {
    return this.dialog
      .open<RolesDialog, RolesDialogData, readonly RoleGrant[]>(RolesDialog, {
        data,
        autoFocus: 'first-tabbable',
        restoreFocus: true,
        maxWidth: '95vw',
      })
      .afterClosed()
      .pipe(map((roles) => roles ?? null));
  }
}
