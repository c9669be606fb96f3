import type { Database } from 'better-sqlite3';
import { contentSecurityPolicy } from '../http-edge';

/** The host and WebSocket ports of an MQTT endpoint as Kii returned them (docs/kii-api.md §5.7). */
export interface BrokerAddress {
  host: string;
  portWS: number;
  portWSS: number;
}

/**
 * The MQTT broker origins of connected apps, for the CSP's connect-src. Recorded from every
 * endpoint Kii hands the console server for an app; dropped with the app.
 */
export interface BrokerOrigins {
  /** Records the endpoint's `ws://` and `wss://` origins for the app; true if one was new. */
  record(appId: string, address: BrokerAddress): boolean;
  /** The app's recorded origins. */
  of(appId: string): string[];
  /** Forgets the app's origins (disconnected, or credentials replaced). */
  forgetApp(appId: string): void;
  /** The CSP header text with the origins of connected apps; cached until a change. */
  csp(): string;
}

/** A host as it goes in an origin: IPv6 literals in brackets, names lower-case. */
function hostPart(host: string): string | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.includes(':'))
    return /^[0-9a-fA-F:.]+$/.test(bare) ? `[${bare.toLowerCase()}]` : undefined;
  // A DNS name or IPv4 literal; anything else (spaces, quotes, ';') must never reach the header.
  return /^[A-Za-z0-9.-]{1,253}$/.test(bare) ? bare.toLowerCase() : undefined;
}

const validPort = (port: number) => Number.isInteger(port) && port > 0 && port < 65536;

/** The origins a browser connects to for this endpoint; a malformed host or port gives none. */
export function brokerOriginsOf(address: BrokerAddress): string[] {
  const host = hostPart(address.host);
  if (!host) return [];
  const origins: string[] = [];
  if (validPort(address.portWS)) origins.push(`ws://${host}:${address.portWS}`);
  if (validPort(address.portWSS)) origins.push(`wss://${host}:${address.portWSS}`);
  return origins;
}

export function createBrokerOrigins(db: Database, now: () => number = Date.now): BrokerOrigins {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO broker_origins (app_id, origin, first_seen_at) VALUES (?, ?, ?)',
  );
  const ofApp = db.prepare<[string], { origin: string }>(
    'SELECT origin FROM broker_origins WHERE app_id = ? ORDER BY origin',
  );
  const deleteApp = db.prepare('DELETE FROM broker_origins WHERE app_id = ?');
  // Only apps still connected count: a row left behind by a crash between the two writes of a
  // disconnect must not widen the policy.
  const connected = db.prepare<[], { origin: string }>(
    `SELECT DISTINCT b.origin FROM broker_origins b
       JOIN connected_apps a ON a.app_id = b.app_id ORDER BY b.origin`,
  );
  let cached: string | undefined;
  // Origins this process has stored, per app: every endpoint fetch records its broker, nearly
  // always one already known, and a no-op INSERT OR IGNORE is still a write transaction. Only
  // this server writes the table, so what it stored (and has not forgotten) is still there.
  const stored = new Map<string, Set<string>>();

  return {
    record(appId, address) {
      let added = false;
      const known = stored.get(appId) ?? new Set<string>();
      stored.set(appId, known);
      for (const origin of brokerOriginsOf(address)) {
        if (known.has(origin)) continue;
        if (insert.run(appId, origin, now()).changes > 0) added = true;
        known.add(origin);
      }
      if (added) cached = undefined;
      return added;
    },
    of: (appId) => ofApp.all(appId).map((row) => row.origin),
    forgetApp(appId) {
      deleteApp.run(appId);
      stored.delete(appId);
      cached = undefined;
    },
    csp() {
      cached ??= contentSecurityPolicy(connected.all().map((row) => row.origin));
      return cached;
    },
  };
}
