import {
  ChangeDetectionStrategy,
  Component,
  LOCALE_ID,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
  viewChildren,
} from '@angular/core';
import { formatNumber } from '@angular/common';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router } from '@angular/router';
import { filter } from 'rxjs';

import { Notifier } from '../core/notifier';
import { TeamAccess } from '../core/team/team-access';
import { installBenchProbe } from './bench-probe';
import { FileSaver } from '../shared/file-saver';
import { LIVE_CLOCK } from './live-clock';
import { LiveMessage } from './feed/live-message';
import {
  EXPORT_MEDIA_TYPES,
  ExportFormat,
  exportFileName,
  toCsv,
  toNdjson,
} from './export/message-export';
import { MessageFilter } from './feed/message-filter';
import { MessageDetail } from './stream/message-detail';
import { MessageStream } from './stream/message-stream';
import { Monitor, StartMonitorRequest } from './monitors/monitor';
import { MonitorCard } from './monitors/monitor-card';
import { MonitorStore } from './monitors/monitor-store';
import { StartMonitorData, StartMonitorDialog } from './start-dialog/start-monitor-dialog';
import { StreamCommand, commandForKey } from './shortcuts/shortcut-keys';
import { ShortcutsDialog } from './shortcuts/shortcuts-dialog';
import { StreamAnnouncer } from './stream/stream-announcer';
import { mergeNewestFirst } from './stream/stream-rows';

/**
 * Live traffic: the running monitors with their counters and controls, and the stream of what
 * they received with the selected message's details. `?installation=<id>` (the Installations
 * page's "Watch live traffic") opens the takeover warning for that installation.
 */
@Component({
  selector: 'kpc-live-page',
  imports: [
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    MessageDetail,
    MessageStream,
    MonitorCard,
  ],
  templateUrl: './live-page.html',
  styleUrl: './live-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [StreamAnnouncer],
  host: { '(document:keydown)': 'onKeydown($event)' },
})
export default class LivePage {
  private readonly store = inject(MonitorStore);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  private readonly files = inject(FileSaver);
  private readonly router = inject(Router);
  private readonly clock = inject(LIVE_CLOCK);
  private readonly announcer = inject(StreamAnnouncer);
  private readonly locale = inject(LOCALE_ID);
  /** What the person's role allows (everything in browser-only mode). */
  private readonly access = inject(TeamAccess);
  private readonly stream = viewChild.required(MessageStream);
  private readonly cards = viewChildren(MonitorCard);

  /** Query parameter: an installation to watch (after the takeover warning). */
  readonly installation = input<string | undefined>();

  protected readonly monitors = this.store.monitors;
  protected readonly rows = computed(() =>
    mergeNewestFirst(this.monitors().map((m) => m.feed.rows())),
  );
  protected readonly selected = signal<LiveMessage | null>(null);
  protected readonly busy = this.store.busy;
  /** Saving what a monitor shows is support's and up in team mode (README.md, "What each role sees"). */
  protected readonly canExport = computed(() => this.access.can('export'));
  /** Where J / K continue from when no message is selected. */
  private cursor: LiveMessage | null = null;

  constructor() {
    installBenchProbe();
    this.announcer.watch(() =>
      this.monitors().reduce((sum, m) => sum + m.feed.counters().received, 0),
    );
    effect(() => {
      const installationID = this.installation();
      if (installationID) untracked(() => this.openStart(installationID));
    });
  }

  /** Opens the new monitor dialog (on the takeover warning when an installation is given). */
  protected openStart(installationID?: string): void {
    // Below operator the console server refuses an installation's endpoint: no takeover
    // warning for a link such a person followed, just the choices their role has.
    const asInstallation = this.access.can('live.asInstallation');
    const data: StartMonitorData = {
      tapAvailable: this.store.tapAvailable(),
      installationID: asInstallation ? installationID : undefined,
      asInstallation,
    };
    if (installationID) {
      // Consumed: a reload or Back must not warn again.
      void this.router.navigate([], {
        queryParams: { installation: null },
        queryParamsHandling: 'merge',
        replaceUrl: true,
      });
    }
    this.dialog
      .open<StartMonitorDialog, StartMonitorData, StartMonitorRequest>(StartMonitorDialog, {
        data,
        width: '640px',
        maxWidth: '95vw',
        autoFocus: 'first-tabbable',
        restoreFocus: true,
      })
      .afterClosed()
      .pipe(filter((request): request is StartMonitorRequest => request !== undefined))
      .subscribe((request) => this.store.start(request));
  }

  protected openShortcuts(): void {
    this.dialog.open(ShortcutsDialog, { width: '560px', maxWidth: '95vw', restoreFocus: true });
  }

  /** The page's keyboard shortcuts (shortcut-keys.ts); none while a dialog is open. */
  protected onKeydown(event: KeyboardEvent): void {
    if (this.dialog.openDialogs.length > 0) return;
    const command = commandForKey(event, this.stream().hasFocus());
    if (command && this.runCommand(command)) event.preventDefault();
  }

  /** Carries out a shortcut; false when it had nothing to act on (the key keeps its default). */
  private runCommand(command: StreamCommand): boolean {
    const monitors = this.monitors();
    switch (command) {
      case 'help':
        this.openShortcuts();
        return true;
      case 'togglePause': {
        if (!monitors.length) return false;
        const pause = monitors.some((m) => !m.feed.paused());
        for (const monitor of monitors) this.pause(monitor, pause);
        this.announcer.say(
          pause
            ? $localize`:Screen-reader announcement after the P shortcut paused the view@@kpc.live.announcePaused:View paused; messages keep arriving and counting`
            : $localize`:Screen-reader announcement after the P shortcut resumed the view@@kpc.live.announceResumed:View resumed`,
        );
        return true;
      }
      case 'clear': {
        if (!monitors.length) return false;
        const count = monitors.reduce((sum, m) => sum + m.feed.counters().buffered, 0);
        for (const monitor of monitors) this.clear(monitor);
        this.selected.set(null);
        // $localize has no plural forms at run time: one message for one, one for more.
        this.notifier.done(
          count === 1
            ? $localize`:Snackbar after the C shortcut cleared every monitor's view of its only message@@kpc.live.clearedOne:Cleared 1 message from the view.`
            : $localize`:Snackbar after the C shortcut cleared every monitor's view; COUNT is how many messages (0 or 2 or more)@@kpc.live.clearedAll:Cleared ${this.formatCount(count)}:COUNT: messages from the view.`,
        );
        return true;
      }
      case 'focusFilter': {
        const card = this.cards()[0];
        card?.focusFilter();
        return card !== undefined;
      }
      case 'next':
      case 'previous':
        return this.step(command === 'next' ? 1 : -1);
      case 'closeDetail': {
        const message = this.selected();
        if (!message) return false;
        this.cursor = message;
        this.selected.set(null);
        this.stream().reveal(message);
        return true;
      }
    }
  }

  /** Selects the next older (+1) or newer (-1) message and brings it into view. */
  private step(direction: 1 | -1): boolean {
    const rows = this.rows();
    if (!rows.length) return false;
    // After the details were closed, J / K go on from the message they showed.
    const current = this.selected() ?? this.cursor;
    const index = current ? rows.indexOf(current) : -1;
    const target = rows[Math.min(rows.length - 1, Math.max(0, index + direction))];
    this.selected.set(target);
    this.stream().reveal(target);
    return true;
  }

  protected pause(monitor: Monitor, paused: boolean): void {
    if (paused) monitor.feed.pause();
    else monitor.feed.resume();
  }

  protected clear(monitor: Monitor): void {
    monitor.feed.clear();
  }

  protected filter(monitor: Monitor, value: MessageFilter): void {
    monitor.feed.setFilter(value);
  }

  /** Saves what the monitor's view shows (its filter applied), oldest first. */
  protected export(monitor: Monitor, format: ExportFormat): void {
    const rows = monitor.feed.rows();
    const text = format === 'ndjson' ? toNdjson(rows) : toCsv(rows);
    this.files.save(
      exportFileName(monitor.label, format, new Date(this.clock.now())),
      text,
      EXPORT_MEDIA_TYPES[format],
    );
    const count = rows.length;
    this.notifier.done(
      count === 1
        ? $localize`:Snackbar after an export of a single message@@kpc.live.exportedOne:Exported 1 message.`
        : $localize`:Snackbar after an export; COUNT is the number of messages (0 or 2 or more)@@kpc.live.exported:Exported ${this.formatCount(count)}:COUNT: messages.`,
    );
  }

  /** Counts in snackbars group their digits as the rest of the page does (1,234 / 1.234). */
  private formatCount(count: number): string {
    return formatNumber(count, this.locale);
  }

  protected stop(monitor: Monitor): void {
    this.store.stop(monitor);
  }

  protected restart(monitor: Monitor): void {
    this.store.restart(monitor);
  }

  protected remove(monitor: Monitor): void {
    if (this.selected()?.monitorId === monitor.id) this.selected.set(null);
    this.store.remove(monitor);
  }

  protected reconnectNow(monitor: Monitor): void {
    monitor.link.reconnectNow();
  }
}
