import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import { Installation, ownerLabel, refText, refsOf } from '../core/kii/installation';
import { PushInstallations } from '../core/kii/push-installations';

/** Which of an installation's IDs addresses the uninstall. */
export type UninstallBy = 'id' | 'registration';

/** One uninstall, ready for a store's `ActionRunner`. */
export interface Uninstall {
  /** "Uninstalling MQTT:reg-1": what a failure names. */
  readonly label: string;
  /** The confirmation: who stops receiving pushes. */
  readonly doneText: string;
  /** The uninstall itself, by the chosen ID. */
  readonly work$: Observable<void>;
}

/**
 * Describes an uninstall (after the page's confirmation) by installation ID or by
 * `deviceType:registrationID`. Shared by the list's and the detail view's stores, so both
 * say the same thing; each runs and reports it through its own `ActionRunner`.
 */
@Injectable({ providedIn: 'root' })
export class UninstallAction {
  private readonly push = inject(PushInstallations);

  /** The uninstall of `installation` by the ID `by` names. */
  of(installation: Installation, by: UninstallBy): Uninstall {
    const refs = refsOf(installation);
    const ref = by === 'id' ? refs.byId : refs.byRegistration;
    const target = refText(ref);
    const who = ownerLabel(installation.owner);
    return {
      label: $localize`:Action named in an error; REF is an installation ID or a device type and registration ID@@kpc.installations.actionUninstall:Uninstalling ${target}:REF:`,
      doneText: $localize`:Confirmation after uninstalling; WHO is "User alice", REF the ID used@@kpc.installations.uninstalled:Uninstalled ${target}:REF:. ${who}:WHO: no longer receives pushes on it.`,
      work$: this.push.uninstall$(ref),
    };
  }
}
