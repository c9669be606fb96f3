import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';

import { principalKindLabel } from '../core/principal';
import { SessionStore } from '../core/session';
import { principalIcon } from '../shared/principal-icon';

/** Toolbar slot: who is signed in to which app, linking to the Connect page. */
@Component({
  selector: 'kpc-session-status',
  imports: [MatButtonModule, MatIconModule, RouterLink],
  template: `
    @if (session(); as session) {
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
    .kpc-status-text {
      max-width: 28ch;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    /* On phones only the icon shows; the text stays for screen readers. */
    @media (max-width: 599.98px) {
      .kpc-status-text {
        position: absolute;
        width: 1px;
        height: 1px;
        clip-path: inset(50%);
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SessionStatus {
  protected readonly session = inject(SessionStore).session;
  protected readonly kindLabel = computed(() => {
    const session = this.session();
    return session ? principalKindLabel(session.principal.kind) : '';
  });
  protected readonly icon = computed(() => principalIcon(this.session()?.principal.kind));
}
