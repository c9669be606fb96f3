import { Observable, Subscription } from 'rxjs';

import { KiiError, toKiiError } from '../../core/kii-error';
import { MqttEndpoint, endpointExpiresAt, sameCredentials } from '../../core/kii/mqtt-endpoint';
import { LiveClock } from '../live-clock';
import { refreshDelayMs } from './reconnect-policy';

/** A refresh that failed is tried again after this long (while the old endpoint still works). */
export const REFRESH_RETRY_MS = 5000;
/** Past a same-credentials answer, ask again this long after the old TTL ran out. */
const PAST_EXPIRY_MS = 500;
/** Credentials this close to their expiry count as expired (a close then is the TTL's doing). */
const EXPIRY_MARGIN_MS = 1000;

/** What the lease asks of the connection that holds it when renewal time comes. */
export interface LeaseHolder {
  /** Whether a handover can start now (connected, and no handover already under way). */
  canHandOver(): boolean;
  /** A renewal fetch starts. */
  renewing(): void;
  /** Fresh credentials arrived: connect with them, then let go of the old connection. */
  renewed(endpoint: MqttEndpoint): void;
  /** The renewal fetch failed; it is tried again after `REFRESH_RETRY_MS`. */
  renewalFailed(error: KiiError): void;
}

/**
 * The MQTT endpoint a monitor connects with: fetched on demand, renewed before its TTL runs out
 * (the holder connects with the fresh credentials before the old ones lapse), and marked stale
 * when the broker's answers say the credentials no longer hold. Knows nothing of MQTT clients.
 */
export class EndpointLease {
  private endpoint: MqttEndpoint | null = null;
  private stale = true;
  private fetching: Subscription | null = null;
  private cancelRenewal: (() => void) | null = null;

  constructor(
    /** Fetches a fresh endpoint (installation, monitor thing or tap) on each subscription. */
    private readonly endpoint$: () => Observable<MqttEndpoint>,
    private readonly clock: LiveClock,
    private readonly holder: LeaseHolder,
  ) {}

  /** The endpoint in use: the last one fetched, or the one a handover moved to. */
  get current(): MqttEndpoint | null {
    return this.endpoint;
  }

  /** The next connection must fetch an endpoint first (`acquire`). */
  get needsFetch(): boolean {
    return this.stale || this.endpoint === null;
  }

  /** The broker said (or the clock says) these credentials are done: fetch anew next time. */
  markStale(): void {
    this.stale = true;
  }

  /** The credentials in use have run out, or are about to within a second. */
  expired(now: number): boolean {
    return this.endpoint !== null && now >= endpointExpiresAt(this.endpoint) - EXPIRY_MARGIN_MS;
  }

  /** Fetches a fresh endpoint (dropping a fetch under way) and schedules its renewal. */
  acquire(next: (endpoint: MqttEndpoint) => void, failed: (error: KiiError) => void): void {
    this.fetch((endpoint) => {
      this.stale = false;
      this.endpoint = endpoint;
      this.scheduleRenewal(refreshDelayMs(endpoint.ttlSeconds));
      next(endpoint);
    }, failed);
  }

  /** A handover completed: `endpoint` is the one in use from now on. */
  handedOver(endpoint: MqttEndpoint): void {
    this.endpoint = endpoint;
  }

  /** The handover's connection failed; the old one still works until its TTL runs out. */
  handoverFailed(): void {
    this.scheduleRenewal(REFRESH_RETRY_MS);
  }

  /** Ends the fetch under way and the renewal timer. */
  release(): void {
    this.fetching?.unsubscribe();
    this.fetching = null;
    this.scheduleRenewal(null);
  }

  private fetch(next: (endpoint: MqttEndpoint) => void, failed: (error: KiiError) => void): void {
    this.fetching?.unsubscribe();
    this.fetching = this.endpoint$().subscribe({
      next,
      error: (raw: unknown) => failed(toKiiError(raw)),
    });
  }

  private scheduleRenewal(delay: number | null): void {
    this.cancelRenewal?.();
    this.cancelRenewal = delay === null ? null : this.clock.setTimeout(() => this.renew(), delay);
  }

  private renew(): void {
    this.cancelRenewal = null;
    const old = this.endpoint;
    if (!old || !this.holder.canHandOver()) {
      // Not connected now: the next attempt fetches a new endpoint anyway.
      this.stale = true;
      return;
    }
    this.holder.renewing();
    this.fetch(
      (endpoint) => {
        if (sameCredentials(endpoint, old)) {
          // The server renews credentials only once they expire: ask again just after that.
          this.scheduleRenewal(
            Math.max(0, endpointExpiresAt(old) - this.clock.now()) + PAST_EXPIRY_MS,
          );
          return;
        }
        this.scheduleRenewal(refreshDelayMs(endpoint.ttlSeconds));
        this.holder.renewed(endpoint);
      },
      (error) => {
        this.holder.renewalFailed(error);
        this.scheduleRenewal(REFRESH_RETRY_MS);
      },
    );
  }
}
