import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

const HEIGHT = 32;

/** Messages per second over the last minute, as bars: one per second, the newest on the right. */
@Component({
  selector: 'kpc-rate-chart',
  imports: [DecimalPipe],
  template: `
    <svg
      role="img"
      [attr.viewBox]="'0 0 ' + series().length + ' ' + height"
      preserveAspectRatio="none"
      [attr.aria-label]="label()"
    >
      @for (bar of bars(); track $index) {
        <rect [attr.x]="$index + 0.1" [attr.y]="height - bar" width="0.8" [attr.height]="bar" />
      }
    </svg>
    <span
      class="kpc-rate-now"
      aria-hidden="true"
      i18n="Messages in the last second@@kpc.live.rateNow"
      >{{ latest() | number }}/s</span
    >
  `,
  styles: `
    :host {
      display: flex;
      align-items: flex-end;
      gap: 8px;
    }
    svg {
      flex: 1;
      height: 32px;
      min-width: 0;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    rect {
      fill: var(--mat-sys-primary);
    }
    .kpc-rate-now {
      min-width: 56px;
      text-align: end;
      font: var(--mat-sys-label-medium);
      font-variant-numeric: tabular-nums;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RateChart {
  /** Messages per second, oldest first. */
  readonly series = input.required<readonly number[]>();

  protected readonly height = HEIGHT;
  protected readonly peak = computed(() => Math.max(0, ...this.series()));
  protected readonly latest = computed(() => this.series().at(-1) ?? 0);
  protected readonly bars = computed(() => {
    const peak = this.peak();
    return this.series().map((n) => (peak === 0 ? 0 : (n / peak) * HEIGHT));
  });
  protected readonly label = computed(() => {
    const latest = this.latest();
    const peak = this.peak();
    return $localize`:Accessible description of the rate chart; LATEST and PEAK are messages per second@@kpc.live.rateLabel:Messages per second over the last minute: ${latest}:LATEST: in the last second, at most ${peak}:PEAK:`;
  });
}
