import { Injectable, inject } from '@angular/core';
import { Observable, catchError, map, of, tap } from 'rxjs';

import { toKiiError } from '../core/kii-error';
import { Notifier } from '../core/notifier';
import { Installation, ownerLabel, refText, refsOf } from '../core/kii/installation';
import { KnownInstallations } from './known-installations';
import { PushInstallations } from '../core/kii/push-installations';

/** Which of an installation's IDs addresses the uninstall. */
export type UninstallBy = 'id' | 'registration';

/**
 * Uninstalls one installation (after the page's confirmation) by installation ID or by
 * `deviceType:registrationID`, forgets it in the catalog and reports the outcome. Shared by
 * the list and the detail view, so both say the same thing.
 */
@Injectable({ providedIn: 'root' })
export class UninstallAction {
  private readonly push = inject(PushInstallations);
  private readonly known = inject(KnownInstallations);
  private readonly notifier = inject(Notifier);

  /** Emits true once uninstalled, false after reporting a failure. */
  run$(installation: Installation, by: UninstallBy): Observable<boolean> {
    const refs = refsOf(installation);
    const ref = by === 'id' ? refs.byId : refs.byRegistration;
    const target = refText(ref);
    return this.push.uninstall$(ref).pipe(
      tap(() => {
        const who = ownerLabel(installation.owner);
        this.notifier.done(
          $localize`:Confirmation after uninstalling; WHO is "User alice", REF the ID used@@kpc.installations.uninstalled:Uninstalled ${target}:REF:. ${who}:WHO: no longer receives pushes on it.`,
        );
        this.known.forget$([installation.installationID]).subscribe({
          error: (error: unknown) =>
            this.notifier.failed(
              $localize`:Action named in an error@@kpc.installations.actionRemember:Updating the installations known in this browser`,
              toKiiError(error),
            ),
        });
      }),
      map(() => true),
      catchError((error: unknown) => {
        this.notifier.failed(
          $localize`:Action named in an error; REF is an installation ID or a device type and registration ID@@kpc.installations.actionUninstall:Uninstalling ${target}:REF:`,
          toKiiError(error),
        );
        return of(false);
      }),
    );
  }
}
