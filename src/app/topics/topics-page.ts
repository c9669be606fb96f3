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
import { RouterLink } from '@angular/router';
import { filter } from 'rxjs';

import { SessionStore } from '../core/session';
import { TeamAccess } from '../core/team/team-access';
import { CreateTopicForm } from './create-topic-form';
import { TopicDialogs } from './delete-topic-dialog';
import { SubscriptionPanel, SubscriptionRequest } from './subscription-panel';
import { ScopePicker } from './scope-picker';
import { TopicTable } from './topic-table';
import { sameScope } from '../core/kii/topic-scope';
import { ScopeRequest, TopicsStore } from './topics-store';
import { LoadError } from '../shared/load-error';

/**
 * The Topics page: pick a scope (the app, a user or a thing), list its topics, create and
 * delete them, and check or change who subscribes to one.
 */
@Component({
  selector: 'kpc-topics-page',
  imports: [
    LoadError,
    RouterLink,
    MatButtonModule,
    MatCardModule,
    CreateTopicForm,
    ScopePicker,
    SubscriptionPanel,
    TopicTable,
  ],
  providers: [TopicsStore],
  templateUrl: './topics-page.html',
  styleUrl: './topics-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class TopicsPage {
  protected readonly store = inject(TopicsStore);
  private readonly dialogs = inject(TopicDialogs);
  private readonly destroyRef = inject(DestroyRef);
  private readonly sessions = inject(SessionStore);
  /** What the person's role allows (everything in browser-only mode). */
  protected readonly access = inject(TeamAccess);

  /** Topics are the app admin's: other sessions get an explanation instead. */
  protected readonly isAdmin = computed(() => this.sessions.session()?.principal.kind === 'admin');
  protected readonly chosen = signal<string | null>(null);
  /** The topic whose subscriptions are shown; gone once it leaves the list. */
  protected readonly selected = computed(() => {
    const name = this.chosen();
    return name !== null && this.store.names().includes(name) ? name : null;
  });
  /** The store's last subscription answer, when it is about the selected topic. */
  protected readonly status = computed(() => {
    const status = this.store.subscription();
    const scope = this.store.scope();
    const current =
      status &&
      scope &&
      status.topic.name === this.selected() &&
      sameScope(status.topic.scope, scope);
    return current ? status : null;
  });
  protected readonly tableCaption = computed(() => {
    const label = this.store.scopeLabel();
    return label
      ? $localize`:Accessible name of the topic table; SCOPE is "App scope" or "User alice"@@kpc.topics.tableCaption:Topics of ${label}:SCOPE:`
      : '';
  });

  constructor() {
    if (this.isAdmin()) this.store.open({ kind: 'app' });
  }

  protected open(request: ScopeRequest): void {
    this.chosen.set(null);
    this.store.open(request);
  }

  protected remove(topic: string): void {
    this.dialogs
      .confirmDelete$({ topic, scopeLabel: this.store.scopeLabel() })
      .pipe(filter(Boolean), takeUntilDestroyed(this.destroyRef))
      .subscribe(() => this.store.remove(topic));
  }

  protected changeSubscription(topic: string, request: SubscriptionRequest): void {
    this.store.changeSubscription(request.action, topic, request.who);
  }
}
