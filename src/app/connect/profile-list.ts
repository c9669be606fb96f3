import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';

import { siteLabel } from '../core/kii-site';
import { principalKindLabel } from '../core/principal';
import { SavedProfile } from '../core/profiles';
import { principalIcon } from '../shared/principal-icon';

/** The saved connection profiles, each to use (fill the form) or forget. */
@Component({
  selector: 'kpc-profile-list',
  imports: [MatButtonModule, MatCardModule, MatIconModule],
  template: `
    <mat-card appearance="outlined">
      <mat-card-header>
        <mat-card-title>
          <h2 i18n="Title of the saved profiles card@@kpc.profiles.title">Saved profiles</h2>
        </mat-card-title>
      </mat-card-header>
      <mat-card-content>
        @if (profiles().length === 0) {
          <p class="kpc-empty" i18n="Shown when no profile is saved yet@@kpc.profiles.empty">
            No saved profiles yet. Each successful sign-in saves one (app, site and login; the
            secret only if you ask).
          </p>
        } @else {
          <ul class="kpc-profiles">
            @for (profile of profiles(); track profile.key) {
              <li class="kpc-profile">
                <mat-icon aria-hidden="true">{{ icon(profile) }}</mat-icon>
                <div class="kpc-profile-text">
                  <span class="kpc-profile-title">{{ profile.appId }} · {{ site(profile) }}</span>
                  <span class="kpc-profile-line">
                    {{ kind(profile) }}: {{ profile.login }}
                    @if (profile.secret !== undefined) {
                      ·
                      <ng-container
                        i18n="Marks a profile whose secret is stored@@kpc.profiles.secretRemembered"
                        >secret remembered</ng-container
                      >
                    }
                  </span>
                </div>
                <div class="kpc-profile-actions">
                  <button
                    matButton
                    type="button"
                    (click)="use.emit(profile)"
                    i18n="Button that fills the sign-in form from a saved profile@@kpc.profiles.use"
                  >
                    Use
                  </button>
                  <button
                    matIconButton
                    type="button"
                    (click)="forget.emit(profile)"
                    [attr.aria-label]="forgetLabel(profile)"
                  >
                    <mat-icon aria-hidden="true">delete</mat-icon>
                  </button>
                </div>
              </li>
            }
          </ul>
        }
      </mat-card-content>
    </mat-card>
  `,
  styles: `
    h2 {
      margin: 0;
      font: inherit;
    }
    .kpc-empty {
      color: var(--mat-sys-on-surface-variant);
    }
    .kpc-profiles {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .kpc-profile {
      display: flex;
      align-items: center;
      gap: 12px;
      padding: 8px 0;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .kpc-profile:last-child {
      border-bottom: none;
    }
    .kpc-profile > mat-icon {
      color: var(--mat-sys-on-surface-variant);
      flex: none;
    }
    .kpc-profile-text {
      display: flex;
      flex-direction: column;
      flex: 1 1 auto;
      min-width: 0;
      overflow-wrap: anywhere;
    }
    .kpc-profile-title {
      font: var(--mat-sys-body-large);
    }
    .kpc-profile-line {
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-medium);
    }
    .kpc-profile-actions {
      display: flex;
      align-items: center;
      flex: none;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProfileList {
  readonly profiles = input.required<readonly SavedProfile[]>();
  /** The operator wants to sign in with this profile. */
  readonly use = output<SavedProfile>();
  /** The operator wants this profile (and its remembered secret) deleted. */
  readonly forget = output<SavedProfile>();

  protected site(profile: SavedProfile): string {
    return profile.site === 'custom' ? profile.baseUrl : siteLabel(profile.site);
  }

  protected kind(profile: SavedProfile): string {
    return principalKindLabel(profile.kind);
  }

  protected forgetLabel(profile: SavedProfile): string {
    return $localize`:Accessible name of the button that deletes a saved profile@@kpc.profiles.forget:Forget ${profile.appId}:appId: ${profile.login}:login:`;
  }

  protected icon(profile: SavedProfile): string {
    return principalIcon(profile.kind);
  }
}
