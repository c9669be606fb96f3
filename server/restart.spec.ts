import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expectOk, kiiRest, topicPath, type KiiRest, type Principal } from './testing/kii-rest';
import {
  connackCode,
  mqttJsReceiver,
  type MqttEndpoint,
  type PushReceiver,
} from './testing/mqtt-clients';
import { startTestServer, type TestServer } from './testing/test-server';

const repoRoot = join(import.meta.dirname, '..');
const databaseFile = (dataDir: string) => join(dataDir, 'kii-local.sqlite');

/** Everything written survives a restart on the same data directory. */
describe('restart', () => {
  let dataDir: string;
  let server: TestServer | undefined;
  const receivers: PushReceiver[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'kii-restart-'));
  });
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
    await server?.close();
    server = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps users, things, tokens, installations, endpoints, topics and subscriptions, and the old MQTT credentials still connect', async () => {
    server = await startTestServer({ inMemory: false, dataDir });
    let rest: KiiRest = kiiRest(server);
    const admin = await server.adminToken();
    const alice: Principal = await rest.registerUser('alice');
    const thing: Principal = await rest.registerThing('meter-7');
    const aliceInstall = await rest.installMqtt(alice.token, false);
    const aliceEndpoint = await rest.endpoint(alice.token, aliceInstall.installationID);
    const thingInstall = await rest.installMqtt(admin, true, { thingID: thing.id });
    const thingEndpoint = await rest.endpoint(thing.token, thingInstall.installationID);
    await expectOk(
      await server.api(`${rest.app}/installations`, {
        token: alice.token,
        body: {
          deviceType: 'ANDROID',
          installationRegistrationID: 'fcm-token-1',
          development: false,
        },
      }),
      201,
    );
    const news = topicPath.app(server, 'news');
    const inbox = topicPath.user(server, alice.id, 'inbox');
    const status = topicPath.thing(server, thing.id, 'status');
    await rest.createTopic(admin, news);
    await rest.createTopic(alice.token, inbox);
    await rest.createTopic(thing.token, status);
    await rest.subscribe(alice.token, news, { userID: alice.id });
    await rest.subscribe(admin, news, { thingID: thing.id });
    await rest.subscribe(alice.token, inbox, { userID: alice.id });
    // The thing is online when the server goes down.
    receivers.push(await mqttJsReceiver(thingEndpoint, 'tcp'));
    await server.close();
    await Promise.all(receivers.splice(0).map((receiver) => receiver.closed));

    server = await startTestServer({ inMemory: false, dataDir });
    rest = kiiRest(server);
    expect((await rest.login('alice')).id).toBe(alice.id);
    expect(
      (
        await expectOk<{ userID: string }>(
          await server.api(`${rest.app}/users/me`, { token: alice.token }),
        )
      ).userID,
    ).toBe(alice.id);
    const thingRow = await expectOk<{ _vendorThingID: string; _online: boolean }>(
      await server.api(`${rest.app}/things/${thing.id}`, { token: thing.token }),
    );
    expect(thingRow).toEqual(
      jasmine.objectContaining({ _vendorThingID: 'meter-7', _online: false }),
    );
    expect(
      await expectOk(
        await server.api(`${rest.app}/installations/ANDROID:fcm-token-1`, { token: alice.token }),
      ),
    ).toEqual(
      jasmine.objectContaining({ deviceType: 'ANDROID', userID: alice.id, development: false }),
    );
    expect(
      await expectOk(
        await server.api(`${rest.app}/installations/${thingInstall.installationID}`, {
          token: admin,
        }),
      ),
    ).toEqual(
      jasmine.objectContaining({ deviceType: 'MQTT', thingID: thing.id, development: true }),
    );
    // A repeat install still finds the one MQTT installation.
    expect(await rest.installMqtt(alice.token)).toEqual(aliceInstall);
    const pick = ({ username, password, mqttTopic }: MqttEndpoint) => ({
      username,
      password,
      mqttTopic,
    });
    expect(pick(await rest.endpoint(alice.token, aliceInstall.installationID))).toEqual(
      pick(aliceEndpoint),
    );
    for (const path of [news, inbox, status])
      expect((await server.api(path, { method: 'HEAD', token: admin })).status).toBe(204);
    expect(
      (await server.api(`${news}/push/subscriptions/things/${thing.id}`, { token: thing.token }))
        .status,
    ).toBe(204);
    expect(
      (await server.api(`${inbox}/push/subscriptions/users/${alice.id}`, { token: alice.token }))
        .status,
    ).toBe(204);

    // The credentials fetched before the restart connect to the new listeners.
    const ports = server.app.kii.ports;
    const moved = (endpoint: MqttEndpoint) => ({
      ...endpoint,
      portTCP: ports.tcp,
      portWS: ports.http,
    });
    const aliceReceiver = await mqttJsReceiver(moved(aliceEndpoint), 'ws');
    const thingReceiver = await mqttJsReceiver(moved(thingEndpoint), 'tcp');
    receivers.push(aliceReceiver, thingReceiver);
    await rest.send(await server.adminToken(), news, { data: { after: 'restart' } });
    expect((await aliceReceiver.next()).after).toBe('restart');
    expect((await thingReceiver.next()).after).toBe('restart');
  });

  describe('the real process', () => {
    let child: ChildProcess | undefined;

    afterEach(() => {
      if (child?.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
      child = undefined;
    });

    /** Starts `server/main.ts` as `npm run server` does and reads its one JSON ready line. */
    async function startProcess(): Promise<{
      http: number;
      mqtt: number;
      appId: string;
      appKey: string;
      ready: boolean;
    }> {
      child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'server/main.ts',
          '--port',
          '0',
          '--mqtt-port',
          '0',
          '--data-dir',
          dataDir,
        ],
        {
          cwd: repoRoot,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr!.on('data', (chunk) => (stderr += chunk));
      const lines = createInterface({ input: child.stdout! });
      const first = await new Promise<string>((resolve, reject) => {
        lines.once('line', resolve);
        child!.once('exit', (code) =>
          reject(new Error(`server exited with ${code} before it was ready: ${stderr}`)),
        );
      });
      return JSON.parse(first);
    }

    it('prints one JSON ready line, and on SIGTERM disconnects clients, closes the database cleanly and exits 0', async () => {
      const ready = await startProcess();
      expect(ready).toEqual(
        jasmine.objectContaining({
          ready: true,
          http: jasmine.any(Number),
          mqtt: jasmine.any(Number),
          appId: 'demoapp',
        }),
      );
      // stdout is machine-read (CI logs, supervisors): it never carries the admin secret.
      const secret = readFileSync(join(dataDir, 'admin-client-secret'), 'utf8').trim();
      expect(JSON.stringify(ready)).not.toContain(secret);
      expect(Object.keys(ready)).not.toContain('clientSecret');
      const api = (path: string, init: { token?: string; body?: unknown } = {}) =>
        fetch(`http://127.0.0.1:${ready.http}/api${path}`, {
          method: init.body === undefined ? 'GET' : 'POST',
          headers: {
            'x-kii-appid': ready.appId,
            'x-kii-appkey': ready.appKey,
            'content-type': 'application/json',
            ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
        });
      const app = `/apps/${ready.appId}`;
      const { userID } = await expectOk<{ userID: string }>(
        await api(`${app}/users`, { body: { loginName: 'zoe', password: 'secret-pass' } }),
        201,
      );
      const { access_token: token } = await expectOk<{ access_token: string }>(
        await api('/oauth2/token', { body: { username: 'zoe', password: 'secret-pass' } }),
      );
      const { installationID } = await expectOk<{ installationID: string }>(
        await api(`${app}/installations`, { token, body: { deviceType: 'MQTT' } }),
      );
      const endpoint = await expectOk<MqttEndpoint>(
        await api(`${app}/installations/${installationID}/mqtt-endpoint`, { token }),
      );
      expect({ tcp: endpoint.portTCP, ws: endpoint.portWS }).toEqual({
        tcp: ready.mqtt,
        ws: ready.http,
      });
      const receiver = await mqttJsReceiver({ ...endpoint, host: '127.0.0.1' }, 'ws');
      receivers.push(receiver);

      const exited = new Promise<number | null>((resolve) =>
        child!.once('exit', (code) => resolve(code)),
      );
      process.kill(child!.pid!, 'SIGTERM');
      await receiver.closed;
      expect(await exited).toBe(0);

      // Closed cleanly: the write-ahead log was checkpointed and removed, the file is sound,
      // and what was written is in it.
      expect(existsSync(`${databaseFile(dataDir)}-wal`)).toBe(false);
      const db = new Database(databaseFile(dataDir), { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.prepare('SELECT id FROM users WHERE login_name = ?').get('zoe')).toEqual({
          id: userID,
        });
        expect(db.prepare('SELECT count(*) AS n FROM installations').get()).toEqual({ n: 1 });
      } finally {
        db.close();
      }

      // And the next start serves it: the old endpoint credentials connect again.
      const again = await startProcess();
      expect(
        await connackCode({ ...endpoint, host: '127.0.0.1', portTCP: again.mqtt }, 'tcp'),
      ).toBe(0);
      const stopped = new Promise<number | null>((resolve) =>
        child!.once('exit', (code) => resolve(code)),
      );
      process.kill(child!.pid!, 'SIGTERM');
      expect(await stopped).toBe(0);
    }, 15_000);
  });
});
