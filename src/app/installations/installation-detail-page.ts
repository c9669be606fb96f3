import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import { filter, switchMap } from 'rxjs';

import { CopyButton } from '../shared/copy-button';
import { principalIcon } from '../shared/principal-icon';
import { ConnectionHistoryStore } from './connection-history-store';
import { ConnectionSnippets } from './connection-snippets';
import { ConnectionTimeline } from './connection-timeline';
import { EndpointPanel } from './endpoint-panel';
import { environmentLabel, ownerLabel } from '../core/kii/installation';
import { ConsoleMode } from '../core/team/console-mode';
import { TeamAccess } from '../core/team/team-access';
import { InstallationDetailStore } from './installation-detail-store';
import { InstallationDialogs } from './installation-dialogs';
import { LoadError } from '../shared/load-error';

/** Where the live traffic page lives, once it exists. */
const LIVE_PATH = 'live';

/**
 * One installation: owner, IDs, the MQTT endpoint with its credentials, connection code for
 * MQTT.js and Paho, and Uninstall. Routed as `installations/:installationId`.
 */
@Component({
  selector: 'kpc-installation-detail-page',
  imports: [
    LoadError,
    DatePipe,
    RouterLink,
    MatButtonModule,
    MatCardModule,
    MatIconModule,
    MatProgressBarModule,
    ConnectionSnippets,
    ConnectionTimeline,
    CopyButton,
    EndpointPanel,
  ],
  providers: [InstallationDetailStore, ConnectionHistoryStore],
  templateUrl: './installation-detail-page.html',
  styleUrl: './installation-detail-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class InstallationDetailPage {
  protected readonly store = inject(InstallationDetailStore);
  protected readonly connections = inject(ConnectionHistoryStore);
  private readonly dialogs = inject(InstallationDialogs);
  /** What the person's role allows (everything in browser-only mode). */
  protected readonly access = inject(TeamAccess);
  protected readonly team = inject(ConsoleMode).team;
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);

  /** From the route. */
  readonly installationId = input.required<string>();

  protected readonly revealed = signal(false);
  /** The live traffic page may come later: until its route exists, no link to it. */
  protected readonly hasLivePage = this.router.config.some((route) => route.path === LIVE_PATH);
  protected readonly owner = computed(() => ownerLabel(this.store.installation()?.owner ?? null));
  protected readonly ownerIcon = computed(() =>
    principalIcon(this.store.installation()?.owner?.kind),
  );
  protected readonly environment = computed(() => {
    const installation = this.store.installation();
    return installation ? environmentLabel(installation.development) : '';
  });
  protected readonly copyId = $localize`:Accessible name of the copy button of the installation ID@@kpc.installations.copyId:Copy installation ID`;
  protected readonly copyRegistration = $localize`:Accessible name of the copy button of the registration ID@@kpc.installations.copyRegistration:Copy registration ID`;
  protected readonly copyOwnerId = $localize`:Accessible name of the copy button of the owner ID@@kpc.installations.copyOwnerId:Copy owner ID`;

  constructor() {
    effect(() => {
      const id = this.installationId();
      untracked(() => {
        this.revealed.set(false);
        this.store.open(id);
      });
    });
    // Its own effect: the trace's availability is known only after the local server answers.
    effect(() => {
      const id = this.installationId();
      if (this.connections.available()) untracked(() => this.connections.open(id));
    });
  }

  protected uninstall(): void {
    const installation = this.store.installation();
    if (!installation) return;
    this.dialogs
      .confirmUninstall$(installation)
      .pipe(
        filter((by) => by !== null),
        switchMap((by) => this.store.uninstall$(by)),
        filter(Boolean),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe(() => void this.router.navigate(['/installations']));
  }
}
