import { InjectionToken, Provider, Type } from '@angular/core';

/**
 * The slot where the Compose page shows a small "watch it arrive" panel from the live
 * monitors area, without the two areas importing each other. The component given to
 * `provideComposeMonitorPanel` is rendered beside the recent sends with these inputs:
 *
 * - `target: PushTarget | null`: the confirmed target of the last send attempt
 *   (a topic in its scope with the owner's ID, or one user), to offer "open a monitor".
 * - `latest: RecentSend | null`: the newest send (pushMessageID, data keys, time), to spot
 *   it in an open monitor's stream.
 */
export const COMPOSE_MONITOR_PANEL = new InjectionToken<Type<unknown> | null>(
  'COMPOSE_MONITOR_PANEL',
  { providedIn: 'root', factory: () => null },
);

/** Shows `panel` on the Compose page (route or app providers). */
export function provideComposeMonitorPanel(panel: Type<unknown>): Provider {
  return { provide: COMPOSE_MONITOR_PANEL, useValue: panel };
}
