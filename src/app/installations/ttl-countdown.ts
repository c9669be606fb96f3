import { DatePipe, formatNumber } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  LOCALE_ID,
  computed,
  inject,
  input,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { map, timer } from 'rxjs';

/** "3 d 04:05:06" or "04:05:06": what is left of `ms`, in the console's locale. */
export function formatRemaining(ms: number, locale: string): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  const days = Math.floor(total / 86400);
  const clock = `${pad(Math.floor((total % 86400) / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
  if (days === 0) return clock;
  const count = formatNumber(days, locale, '1.0-0');
  return $localize`:Time left in days, hours, minutes and seconds; DAYS is a number, CLOCK the hours, minutes and seconds@@kpc.installations.remainingDays:${count}:DAYS: d ${clock}:CLOCK:`;
}

/** Counts down to `expiresAt` every second, with the absolute time beside it. */
@Component({
  selector: 'kpc-ttl-countdown',
  imports: [DatePipe],
  template: `
    @if (left() > 0) {
      <span class="kpc-left">{{ text() }}</span>
      <span
        class="kpc-until"
        i18n="
          Absolute expiry beside the countdown; TIME is a date and time@@kpc.installations.until"
        >until
        <time [attr.datetime]="expiresAt() | date: 'yyyy-MM-ddTHH:mm:ssZZZZZ'">{{
          expiresAt() | date: 'medium'
        }}</time></span
      >
    } @else {
      <span
        class="kpc-expired"
        i18n="Shown when the endpoint credentials have expired@@kpc.installations.expired"
        >Expired at {{ expiresAt() | date: 'medium' }}. Fetch the endpoint again for new
        credentials.</span
      >
    }
  `,
  styles: `
    .kpc-left {
      font-variant-numeric: tabular-nums;
      font-weight: 500;
    }
    .kpc-until {
      margin-inline-start: 8px;
      color: var(--mat-sys-on-surface-variant);
    }
    .kpc-expired {
      color: var(--mat-sys-error);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TtlCountdown {
  private readonly locale = inject(LOCALE_ID);

  /** Epoch ms when the credentials expire. */
  readonly expiresAt = input.required<number>();

  private readonly now = toSignal(timer(0, 1000).pipe(map(() => Date.now())), {
    initialValue: Date.now(),
  });
  protected readonly left = computed(() => this.expiresAt() - this.now());
  protected readonly text = computed(() => formatRemaining(this.left(), this.locale));
}
