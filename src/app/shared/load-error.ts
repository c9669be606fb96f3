import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';

import { KiiError } from '../core/kii-error';

/**
 * A failed load, inline: the projected lead text ("The topics could not be loaded:"), the
 * error's message, Kii's errorCode and the server's detail, and a Retry button.
 */
@Component({
  selector: 'kpc-load-error',
  imports: [MatButtonModule],
  template: `
    <div class="kpc-alert" role="alert">
      <span>
        <ng-content />
        {{ error().message }}
        @if (error().errorCode) {
          <code>{{ error().errorCode }}</code>
        }
        @if (error().detail) {
          <span class="kpc-detail">{{ error().detail }}</span>
        }
      </span>
      <button
        matButton
        type="button"
        (click)="retry.emit()"
        i18n="Button that repeats a failed load@@kpc.shared.retry"
      >
        Retry
      </button>
    </div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoadError {
  readonly error = input.required<KiiError>();
  readonly retry = output<void>();
}
