import { startKiiTeamFixture, type KiiTeamFixture } from '../testing/kii-team-fixture';
import { expectOk, type TeamClient } from '../testing/test-console-server';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brokerOriginsOf, createBrokerOrigins } from './broker-origins';

const connectSrc = (response: Response) =>
  /(?:^|; )connect-src ([^;]*)/.exec(response.headers.get('content-security-policy') ?? '')?.[1];

describe('Broker origins in the CSP', () => {
  it('turns an endpoint into ws:// and wss:// origins, and hostile hosts into none', () => {
    expect(brokerOriginsOf({ host: 'MQTT-JP.kii.com', portWS: 12470, portWSS: 12473 })).toEqual([
      'ws://mqtt-jp.kii.com:12470',
      'wss://mqtt-jp.kii.com:12473',
    ]);
    expect(brokerOriginsOf({ host: '::1', portWS: 8080, portWSS: 0 })).toEqual(['ws://[::1]:8080']);
    for (const host of [
      "evil.example; script-src 'unsafe-inline'",
      'a b',
      '*',
      'host/path',
      '',
      'x'.repeat(254),
      '[::1]:80',
    ]) {
      expect(brokerOriginsOf({ host, portWS: 80, portWSS: 443 }))
        .withContext(host)
        .toEqual([]);
    }
    expect(brokerOriginsOf({ host: 'h', portWS: 70000, portWSS: -1 })).toEqual([]);
  });

  it('stores an origin once, and again after the app is forgotten', () => {
    const db = new Database(':memory:');
    for (const name of ['002_apps_registry.sql', '003_monitor_things_brokers.sql']) {
      db.exec(readFileSync(join(import.meta.dirname, '..', 'db', 'migrations', name), 'utf8'));
    }
    const rows = () =>
      db.prepare('SELECT app_id, origin FROM broker_origins ORDER BY origin').all();
    const brokers = createBrokerOrigins(db);
    const address = { host: 'mqtt.example', portWS: 8080, portWSS: 8443 };
    expect(brokers.record('app1', address)).toBeTrue();
    // Known already: nothing new, nothing written (the table is as it was).
    expect(brokers.record('app1', address)).toBeFalse();
    expect(brokers.record('app1', { ...address, portWSS: 9443 })).toBeTrue();
    expect(brokers.of('app1')).toEqual([
      'ws://mqtt.example:8080',
      'wss://mqtt.example:8443',
      'wss://mqtt.example:9443',
    ]);
    brokers.forgetApp('app1');
    expect(rows()).toEqual([]);
    // Forgotten means stored again on the next endpoint, not skipped as known.
    expect(brokers.record('app1', address)).toBeTrue();
    expect(rows()).toEqual([
      { app_id: 'app1', origin: 'ws://mqtt.example:8080' },
      { app_id: 'app1', origin: 'wss://mqtt.example:8443' },
    ]);
    db.close();
  });

  describe('against the local Kii server', () => {
    let fx: KiiTeamFixture;
    let admin: TeamClient;

    beforeAll(async () => {
      fx = await startKiiTeamFixture();
      admin = await fx.signedIn('csp-admin', [{ appId: '*', role: 'admin' }]);
    }, 60_000);
    afterAll(() => fx?.stop());

    it("allows exactly the connected app's broker, learned when the app was connected", async () => {
      const endpoint = await expectOk<{ host: string; portWS: number; portWSS: number }>(
        await admin.request('POST', `/team/api/apps/${fx.app.appId}/monitors/topic`, {
          body: { scope: 'app', topicID: 'announcements' },
        }),
      );
      // The local server answers portWSS 0 when it has no TLS: no wss:// origin then.
      const origins = brokerOriginsOf(endpoint);
      expect(origins).toContain(`ws://${endpoint.host}:${endpoint.portWS}`);
      const expected = ["'self'", ...origins].join(' ');
      // The fixture connected the app through the API: the origins were there before any monitor.
      const [connectRow] = fx.server.app.team.audit.page(
        { all: true },
        { action: 'app.connect' },
        1,
      );
      expect(JSON.parse(connectRow.detailsJson).brokerOrigins).toEqual(origins);
      expect(connectSrc(await admin.request('GET', '/team/api/me'))).toBe(expected);
      // On every answer, errors and pages outside the API included.
      expect(connectSrc(await fx.client().request('GET', '/team/api/me'))).toBe(expected);
      expect(connectSrc(await fx.client().request('GET', '/no-such-page'))).toBe(expected);

      expect((await admin.request('DELETE', `/team/api/apps/${fx.app.appId}`)).status).toBe(204);
      expect(connectSrc(await admin.request('GET', '/team/api/me'))).toBe("'self'");

      const { app } = fx;
      await expectOk(
        await admin.request('POST', '/team/api/apps', {
          body: {
            appId: app.appId,
            site: 'custom',
            baseUrl: app.baseUrl,
            appKey: app.appKey,
            clientId: app.clientId,
            clientSecret: app.clientSecret,
          },
        }),
      );
      expect(connectSrc(await admin.request('GET', '/team/api/me'))).toBe(expected);
    });
  });
});
