import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { finalize } from 'rxjs';

import { LiveMessage } from '../feed/live-message';
import { DEFAULT_MONITOR_SETTINGS, Monitor, StartMonitorRequest } from '../monitors/monitor';
import { MonitorStore } from '../monitors/monitor-store';
import { TopicRef, topicLabel } from '../../core/kii/topic-scope';
import { ConsoleMode } from '../../core/team/console-mode';

/** What the Compose page last sent to (its `PushTarget`, structurally). */
export type ComposeTarget =
  | { readonly kind: 'topic'; readonly topic: TopicRef }
  | { readonly kind: 'user'; readonly user: { readonly id: string; readonly name: string } };

/** The Compose page's newest send (its `RecentSend`, the fields used here). */
export interface ComposeSend {
  readonly pushMessageID: string;
  /** Epoch ms. */
  readonly sentAt: number;
  /** The data keys MQTT receivers get. */
  readonly keys: readonly string[];
}

/** Messages older than this before the send are not looked at. */
const CLOCK_SLACK_MS = 2000;
/** Newest messages looked at per monitor. */
const MAX_SCAN = 5000;

/**
 * "Watch it arrive" beside the Compose page's recent sends (its COMPOSE_MONITOR_PANEL slot):
 * the running monitors, whether the newest send reached one of them, and one click to start
 * a monitor that would see the target (All traffic, or a Topics monitor for a topic).
 */
@Component({
  selector: 'kpc-compose-monitor-panel',
  imports: [DatePipe, DecimalPipe, MatButtonModule, MatIconModule, RouterLink],
  templateUrl: './compose-monitor-panel.html',
  styleUrl: './compose-monitor-panel.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { role: 'region', 'aria-labelledby': 'kpc-compose-monitors-title' },
})
export class ComposeMonitorPanel {
  private readonly store = inject(MonitorStore);
  private readonly mode = inject(ConsoleMode);

  readonly target = input<ComposeTarget | null>(null);
  readonly latest = input<ComposeSend | null>(null);

  protected readonly running = computed(() => this.store.monitors().filter((m) => m.running()));
  protected readonly tapAvailable = this.store.tapAvailable;
  protected readonly tapRunning = computed(() => this.running().some((m) => m.kind === 'tap'));
  /**
   * The pushed topic, when a Topics monitor could watch it. In team mode only app topics: the
   * console server subscribes its monitor thing to nothing else (400 MONITOR_SCOPE_UNSUPPORTED,
   * console-server/routes/monitor-routes.ts), so offering a user or thing topic would only fail.
   */
  protected readonly topic = computed(() => {
    const target = this.target();
    if (target?.kind !== 'topic') return null;
    return this.mode.team() && target.topic.scope.kind !== 'app' ? null : target.topic;
  });
  protected readonly topicLabel = computed(() => {
    const topic = this.topic();
    return topic ? topicLabel(topic) : '';
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  // Once seen, a send stays seen (it may leave a monitor's buffer later).
  private found: { readonly id: string; readonly monitor: string; readonly at: number } | null =
    null;

  /** Where the newest send arrived, if a running monitor received it. */
  protected readonly arrival = computed(() => {
    const send = this.latest();
    if (!send) return null;
    if (this.found?.id === send.pushMessageID) return this.found;
    for (const monitor of this.running()) {
      const message = findSend(monitor.feed.rows(), send);
      if (message) {
        this.found = { id: send.pushMessageID, monitor: monitor.label, at: message.receivedAt };
        return this.found;
      }
    }
    return null;
  });

  protected watchAllTraffic(): void {
    this.start({ kind: 'tap', settings: DEFAULT_MONITOR_SETTINGS });
  }

  protected watchTopic(topic: TopicRef): void {
    this.start({ kind: 'topics', topics: [topic], settings: DEFAULT_MONITOR_SETTINGS });
  }

  protected counters(monitor: Monitor) {
    return monitor.feed.counters();
  }

  private start(request: StartMonitorRequest): void {
    this.busy.set(true);
    this.error.set(null);
    // Shown here, beside the buttons, rather than in a snackbar over the Compose page.
    this.store
      .start$(request, { report: false })
      .pipe(finalize(() => this.busy.set(false)))
      .subscribe((result) => {
        if (!result.ok) this.error.set(result.error.message);
      });
  }
}

/**
 * The newest message that is this send: by push message ID on the tap, else the first one
 * received after it was sent that carries all its data keys.
 */
export function findSend(rows: readonly LiveMessage[], send: ComposeSend): LiveMessage | null {
  const quotedKeys = send.keys.map((key) => JSON.stringify(key));
  const last = Math.max(0, rows.length - MAX_SCAN);
  for (let i = rows.length - 1; i >= last; i--) {
    const message = rows[i];
    if (message.receivedAt < send.sentAt - CLOCK_SLACK_MS) break;
    // A substring test first: parsing every message of a busy stream on each frame would not do.
    const text = message.text;
    if (
      message.wrapped
        ? !text.includes(send.pushMessageID)
        : !quotedKeys.every((key) => text.includes(key))
    )
      continue;
    const { push, routing } = message.parse();
    if (routing) {
      if (routing['pushMessageID'] === send.pushMessageID) return message;
    } else if (push && send.keys.every((key) => key in push)) {
      return message;
    }
  }
  return null;
}
