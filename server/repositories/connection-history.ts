import type { Db } from '../db/database';

/** Closed connections kept per installation (newest first); older ones are pruned on insert. */
export const HISTORY_PER_INSTALLATION = 50;
/** Closed connections kept in all (installations come and go); the oldest go first. */
export const HISTORY_MAX_ROWS = 200_000;

export type Transport = 'tcp' | 'tls' | 'ws' | 'wss';

/** Why a connection ended (docs/kii-api.md §13.2). */
export type CloseReason =
  | 'CLIENT_DISCONNECT'
  | 'CONNECTION_LOST'
  | 'KEEPALIVE_TIMEOUT'
  | 'TAKEOVER'
  | 'CREDENTIALS_EXPIRED'
  | 'UNINSTALLED'
  | 'PUBLISH_REFUSED'
  | 'DRAIN_TIMEOUT'
  | 'PACKET_REFUSED'
  | 'PROTOCOL_ERROR'
  | 'SERVER_SHUTDOWN'
  | 'CONNECT_REFUSED';

/** One MQTT connection of an installation, open (closedAt null) or closed. */
export interface ConnectionRecord {
  connectionID: string;
  installationID: string;
  transport: Transport;
  clientAddress: string | null;
  /** When the broker accepted (or refused) the CONNECT's credentials. */
  connectedAt: number;
  subscribedAt: number | null;
  closedAt: number | null;
  closeReason: CloseReason | null;
  detail: string | null;
  /** The connection with the same client ID that this one replaced. */
  tookOver: string | null;
  takenOverBy: string | null;
}

interface Row {
  installation_id: string;
  connection_id: string;
  transport: Transport;
  client_address: string | null;
  connected_at: number;
  subscribed_at: number | null;
  closed_at: number;
  close_reason: CloseReason;
  detail: string | null;
  took_over: string | null;
  taken_over_by: string | null;
}

function toRecord(row: Row): ConnectionRecord {
  return {
    connectionID: row.connection_id,
    installationID: row.installation_id,
    transport: row.transport,
    clientAddress: row.client_address,
    connectedAt: row.connected_at,
    subscribedAt: row.subscribed_at,
    closedAt: row.closed_at,
    closeReason: row.close_reason,
    detail: row.detail,
    tookOver: row.took_over,
    takenOverBy: row.taken_over_by,
  };
}

/** Closed MQTT connections per installation, bounded (see the constants above). */
export function createConnectionHistoryRepository(db: Db) {
  const insert = db.prepare(`INSERT INTO connection_history (installation_id, connection_id,
      transport, client_address, connected_at, subscribed_at, closed_at, close_reason, detail,
      took_over, taken_over_by)
    VALUES (@installationID, @connectionID, @transport, @clientAddress, @connectedAt,
      @subscribedAt, @closedAt, @closeReason, @detail, @tookOver, @takenOverBy)`);
  const pruneInstallation = db.prepare(`DELETE FROM connection_history WHERE installation_id = @id
    AND seq <= (SELECT seq FROM connection_history WHERE installation_id = @id
      ORDER BY seq DESC LIMIT 1 OFFSET ${HISTORY_PER_INSTALLATION})`);
  // seq only grows, so this keeps at most HISTORY_MAX_ROWS rows with one range delete.
  const pruneAll = db.prepare(`DELETE FROM connection_history
    WHERE seq <= (SELECT max(seq) FROM connection_history) - ${HISTORY_MAX_ROWS}`);
  const newest = db.prepare<[string, number], Row>(
    'SELECT * FROM connection_history WHERE installation_id = ? ORDER BY seq DESC LIMIT ?',
  );
  const lastClosed = db.prepare<[string], { installation_id: string; closed_at: number }>(`
    SELECT installation_id, max(closed_at) AS closed_at FROM connection_history
    WHERE installation_id IN (SELECT value FROM json_each(?)) GROUP BY installation_id`);

  return {
    /** Inside a transaction (the batch writer's): many closes share one commit. */
    insertAll(records: ConnectionRecord[]): void {
      const touched = new Set<string>();
      for (const record of records) {
        insert.run(record);
        touched.add(record.installationID);
      }
      for (const id of touched) pruneInstallation.run({ id });
      pruneAll.run();
    },
    newest(installationId: string, limit: number): ConnectionRecord[] {
      return newest.all(installationId, limit).map(toRecord);
    },
    /** When each installation's latest stored connection closed. */
    lastClosed(installationIds: string[]): Map<string, number> {
      const rows = installationIds.length ? lastClosed.all(JSON.stringify(installationIds)) : [];
      return new Map(rows.map((row) => [row.installation_id, row.closed_at]));
    },
  };
}

export type ConnectionHistoryRepository = ReturnType<typeof createConnectionHistoryRepository>;
