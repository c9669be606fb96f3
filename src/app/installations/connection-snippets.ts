import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatTabsModule } from '@angular/material/tabs';

import { MqttEndpoint, brokerUrl } from '../core/kii/mqtt-endpoint';
import { CopyButton } from '../shared/copy-button';

/** What the password shows as while it is hidden. */
export const MASKED = '••••••••';

/**
 * The broker address a browser client uses: WebSocket over TLS when the endpoint offers it,
 * else plain WebSocket; `/mqtt` is the path Kii's clients use (docs/kii-api.md §9.2).
 */
export function webSocketTarget(endpoint: MqttEndpoint): {
  url: string;
  port: number;
  secure: boolean;
} {
  const secure = endpoint.portWSS > 0;
  const port = secure ? endpoint.portWSS : endpoint.portWS;
  return { url: brokerUrl(endpoint, secure), port, secure };
}

const js = (value: string) => JSON.stringify(value);

/** MQTT.js (Node or bundler) with these credentials: client ID = topic, then subscribe. */
export function mqttJsSnippet(endpoint: MqttEndpoint, password = endpoint.password): string {
  const { url } = webSocketTarget(endpoint);
  return `// npm install mqtt
import mqtt from 'mqtt';

const topic = ${js(endpoint.mqttTopic)};
const client = mqtt.connect(${js(url)}, {
  clientId: topic, // Kii: the client ID is the MQTT topic
  username: ${js(endpoint.username)},
  password: ${js(password)},
  protocolVersion: 4,
  keepalive: 60,
  clean: true,
});
client.on('connect', () => client.subscribe(topic, { qos: 0 }));
client.on('message', (_topic, payload) => {
  console.log(JSON.parse(payload.toString()));
});
client.on('error', (error) => console.error(error));
`;
}

/** Eclipse Paho (paho-mqtt 1.1) with these credentials. */
export function pahoSnippet(endpoint: MqttEndpoint, password = endpoint.password): string {
  const { port, secure } = webSocketTarget(endpoint);
  return `// npm install paho-mqtt   (or load paho-mqtt.js with a <script> tag)
import Paho from 'paho-mqtt';

const topic = ${js(endpoint.mqttTopic)};
const client = new Paho.Client(${js(endpoint.host)}, ${port}, '/mqtt', topic);
client.onMessageArrived = (message) => console.log(JSON.parse(message.payloadString));
client.onConnectionLost = (response) => console.warn('Connection lost:', response.errorMessage);
client.connect({
  userName: ${js(endpoint.username)},
  password: ${js(password)},
  useSSL: ${secure},
  mqttVersion: 4,
  keepAliveInterval: 60,
  onSuccess: () => client.subscribe(topic, { qos: 0 }),
  onFailure: (error) => console.error('Connect failed:', error.errorMessage),
});
`;
}

/**
 * Ready-to-paste connection code for MQTT.js and Paho with the endpoint's values. The
 * password shows masked until revealed; the copy buttons always copy working code.
 */
@Component({
  selector: 'kpc-connection-snippets',
  imports: [MatTabsModule, CopyButton],
  template: `
    <mat-tab-group
      mat-stretch-tabs="false"
      i18n-aria-label="Accessible name of the snippet tabs@@kpc.installations.snippetTabs"
      aria-label="Connection code"
    >
      <mat-tab label="MQTT.js">
        <div class="kpc-snippet">
          <kpc-copy-button [text]="mqttJs()" [label]="copyMqttJs" />
          <pre><code>{{ mqttJsShown() }}</code></pre>
        </div>
      </mat-tab>
      <mat-tab label="Paho">
        <div class="kpc-snippet">
          <kpc-copy-button [text]="paho()" [label]="copyPaho" />
          <pre><code>{{ pahoShown() }}</code></pre>
        </div>
      </mat-tab>
    </mat-tab-group>
  `,
  styles: `
    .kpc-snippet {
      position: relative;
      margin-top: 8px;
    }
    kpc-copy-button {
      position: absolute;
      top: 4px;
      inset-inline-end: 4px;
    }
    pre {
      margin: 0;
      padding: 12px 48px 12px 12px;
      overflow: auto;
      border-radius: 8px;
      background: var(--mat-sys-surface-container-high);
      font:
        0.8rem/1.5 'Roboto Mono',
        ui-monospace,
        monospace;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConnectionSnippets {
  readonly endpoint = input.required<MqttEndpoint>();
  /** Whether the password is shown in the code. */
  readonly revealed = input(false);

  protected readonly mqttJs = computed(() => mqttJsSnippet(this.endpoint()));
  protected readonly paho = computed(() => pahoSnippet(this.endpoint()));
  protected readonly mqttJsShown = computed(() =>
    this.revealed() ? this.mqttJs() : mqttJsSnippet(this.endpoint(), MASKED),
  );
  protected readonly pahoShown = computed(() =>
    this.revealed() ? this.paho() : pahoSnippet(this.endpoint(), MASKED),
  );

  protected readonly copyMqttJs = $localize`:Accessible name of the copy button of the MQTT.js code@@kpc.installations.copyMqttJs:Copy MQTT.js code`;
  protected readonly copyPaho = $localize`:Accessible name of the copy button of the Paho code@@kpc.installations.copyPaho:Copy Paho code`;
}
