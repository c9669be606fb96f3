import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';

import { noExpiryText } from '../core/expiry';
import { siteLabel } from '../core/kii-site';
import { principalKindLabel } from '../core/principal';
import { Session } from '../core/session';
import { principalIcon } from '../shared/principal-icon';

/** Who is signed in, to which app on which site, until when; with Sign out. */
@Component({
  selector: 'kpc-session-summary',
  imports: [DatePipe, MatButtonModule, MatCardModule, MatIconModule],
  template: `
    @let current = session();
    <mat-card appearance="outlined">
      <mat-card-header>
        <mat-icon mat-card-avatar aria-hidden="true">{{ icon() }}</mat-icon>
        <mat-card-title>
          <h2 i18n="Title of the signed-in summary card@@kpc.summary.title">Signed in</h2>
        </mat-card-title>
        <mat-card-subtitle>{{ kind() }} {{ current.principal.name }}</mat-card-subtitle>
      </mat-card-header>
      <mat-card-content>
        <dl>
          <dt i18n="Summary row: principal kind and ID@@kpc.summary.who">Who</dt>
          <dd>
            {{ kind() }} {{ current.principal.name }}
            @if (current.principal.id !== current.principal.name) {
              <span class="kpc-id">({{ current.principal.id }})</span>
            }
          </dd>
          <dt i18n="Summary row: Kii app ID@@kpc.summary.app">App ID</dt>
          <dd>{{ current.appId }}</dd>
          <dt i18n="Summary row: site and base URL@@kpc.summary.site">Site</dt>
          <dd>
            {{ site() }}
            <span class="kpc-id">{{ current.baseUrl }}</span>
          </dd>
          <dt i18n="Summary row: when the access token expires@@kpc.summary.expires">
            Token expires
          </dt>
          <dd>
            @if (current.expiresAt === null) {
              {{ noExpiry }}
            } @else {
              <time [attr.datetime]="current.expiresAt | date: 'yyyy-MM-ddTHH:mm:ssZZZZZ'">{{
                current.expiresAt | date: 'medium'
              }}</time>
            }
          </dd>
        </dl>
      </mat-card-content>
      <mat-card-actions align="end">
        <button matButton="outlined" type="button" (click)="signOut.emit()">
          <mat-icon aria-hidden="true">logout</mat-icon>
          <ng-container i18n="Button that ends the session@@kpc.summary.signOut"
            >Sign out</ng-container
          >
        </button>
      </mat-card-actions>
    </mat-card>
  `,
  styles: `
    h2 {
      margin: 0;
      font: inherit;
    }
    dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 8px 16px;
      margin: 8px 0 0;
    }
    dt {
      color: var(--mat-sys-on-surface-variant);
    }
    dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    .kpc-id {
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-small);
      margin-inline-start: 4px;
    }
    mat-icon[mat-card-avatar] {
      width: 40px;
      height: 40px;
      font-size: 40px;
      color: var(--mat-sys-primary);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SessionSummary {
  readonly session = input.required<Session>();
  readonly signOut = output();

  protected readonly kind = computed(() => principalKindLabel(this.session().principal.kind));
  protected readonly icon = computed(() => principalIcon(this.session().principal.kind));
  protected readonly site = computed(() => siteLabel(this.session().site));
  protected readonly noExpiry = noExpiryText();
}
