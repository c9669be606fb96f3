import { ChangeDetectionStrategy, Component, computed, input, model } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';

import { ALL_APPS, ConnectedApp, RoleGrant, TeamRole } from '../core/team/team-types';
import { ROLE_CHOICES, roleLabel } from './person';

interface Row {
  readonly appId: string;
  readonly label: string;
  readonly role: TeamRole | '';
}

/**
 * A role per app: every app ('*') first, then each connected app, then apps a grant still
 * names although they are no longer connected. "No role" removes the grant. The server takes
 * the strongest of a person's '*' and per-app role on each app.
 */
@Component({
  selector: 'kpc-role-editor',
  imports: [MatFormFieldModule, MatSelectModule],
  template: `
    <div
      class="kpc-roles"
      role="group"
      i18n-aria-label="Accessible name of the role editor@@kpc.people.rolesGroup"
      aria-label="Roles"
    >
      @for (row of rows(); track row.appId) {
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>{{ row.label }}</mat-label>
          <mat-select [value]="row.role" (valueChange)="set(row.appId, $event)">
            <mat-option value="" i18n="Role choice that removes the role@@kpc.people.roleNone"
              >No role</mat-option
            >
            @for (role of choices; track role) {
              <mat-option [value]="role">{{ roleName(role) }}</mat-option>
            }
          </mat-select>
        </mat-form-field>
      }
    </div>
  `,
  styles: `
    .kpc-roles {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
      gap: 12px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RoleEditor {
  readonly apps = input.required<readonly ConnectedApp[]>();
  readonly grants = model.required<readonly RoleGrant[]>();

  protected readonly choices = ROLE_CHOICES;
  protected readonly roleName = roleLabel;
  protected readonly rows = computed((): Row[] => {
    const grants = this.grants();
    const roleOn = (appId: string) => grants.find((g) => g.appId === appId)?.role ?? '';
    const connected = this.apps().map((app) => app.appId);
    const stale = grants
      .map((g) => g.appId)
      .filter((id) => id !== ALL_APPS && !connected.includes(id));
    return [
      {
        appId: ALL_APPS,
        label: $localize`:Label of the role on every app@@kpc.people.everyApp:Every app`,
        role: roleOn(ALL_APPS),
      },
      ...[...connected, ...stale].map((appId): Row => ({
        appId,
        label: this.appLabel(appId),
        role: roleOn(appId),
      })),
    ];
  });

  protected set(appId: string, role: TeamRole | ''): void {
    const others = this.grants().filter((g) => g.appId !== appId);
    this.grants.set(role ? [...others, { appId, role }] : others);
  }

  private appLabel(appId: string): string {
    const app = this.apps().find((a) => a.appId === appId);
    const label = app?.label && app.label !== appId ? `${app.label} (${appId})` : appId;
    return $localize`:Label of the role on one app; APP names the app@@kpc.people.onApp:Role on ${label}:APP:`;
  }
}
