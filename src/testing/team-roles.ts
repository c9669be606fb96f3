import { HarnessLoader, HarnessPredicate } from '@angular/cdk/testing';
import { MatButtonHarness } from '@angular/material/button/testing';

import { TEAM_ROLES, TeamRole } from '../app/core/team/team-types';

/**
 * One row of a role table: what viewer, support, operator and admin each get, in that order.
 * Written out per control rather than derived from `TEAM_ACTIONS`, so a spec fails when the
 * console's gate drifts from the role list (docs/team-api.md, "Roles").
 */
export type ByRole<T = boolean> = readonly [viewer: T, support: T, operator: T, admin: T];

/** The table's answers for `role`: `{control: what that role gets}`. */
export function expectedFor<T>(
  table: Readonly<Record<string, ByRole<T>>>,
  role: TeamRole,
): Record<string, T> {
  const column = TEAM_ROLES.indexOf(role);
  return Object.fromEntries(Object.entries(table).map(([name, row]) => [name, row[column]]));
}

/** What the page shows for each control of the table, read by `probe`, in the table's shape. */
export async function observedFor<T>(
  table: Readonly<Record<string, ByRole<T>>>,
  probe: (control: string) => Promise<T>,
): Promise<Record<string, T>> {
  const seen: Record<string, T> = {};
  for (const control of Object.keys(table)) seen[control] = await probe(control);
  return seen;
}

/** How a control appears: not rendered, or rendered and enabled or disabled. */
export type ControlState = 'hidden' | 'enabled' | 'disabled';

/** The state of the one button (or button-like link) `query` finds; two would be a spec bug. */
export async function buttonState(
  loader: HarnessLoader,
  query: HarnessPredicate<MatButtonHarness>,
): Promise<ControlState> {
  const found = await loader.getAllHarnesses(query);
  if (found.length > 1) throw new Error(`${found.length} buttons match one control`);
  if (!found.length) return 'hidden';
  return (await found[0].isDisabled()) ? 'disabled' : 'enabled';
}
