import { Injectable, computed, inject, signal } from '@angular/core';

import { SESSION_STORAGE, readJson, writeJson } from '../core/browser';
import { SessionStore } from '../core/session';
import { PushTarget, targetLabel } from './push-target';

/** sessionStorage key of the recent sends: they live as long as the browser tab. */
export const RECENT_SENDS_STORAGE_KEY = 'kpc-recent-sends';

/** How many sends are kept; older ones drop off. */
export const RECENT_SENDS_LIMIT = 50;

/**
 * Where a send went: the confirmed target as data, put into words when shown, so a send made
 * in English reads in Japanese after switching. `saved` is the text an older console stored
 * in its own language; it is shown as it was.
 */
export type SentTo = PushTarget | { readonly kind: 'saved'; readonly label: string };

/** One push the console sent. */
export interface RecentSend {
  readonly pushMessageID: string;
  readonly appId: string;
  readonly target: SentTo;
  /** The target for machines: the messages path below `/apps/{appID}`. */
  readonly path: string;
  readonly sentAt: number;
  /** Size of the MQTT payload as sent. */
  readonly bytes: number;
  readonly development: boolean;
  readonly production: boolean;
  /** The keys of the data MQTT receivers get, to match the send in a monitor. */
  readonly keys: readonly string[];
}

/**
 * The pushes sent from this tab, newest first, with their pushMessageIDs; kept in
 * sessionStorage so a reload keeps them. Shows the signed-in app's sends only.
 */
@Injectable({ providedIn: 'root' })
export class RecentSends {
  private readonly storage = inject(SESSION_STORAGE);
  private readonly sessions = inject(SessionStore);
  private readonly all = signal<readonly RecentSend[]>(
    (readJson(this.storage, RECENT_SENDS_STORAGE_KEY, isStoredSends) ?? []).map(migrate),
  );

  /** The signed-in app's sends, newest first. */
  readonly entries = computed(() => {
    const appId = this.sessions.session()?.appId;
    return this.all().filter((send) => send.appId === appId);
  });
  /** The newest send of the signed-in app, or null. */
  readonly latest = computed(() => this.entries()[0] ?? null);

  add(send: RecentSend): void {
    this.all.update((sends) => [send, ...sends].slice(0, RECENT_SENDS_LIMIT));
    writeJson(this.storage, RECENT_SENDS_STORAGE_KEY, this.all());
  }

  /** Forgets the signed-in app's sends. */
  clear(): void {
    const appId = this.sessions.session()?.appId;
    this.all.update((sends) => sends.filter((send) => send.appId !== appId));
    writeJson(this.storage, RECENT_SENDS_STORAGE_KEY, this.all());
  }
}

/** "app topic news", "topic inbox of user alice": in the language of the console showing it. */
export function sentToLabel(target: SentTo): string {
  return target.kind === 'saved' ? target.label : targetLabel(target);
}

/** A send as stored: this console's shape, or an older one's with the target as text. */
type StoredSend = Omit<RecentSend, 'target'> & { readonly target: SentTo | string };

function migrate(send: StoredSend): RecentSend {
  return typeof send.target === 'string'
    ? { ...send, target: { kind: 'saved', label: send.target } }
    : { ...send, target: send.target };
}

function isStoredSends(value: unknown): value is StoredSend[] {
  return (
    Array.isArray(value) &&
    value.every(
      (send: Partial<Record<keyof RecentSend, unknown>> | null) =>
        typeof send === 'object' &&
        send !== null &&
        typeof send.pushMessageID === 'string' &&
        typeof send.appId === 'string' &&
        (typeof send.target === 'string' || isSentTo(send.target)) &&
        typeof send.path === 'string' &&
        typeof send.sentAt === 'number' &&
        typeof send.bytes === 'number' &&
        typeof send.development === 'boolean' &&
        typeof send.production === 'boolean' &&
        Array.isArray(send.keys),
    )
  );
}

function isSentTo(value: unknown): value is SentTo {
  if (typeof value !== 'object' || value === null) return false;
  const target = value as Record<string, unknown>;
  switch (target['kind']) {
    case 'saved':
      return typeof target['label'] === 'string';
    case 'user':
      return isPrincipal(target['user'], 'user');
    case 'topic': {
      const topic = target['topic'] as Record<string, unknown> | null;
      if (typeof topic !== 'object' || topic === null || typeof topic['name'] !== 'string') {
        return false;
      }
      const scope = topic['scope'] as Record<string, unknown> | null;
      if (typeof scope !== 'object' || scope === null) return false;
      if (scope['kind'] === 'app') return true;
      return (
        (scope['kind'] === 'user' || scope['kind'] === 'thing') &&
        isPrincipal(scope['owner'], scope['kind'])
      );
    }
    default:
      return false;
  }
}

function isPrincipal(value: unknown, kind: 'user' | 'thing'): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const principal = value as Record<string, unknown>;
  return (
    principal['kind'] === kind &&
    typeof principal['id'] === 'string' &&
    typeof principal['name'] === 'string'
  );
}
