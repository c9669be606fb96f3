import { Injectable, computed, inject } from '@angular/core';
import { Observable, catchError, map, throwError } from 'rxjs';

import { makeKiiError, toKiiError } from '../kii-error';
import { KiiRest } from '../kii-rest';
import { normalizeBaseUrl } from '../kii-site';
import { LocalServer } from '../local-server';
import { ResolvedPrincipal } from '../principal-lookup';
import { SessionStore } from '../session';
import { Installation } from './installation';

/** What happened to one targeted installation (docs/kii-api.md §13.1). */
export type DeliveryOutcome =
  | 'DELIVERED'
  | 'ENVIRONMENT_FILTERED'
  | 'NO_MQTT_INSTALLATION'
  | 'NOT_CONNECTED'
  | 'NOT_SUBSCRIBED'
  | 'CREDENTIALS_EXPIRED'
  | 'DROPPED_SLOW_CONSUMER'
  | 'CONNECTION_CLOSED'
  | 'MQTT_DISABLED';

/** The MQTT transports of the local broker. */
export type Transport = 'tcp' | 'tls' | 'ws' | 'wss';

/** One push's ledger record without its rows. */
export interface PushSummary {
  readonly pushMessageID: string;
  /** `kiicloud://topics/news`, `kiicloud://users/{id}`, ... */
  readonly target: string;
  readonly sender: string;
  readonly sendToDevelopment: boolean;
  readonly sendToProduction: boolean;
  readonly payloadBytes: number;
  readonly sentAt: number;
  /** False while writes are still settling: counts may grow. */
  readonly complete: boolean;
  readonly recipients: number;
  readonly targeted: number;
  readonly delivered: number;
  readonly outcomes: Readonly<Partial<Record<DeliveryOutcome, number>>>;
  /** From the send to each write; null when nothing was written. */
  readonly timeToWriteMs: {
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
  } | null;
  readonly rowsKept: number;
  readonly rowsOmitted: number;
}

/** One recipient's outcome. `writtenAt` is when the PUBLISH went out, never a receipt. */
export interface OutcomeRow {
  /** Null for an owner without an MQTT installation. */
  readonly installationID: string | null;
  readonly owner: { readonly kind: 'user' | 'thing'; readonly id: string } | null;
  readonly outcome: DeliveryOutcome;
  readonly detail: string | null;
  readonly connectionID: string | null;
  readonly transport: Transport | null;
  readonly writtenAt: number | null;
}

/** A push with one page of its rows. */
export interface PushReport {
  readonly summary: PushSummary;
  readonly rows: readonly OutcomeRow[];
  /** For the next page of rows; null on the last. */
  readonly nextKey: string | null;
}

/** One MQTT connection of an installation (docs/kii-api.md §13.2). */
export interface ConnectionRecord {
  readonly connectionID: string;
  readonly transport: Transport;
  readonly clientAddress: string | null;
  readonly connectedAt: number;
  readonly subscribedAt: number | null;
  /** Null while open. */
  readonly closedAt: number | null;
  readonly closeReason: string | null;
  readonly detail: string | null;
  /** The connection this one replaced, or the one that replaced it. */
  readonly tookOver: string | null;
  readonly takenOverBy: string | null;
}

/** An installation's connections, newest first. */
export interface ConnectionHistory {
  readonly connected: boolean;
  /** Now while connected, else the last close; null when it never connected. */
  readonly lastSeenAt: number | null;
  readonly connections: readonly ConnectionRecord[];
}

/** An installation's outcome for one push it was sent. */
export interface InstallationDelivery {
  readonly pushMessageID: string;
  readonly sentAt: number;
  readonly target: string;
  readonly row: OutcomeRow;
}

/** What the ledger says of one push for one installation. */
export interface PushOutcome {
  readonly push: PushSummary;
  /** Null when the ledger kept no row: see `push.rowsOmitted` before concluding anything. */
  readonly row: OutcomeRow | null;
}

type RowBody = Omit<OutcomeRow, 'owner' | 'detail' | 'connectionID' | 'transport' | 'writtenAt'> & {
  readonly userID?: string;
  readonly thingID?: string;
  readonly detail?: string;
  readonly connectionID?: string;
  readonly transport?: Transport;
  readonly writtenAt?: number;
};
type ReportBody = PushSummary & {
  readonly recipientRows?: readonly RowBody[];
  readonly nextPaginationKey?: string;
};

/**
 * The local server's delivery trace extension (docs/kii-api.md §13): a push's report, an
 * installation's connections and its outcome for pushes. App admin only, and only on the
 * local server that serves this console: `available` says whether the session can use it.
 */
@Injectable({ providedIn: 'root' })
export class PushTrace {
  private readonly rest = inject(KiiRest);
  private readonly sessions = inject(SessionStore);
  private readonly localServer = inject(LocalServer);

  /** Null while the local server's discovery runs or nobody is signed in. */
  readonly available = computed<boolean | null>(() => {
    const info = this.localServer.info();
    const session = this.sessions.session();
    if (info === undefined || !session) return null;
    return (
      !!info?.extensions.includes('trace') &&
      normalizeBaseUrl(session.baseUrl) === this.localServer.baseUrl &&
      session.principal.kind === 'admin'
    );
  });

  /** A push's summary and one page of its rows, optionally of one outcome only. */
  report$(
    pushMessageID: string,
    options: { outcome?: DeliveryOutcome; limit?: number; paginationKey?: string } = {},
  ): Observable<PushReport> {
    return this.rest
      .extension$<ReportBody>('GET', `/pushes/${encodeURIComponent(pushMessageID)}`, {
        query: options,
      })
      .pipe(
        map((body) => ({
          summary: summaryOf(body),
          rows: (body.recipientRows ?? []).map(rowOf),
          nextKey: body.nextPaginationKey ?? null,
        })),
        catchError(failed),
      );
  }

  /** The installation's connections (the open one first); 404 when the server knows none. */
  connections$(installationID: string): Observable<ConnectionHistory> {
    return this.rest
      .extension$<ConnectionHistory>(
        'GET',
        `/installations/${encodeURIComponent(installationID)}/connections`,
      )
      .pipe(
        map((body) => ({
          connected: body.connected === true,
          lastSeenAt: body.lastSeenAt ?? null,
          connections: body.connections ?? [],
        })),
        catchError(failed),
      );
  }

  /** The pushes the ledger kept a row of for the installation, newest first (one page). */
  deliveries$(installationID: string, limit = 20): Observable<readonly InstallationDelivery[]> {
    type Body = {
      deliveries?: (RowBody & { pushMessageID: string; sentAt: number; target: string })[];
    };
    return this.rest
      .extension$<Body>('GET', `/installations/${encodeURIComponent(installationID)}/deliveries`, {
        query: { limit },
      })
      .pipe(
        map((body) =>
          (body.deliveries ?? []).map((d) => ({
            pushMessageID: d.pushMessageID,
            sentAt: d.sentAt,
            target: d.target,
            row: rowOf(d),
          })),
        ),
        catchError(failed),
      );
  }

  /**
   * The owner's installations through the local server's listing (docs/kii-api.md §5.6), with
   * whether each is connected now: Kii Cloud has no such query.
   */
  installationsOf$(owner: ResolvedPrincipal): Observable<readonly Installation[]> {
    type Row = {
      installationID: string;
      installationRegistrationID: string;
      deviceType: string;
      development?: boolean;
      createdAt?: number;
      connected?: boolean;
      lastSeenAt?: number | null;
    };
    const filter = owner.kind === 'user' ? { userID: owner.id } : { thingID: owner.id };
    return this.rest
      .extension$<{ installations?: Row[] }>('GET', '/installations', {
        query: { ...filter, limit: 100 },
      })
      .pipe(
        map((body) =>
          (body.installations ?? []).map((row) => ({
            installationID: row.installationID,
            registrationID: row.installationRegistrationID,
            deviceType: row.deviceType,
            development: row.development === true,
            owner,
            createdAt: row.createdAt ?? null,
            lastSeen: { connected: row.connected === true, at: row.lastSeenAt ?? null },
          })),
        ),
        catchError(failed),
      );
  }

  /** The installation's outcome for one push; 404 PUSH_MESSAGE_NOT_FOUND when not in the ledger. */
  outcome$(installationID: string, pushMessageID: string): Observable<PushOutcome> {
    type Body = { push?: ReportBody; deliveries?: readonly RowBody[] };
    return this.rest
      .extension$<Body>('GET', `/installations/${encodeURIComponent(installationID)}/deliveries`, {
        query: { pushMessageID },
      })
      .pipe(
        map((body) => {
          if (!body?.push) {
            throw makeKiiError('server', { status: 200, detail: 'The answer had no push.' });
          }
          const first = body.deliveries?.[0];
          return { push: summaryOf(body.push), row: first ? rowOf(first) : null };
        }),
        catchError(failed),
      );
  }
}

function failed(error: unknown): Observable<never> {
  return throwError(() => toKiiError(error));
}

function summaryOf(body: PushSummary): PushSummary {
  if (typeof body?.pushMessageID !== 'string' || typeof body.sentAt !== 'number') {
    throw makeKiiError('server', { status: 200, detail: 'The push record is incomplete.' });
  }
  return {
    pushMessageID: body.pushMessageID,
    target: body.target,
    sender: body.sender,
    sendToDevelopment: body.sendToDevelopment === true,
    sendToProduction: body.sendToProduction === true,
    payloadBytes: body.payloadBytes,
    sentAt: body.sentAt,
    complete: body.complete === true,
    recipients: body.recipients,
    targeted: body.targeted,
    delivered: body.delivered,
    outcomes: body.outcomes ?? {},
    timeToWriteMs: body.timeToWriteMs ?? null,
    rowsKept: body.rowsKept,
    rowsOmitted: body.rowsOmitted,
  };
}

function rowOf(body: RowBody): OutcomeRow {
  const ownerId = body.userID ?? body.thingID;
  return {
    installationID: body.installationID ?? null,
    owner: ownerId ? { kind: body.userID ? 'user' : 'thing', id: ownerId } : null,
    outcome: body.outcome,
    detail: body.detail ?? null,
    connectionID: body.connectionID ?? null,
    transport: body.transport ?? null,
    writtenAt: body.writtenAt ?? null,
  };
}
