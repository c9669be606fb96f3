import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDividerModule } from '@angular/material/divider';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';
import { Router, RouterLink } from '@angular/router';
import { Observable } from 'rxjs';

import { toKiiError } from '../core/kii-error';
import { Notifier } from '../core/notifier';
import { teamRoleLabel } from '../core/team/team-role-label';
import { TeamSession } from '../core/team/team-session';

/**
 * Team mode's toolbar slot: the signed-in person, their role on the chosen app, and a menu to
 * choose another app, sign out, or sign out on every device.
 */
@Component({
  selector: 'kpc-team-status',
  imports: [MatButtonModule, MatDividerModule, MatIconModule, MatMenuModule, RouterLink],
  template: `
    @if (person(); as person) {
      <button matButton type="button" class="kpc-status" [matMenuTriggerFor]="menu">
        <mat-icon aria-hidden="true">account_circle</mat-icon>
        <span
          class="kpc-visually-hidden"
          i18n="Hidden prefix before the signed-in person in the toolbar@@kpc.team.status.prefix"
          >Signed in as</span
        >
        <span class="kpc-status-text"
          >{{ person.displayName || person.login }}
          @if (appId(); as appId) {
            · {{ roleLabel() }} · {{ appId }}
          }
        </span>
      </button>
      <mat-menu #menu="matMenu">
        <a mat-menu-item routerLink="/choose-app">
          <mat-icon aria-hidden="true">apps</mat-icon>
          <span i18n="Menu item that opens the app choice@@kpc.team.status.chooseApp"
            >Choose another app</span
          >
        </a>
        <mat-divider />
        <button mat-menu-item type="button" (click)="signOut()">
          <mat-icon aria-hidden="true">logout</mat-icon>
          <span i18n="Menu item that signs out of this browser@@kpc.team.status.signOut"
            >Sign out</span
          >
        </button>
        <button mat-menu-item type="button" (click)="signOutEverywhere()">
          <mat-icon aria-hidden="true">devices_off</mat-icon>
          <span
            i18n="
              Menu item that ends every session of the person@@kpc.team.status.signOutEverywhere"
            >Sign out everywhere</span
          >
        </button>
      </mat-menu>
    } @else {
      <a matButton routerLink="/sign-in" class="kpc-status">
        <mat-icon aria-hidden="true">login</mat-icon>
        <span
          class="kpc-status-text"
          i18n="Toolbar link to the team sign-in@@kpc.team.status.signIn"
          >Sign in</span
        >
      </a>
    }
  `,
  styles: `
    @use 'status-text';
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TeamStatus {
  private readonly team = inject(TeamSession);
  private readonly router = inject(Router);
  private readonly notifier = inject(Notifier);

  protected readonly person = this.team.person;
  protected readonly appId = this.team.appId;
  protected readonly roleLabel = computed(() => teamRoleLabel(this.team.role()));

  protected signOut(): void {
    this.end(
      this.team.signOut$(),
      $localize`:Action named in an error@@kpc.team.status.signOutAction:Signing out`,
    );
  }

  protected signOutEverywhere(): void {
    this.end(
      this.team.signOutEverywhere$(),
      $localize`:Action named in an error@@kpc.team.status.signOutEverywhereAction:Signing out everywhere`,
    );
  }

  private end(call$: Observable<void>, action: string): void {
    call$.subscribe({
      complete: () => void this.router.navigateByUrl('/sign-in'),
      error: (raw: unknown) => this.notifier.failed(action, toKiiError(raw)),
    });
  }
}
