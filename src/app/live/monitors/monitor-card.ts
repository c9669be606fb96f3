import { DatePipe, DecimalPipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  input,
  output,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatMenuModule } from '@angular/material/menu';
import { Subject, debounceTime } from 'rxjs';

import { ExportFormat } from '../export/message-export';
import { MessageFilter } from '../feed/message-filter';
import { Monitor } from './monitor';
import { LinkState } from '../connection/monitor-link';
import { RateChart } from './rate-chart';

/** Typing settles this long before the filter runs over the buffer. */
const FILTER_DEBOUNCE_MS = 200;

const KIND_ICONS = { installation: 'smartphone', topics: 'topic', tap: 'all_inclusive' } as const;

/**
 * One monitor at a glance: connection state, counters, rate, errors, and its controls
 * (pause, clear, filter, export, stop/start, remove). It only emits what the operator asked
 * for; the page carries it out.
 */
@Component({
  selector: 'kpc-monitor-card',
  imports: [
    DatePipe,
    DecimalPipe,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatMenuModule,
    RateChart,
  ],
  templateUrl: './monitor-card.html',
  styleUrl: './monitor-card.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { role: 'region', '[attr.aria-label]': 'monitor().label' },
})
export class MonitorCard {
  readonly monitor = input.required<Monitor>();
  /** False hides Export (a team role below support: exports are support's: README.md, "What each role sees"). */
  readonly canExport = input(true);

  readonly pauseChange = output<boolean>();
  readonly cleared = output<void>();
  readonly filterChange = output<MessageFilter>();
  readonly exported = output<ExportFormat>();
  readonly stopped = output<void>();
  readonly restarted = output<void>();
  readonly reconnectNow = output<void>();
  readonly removed = output<void>();

  protected readonly kindIcon = computed(() => KIND_ICONS[this.monitor().kind]);
  protected readonly state = computed(() => this.monitor().state());
  protected readonly running = computed(() => this.monitor().running());
  protected readonly counters = computed(() => this.monitor().feed.counters());
  protected readonly paused = computed(() => this.monitor().feed.paused());
  protected readonly filterError = computed(() => this.monitor().feed.filterError());
  protected readonly error = computed(() => this.monitor().link.error());
  protected readonly timeline = computed(() => [...this.monitor().link.timeline()].reverse());
  protected readonly filterActive = computed(() => {
    const f = this.monitor().feed.filter();
    return Boolean(f.text.trim() || f.topic.trim() || f.fields.trim());
  });
  protected readonly showFilter = signal(false);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  /** Opens the filter fields and puts the caret in the text filter (the / shortcut). */
  focusFilter(): void {
    this.showFilter.set(true);
    afterNextRender(
      () => this.host.nativeElement.querySelector<HTMLInputElement>('.kpc-filter input')?.focus(),
      {
        injector: this.injector,
      },
    );
  }
  protected readonly showTimeline = signal(false);

  private readonly filterEdits = new Subject<MessageFilter>();

  constructor() {
    this.filterEdits
      .pipe(debounceTime(FILTER_DEBOUNCE_MS), takeUntilDestroyed())
      .subscribe((filter) => this.filterChange.emit(filter));
  }

  protected editFilter(field: keyof MessageFilter, value: string): void {
    this.filterEdits.next({ ...this.monitor().feed.filter(), [field]: value });
  }

  protected stateText(state: LinkState): string {
    switch (state) {
      case 'preparing':
        return $localize`:Monitor state while the endpoint is fetched@@kpc.live.statePreparing:Preparing`;
      case 'connecting':
        return $localize`:Monitor state while connecting@@kpc.live.stateConnecting:Connecting`;
      case 'connected':
        return $localize`:Monitor state when connected and subscribed@@kpc.live.stateConnected:Connected`;
      case 'reconnecting':
        return $localize`:Monitor state while waiting to reconnect@@kpc.live.stateReconnecting:Reconnecting`;
      case 'stopped':
        return $localize`:Monitor state after the operator stopped it@@kpc.live.stateStopped:Stopped`;
      case 'failed':
        return $localize`:Monitor state after it stopped by itself on an error@@kpc.live.stateFailed:Stopped on an error`;
    }
  }

  protected readonly stateIcons: Record<LinkState, string> = {
    preparing: 'hourglass_top',
    connecting: 'sync',
    connected: 'check_circle',
    reconnecting: 'sync_problem',
    stopped: 'stop_circle',
    failed: 'error',
  };
}
