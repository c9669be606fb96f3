import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { filter } from 'rxjs';

import { teamRoleLabel } from '../core/team/team-role-label';
import { TeamSession } from '../core/team/team-session';
import { isTeamAdmin } from '../core/team/team-types';
import { LoadError } from '../shared/load-error';
import { AppsDialogs } from './apps-dialogs';
import { AppsStore } from './apps-store';
import { TeamAppRow, siteText } from './team-app';

/**
 * Connected apps (team mode): the apps the person holds a role on. An admin of every app
 * connects apps; an admin of an app replaces its credentials or disconnects it, as the console
 * server checks (console-server/routes/apps-routes.ts). Everyone else reads the list.
 */
@Component({
  selector: 'kpc-apps-page',
  imports: [
    DatePipe,
    LoadError,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    MatTableModule,
  ],
  providers: [AppsStore],
  templateUrl: './apps-page.html',
  styleUrl: './apps-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class AppsPage {
  protected readonly store = inject(AppsStore);
  private readonly dialogs = inject(AppsDialogs);
  private readonly destroyRef = inject(DestroyRef);
  private readonly roles = inject(TeamSession).roles;

  /** Connecting takes admin on every app (POST /team/api/apps). */
  protected readonly teamAdmin = computed(() => isTeamAdmin(this.roles()));
  /** True when some listed app is the person's to manage (admin of it). */
  protected readonly managesAny = computed(() =>
    this.store.apps().some((app) => app.role === 'admin'),
  );

  protected readonly columns = computed(() => {
    const shown = ['label', 'appId', 'site', 'addedBy', 'addedAt', 'role'];
    return this.managesAny() ? [...shown, 'actions'] : shown;
  });
  protected readonly siteText = siteText;
  protected readonly roleLabel = teamRoleLabel;
  /** Row buttons named with the app, so a screen reader's button list says which. */
  protected readonly labels = {
    replace: ({ appId }: TeamAppRow) =>
      $localize`:Accessible name of the replace-credentials button; APP is an app ID@@kpc.apps.replaceLabel:Replace credentials of ${appId}:APP:`,
    disconnect: ({ appId }: TeamAppRow) =>
      $localize`:Accessible name of the disconnect button; APP is an app ID@@kpc.apps.disconnectLabel:Disconnect ${appId}:APP:`,
  };

  constructor() {
    this.store.reload();
  }

  protected connect(): void {
    this.dialogs
      .credentials$({ submit$: (app) => this.store.connect$(app) })
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe();
  }

  protected replace(app: TeamAppRow): void {
    this.dialogs
      .credentials$({ app, submit$: (typed) => this.store.replace$(app, typed) })
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe();
  }

  protected disconnect(app: TeamAppRow): void {
    this.dialogs
      .disconnect$(app)
      .pipe(filter(Boolean), takeUntilDestroyed(this.destroyRef))
      .subscribe(() => this.store.disconnect(app));
  }

  protected busy(app: TeamAppRow): boolean {
    const pending = this.store.pending();
    return pending.has(`replace:${app.appId}`) || pending.has(`disconnect:${app.appId}`);
  }
}
