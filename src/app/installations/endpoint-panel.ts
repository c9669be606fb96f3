import { ChangeDetectionStrategy, Component, computed, input, model, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTooltipModule } from '@angular/material/tooltip';

import { neverExpires, noExpiryText } from '../core/expiry';
import { KiiError } from '../core/kii-error';
import { MqttEndpoint, endpointExpiresAt } from '../core/kii/mqtt-endpoint';
import { CopyButton } from '../shared/copy-button';
import { MASKED } from './connection-snippets';
import { TtlCountdown } from './ttl-countdown';

/**
 * The MQTT endpoint of an installation: broker host and ports, credentials (the password
 * masked until revealed), the topic, and how long they stay valid. A failed fetch shows
 * inline with Retry; "not ready" says so in its own words.
 */
@Component({
  selector: 'kpc-endpoint-panel',
  imports: [
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    MatTooltipModule,
    CopyButton,
    TtlCountdown,
  ],
  templateUrl: './endpoint-panel.html',
  styleUrl: './endpoint-panel.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EndpointPanel {
  readonly endpoint = input<MqttEndpoint | null>(null);
  readonly loading = input(false);
  readonly error = input<KiiError | null>(null);
  /** Whether the password is shown (two-way, shared with the connection code). */
  readonly revealed = model(false);
  readonly refresh = output<void>();

  protected readonly masked = MASKED;
  protected readonly noExpiry = noExpiryText();
  /** Kii's "does not expire" TTL: no countdown to a date 68 years away. */
  protected readonly neverExpires = computed(() => {
    const endpoint = this.endpoint();
    return endpoint !== null && neverExpires(endpoint.ttlSeconds);
  });
  protected readonly expiresAt = computed(() => {
    const endpoint = this.endpoint();
    return endpoint ? endpointExpiresAt(endpoint) : 0;
  });
  protected readonly ports = computed(() => {
    const e = this.endpoint();
    if (!e) return [];
    return [
      { label: 'TCP', value: e.portTCP },
      { label: 'TLS', value: e.portSSL },
      { label: 'WebSocket', value: e.portWS },
      { label: 'WebSocket TLS', value: e.portWSS },
    ];
  });

  protected readonly notOffered = $localize`:Shown for a port the broker does not offer (port 0)@@kpc.installations.portNone:not offered`;
  protected readonly revealLabel = computed(() =>
    this.revealed()
      ? $localize`:Accessible name of the button that hides the password@@kpc.installations.hidePassword:Hide password`
      : $localize`:Accessible name of the button that shows the password@@kpc.installations.showPassword:Show password`,
  );
  protected readonly copyLabels = {
    host: $localize`:Accessible name of the copy button of the broker host@@kpc.installations.copyHost:Copy host`,
    username: $localize`:Accessible name of the copy button of the MQTT username@@kpc.installations.copyUsername:Copy username`,
    password: $localize`:Accessible name of the copy button of the MQTT password@@kpc.installations.copyPassword:Copy password`,
    topic: $localize`:Accessible name of the copy button of the MQTT topic@@kpc.installations.copyTopic:Copy MQTT topic`,
  };
}
