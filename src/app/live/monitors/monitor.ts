import { Signal, computed, signal } from '@angular/core';
import { Observable, of } from 'rxjs';

import { DEFAULT_BUFFER_CAPACITY } from '../feed/message-buffer';
import { MonitorFeed } from '../feed/monitor-feed';
import { LinkState, MonitorLink } from '../connection/monitor-link';
import { TopicRef } from '../../core/kii/topic-scope';

/** The three ways to watch traffic. */
export type MonitorKind = 'installation' | 'topics' | 'tap';

/** What the operator may choose per monitor. */
export interface MonitorSettings {
  /** MQTT keep-alive in seconds. */
  readonly keepAliveSeconds: number;
  /** Messages the buffer keeps. */
  readonly capacity: number;
}

export const DEFAULT_MONITOR_SETTINGS: MonitorSettings = {
  keepAliveSeconds: 60,
  capacity: DEFAULT_BUFFER_CAPACITY,
};

export const MIN_KEEP_ALIVE_SECONDS = 5;
export const MAX_KEEP_ALIVE_SECONDS = 3600;

/** A monitor to start, as the start dialog (or the Compose page's panel) asks for it. */
export type StartMonitorRequest =
  | {
      readonly kind: 'installation';
      readonly installationID: string;
      readonly settings: MonitorSettings;
    }
  | {
      readonly kind: 'topics';
      readonly topics: readonly TopicRef[];
      readonly settings: MonitorSettings;
    }
  | { readonly kind: 'tap'; readonly settings: MonitorSettings };

/** Work a monitor does around its connection (a Topics monitor's subscriptions). */
export interface MonitorHooks {
  /** Before (re)connecting. */
  readonly beforeStart$?: () => Observable<void>;
  /** After stopping for good. */
  readonly afterStop$?: () => Observable<void>;
}

/** Everything fixed about a monitor when it is created. */
export interface MonitorInit {
  readonly id: string;
  readonly kind: MonitorKind;
  /** Short name for cards, the stream's monitor column and exports. */
  readonly label: string;
  readonly settings: MonitorSettings;
  readonly installationID?: string;
  readonly topics?: readonly TopicRef[];
  readonly hooks?: MonitorHooks;
}

/**
 * One running (or stopped) monitor: its connection (`link`) and what it received (`feed`).
 * Stopping keeps the buffer, so nothing seen is lost until the monitor is removed.
 */
export class Monitor {
  readonly id: string;
  readonly kind: MonitorKind;
  readonly label: string;
  readonly settings: MonitorSettings;
  /** For "as installation" monitors. */
  readonly installationID: string | null;
  /** For Topics monitors: the topics subscribed. */
  readonly topics: readonly TopicRef[];
  readonly hooks: MonitorHooks;

  private readonly notesSignal = signal<readonly string[]>([]);
  /** Things the operator should know that did not stop the monitor (a topic refused). */
  readonly notes: Signal<readonly string[]> = this.notesSignal.asReadonly();
  readonly state: Signal<LinkState>;
  /** True until stopped or failed. */
  readonly running: Signal<boolean>;

  constructor(
    init: MonitorInit,
    readonly feed: MonitorFeed,
    readonly link: MonitorLink,
  ) {
    this.id = init.id;
    this.kind = init.kind;
    this.label = init.label;
    this.settings = init.settings;
    this.installationID = init.installationID ?? null;
    this.topics = init.topics ?? [];
    this.hooks = init.hooks ?? {};
    this.state = link.state;
    this.running = computed(() => !['stopped', 'failed'].includes(link.state()));
  }

  /** Adds a note for the operator. */
  note(text: string): void {
    this.notesSignal.update((notes) => [...notes, text]);
  }

  beforeStart$(): Observable<void> {
    return this.hooks.beforeStart$?.() ?? of(undefined);
  }

  afterStop$(): Observable<void> {
    return this.hooks.afterStop$?.() ?? of(undefined);
  }
}
