import { ConnectionRecord } from '../app/core/kii/push-trace';

/** A push summary as the local server's trace extension answers it (docs/kii-api.md §13.3). */
export const PUSH_BODY = {
  pushMessageID: 'p-1',
  target: 'kiicloud://topics/news',
  sender: 'kiicloud://admins/APP_ADMIN',
  sendToDevelopment: true,
  sendToProduction: false,
  payloadBytes: 120,
  sentAt: 1000,
  complete: true,
  settledAt: 1010,
  recipients: 2,
  targeted: 2,
  delivered: 1,
  outcomes: { DELIVERED: 1, NOT_CONNECTED: 1 },
  timeToWriteMs: { p50: 3, p99: 4, max: 4 },
  rowsKept: 2,
  rowsOmitted: 0,
};

/** One connection of an installation's history; open, subscribed a second after connecting. */
export function connectionRecord(
  connectedAt: number,
  extra: Partial<ConnectionRecord> = {},
): ConnectionRecord {
  return {
    connectionID: 'c-1',
    transport: 'ws',
    clientAddress: '127.0.0.1',
    connectedAt,
    subscribedAt: connectedAt + 1000,
    closedAt: null,
    closeReason: null,
    detail: null,
    tookOver: null,
    takenOverBy: null,
    ...extra,
  };
}
