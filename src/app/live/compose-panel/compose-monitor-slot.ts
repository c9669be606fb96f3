import { ChangeDetectionStrategy, Component, input } from '@angular/core';

import { ComposeMonitorPanel } from './compose-monitor-panel';
import type { ComposeSend, ComposeTarget } from './compose-monitor-panel';

/**
 * What app.routes.ts hands to the Compose page's COMPOSE_MONITOR_PANEL slot: a shell that
 * loads the panel (and the monitors behind it) with `@defer`, so the routes file does not pull
 * the live area into the initial bundle.
 */
@Component({
  selector: 'kpc-compose-monitor-slot',
  imports: [ComposeMonitorPanel],
  template: `
    @defer (on idle) {
      <kpc-compose-monitor-panel [target]="target()" [latest]="latest()" />
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ComposeMonitorSlot {
  readonly target = input<ComposeTarget | null>(null);
  readonly latest = input<ComposeSend | null>(null);
}
