import { Injectable, LOCALE_ID, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { EMPTY, Observable, Subject, exhaustMap, finalize, switchMap, tap } from 'rxjs';

import { SESSION_STORAGE, readJson, writeJson } from '../core/browser';
import { ActionRunner } from '../core/action-runner';
import { KiiError, makeKiiError } from '../core/kii-error';
import { Notifier } from '../core/notifier';
import { SessionStore } from '../core/session';
import { DEFAULT_DRAFT, PushDraft, checkDraft, sizeOf, tooLargeText } from './compose-draft';
import { MQTT_PAYLOAD_LIMIT, PayloadSender, PushMessageBody } from './push-message';
import { PushSender } from './push-sender';
import { PushTarget, messagesPath, payloadTarget, targetLabel } from './push-target';
import { RecentSend, RecentSends } from './recent-sends';

/** sessionStorage key of the draft: what the operator typed survives navigation and reloads. */
export const COMPOSE_DRAFT_STORAGE_KEY = 'kpc-compose-draft';

/** Where a send is: looking up the owner, or waiting for the server's answer. */
export type SendPhase = 'resolving' | 'sending';

// Compose sends as the app admin (direct pushes need it); the payload names the admin so.
const ADMIN_SENDER: PayloadSender = { kind: 'admin' };

/**
 * The Compose page's state, kept for the whole tab so that leaving the page loses neither
 * the draft nor a send under way: the draft (in sessionStorage), its check (problems and
 * MQTT payload size), and sending with progress. Sends are recorded in `RecentSends`. The
 * store shape of `core/action-runner.ts`: a send runs through its `ActionRunner`, which reports
 * a failure; the failure also stays in `error` for the page to show beside the form.
 */
@Injectable({ providedIn: 'root' })
export class ComposeStore {
  private readonly storage = inject(SESSION_STORAGE);
  private readonly sessions = inject(SessionStore);
  private readonly sender = inject(PushSender);
  private readonly recent = inject(RecentSends);
  private readonly notifier = inject(Notifier);
  private readonly locale = inject(LOCALE_ID);
  private readonly actions = new ActionRunner();

  private readonly draftState = signal<PushDraft>(
    readJson(this.storage, COMPOSE_DRAFT_STORAGE_KEY, isDraft) ?? DEFAULT_DRAFT,
  );
  private readonly phaseState = signal<SendPhase | null>(null);
  private readonly errorState = signal<KiiError | null>(null);
  private readonly attempted = signal(false);
  private readonly targetState = signal<PushTarget | null>(null);
  private readonly requests = new Subject<PushDraft>();

  readonly draft = this.draftState.asReadonly();
  /** The draft's problems, body and payload size, for the current session's app. */
  readonly check = computed(() =>
    checkDraft(
      this.draftState(),
      this.sessions.session()?.appId ?? '',
      ADMIN_SENDER,
      Date.now(),
      this.locale,
    ),
  );
  /** Problems are shown once a send was refused for them, and then until they are fixed. */
  readonly showProblems = this.attempted.asReadonly();
  readonly phase = this.phaseState.asReadonly();
  /** The last send's failure; cleared by the next send. */
  readonly error = this.errorState.asReadonly();
  /** The confirmed target of the last send attempt (for an "open a monitor" panel). */
  readonly lastTarget = this.targetState.asReadonly();

  constructor() {
    this.requests
      .pipe(
        // A second Send while one is under way is ignored, not queued.
        exhaustMap((draft) => this.deliver$(draft)),
        takeUntilDestroyed(),
      )
      .subscribe();
  }

  /** Replaces the draft (the page calls this on every edit). */
  update(draft: PushDraft): void {
    this.draftState.set(draft);
    writeJson(this.storage, COMPOSE_DRAFT_STORAGE_KEY, draft);
  }

  /** Starts over with the default draft. */
  reset(): void {
    this.attempted.set(false);
    this.errorState.set(null);
    this.update(DEFAULT_DRAFT);
  }

  /** Sends the current draft, unless it has problems: then they are shown and nothing is sent. */
  send(): void {
    const check = this.check();
    if (check.problems.length || !check.body) {
      this.attempted.set(true);
      return;
    }
    this.attempted.set(false);
    this.requests.next(this.draftState());
  }

  private deliver$(draft: PushDraft): Observable<unknown> {
    const session = this.sessions.session();
    const body = this.check().body;
    if (!session || !body) return EMPTY;
    this.errorState.set(null);
    this.phaseState.set('resolving');
    const work$ = this.sender.resolve$(draft.target).pipe(
      switchMap((target) => {
        this.targetState.set(target);
        // The estimate assumed an ID length; now the real one is known.
        const bytes = sizeOf(body, payloadTarget(target), session.appId, ADMIN_SENDER, Date.now());
        if (bytes > MQTT_PAYLOAD_LIMIT) throw tooLarge(bytes, this.locale);
        this.phaseState.set('sending');
        return this.sender
          .send$(target, body)
          .pipe(
            tap((pushMessageID) => this.record(session.appId, target, body, bytes, pushMessageID)),
          );
      }),
    );
    const label = $localize`:Action named in an error@@kpc.compose.actionSend:Sending the push`;
    return this.actions.run$(label, work$, { key: 'send' }).pipe(
      tap((result) => {
        if (!result.ok) this.errorState.set(result.error);
      }),
      finalize(() => this.phaseState.set(null)),
    );
  }

  private record(
    appId: string,
    target: PushTarget,
    body: PushMessageBody,
    bytes: number,
    pushMessageID: string,
  ): void {
    const send: RecentSend = {
      pushMessageID,
      appId,
      target,
      path: messagesPath(target),
      sentAt: Date.now(),
      bytes,
      development: body.sendToDevelopment,
      production: body.sendToProduction,
      keys: Object.keys(body.mqtt.data ?? body.data),
    };
    this.recent.add(send);
    this.notifier.done(
      $localize`:Confirmation after sending; TARGET is like "app topic news", ID the pushMessageID@@kpc.compose.sent:Sent to ${targetLabel(target)}:TARGET: (message ID ${pushMessageID}:ID:).`,
    );
  }
}

function tooLarge(bytes: number, locale: string): KiiError {
  return {
    ...makeKiiError('invalid', { detail: `${bytes} bytes` }),
    message: tooLargeText(bytes, locale),
  };
}

function isDraft(value: unknown): value is PushDraft {
  if (typeof value !== 'object' || value === null) return false;
  const draft = value as Partial<PushDraft>;
  return (
    typeof draft.target?.kind === 'string' &&
    typeof draft.target.topic === 'string' &&
    typeof draft.target.owner === 'string' &&
    Array.isArray(draft.data?.rows) &&
    typeof draft.data.json === 'string' &&
    Array.isArray(draft.mqttData?.rows) &&
    typeof draft.mqttData.enabled === 'boolean' &&
    typeof draft.development === 'boolean' &&
    typeof draft.production === 'boolean' &&
    typeof draft.flags === 'object' &&
    draft.flags !== null
  );
}
