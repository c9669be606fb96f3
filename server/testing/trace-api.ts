import { eventually, expectOk, type KiiRest } from './kii-rest';
import type { PushSummary } from '../repositories/push-ledger';
import type { TestServer } from './test-server';

export interface OutcomeJson {
  installationID: string | null;
  userID?: string;
  thingID?: string;
  outcome: string;
  detail?: string;
  connectionID?: string;
  transport?: string;
  writtenAt?: number;
}
/** A push report as `GET .../pushes/{id}` answers it (docs/kii-api.md §13.3). */
export interface PushReport extends Pick<
  PushSummary,
  | 'pushMessageID'
  | 'target'
  | 'sender'
  | 'sendToDevelopment'
  | 'sendToProduction'
  | 'payloadBytes'
  | 'recipients'
  | 'targeted'
  | 'rowsKept'
  | 'rowsOmitted'
> {
  complete: boolean;
  delivered: number;
  outcomes: Record<string, number>;
  timeToWriteMs: PushSummary['writeMs'];
  recipientRows: OutcomeJson[];
  nextPaginationKey?: string;
}
export interface ConnectionJson {
  connectionID: string;
  transport: string;
  clientAddress: string | null;
  connectedAt: number;
  subscribedAt: number | null;
  closedAt: number | null;
  closeReason: string | null;
  detail: string | null;
  tookOver: string | null;
  takenOverBy: string | null;
}
export interface History {
  connected: boolean;
  lastSeenAt: number | null;
  connections: ConnectionJson[];
}

/** Reads the trace extension (docs/kii-api.md §13) as the console would. */
export function traceApi(server: TestServer, rest: KiiRest, admin: string) {
  const x = `/x-local/v1${rest.app}`;
  return {
    /** The report once every write has settled. */
    async push(id: string, query = ''): Promise<PushReport> {
      let report!: PushReport;
      await eventually(async () => {
        report = await expectOk<PushReport>(
          await server.api(`${x}/pushes/${id}${query}`, { token: admin }),
        );
        return report.complete;
      });
      return report;
    },
    async history(installationID: string): Promise<History> {
      return expectOk<History>(
        await server.api(`${x}/installations/${installationID}/connections`, { token: admin }),
      );
    },
    async deliveries(installationID: string, query = '') {
      return expectOk<{ deliveries: (OutcomeJson & { pushMessageID: string })[] }>(
        await server.api(`${x}/installations/${installationID}/deliveries${query}`, {
          token: admin,
        }),
      );
    },
  };
}
