import { HarnessLoader, HarnessPredicate } from '@angular/cdk/testing';
import { MatButtonHarness } from '@angular/material/button/testing';

import { TEAM_ROLES, TeamRole } from '../app/core/team/team-types';

/**
 * One row of a role table: what viewer, support, operator and admin each get, in that order.
 * Written out per control rather than derived from `TEAM_ACTIONS`, so a spec fails when the
 * console's gate drifts from the role list (docs/team-api.md, "Roles").
 */
export type ByRole<T = boolean> = readonly [viewer: T, support: T, operator: T, admin: T];

/** What `role` gets in one row. */
export function forRole<T>(row: ByRole<T>, role: TeamRole): T {
  return row[TEAM_ROLES.indexOf(role)];
}

/** A page's controls, each with what every role gets. */
export class RoleTable<T> {
  constructor(private readonly rows: Readonly<Record<string, ByRole<T>>>) {}

  /** `{control: what role gets}` for every control of the table. */
  expectedFor(role: TeamRole): Record<string, T> {
    const entries = Object.entries(this.rows).map(([name, row]) => [name, forRole(row, role)]);
    return Object.fromEntries(entries) as Record<string, T>;
  }

  /** What the page shows, read by `probe` for every control, in the same shape. */
  async observe(probe: (control: string) => Promise<T>): Promise<Record<string, T>> {
    const seen: Record<string, T> = {};
    for (const control of Object.keys(this.rows)) seen[control] = await probe(control);
    return seen;
  }
}

export function roleTable<T>(rows: Readonly<Record<string, ByRole<T>>>): RoleTable<T> {
  return new RoleTable(rows);
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
