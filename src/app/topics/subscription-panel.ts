import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';

import { PrincipalRef } from '../core/principal-lookup';
import { PrincipalFields, principalRefForm, principalRefOf } from '../shared/principal-fields';
import { TopicScope, subscriberLabel } from '../core/kii/topic-scope';
import { SubscriptionAction, SubscriptionStatus } from './topics-store';

/** What the operator asked for: check, subscribe or unsubscribe someone. */
export interface SubscriptionRequest {
  readonly action: SubscriptionAction;
  readonly who: PrincipalRef;
}

/** Subscriptions of one topic: name a user or thing, then check, subscribe or unsubscribe. */
@Component({
  selector: 'kpc-subscription-panel',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatIconModule,
    MatProgressBarModule,
    PrincipalFields,
  ],
  template: `
    @if (scope().kind !== 'app') {
      <p
        class="kpc-note"
        i18n="Note on the subscription panel of a user or thing topic@@kpc.topics.ownerOnly"
      >
        Only the owner of this scope can subscribe to its topics.
      </p>
    }
    <mat-button-toggle-group
      [value]="kind()"
      (change)="kind.set($event.value)"
      i18n-aria-label="Accessible name of the subscriber kind choice@@kpc.topics.subscriberKind"
      aria-label="Subscriber"
    >
      <mat-button-toggle
        value="user"
        i18n="Choice: the subscriber is a user@@kpc.topics.subscriberKindUser"
        >User</mat-button-toggle
      >
      <mat-button-toggle
        value="thing"
        i18n="Choice: the subscriber is a thing@@kpc.topics.subscriberKindThing"
        >Thing</mat-button-toggle
      >
    </mat-button-toggle-group>
    <kpc-principal-fields [kind]="kind()" [group]="who" />
    <div class="kpc-buttons">
      <button matButton="outlined" type="button" [disabled]="busy()" (click)="act('check')">
        <ng-container i18n="Button that checks a subscription@@kpc.topics.check"
          >Check</ng-container
        >
      </button>
      @if (canChange()) {
        <button matButton="filled" type="button" [disabled]="busy()" (click)="act('subscribe')">
          <ng-container i18n="Button that subscribes to the topic@@kpc.topics.subscribe"
            >Subscribe</ng-container
          >
        </button>
        <button matButton="outlined" type="button" [disabled]="busy()" (click)="act('unsubscribe')">
          <ng-container i18n="Button that unsubscribes from the topic@@kpc.topics.unsubscribe"
            >Unsubscribe</ng-container
          >
        </button>
      }
    </div>
    @if (busy()) {
      <mat-progress-bar
        mode="indeterminate"
        i18n-aria-label="
          Accessible name of the progress bar of a subscription action@@kpc.topics.subscriptionBusy"
        aria-label="Working on the subscription"
      />
    }
    <div class="kpc-status">
      @if (status(); as status) {
        <mat-icon aria-hidden="true">{{
          status.subscribed ? 'notifications_active' : 'notifications_off'
        }}</mat-icon>
      }
      <!-- The icon stays outside the live region: it would be read as its ligature name. -->
      <p role="status">{{ statusText() }}</p>
    </div>
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      align-items: flex-start;
      gap: 16px;
    }
    kpc-principal-fields {
      align-self: stretch;
    }
    .kpc-buttons {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
    }
    .kpc-note {
      margin: 0;
      color: var(--mat-sys-on-surface-variant);
    }
    mat-progress-bar {
      align-self: stretch;
    }
    .kpc-status {
      display: flex;
      align-items: center;
      gap: 8px;
      min-height: 24px;
    }
    .kpc-status p {
      margin: 0;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SubscriptionPanel {
  readonly topic = input.required<string>();
  readonly scope = input.required<TopicScope>();
  /** The last answer about this topic, if any. */
  readonly status = input<SubscriptionStatus | null>(null);
  readonly busy = input(false);
  /** False leaves only Check (a team role that may only look). */
  readonly canChange = input(true);
  readonly request = output<SubscriptionRequest>();

  protected readonly kind = signal<'user' | 'thing'>('user');
  protected readonly who = principalRefForm(inject(NonNullableFormBuilder));

  constructor() {
    // A user's or thing's topics admit only their owner: name it, so one click is enough.
    effect(() => {
      const scope = this.scope();
      if (scope.kind === 'app') return;
      const { id, name } = scope.owner;
      untracked(() => {
        this.kind.set(scope.kind);
        this.who.setValue({ by: name === id ? 'id' : 'name', value: name });
      });
    });
  }

  protected readonly statusText = computed(() => {
    const status = this.status();
    if (!status) return '';
    const who = subscriberLabel(status.subscriber);
    const topic = status.topic.name;
    return status.subscribed
      ? $localize`:Result of a subscription check; WHO is "user alice" or "thing x"@@kpc.topics.isSubscribed:Yes: ${who}:WHO: subscribes to ${topic}:TOPIC:.`
      : $localize`:Result of a subscription check; WHO is "user alice" or "thing x"@@kpc.topics.isNotSubscribed:No: ${who}:WHO: does not subscribe to ${topic}:TOPIC:.`;
  });

  protected act(action: SubscriptionAction): void {
    if (this.who.invalid) {
      this.who.markAllAsTouched();
      return;
    }
    this.request.emit({ action, who: principalRefOf(this.kind(), this.who) });
  }
}
