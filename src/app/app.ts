import { BreakpointObserver } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, computed, inject, linkedSignal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatListModule } from '@angular/material/list';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { map } from 'rxjs';

import { ConsoleMode } from './core/team/console-mode';
import { TeamSession } from './core/team/team-session';
import { isTeamAdmin } from './core/team/team-types';
import { ThemeStore } from './core/theme';
import { NAV_ITEMS } from './nav';
import { LanguageMenu } from './shell/language-menu';
import { SessionStatus } from './shell/session-status';
import { ThemeMenu } from './shell/theme-menu';

/** Narrow screens get a navigation drawer that slides over the page. */
const NARROW = '(max-width: 799.98px)';

/** The app shell: toolbar, side navigation and the routed feature area. */
@Component({
  selector: 'kpc-root',
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    MatButtonModule,
    MatIconModule,
    MatListModule,
    MatSidenavModule,
    MatToolbarModule,
    LanguageMenu,
    SessionStatus,
    ThemeMenu,
  ],
  templateUrl: './app.html',
  styleUrl: './app.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class App {
  private readonly mode = inject(ConsoleMode).kind;
  private readonly roles = inject(TeamSession).roles;
  /** The areas of this mode; People & roles only for an admin of every app. */
  protected readonly navItems = computed(() => {
    const teamAdmin = isTeamAdmin(this.roles());
    return NAV_ITEMS.filter(
      (item) => (!item.mode || item.mode === this.mode()) && (!item.teamAdminOnly || teamAdmin),
    );
  });
  protected readonly narrow = toSignal(
    inject(BreakpointObserver)
      .observe(NARROW)
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );
  protected readonly navOpen = linkedSignal(() => !this.narrow());

  constructor() {
    // Applies the remembered light/dark choice before the first paint of the shell.
    inject(ThemeStore);
  }

  protected navigated(): void {
    if (this.narrow()) this.navOpen.set(false);
  }
}
