import { kiiRest, topicPath } from './testing/kii-rest';
import { connackCode, mqttJsReceiver } from './testing/mqtt-clients';
import { startTestServer, type TestServer } from './testing/test-server';

/** GET /metrics: Prometheus text, open, aggregate only (docs/kii-api.md §13.4). */
describe('metrics', () => {
  let server: TestServer;
  afterEach(() => server.close());

  it('counts pushes, outcomes, connections, refusals, takeovers and requests, without IDs', async () => {
    server = await startTestServer();
    const rest = kiiRest(server);
    const admin = await server.adminToken();
    const [alice, bob] = await Promise.all([rest.registerUser('alice'), rest.registerUser('bob')]);
    const news = topicPath.app(server, 'news');
    await rest.createTopic(admin, news);
    await rest.subscribe(admin, news, { userID: alice.id });
    await rest.subscribe(admin, news, { userID: bob.id });
    const endpoint = await rest.mqttEndpointFor(alice.token);
    expect(await connackCode({ ...endpoint, password: 'wrong' }, 'tcp')).toBe(4);
    const first = await mqttJsReceiver(endpoint, 'tcp');
    const second = await mqttJsReceiver(endpoint, 'ws');
    await first.closed;
    await rest.send(admin, news, { data: { n: 1 } });
    await second.next();

    expect((await server.api('/no/such/route')).status).toBe(404);
    const response = await fetch(`http://127.0.0.1:${server.app.kii.ports.http}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    // Other origins' pages cannot read it (no CORS header), unlike the API.
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const text = await response.text();
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    expect(value('kii_pushes_total')).toBe(1);
    // Outcomes are counted once the push's writes settled; the scrape after next() sees them.
    expect(value('kii_push_outcomes_total{outcome="DELIVERED"}')).toBe(1);
    expect(value('kii_push_outcomes_total{outcome="NO_MQTT_INSTALLATION"}')).toBe(1);
    expect(value('kii_mqtt_connections')).toBe(1);
    expect(value('kii_mqtt_connects_refused_total{reason="WRONG_PASSWORD"}')).toBe(1);
    expect(value('kii_mqtt_takeovers_total')).toBe(1);
    expect(value('kii_mqtt_disconnects_total{reason="TAKEOVER"}')).toBe(1);
    expect(
      value(
        'kii_http_request_duration_seconds_count{method="POST",route="/api/apps/:appID/topics/:topicID/push/messages",status="201"}',
      ),
    ).toBe(1);
    const push =
      'method="POST",route="/api/apps/:appID/topics/:topicID/push/messages",status="201"';
    expect(value(`kii_http_request_duration_seconds_bucket{${push},le="+Inf"}`)).toBe(1);
    expect(value(`kii_http_request_duration_seconds_sum{${push}}`)).toBeGreaterThan(0);
    expect(
      value('kii_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}'),
    ).toBe(1);
    for (const id of [alice.id, bob.id, endpoint.installationID, endpoint.mqttTopic])
      expect(text).not.toContain(id);
    await second.close();
  });
});
