import type { Client } from 'aedes';
import { createBatchWriter } from '../db/batch-writer';
import type { Db } from '../db/database';
import type { Metrics } from '../metrics';
import type {
  CloseReason,
  ConnectionHistoryRepository,
  ConnectionRecord,
  Transport,
} from '../repositories/connection-history';

/** A connection record passed from a cluster's broker node to the API node's history. */
export interface HistoryEvent {
  kind: 'open' | 'closed';
  record: ConnectionRecord;
}

/** Why the broker refused a CONNECT (or a connection before it), for metrics and history. */
export type RefusalReason =
  | 'UNKNOWN_USERNAME'
  | 'WRONG_PASSWORD'
  | 'CLIENT_ID_MISMATCH'
  | 'CREDENTIALS_EXPIRED'
  | 'NOT_READY'
  | 'ADDRESS_LIMIT'
  | 'CONNECT_TIMEOUT';

/** Set by packet-guard.ts on a packet over the size cap; ws uses its own code for 1009. */
const PACKET_REFUSED_CODES = new Set(['PACKET_TOO_LARGE', 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH']);

/**
 * What an error aedes reports for a connection says about why it closes. aedes 1.2 reports its
 * own causes by message only ('drain timeout', 'keep alive timeout'); socket errors carry an
 * errno code (ECONNRESET); whatever else arrives is the parser or aedes refusing a packet.
 */
function closeReasonOf(error: Error & { code?: unknown }): CloseReason {
  if (error.message === 'drain timeout') return 'DRAIN_TIMEOUT';
  if (error.message === 'keep alive timeout') return 'KEEPALIVE_TIMEOUT';
  const code = typeof error.code === 'string' ? error.code : '';
  if (PACKET_REFUSED_CODES.has(code)) return 'PACKET_REFUSED';
  if (/^E[A-Z]+$/.test(code)) return 'CONNECTION_LOST';
  return 'PROTOCOL_ERROR';
}

/**
 * Connection IDs: unique per server run, ordered, cheap. The run part has a random tail so that
 * cluster nodes started in the same millisecond still name their connections apart.
 */
function connectionIds() {
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296)
    .toString(36)
    .padStart(2, '0')}`;
  let next = 0;
  return () => `c-${run}-${(++next).toString(36)}`;
}

/**
 * The connection history of installations (docs/kii-api.md §13.2), fed by the broker's aedes
 * hooks and events. Open connections live in memory; a closed one is written to SQLite in a
 * batch on the next turn, never on the CONNECT or close path itself. The first close reason
 * set wins: the broker states its own cause (takeover, expiry, uninstall) before closing, and
 * the error or disconnect aedes reports afterwards no longer changes it.
 */
export function createConnectionTracker(deps: {
  db: Db;
  repository: ConnectionHistoryRepository;
  metrics: Metrics;
  onWriteError: (error: unknown) => void;
  /** A cluster's broker node: passes each opened, subscribed and closed record on. */
  forward?: (event: HistoryEvent) => void;
}) {
  const { repository, metrics, forward } = deps;
  const nextId = connectionIds();
  const transports = new WeakMap<Client, { transport: Transport; address: string | null }>();
  const records = new WeakMap<Client, ConnectionRecord>();
  /** installation ID -> its newest open connection. */
  const live = new Map<string, ConnectionRecord>();
  const writer = createBatchWriter<ConnectionRecord>(
    deps.db,
    (items) => repository.insertAll(items),
    deps.onWriteError,
  );
  let shuttingDown = false;
  /** API node only: the open connections each broker node reported, by connection ID. */
  const remoteOpen = new Map<string, Map<string, ConnectionRecord>>();

  function start(client: Client, installationId: string, now: number): ConnectionRecord {
    const where = transports.get(client);
    return {
      connectionID: nextId(),
      installationID: installationId,
      transport: where?.transport ?? 'tcp',
      clientAddress: where?.address ?? null,
      connectedAt: now,
      subscribedAt: null,
      closedAt: null,
      closeReason: null,
      detail: null,
      tookOver: null,
      takenOverBy: null,
    };
  }

  const tracker = {
    /** A connection handed to aedes: where it comes from. */
    attach(client: Client, transport: Transport, address: string | undefined): void {
      const normalized = address?.startsWith('::ffff:') ? address.slice(7) : address;
      transports.set(client, { transport, address: normalized ?? null });
    },
    /** authenticate accepted an installation's CONNECT; `previous` holds the same client ID. */
    accepted(client: Client, installationId: string, previous: Client | undefined): void {
      const record = start(client, installationId, Date.now());
      records.set(client, record);
      const replaced = previous && previous !== client ? records.get(previous) : undefined;
      if (replaced) {
        record.tookOver = replaced.connectionID;
        replaced.takenOverBy = record.connectionID;
        tracker.closing(previous!, 'TAKEOVER');
      }
    },
    /** authenticate refused a CONNECT; with a known installation it joins its history. */
    refused(client: Client, reason: RefusalReason, installationId?: string): void {
      metrics.connectsRefused.inc({ reason });
      if (!installationId) return;
      const record = start(client, installationId, Date.now());
      record.closedAt = record.connectedAt;
      record.closeReason = 'CONNECT_REFUSED';
      record.detail = reason;
      writer.add(record);
      forward?.({ kind: 'closed', record });
    },
    /** A connection refused before CONNECT (address caps, connect timeout). */
    refusedEarly(reason: RefusalReason): void {
      metrics.connectsRefused.inc({ reason });
    },
    /** CONNACK sent: the connection now counts as the installation's live one. */
    ready(client: Client): void {
      const record = records.get(client);
      if (!record) return;
      live.set(record.installationID, record);
      forward?.({ kind: 'open', record: { ...record } });
    },
    subscribed(client: Client): void {
      const record = records.get(client);
      if (record && record.subscribedAt === null) {
        record.subscribedAt = Date.now();
        forward?.({ kind: 'open', record: { ...record } });
      }
    },
    /** Notes why the broker is about to close (or aedes is closing) a connection. */
    closing(client: Client, reason: CloseReason, detail?: string): void {
      const record = records.get(client);
      if (!record || record.closeReason) return;
      record.closeReason = reason;
      if (detail) record.detail = detail;
    },
    /** An error aedes reported; ignored once the connection is closing for another reason. */
    errored(client: Client, error: Error): void {
      if (client.closed) return;
      tracker.closing(client, closeReasonOf(error), error.message.slice(0, 200));
    },
    /** aedes unregistered the connection: the record is complete and goes to SQLite. */
    closed(client: Client, disconnectPacket: boolean): void {
      const record = records.get(client);
      if (!record || record.closedAt !== null) return;
      record.closedAt = Date.now();
      record.closeReason ??= shuttingDown
        ? 'SERVER_SHUTDOWN'
        : disconnectPacket
          ? 'CLIENT_DISCONNECT'
          : 'CONNECTION_LOST';
      if (live.get(record.installationID) === record) live.delete(record.installationID);
      metrics.disconnects.inc({ reason: record.closeReason });
      if (record.closeReason === 'TAKEOVER') metrics.takeovers.inc();
      writer.add(record);
      forward?.({ kind: 'closed', record });
    },
    /**
     * On a cluster's API node: a record from broker node `node`. Open ones count as the
     * installation's live connection unless a newer one is; closed ones join the history.
     */
    remote(event: HistoryEvent, node: string): void {
      const { record } = event;
      let open = remoteOpen.get(node);
      if (!open) remoteOpen.set(node, (open = new Map()));
      const current = live.get(record.installationID);
      if (event.kind === 'open') {
        open.set(record.connectionID, record);
        if (!current || current.connectedAt <= record.connectedAt)
          live.set(record.installationID, record);
        return;
      }
      open.delete(record.connectionID);
      if (current?.connectionID === record.connectionID) live.delete(record.installationID);
      writer.add(record);
    },
    /** A broker node stopped answering: the connections it held are gone with it. */
    forgetNode(node: string): void {
      const open = remoteOpen.get(node);
      remoteOpen.delete(node);
      const now = Date.now();
      for (const record of open?.values() ?? []) {
        if (live.get(record.installationID) === record) live.delete(record.installationID);
        writer.add({
          ...record,
          closedAt: now,
          closeReason: 'CONNECTION_LOST',
          detail: `cluster node ${node} stopped answering`,
        });
      }
    },
    /** The open connection's record, for delivery outcomes. */
    of(client: Client): ConnectionRecord | undefined {
      return records.get(client);
    },
    shutdown(): void {
      shuttingDown = true;
    },
    /** Newest first: the open connection, then the closed ones. */
    history(installationId: string, limit: number): ConnectionRecord[] {
      writer.flush();
      const open = live.get(installationId);
      const closed = repository.newest(installationId, limit);
      return (open ? [{ ...open }, ...closed] : closed).slice(0, limit);
    },
    /** Whether each installation is connected now, else when its last connection closed. */
    lastSeen(installationIds: string[]): Map<string, { connected: boolean; at: number | null }> {
      writer.flush();
      const closedAt = repository.lastClosed(installationIds);
      const now = Date.now();
      return new Map(
        installationIds.map((id) => [
          id,
          live.has(id)
            ? { connected: true, at: now }
            : { connected: false, at: closedAt.get(id) ?? null },
        ]),
      );
    },
    flush: () => writer.flush(),
  };
  return tracker;
}

export type ConnectionTracker = ReturnType<typeof createConnectionTracker>;
