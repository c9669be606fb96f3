import { Injectable, computed, inject, signal } from '@angular/core';

import { SESSION_STORAGE, readJson, writeJson } from '../core/browser';
import { SessionStore } from '../core/session';

/** sessionStorage key of the recent sends: they live as long as the browser tab. */
export const RECENT_SENDS_STORAGE_KEY = 'kpc-recent-sends';

/** How many sends are kept; older ones drop off. */
export const RECENT_SENDS_LIMIT = 50;

/** One push the console sent. */
export interface RecentSend {
  readonly pushMessageID: string;
  readonly appId: string;
  /** "app topic news", "user alice (direct push)". */
  readonly target: string;
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
    readJson(this.storage, RECENT_SENDS_STORAGE_KEY, isRecentSends) ?? [],
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

function isRecentSends(value: unknown): value is RecentSend[] {
  return (
    Array.isArray(value) &&
    value.every(
      (send: Partial<RecentSend> | null) =>
        typeof send === 'object' &&
        send !== null &&
        typeof send.pushMessageID === 'string' &&
        typeof send.appId === 'string' &&
        typeof send.target === 'string' &&
        typeof send.path === 'string' &&
        typeof send.sentAt === 'number' &&
        typeof send.bytes === 'number' &&
        typeof send.development === 'boolean' &&
        typeof send.production === 'boolean' &&
        Array.isArray(send.keys),
    )
  );
}
