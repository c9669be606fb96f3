import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';

import { principalKindLabel } from '../core/principal';
import { SessionStore } from '../core/session';
import { ConsoleMode } from '../core/team/console-mode';
import { principalIcon } from '../shared/principal-icon';
import { TeamStatus } from './team-status';

/**
 * Toolbar slot: who is signed in to which app. Browser-only mode links to the Connect page;
 * team mode shows the person and their role, with sign out (here or everywhere).
 */
@Component({
  selector: 'kpc-session-status',
  imports: [MatButtonModule, MatIconModule, RouterLink, TeamStatus],
  template: `
    @if (team()) {
      <kpc-team-status />
    } @else if (session(); as session) {
      <a matButton routerLink="/connect" class="kpc-status">
        <mat-icon aria-hidden="true">{{ icon() }}</mat-icon>
        <span
          class="kpc-visually-hidden"
          i18n="Hidden prefix before the signed-in principal in the toolbar@@kpc.shell.signedInAs"
          >Signed in as</span
        >
        <span class="kpc-status-text"
          >{{ kindLabel() }} {{ session.principal.name }} · {{ session.appId }}</span
        >
      </a>
    } @else {
      <a matButton routerLink="/connect" class="kpc-status">
        <mat-icon aria-hidden="true">power_off</mat-icon>
        <span
          class="kpc-status-text"
          i18n="Toolbar status when nobody is signed in@@kpc.shell.notSignedIn"
          >Not signed in</span
        >
      </a>
    }
  `,
  styles: `
    @use 'status-text';
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SessionStatus {
  protected readonly team = inject(ConsoleMode).team;
  protected readonly session = inject(SessionStore).session;
  protected readonly kindLabel = computed(() => {
    const session = this.session();
    return session ? principalKindLabel(session.principal.kind) : '';
  });
  protected readonly icon = computed(() => principalIcon(this.session()?.principal.kind));
}
