import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatProgressBarModule } from '@angular/material/progress-bar';

import { MQTT_PAYLOAD_LIMIT } from './push-message';

/** The MQTT payload's size against Kii's 4,096-byte limit. */
@Component({
  selector: 'kpc-payload-meter',
  imports: [DecimalPipe, MatProgressBarModule],
  host: { '[class.kpc-over]': 'over()' },
  template: `
    <mat-progress-bar
      mode="determinate"
      [value]="percent()"
      i18n-aria-label="Accessible name of the payload size bar@@kpc.compose.sizeBar"
      aria-label="MQTT payload size"
    />
    <p class="kpc-size">
      @if (bytes(); as bytes) {
        <ng-container
          i18n="Payload size against the limit; SIZE and LIMIT are byte counts@@kpc.compose.size"
          >MQTT payload: {{ bytes | number }} of {{ limit | number }} bytes</ng-container
        >
        @if (estimated()) {
          <span class="kpc-estimate" i18n="Marks the size as an estimate@@kpc.compose.sizeEstimated"
            >(estimated until the owner's ID is known)</span
          >
        }
      } @else {
        <ng-container i18n="Shown when the payload size cannot be computed@@kpc.compose.sizeUnknown"
          >MQTT payload: size shown once the data is valid</ng-container
        >
      }
    </p>
  `,
  styles: `
    :host {
      display: block;
    }
    .kpc-size {
      margin: 4px 0 0;
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
    :host(.kpc-over) .kpc-size {
      color: var(--mat-sys-error);
    }
    :host(.kpc-over) mat-progress-bar {
      --mat-progress-bar-active-indicator-color: var(--mat-sys-error);
    }
    .kpc-estimate {
      margin-inline-start: 4px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PayloadMeter {
  /** Bytes of the payload; null when the data is not valid. */
  readonly bytes = input<number | null>(null);
  /** The owner's ID length was assumed. */
  readonly estimated = input(false);

  protected readonly limit = MQTT_PAYLOAD_LIMIT;
  protected readonly over = computed(() => (this.bytes() ?? 0) > MQTT_PAYLOAD_LIMIT);
  protected readonly percent = computed(() =>
    Math.min(100, ((this.bytes() ?? 0) / MQTT_PAYLOAD_LIMIT) * 100),
  );
}
