import { DecimalPipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router } from '@angular/router';
import { MatDialog } from '@angular/material/dialog';
import { filter, switchMap } from 'rxjs';

import { siteLabel } from '../core/kii-site';
import { SessionStore } from '../core/session';
import { ConsoleMode } from '../core/team/console-mode';
import { TeamAccess } from '../core/team/team-access';
import { BulkPurpose } from './bulk-dialog';
import { Installation } from '../core/kii/installation';
import { InstallationDialogs } from './installation-dialogs';
import { InstallationTable } from './installation-table';
import { InstallationsStore } from './installations-store';
import { LookupForm } from './lookup-form';
import { openRegistryImport$ } from './registry-import-dialog';
import { LoadError } from '../shared/load-error';

/**
 * The Installations page: every installation (local server) or those known here (Kii
 * Cloud), look-up, install, uninstall one or many.
 */
@Component({
  selector: 'kpc-installations-page',
  imports: [
    LoadError,
    DecimalPipe,
    MatButtonModule,
    MatCardModule,
    MatIconModule,
    MatProgressBarModule,
    InstallationTable,
    LookupForm,
  ],
  providers: [InstallationsStore],
  templateUrl: './installations-page.html',
  styleUrl: './installations-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class InstallationsPage {
  protected readonly store = inject(InstallationsStore);
  private readonly dialogs = inject(InstallationDialogs);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);
  private readonly table = viewChild(InstallationTable);
  private readonly session = inject(SessionStore).session;
  /** What the person's role allows (everything in browser-only mode). */
  protected readonly access = inject(TeamAccess);
  protected readonly team = inject(ConsoleMode).team;

  private readonly dialog = inject(MatDialog);
  /** Team mode: an operator imports a CSV into the team's shared registry. */
  protected readonly canImportToRegistry = computed(
    () => this.team() && this.access.can('installations.import'),
  );

  protected readonly selection = signal<ReadonlySet<string>>(new Set());
  protected readonly appId = computed(() => this.session()?.appId ?? '');
  protected readonly site = computed(() => {
    const session = this.session();
    return session ? siteLabel(session.site) : '';
  });
  protected readonly isAdmin = computed(() => this.session()?.principal.kind === 'admin');
  protected readonly busyIds = computed(() => {
    const ids = new Set<string>();
    for (const key of this.store.pending()) {
      if (key.startsWith('uninstall:')) ids.add(key.slice('uninstall:'.length));
    }
    return ids;
  });
  protected readonly loadPercent = computed(() => {
    const loading = this.store.loading();
    return loading?.total ? Math.round((loading.loaded / loading.total) * 100) : 0;
  });
  protected readonly caption = computed(() =>
    this.store.mode() === 'server'
      ? $localize`:Accessible name of the table in server mode@@kpc.installations.captionServer:All installations of the app`
      : $localize`:Accessible name of the table in known mode@@kpc.installations.captionKnown:Installations known in this browser`,
  );
  protected readonly emptyText = computed(() =>
    this.store.mode() === 'server'
      ? $localize`:Shown when the app has no installations@@kpc.installations.emptyServer:This app has no installations yet.`
      : $localize`:Shown when no installation is known here@@kpc.installations.emptyKnown:No installation is known here yet. Install one, look one up or import a list.`,
  );

  constructor() {
    // Selected rows that left the table (uninstalled, reloaded away) are no longer selected.
    effect(() => {
      const rows = this.store.rows();
      const selected = untracked(this.selection);
      if (selected.size === 0) return;
      const present = new Set(rows.map((row) => row.installationID));
      const kept = [...selected].filter((id) => present.has(id));
      if (kept.length !== selected.size) this.selection.set(new Set(kept));
    });
  }

  protected lookup(text: string): void {
    this.store.lookup(text, (installation) => this.open(installation));
  }

  protected install(): void {
    const principal = this.session()?.principal;
    if (!principal) return;
    this.dialogs
      .install$({ principal, install$: (order) => this.store.install$(order) })
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((result) => {
        if (result.kind === 'installed' && result.open) this.open(result.installation);
      });
  }

  protected uninstall(installation: Installation): void {
    this.dialogs
      .confirmUninstall$(installation)
      .pipe(
        filter((by) => by !== null),
        switchMap((by) => this.store.uninstall$(installation, by)),
        takeUntilDestroyed(this.destroyRef),
      )
      // The row and its Uninstall button are gone: keep keyboard focus in the table's tools
      // instead of letting it fall back to the page body.
      .subscribe((uninstalled) => {
        if (uninstalled) this.table()?.focusFilter();
      });
  }

  protected bulk(purpose: BulkPurpose): void {
    const text = purpose === 'uninstall' ? [...this.selection()].join('\n') : '';
    this.dialogs
      .bulk$({ purpose, text })
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((result) => {
        if (result.kind === 'uninstalled') this.store.forget(result.installationIDs);
        if (result.kind === 'imported') this.store.adopt(result.installations);
      });
  }

  protected importToRegistry(): void {
    openRegistryImport$(this.dialog, { appId: this.appId() })
      .pipe(filter(Boolean), takeUntilDestroyed(this.destroyRef))
      .subscribe(() => this.store.reload());
  }

  private open(installation: Installation): void {
    void this.router.navigate(['/installations', installation.installationID]);
  }
}
