import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatListModule } from '@angular/material/list';
import { Router, RouterLink } from '@angular/router';

import { KiiError, toKiiError } from '../core/kii-error';
import { TeamSession } from '../core/team/team-session';
import { LoadError } from '../shared/load-error';
import { teamRoleLabel } from '../core/team/team-role-label';
import { isTeamAdmin } from '../core/team/team-types';

/** Team mode: the connected apps the person holds a role on; choosing one opens it. */
@Component({
  selector: 'kpc-choose-app-page',
  imports: [MatButtonModule, MatCardModule, MatIconModule, MatListModule, LoadError, RouterLink],
  template: `
    <h1 i18n="Heading of the app choice page@@kpc.team.chooseApp.heading">Choose an app</h1>
    <p class="kpc-lead" i18n="Introduction on the app choice page@@kpc.team.chooseApp.lead">
      You hold a role on these connected Kii apps. What you can do depends on your role there.
    </p>
    @if (error(); as failure) {
      <kpc-load-error [error]="failure" (retry)="load()"
        ><ng-container i18n="Lead of a failed app list@@kpc.team.chooseApp.loadError"
          >The apps could not be loaded:</ng-container
        ></kpc-load-error
      >
    }
    @if (apps(); as list) {
      @if (list.length === 0) {
        <p role="status" i18n="Shown when the person holds no role@@kpc.team.chooseApp.none">
          You hold no role on any connected app yet. Ask a team admin to give you one.
        </p>
        @if (teamAdmin()) {
          <p>
            <a
              matButton="filled"
              routerLink="/apps"
              i18n="Link for a team admin when no app is connected@@kpc.apps.chooseAppConnect"
              >Connect an app on the Apps page</a
            >
          </p>
        }
      } @else {
        <mat-card appearance="outlined" class="kpc-card">
          <mat-nav-list
            i18n-aria-label="Accessible name of the app list@@kpc.team.chooseApp.listLabel"
            aria-label="Connected apps"
          >
            @for (app of list; track app.appId) {
              <a
                mat-list-item
                href=""
                (click)="$event.preventDefault(); choose(app.appId)"
                [activated]="app.appId === chosen()"
              >
                <mat-icon matListItemIcon aria-hidden="true">apps</mat-icon>
                <span matListItemTitle>{{ app.label || app.appId }}</span>
                <span matListItemLine
                  >{{ app.appId }} · {{ roleLabel(app.role) }} · {{ app.baseUrl }}</span
                >
              </a>
            }
          </mat-nav-list>
        </mat-card>
      }
    }
  `,
  styles: `
    @use '../shared/page-layout';
    .kpc-card {
      max-width: 640px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class ChooseAppPage {
  private readonly team = inject(TeamSession);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly apps = this.team.apps;
  protected readonly chosen = this.team.appId;
  protected readonly error = signal<KiiError | null>(null);
  protected readonly roleLabel = teamRoleLabel;
  /** An admin of every app can connect the first app (the Apps page, apps-routes.ts). */
  protected readonly teamAdmin = computed(() => isTeamAdmin(this.team.roles()));

  constructor() {
    this.load();
  }

  protected load(): void {
    this.error.set(null);
    this.team
      .loadApps$()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (apps) => {
          // Exactly one app: nothing to choose (loadApps$ chose it).
          if (apps.length === 1) this.open();
        },
        error: (raw: unknown) => this.error.set(toKiiError(raw)),
      });
  }

  protected choose(appId: string): void {
    this.team.chooseApp(appId);
    this.open();
  }

  private open(): void {
    void this.router.navigateByUrl('/installations');
  }
}
