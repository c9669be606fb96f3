import { NgComponentOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';

import { SessionStore } from '../core/session';
import { TeamAccess } from '../core/team/team-access';
import { PushTopics } from '../core/kii/push-topics';
import { APP_SCOPE } from '../core/kii/topic-scope';
import { DEFAULT_DRAFT } from './compose-draft';
import { applyDraft, composeForm, draftOf } from './compose-form';
import { ComposeStore } from './compose-store';
import { DataEditor } from './data-editor';
import { COMPOSE_MONITOR_PANEL } from './monitor-panel';
import { PayloadMeter } from './payload-meter';
import { ownerKind } from './push-target';
import { RecentSends } from './recent-sends';
import { RecentSendsTable } from './recent-sends-table';
import { SendOptions } from './send-options';
import { TargetFields } from './target-fields';

/**
 * The Compose page: a test push to an app topic, a user's or thing's topic, or one user
 * directly; data as rows or JSON, MQTT-only data, environments and send* flags; the MQTT
 * payload's size against Kii's limit; Send with progress; the recent sends with their IDs.
 */
@Component({
  selector: 'kpc-compose-page',
  imports: [
    NgComponentOutlet,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatCardModule,
    MatCheckboxModule,
    MatProgressBarModule,
    DataEditor,
    PayloadMeter,
    RecentSendsTable,
    SendOptions,
    TargetFields,
  ],
  templateUrl: './compose-page.html',
  styleUrl: './compose-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class ComposePage {
  protected readonly store = inject(ComposeStore);
  protected readonly recent = inject(RecentSends);
  private readonly sessions = inject(SessionStore);
  /** What the person's role allows (everything in browser-only mode). */
  protected readonly access = inject(TeamAccess);
  private readonly fb = inject(NonNullableFormBuilder);

  /** Composing needs the app admin (direct pushes and app topics are the admin's). */
  protected readonly isAdmin = computed(() => this.sessions.session()?.principal.kind === 'admin');
  protected readonly form = composeForm(this.fb, this.store.draft());
  private readonly value = toSignal(this.form.valueChanges, { initialValue: this.form.value });
  protected readonly direct = computed(() => this.value().target?.kind === 'user');
  protected readonly mqttEnabled = computed(() => this.value().mqtt?.enabled === true);
  /** The size is an estimate while the owner is named by login name / vendor thing ID. */
  protected readonly estimated = computed(() => {
    const target = this.value().target;
    return !!target?.kind && ownerKind(target.kind) !== null && target.who?.by !== 'id';
  });
  protected readonly appTopics = signal<readonly string[]>([]);

  protected readonly monitorPanel = inject(COMPOSE_MONITOR_PANEL);
  protected readonly monitorInputs = computed(() => ({
    target: this.store.lastTarget(),
    latest: this.recent.latest(),
  }));

  constructor() {
    this.form.valueChanges
      .pipe(takeUntilDestroyed())
      .subscribe(() => this.store.update(draftOf(this.form)));
    // A team role below support gets no form, so no suggestions to ask for.
    if (this.isAdmin() && this.access.can('push.test')) {
      // Suggestions only: without them the topic is simply typed.
      inject(PushTopics)
        .list$(APP_SCOPE)
        .pipe(takeUntilDestroyed())
        .subscribe({ next: (page) => this.appTopics.set(page.names), error: () => undefined });
    }
  }

  protected send(): void {
    this.form.markAllAsTouched();
    this.store.send();
  }

  protected startOver(): void {
    this.store.reset();
    applyDraft(this.fb, this.form, DEFAULT_DRAFT);
  }
}
