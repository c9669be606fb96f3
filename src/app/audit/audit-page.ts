import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';

import { TeamSession } from '../core/team/team-session';
import { ALL_APPS } from '../core/team/team-types';
import { LoadError } from '../shared/load-error';
import { AuditFilterForm } from './audit-filter-form';
import { AuditStore } from './audit-store';
import { AuditTable } from './audit-table';

/**
 * The Audit page (team mode): the console server's append-only trail of who did what, when,
 * on which app and with what outcome. Filters, keyset paging towards older entries, and the
 * server's CSV export of everything the filters match.
 */
@Component({
  selector: 'kpc-audit-page',
  imports: [
    AuditFilterForm,
    AuditTable,
    LoadError,
    MatButtonModule,
    MatCardModule,
    MatIconModule,
    MatProgressBarModule,
  ],
  providers: [AuditStore],
  templateUrl: './audit-page.html',
  styleUrl: './audit-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class AuditPage {
  protected readonly store = inject(AuditStore);
  private readonly roles = inject(TeamSession).roles;

  /**
   * What the server shows this person (console-server/routes/audit-routes.ts): an admin of
   * every app the whole trail, an admin of some apps also everyone's actions on those.
   */
  protected readonly scope = computed((): 'all' | 'administered' | 'own' => {
    const admin = this.roles().filter((grant) => grant.role === 'admin');
    if (admin.some((grant) => grant.appId === ALL_APPS)) return 'all';
    return admin.length ? 'administered' : 'own';
  });

  protected readonly caption = $localize`:Accessible name of the audit table@@kpc.audit.caption:Audit entries, newest first`;
  protected readonly emptyText = computed(() =>
    this.store.loading()
      ? ''
      : $localize`:Shown when no audit entry matches@@kpc.audit.empty:No entry matches these filters.`,
  );

  constructor() {
    this.store.apply(this.store.filters());
  }
}
