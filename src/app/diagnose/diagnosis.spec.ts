import { Installation } from '../core/kii/installation';
import { ConnectionRecord, OutcomeRow, PushSummary } from '../core/kii/push-trace';
import { connectionRecord } from '../../testing/trace-fixtures';
import {
  CHECK_ORDER,
  Diagnosis,
  KiiFacts,
  SentRecord,
  TraceFacts,
  diagnoseKii,
  diagnoseTrace,
} from './diagnosis';

const SENT_AT = 1_700_000_000_000;
const time = (ms: number) => `t+${ms - SENT_AT}`;

const installation = (development = false, extra: Partial<Installation> = {}): Installation => ({
  installationID: 'inst-1',
  registrationID: 'reg-1',
  deviceType: 'MQTT',
  development,
  owner: { kind: 'user', id: 'user-1', name: 'alice' },
  createdAt: SENT_AT - 60_000,
  ...extra,
});

const push = (extra: Partial<PushSummary> = {}): PushSummary => ({
  pushMessageID: 'push-1',
  target: 'kiicloud://topics/news',
  sender: 'kiicloud://admins/APP_ADMIN',
  sendToDevelopment: true,
  sendToProduction: true,
  payloadBytes: 321,
  sentAt: SENT_AT,
  complete: true,
  recipients: 3,
  targeted: 3,
  delivered: 1,
  outcomes: { DELIVERED: 1 },
  timeToWriteMs: { p50: 2, p99: 5, max: 5 },
  rowsKept: 3,
  rowsOmitted: 0,
  ...extra,
});

const row = (outcome: OutcomeRow['outcome'], extra: Partial<OutcomeRow> = {}): OutcomeRow => ({
  installationID: 'inst-1',
  owner: { kind: 'user', id: 'user-1' },
  outcome,
  detail: null,
  connectionID: null,
  transport: null,
  writtenAt: null,
  ...extra,
});

const connection = (extra: Partial<ConnectionRecord> = {}): ConnectionRecord =>
  connectionRecord(SENT_AT - 5000, extra);

function trace(extra: Partial<TraceFacts>): Diagnosis {
  return diagnoseTrace(
    {
      installationID: 'inst-1',
      installation: installation(),
      push: push(),
      row: null,
      ownerWithoutMqtt: false,
      connections: [],
      ...extra,
    },
    time,
  );
}

const statuses = (d: Diagnosis) => d.checks.map((c): string => c.status);
const statusOf = (d: Diagnosis, id: string) => d.checks.find((c) => c.id === id)!.status;

describe('diagnoseTrace', () => {
  it('says DELIVERED as "written to connection c (transport) at t", every check passed', () => {
    const d = trace({
      row: row('DELIVERED', { connectionID: 'c-1', transport: 'ws', writtenAt: SENT_AT + 3 }),
      connections: [connection()],
    });
    expect(d.verdict).toBe('DELIVERED');
    expect(d.evidence).toBe('Written to connection c-1 (ws) at t+3.');
    expect(d.title).not.toMatch(/receiv/i);
    expect(d.fix).toContain('no receipt');
    expect(statuses(d)).toEqual(CHECK_ORDER.map(() => 'pass'));
    expect(d.checks.find((c) => c.id === 'connected')!.evidence).toContain('open since t+-5000');
  });

  it('names the replaced connection when the write went to one that took over', () => {
    const d = trace({
      row: row('DELIVERED', { connectionID: 'c-2', transport: 'tcp', writtenAt: SENT_AT + 1 }),
      connections: [connection({ connectionID: 'c-2', tookOver: 'c-1' })],
    });
    expect(d.verdict).toBe('DELIVERED');
    expect(d.checks.find((c) => c.id === 'takeover')!.evidence).toContain('had taken over c-1');
  });

  it('PUSH_NOT_FOUND when the ledger has no record, and runs nothing after it', () => {
    const d = trace({ push: null });
    expect(d.verdict).toBe('PUSH_NOT_FOUND');
    expect(statuses(d)).toEqual(['fail', ...CHECK_ORDER.slice(1).map(() => 'skipped')]);
  });

  it('MQTT_DISABLED when the message turned MQTT off', () => {
    expect(trace({ row: row('MQTT_DISABLED') }).verdict).toBe('MQTT_DISABLED');
  });

  it('NOT_A_RECIPIENT when a complete push with every row kept has none for it', () => {
    const d = trace({ row: null });
    expect(d.verdict).toBe('NOT_A_RECIPIENT');
    expect(d.evidence).toContain('targeted 3 installations');
    expect(statusOf(d, 'sent')).toBe('pass');
  });

  it('cannot tell (ROW_OMITTED) when rows were omitted and none is this one', () => {
    const d = trace({ push: push({ rowsOmitted: 1000 }) });
    expect(d.verdict).toBe('ROW_OMITTED');
    expect(statusOf(d, 'recipient')).toBe('unknown');
  });

  it('STILL_SENDING while the push has not settled', () => {
    expect(trace({ push: push({ complete: false }) }).verdict).toBe('STILL_SENDING');
  });

  it('NO_MQTT_INSTALLATION when the owner had none, naming a later creation time', () => {
    const d = trace({
      ownerWithoutMqtt: true,
      installation: installation(false, { createdAt: SENT_AT + 10_000 }),
    });
    expect(d.verdict).toBe('NO_MQTT_INSTALLATION');
    expect(d.code).toBe('NO_MQTT_INSTALLATION');
    expect(d.evidence).toContain('created at t+10000');
    expect(statusOf(d, 'recipient')).toBe('pass');
  });

  it('ENVIRONMENT_FILTERED for a development installation says to tick Development', () => {
    const d = trace({
      installation: installation(true),
      push: push({ sendToDevelopment: false }),
      row: row('ENVIRONMENT_FILTERED'),
    });
    expect(d.code).toBe('ENVIRONMENT_FILTERED');
    expect(d.fix).toBe('This installation is development; resend with Development ticked.');
  });

  it('ENVIRONMENT_FILTERED for a production installation says to tick Production', () => {
    const d = trace({
      installation: null,
      push: push({ sendToProduction: false }),
      row: row('ENVIRONMENT_FILTERED'),
    });
    expect(d.verdict).toBe('PRODUCTION_FILTERED');
    expect(d.fix).toBe('This installation is production; resend with Production ticked.');
  });

  it('NOT_CONNECTED with the last close before the send as evidence', () => {
    const d = trace({
      row: row('NOT_CONNECTED'),
      connections: [connection({ closedAt: SENT_AT - 100, closeReason: 'CLIENT_DISCONNECT' })],
    });
    expect(d.verdict).toBe('NOT_CONNECTED');
    expect(d.evidence).toContain('c-1 closed at t+-100 (CLIENT_DISCONNECT)');
    expect(statusOf(d, 'environment')).toBe('pass');
    expect(statusOf(d, 'subscribed')).toBe('skipped');
  });

  it('NOT_CONNECTED for an installation that never connected', () => {
    expect(trace({ row: row('NOT_CONNECTED') }).evidence).toBe('It had never connected.');
  });

  it('NOT_SUBSCRIBED names the open connection', () => {
    const d = trace({
      row: row('NOT_SUBSCRIBED'),
      connections: [connection({ subscribedAt: null })],
    });
    expect(d.verdict).toBe('NOT_SUBSCRIBED');
    expect(d.evidence).toContain('Connection c-1 was open');
    expect(statusOf(d, 'connected')).toBe('pass');
  });

  it('CREDENTIALS_EXPIRED when not connected with expired credentials', () => {
    const d = trace({ row: row('CREDENTIALS_EXPIRED') });
    expect(d.verdict).toBe('CREDENTIALS_EXPIRED');
    expect(d.fix).toContain('new credentials');
  });

  it('TAKEN_OVER names the connection that took over', () => {
    const d = trace({
      row: row('CONNECTION_CLOSED', { detail: 'TAKEOVER', connectionID: 'c-1', transport: 'ws' }),
      connections: [
        connection({ connectionID: 'c-2', tookOver: 'c-1' }),
        connection({ closedAt: SENT_AT + 1, closeReason: 'TAKEOVER', takenOverBy: 'c-2' }),
      ],
    });
    expect(d.verdict).toBe('TAKEN_OVER');
    expect(d.evidence).toBe('Connection c-1 was taken over by c-2 before the write.');
    expect(statusOf(d, 'credentials')).toBe('pass');
  });

  it('CONNECTION_CLOSED for another close before the write', () => {
    const d = trace({
      row: row('CONNECTION_CLOSED', { detail: 'KEEPALIVE_TIMEOUT', connectionID: 'c-1' }),
    });
    expect(d.verdict).toBe('CONNECTION_CLOSED');
    expect(d.evidence).toContain('KEEPALIVE_TIMEOUT');
    expect(statusOf(d, 'slow-consumer')).toBe('pass');
  });

  it('DROPPED_SLOW_CONSUMER', () => {
    const d = trace({ row: row('DROPPED_SLOW_CONSUMER', { connectionID: 'c-1' }) });
    expect(d.verdict).toBe('DROPPED_SLOW_CONSUMER');
    expect(statusOf(d, 'delivered')).toBe('skipped');
  });
});

describe('diagnoseKii', () => {
  const send = (extra: Partial<SentRecord> = {}): SentRecord => ({
    pushMessageID: 'push-1',
    sentAt: SENT_AT,
    targetText: 'app topic news',
    addressed: 'topic',
    development: false,
    production: true,
    bytes: 200,
    ...extra,
  });
  const kii = (extra: Partial<KiiFacts>) =>
    diagnoseKii(
      {
        installationID: 'inst-1',
        installation: installation(),
        send: send(),
        subscribed: true,
        endpoint: 'valid',
        thingOnline: null,
        ...extra,
      },
      time,
    );

  it('finds no problem when every check Kii allows passes, and says which it cannot make', () => {
    const d = kii({});
    expect(d.verdict).toBe('NO_PROBLEM_FOUND');
    expect(d.checks.filter((c) => c.status === 'unavailable').map((c) => c.id)).toEqual([
      'connected',
      'subscribed',
      'takeover',
      'slow-consumer',
      'delivered',
    ]);
    expect(d.checks.find((c) => c.id === 'delivered')!.evidence).toContain('Kii Cloud keeps no');
  });

  it('ENVIRONMENT_FILTERED from the send record and the installation', () => {
    const d = kii({ installation: installation(true) });
    expect(d.verdict).toBe('DEVELOPMENT_FILTERED');
    // What Kii cannot tell is still said after the failure; what it could is not run.
    expect(statusOf(d, 'connected')).toBe('unavailable');
    expect(statusOf(d, 'credentials')).toBe('skipped');
    expect(d.fix).toContain('resend with Development ticked');
  });

  it('NOT_A_RECIPIENT when the owner does not subscribe to the topic now', () => {
    expect(kii({ subscribed: false }).verdict).toBe('NOT_A_RECIPIENT');
  });

  it('NOT_A_RECIPIENT when the direct push went to someone else', () => {
    expect(kii({ send: send({ addressed: 'someone-else' }) }).verdict).toBe('NOT_A_RECIPIENT');
  });

  it('INSTALLATION_NOT_FOUND and NOT_MQTT from the installation read', () => {
    expect(kii({ installation: null, endpoint: null }).verdict).toBe('INSTALLATION_NOT_FOUND');
    expect(kii({ installation: installation(false, { deviceType: 'IOS' }) }).verdict).toBe(
      'NOT_MQTT',
    );
  });

  it('PAYLOAD_TOO_LARGE from the recorded size', () => {
    expect(kii({ send: send({ bytes: 5000 }) }).verdict).toBe('PAYLOAD_TOO_LARGE');
  });

  it('ENDPOINT_NOT_READY and ENDPOINT_FAILED from the endpoint fetch', () => {
    expect(kii({ endpoint: 'not-ready' }).verdict).toBe('ENDPOINT_NOT_READY');
    expect(kii({ endpoint: 'failed' }).verdict).toBe('ENDPOINT_FAILED');
  });

  it('without a send record, still checks the installation and the endpoint', () => {
    const d = kii({ send: null, subscribed: null, endpoint: 'not-ready' });
    expect(statusOf(d, 'sent')).toBe('unknown');
    expect(statusOf(d, 'environment')).toBe('unknown');
    expect(statusOf(d, 'installation')).toBe('pass');
    expect(d.verdict).toBe('ENDPOINT_NOT_READY');
  });
  describe("with a thing's online status (Kii's one connection fact)", () => {
    const thingOwned = installation(false, { owner: { kind: 'thing', id: 'th.1', name: 'lamp' } });
    const withStatus = (online: boolean, since: number | null, extra: Partial<KiiFacts> = {}) =>
      kii({ installation: thingOwned, thingOnline: { online, since }, ...extra });
    const connected = (d: Diagnosis) => d.checks.find((c) => c.id === 'connected')!;

    it('passes Connected for a thing online without a change since before the send', () => {
      const d = withStatus(true, SENT_AT - 1000);
      expect(connected(d)).toEqual({
        id: 'connected',
        status: 'pass',
        evidence: 'The thing is online, without a change since t+-1000, before the push was sent.',
      });
      expect(d.verdict).toBe('NO_PROBLEM_FOUND');
      expect(statusOf(d, 'subscribed')).toBe('unavailable');
    });

    it('says NOT_CONNECTED for a thing offline since before the send, with the fix line', () => {
      const d = withStatus(false, SENT_AT - 1000);
      expect(d.verdict).toBe('NOT_CONNECTED');
      expect(d.evidence).toBe(
        'The thing is offline, without a change since t+-1000, before the push was sent.',
      );
      expect(d.fix).toContain('connect the device with its endpoint, then resend');
      // The next check Kii allows is not run after the failure.
      expect(statusOf(d, 'credentials')).toBe('skipped');
    });

    it('says NOT_CONNECTED for a thing that was never online', () => {
      const d = withStatus(false, null);
      expect(d.verdict).toBe('NOT_CONNECTED');
      expect(d.evidence).toContain('never been online');
    });

    it('cannot tell from a status that changed after the send, and shows it as evidence', () => {
      for (const online of [true, false]) {
        const d = withStatus(online, SENT_AT + 5000);
        expect(connected(d).status).toBe('unknown');
        expect(connected(d).evidence).toContain(
          `${online ? 'online' : 'offline'} now, since t+5000; what it was when the push was sent`,
        );
        expect(d.verdict).toBe('NO_PROBLEM_FOUND');
      }
      expect(connected(withStatus(true, null)).status).toBe('unknown');
    });

    it('without a send record shows the status now but decides nothing', () => {
      const d = withStatus(false, SENT_AT - 1000, { send: null, subscribed: null });
      expect(connected(d).status).toBe('unknown');
      expect(connected(d).evidence).toContain('offline now');
    });

    it('is not run after an earlier failure', () => {
      const d = withStatus(true, SENT_AT - 1000, {
        installation: { ...thingOwned, development: true },
      });
      expect(d.verdict).toBe('DEVELOPMENT_FILTERED');
      expect(statusOf(d, 'connected')).toBe('skipped');
    });
  });
});
