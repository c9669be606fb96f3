import { Injectable, inject } from '@angular/core';

import { ConsoleMode } from './console-mode';
import { TeamSession } from './team-session';
import { TeamRole, roleAtLeast } from './team-types';

/**
 * What a person may do on the chosen app, by the least role that allows it (the role
 * table; the console server enforces the same on every call, console-server/routes/).
 */
export const TEAM_ACTIONS = {
  'installations.view': 'viewer',
  'topics.view': 'viewer',
  'subscriptions.view': 'viewer',
  'audit.own': 'viewer',
  'live.topic': 'viewer',
  'push.test': 'support',
  'live.monitor': 'support',
  export: 'support',
  'installations.install': 'operator',
  'installations.uninstall': 'operator',
  'installations.bulkUninstall': 'operator',
  'installations.import': 'operator',
  'topics.change': 'operator',
  'subscriptions.change': 'operator',
  'credentials.reveal': 'operator',
  'live.asInstallation': 'operator',
  'apps.connect': 'admin',
  'people.manage': 'admin',
  'audit.all': 'admin',
} as const satisfies Record<string, TeamRole>;

export type TeamAction = keyof typeof TEAM_ACTIONS;

/**
 * Role-gated UI: pages hide or disable what `can()` refuses. Everything is allowed in
 * browser-only mode, where Kii itself decides what the typed-in credentials may do. Reads
 * signals, so a template or `computed()` calling it follows the role and the chosen app.
 */
@Injectable({ providedIn: 'root' })
export class TeamAccess {
  private readonly mode = inject(ConsoleMode);
  private readonly session = inject(TeamSession);

  can(action: TeamAction): boolean {
    if (!this.mode.team()) return true;
    return roleAtLeast(this.session.role(), TEAM_ACTIONS[action]);
  }
}
