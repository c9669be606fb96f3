import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';

import { ConnectionHistory, ConnectionRecord } from '../core/kii/push-trace';

/**
 * An installation's MQTT connections, newest first: transport, client address, connect,
 * subscribe and close times, and why each closed (docs/kii-api.md §13.2).
 */
@Component({
  selector: 'kpc-connection-timeline',
  imports: [DatePipe, MatIconModule],
  template: `
    @let h = history();
    <p class="kpc-summary" role="status">
      @if (h.connected) {
        <ng-container i18n="Timeline summary: connected now@@kpc.installations.tlConnected"
          >Connected now.</ng-container
        >
      } @else if (h.lastSeenAt !== null) {
        <ng-container
          i18n="Timeline summary: last seen; TIME is a date@@kpc.installations.tlLastSeen"
          >Last seen {{ h.lastSeenAt | date: 'medium' }}.</ng-container
        >
      } @else {
        <ng-container i18n="Timeline summary: never connected@@kpc.installations.tlNever"
          >Never connected.</ng-container
        >
      }
    </p>
    @if (h.connections.length) {
      <ol
        class="kpc-timeline"
        i18n-aria-label="Accessible name of the connection timeline@@kpc.installations.tlList"
        aria-label="Connections, newest first"
      >
        @for (c of h.connections; track c.connectionID) {
          <li>
            <div class="kpc-head">
              <mat-icon aria-hidden="true">{{
                c.closedAt === null ? 'link' : 'link_off'
              }}</mat-icon>
              <code>{{ c.connectionID }}</code>
              <span>{{ transport(c) }}</span>
              @if (c.clientAddress) {
                <span class="kpc-muted">{{ c.clientAddress }}</span>
              }
            </div>
            <dl>
              <dt i18n="Timeline: connect time@@kpc.installations.tlConnectedAt">Connected</dt>
              <dd>{{ c.connectedAt | date: 'medium' }}</dd>
              <dt i18n="Timeline: subscribe time@@kpc.installations.tlSubscribedAt">Subscribed</dt>
              <dd>
                @if (c.subscribedAt !== null) {
                  {{ c.subscribedAt | date: 'medium' }}
                } @else {
                  <ng-container i18n="Timeline: never subscribed@@kpc.installations.tlNotSubscribed"
                    >Not subscribed</ng-container
                  >
                }
              </dd>
              <dt i18n="Timeline: close time and reason@@kpc.installations.tlClosedAt">Closed</dt>
              <dd>
                @if (c.closedAt !== null) {
                  {{ c.closedAt | date: 'medium' }} ·
                  <code>{{ c.closeReason }}</code>
                  @if (c.detail) {
                    ({{ c.detail }})
                  }
                } @else {
                  <ng-container i18n="Timeline: still open@@kpc.installations.tlOpen"
                    >Open</ng-container
                  >
                }
              </dd>
              @if (c.tookOver) {
                <dt i18n="Timeline: the connection this one replaced@@kpc.installations.tlTookOver">
                  Took over
                </dt>
                <dd>
                  <code>{{ c.tookOver }}</code>
                </dd>
              }
              @if (c.takenOverBy) {
                <dt
                  i18n="
                    Timeline: the connection that replaced this one@@kpc.installations.tlTakenOverBy"
                >
                  Taken over by
                </dt>
                <dd>
                  <code>{{ c.takenOverBy }}</code>
                </dd>
              }
            </dl>
          </li>
        }
      </ol>
    }
  `,
  styles: `
    :host {
      display: block;
    }
    .kpc-summary {
      margin: 0 0 8px;
    }
    .kpc-timeline {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    li {
      border-left: 2px solid var(--mat-sys-outline-variant);
      padding: 4px 0 12px 12px;
    }
    .kpc-head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
    }
    .kpc-muted {
      color: var(--mat-sys-on-surface-variant);
    }
    code {
      font-family: 'Roboto Mono', ui-monospace, monospace;
      overflow-wrap: anywhere;
    }
    dl {
      display: grid;
      grid-template-columns: max-content minmax(0, 1fr);
      gap: 2px 12px;
      margin: 4px 0 0;
    }
    dt {
      color: var(--mat-sys-on-surface-variant);
    }
    dd {
      margin: 0;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConnectionTimeline {
  readonly history = input.required<ConnectionHistory>();

  protected transport(c: ConnectionRecord): string {
    return { tcp: 'TCP', tls: 'TLS', ws: 'WebSocket', wss: 'WebSocket (TLS)' }[c.transport];
  }
}
