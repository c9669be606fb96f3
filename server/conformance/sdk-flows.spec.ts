import { loadKiiSdk, type KiiSdk } from '../testing/kii-sdk';
import { expectKiiError, expectOk, eventually, kiiRest, type KiiRest } from '../testing/kii-rest';
import {
  mqttJsReceiver,
  pahoReceiver,
  type MqttEndpoint,
  type Push,
  type PushReceiver,
} from '../testing/mqtt-clients';
import { startTestServer, type TestServer } from '../testing/test-server';

/**
 * The flows of the seed documents driven through the official kii-cloud-sdk 2.4.19 in Node
 * (docs/kii-api.md §10), with MQTT.js over TCP and WebSocket and Paho over WebSocket receiving.
 */
describe('conformance: kii-cloud-sdk flows', () => {
  let server: TestServer;
  let rest: KiiRest;
  const receivers: PushReceiver[] = [];

  async function start(overrides: Parameters<typeof startTestServer>[0] = {}) {
    server = await startTestServer(overrides);
    rest = kiiRest(server);
  }

  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
    await server?.close();
  });

  /** A user of their own SDK instance: registered, logged in, MQTT installed, endpoint fetched. */
  async function sdkUser(loginName: string, development = false) {
    const sdk = loadKiiSdk(server);
    await sdk.KiiUser.userWithUsername(loginName, 'secret-pass').register();
    const user = await sdk.KiiUser.authenticate(loginName, 'secret-pass');
    const installation = await user.pushInstallation().installMqtt(development);
    const endpoint = (await user
      .pushInstallation()
      .getMqttEndpoint(installation.installationID)) as MqttEndpoint;
    return { sdk, user, installation, endpoint };
  }

  async function adminContext(sdk: KiiSdk = loadKiiSdk(server)) {
    return sdk.Kii.authenticateAsAppAdmin(server.config.clientId, server.config.clientSecret);
  }

  function keep<T extends PushReceiver>(receiver: T): T {
    receivers.push(receiver);
    return receiver;
  }

  describe('with a provisioning delay of 1.5 s', () => {
    beforeEach(() => start({ endpointDelayMs: 1500 }));

    it('registers, logs in, installs MQTT and gets every endpoint field through the not-ready retries', async () => {
      const sdk = loadKiiSdk(server);
      await sdk.KiiUser.userWithUsername('alice', 'secret-pass').register();
      const user = await sdk.KiiUser.authenticate('alice', 'secret-pass');
      expect(sdk.KiiUser.getCurrentUser()!.getID()).toBe(user.getID());

      const installation = await user.pushInstallation().installMqtt(false);
      const again = await user.pushInstallation().installMqtt(false);
      expect(again).toEqual(installation);

      const started = Date.now();
      const endpoint = await user.pushInstallation().getMqttEndpoint(installation.installationID);
      // The first attempt met a 503; the SDK waited 1 s and tried again.
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(endpoint).toEqual({
        installationID: installation.installationID,
        username: jasmine.stringMatching(/^[A-Za-z0-9]+$/),
        password: jasmine.stringMatching(/^[A-Za-z0-9]+$/),
        mqttTopic: jasmine.stringMatching(/^[A-Za-z0-9]{1,23}$/),
        host: '127.0.0.1',
        portTCP: server.app.kii.ports.tcp,
        portSSL: jasmine.any(Number),
        portWS: server.app.kii.ports.http,
        portWSS: jasmine.any(Number),
        'X-MQTT-TTL': jasmine.any(Number),
      });
      expect(endpoint['X-MQTT-TTL']).toBeGreaterThan(0);
    }, 10_000);
  });

  describe('with a provisioning delay longer than the SDK retries', () => {
    beforeEach(() => start({ endpointDelayMs: 4000 }));

    it('gives up after three attempts with a 503 MQTT_ENDPOINT_NOT_READY error', async () => {
      const sdk = loadKiiSdk(server);
      await sdk.KiiUser.userWithUsername('bob', 'secret-pass').register();
      const user = await sdk.KiiUser.authenticate('bob', 'secret-pass');
      const installation = await user.pushInstallation().installMqtt(false);
      const started = Date.now();
      const error = await user
        .pushInstallation()
        .getMqttEndpoint(installation.installationID)
        .then(
          () => fail('the endpoint should not be ready'),
          (reason: Error) => reason,
        );
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
      expect(sdk.KiiErrorParser.parse(error)).toEqual(
        jasmine.objectContaining({ status: 503, code: 'MQTT_ENDPOINT_NOT_READY' }),
      );
    }, 10_000);
  });

  describe('without a provisioning delay', () => {
    beforeEach(() => start());

    it('delivers an app-topic push to MQTT.js over TCP and WebSocket and to Paho over WebSocket, with the long system keys', async () => {
      const [tcpUser, wsUser, pahoUser] = await Promise.all([
        sdkUser('tcp-user'),
        sdkUser('ws-user'),
        sdkUser('paho-user'),
      ]);
      const tcp = keep(await mqttJsReceiver(tcpUser.endpoint, 'tcp'));
      const ws = keep(await mqttJsReceiver(wsUser.endpoint, 'ws'));
      const paho = keep(await pahoReceiver(pahoUser.endpoint));

      const admin = await adminContext();
      const topic = admin.topicWithName('news');
      await topic.save();
      expect(await topic.exists()).toBe(true);
      for (const { sdk } of [tcpUser, wsUser, pahoUser]) {
        await sdk.KiiUser.getCurrentUser()!
          .pushSubscription()
          .subscribe(sdk.Kii.topicWithName('news'));
      }

      const before = Date.now();
      await topic.sendMessage(
        new tcpUser.sdk.KiiPushMessageBuilder({ msg: 'hello', priority: 'high' }).build(),
      );
      const pushes = await Promise.all([tcp.next(), ws.next(), paho.next()]);
      const expected: Push = {
        msg: 'hello',
        priority: 'high',
        // An app admin is no user or thing, so there is no `sender` ID; Kii's console pushes
        // show the admin only as senderURI (docs/kii-api.md §7.3, §9.4).
        senderURI: 'kiicloud://admins/APP_ADMIN',
        topic: 'news',
        objectScopeAppID: server.config.appId,
        objectScopeType: 'APP',
        sourceURI: 'kiicloud://topics/news',
        when: jasmine.any(Number),
      };
      for (const push of pushes) {
        expect(push).toEqual(expected);
        expect(push.when as number).toBeGreaterThanOrEqual(before);
        expect(push.when as number).toBeLessThanOrEqual(Date.now());
      }
      expect([tcp, ws, paho].flatMap((receiver) => receiver.foreign)).toEqual([]);
    });

    it('delivers Paho over MQTT 3.1 (the mqttv3.1 WebSocket subprotocol) too', async () => {
      const { endpoint, user } = await sdkUser('old-paho');
      const paho = keep(await pahoReceiver(endpoint, 3));
      await rest.send(await server.adminToken(), `${rest.app}/users/${user.getID()}`, {
        data: { v: '3.1' },
      });
      expect((await paho.next()).v).toBe('3.1');
    });

    it('marks a push a user sends to their own topic with the sender and the user scope', async () => {
      const { sdk, user, endpoint } = await sdkUser('carol');
      const receiver = keep(await mqttJsReceiver(endpoint, 'ws'));
      const inbox = user.topicWithName('inbox');
      await inbox.save();
      await user.pushSubscription().subscribe(inbox);
      await inbox.sendMessage(new sdk.KiiPushMessageBuilder({ note: 'to self' }).build());
      expect(await receiver.next()).toEqual({
        note: 'to self',
        sender: user.getID(),
        senderURI: `kiicloud://users/${user.getID()}`,
        topic: 'inbox',
        objectScopeAppID: server.config.appId,
        objectScopeType: 'APP_AND_USER',
        objectScopeUserID: user.getID(),
        sourceURI: `kiicloud://users/${user.getID()}/topics/inbox`,
        when: jasmine.any(Number),
      });
    });

    it('delivers a direct push to a user with the admin token, and the send* flags add or remove the system keys', async () => {
      const { user, endpoint } = await sdkUser('dave');
      const receiver = keep(await mqttJsReceiver(endpoint, 'tcp'));
      const admin = await server.adminToken();
      const direct = `${rest.app}/users/${user.getID()}`;

      await rest.send(admin, direct, { data: { alert: 'direct' }, mqtt: { enabled: true } });
      expect(await receiver.next()).toEqual({
        alert: 'direct',
        senderURI: 'kiicloud://admins/APP_ADMIN',
        sourceURI: `kiicloud://users/${user.getID()}`,
        when: jasmine.any(Number),
      });

      await rest.send(admin, direct, {
        data: { alert: 'flags' },
        sendSender: false,
        sendWhen: false,
        sendAppID: true,
        sendOrigin: true,
      });
      expect(await receiver.next()).toEqual({
        alert: 'flags',
        appID: server.config.appId,
        origin: 'EXPLICIT',
        sourceURI: `kiicloud://users/${user.getID()}`,
      });

      await rest.createTopic(admin, `${rest.app}/topics/flags`);
      await rest.subscribe(admin, `${rest.app}/topics/flags`, { userID: user.getID() });
      await rest.send(admin, `${rest.app}/topics/flags`, {
        data: { alert: 'topic flags' },
        sendTopicID: false,
        sendObjectScope: false,
        sendSender: false,
        pushMessageType: 'CUSTOM',
      });
      expect(await receiver.next()).toEqual({
        alert: 'topic flags',
        type: 'CUSTOM',
        sourceURI: 'kiicloud://topics/flags',
        when: jasmine.any(Number),
      });
    });

    it('runs the thing flow: register, log in as the thing, install, connect; _online follows the connection', async () => {
      const sdk = loadKiiSdk(server);
      const registered = await sdk.KiiThing.register({
        _vendorThingID: 'sensor-001',
        _password: 'thing-pass',
        _thingType: 'sensor',
      } as never);
      expect(registered.getVendorThingID()).toBe('sensor-001');
      const context = await sdk.Kii.authenticateAsThing('sensor-001', 'thing-pass');
      const thing = context.getAuthenticatedThing();
      expect(thing.getThingID()).toBe(registered.getThingID());

      const installation = await context.pushInstallation().installMqtt(true);
      const endpoint = (await context
        .pushInstallation()
        .getMqttEndpoint(installation.installationID)) as MqttEndpoint;
      await thing.refresh();
      expect(thing.isOnline()).toBe(false);

      const receiver = keep(await mqttJsReceiver(endpoint, 'tcp'));
      await thing.refresh();
      expect(thing.isOnline()).toBe(true);
      const onlineSince = (thing.getOnlineStatusModifiedAt() as unknown as Date).getTime();

      const admin = await adminContext();
      await admin.topicWithName('firmware').save();
      await (thing as unknown as KiiCloud.KiiUser)
        .pushSubscription()
        .subscribe(context.topicWithName('firmware'));
      await admin
        .topicWithName('firmware')
        .sendMessage(new sdk.KiiPushMessageBuilder({ version: '2.4.1' }).build());
      expect(await receiver.next()).toEqual(
        jasmine.objectContaining({
          version: '2.4.1',
          topic: 'firmware',
          sourceURI: 'kiicloud://topics/firmware',
        }),
      );

      await receiver.close();
      await eventually(async () => !(await thing.refresh()).isOnline(), 3000, 'thing offline');
      expect(
        (thing.getOnlineStatusModifiedAt() as unknown as Date).getTime(),
      ).toBeGreaterThanOrEqual(onlineSince);
    });

    it('answers isSubscribed true and false, and rejects it for a topic that does not exist', async () => {
      const { sdk, user } = await sdkUser('erin');
      const admin = await adminContext();
      await admin.topicWithName('weather').save();
      const topic = sdk.Kii.topicWithName('weather');
      const subscription = user.pushSubscription();

      expect((await subscription.isSubscribed(topic))[2]).toBe(false);
      await subscription.subscribe(topic);
      expect((await subscription.isSubscribed(topic))[2]).toBe(true);
      const duplicate = await subscription.subscribe(topic).then(
        () => null,
        (error: Error) => error,
      );
      expect(sdk.KiiErrorParser.parse(duplicate)).toEqual(
        jasmine.objectContaining({ status: 409, code: 'PUSH_SUBSCRIPTION_ALREADY_EXISTS' }),
      );
      await subscription.unsubscribe(topic);
      expect((await subscription.isSubscribed(topic))[2]).toBe(false);

      const missing = await subscription.isSubscribed(sdk.Kii.topicWithName('no-such-topic')).then(
        () => null,
        (error: Error) => error,
      );
      expect(sdk.KiiErrorParser.parse(missing)).toEqual(
        jasmine.objectContaining({ status: 404, code: 'TOPIC_NOT_FOUND' }),
      );
    });

    it('uninstalls by installation ID: the live connection is closed and the installation answers 404 after', async () => {
      const { sdk, user, installation, endpoint } = await sdkUser('frank');
      const receiver = keep(await mqttJsReceiver(endpoint, 'ws'));
      await user.pushInstallation().uninstallByInstallationID(installation.installationID);
      await receiver.closed;

      const error = await user
        .pushInstallation()
        .getMqttEndpoint(installation.installationID)
        .then(
          () => null,
          (e: Error) => e,
        );
      expect(sdk.KiiErrorParser.parse(error)).toEqual(
        jasmine.objectContaining({ status: 404, code: 'INSTALLATION_NOT_FOUND' }),
      );
      const again = await user
        .pushInstallation()
        .uninstallByInstallationID(installation.installationID)
        .then(
          () => null,
          (e: Error) => e,
        );
      expect(sdk.KiiErrorParser.parse(again)).toEqual(
        jasmine.objectContaining({ status: 404, code: 'INSTALLATION_NOT_FOUND' }),
      );
      await expectKiiError(
        await server.api(`${rest.app}/installations/${installation.installationID}`, {
          token: user.getAccessToken(),
        }),
        404,
        'INSTALLATION_NOT_FOUND',
      );
    });

    it('uninstalls by registration ID and device type: the live connection is closed and MQTT:{regID} answers 404 after', async () => {
      const { sdk, user, installation, endpoint } = await sdkUser('grace');
      const receiver = keep(await pahoReceiver(endpoint));
      await user.pushInstallation().uninstall(installation.installationRegistrationID, 'MQTT');
      await receiver.closed;

      const again = await user
        .pushInstallation()
        .uninstall(installation.installationRegistrationID, 'MQTT')
        .then(
          () => null,
          (e: Error) => e,
        );
      expect(sdk.KiiErrorParser.parse(again)).toEqual(
        jasmine.objectContaining({ status: 404, code: 'INSTALLATION_NOT_FOUND' }),
      );
      await expectKiiError(
        await server.api(
          `${rest.app}/installations/MQTT:${installation.installationRegistrationID}`,
          { token: user.getAccessToken() },
        ),
        404,
        'INSTALLATION_NOT_FOUND',
      );
      // A new install afterwards is a new installation with new credentials.
      const fresh = await user.pushInstallation().installMqtt(false);
      expect(fresh.installationID).not.toBe(installation.installationID);
      const endpointAfter = await expectOk<MqttEndpoint>(
        await server.api(`${rest.app}/installations/${fresh.installationID}/mqtt-endpoint`, {
          token: user.getAccessToken(),
        }),
      );
      expect(endpointAfter.mqttTopic).not.toBe(endpoint.mqttTopic);
    });

    it('keeps values with % intact through the SDK, which URI-decodes thing bodies', async () => {
      const sdk = loadKiiSdk(server);
      const thing = await sdk.KiiThing.register({
        _vendorThingID: 'percent-1',
        _password: 'thing-pass',
        _productName: '100% cotton',
        note: '%E0%A4%A',
      } as never);
      const fields = (thing as unknown as { fields: Record<string, unknown> }).fields;
      expect(fields._productName).toBe('100% cotton');
      expect(fields.note).toBe('%E0%A4%A');
      const context = await sdk.Kii.authenticateAsThing('percent-1', 'thing-pass');
      const loaded = await context.getAuthenticatedThing().refresh();
      expect((loaded as unknown as { fields: Record<string, unknown> }).fields._productName).toBe(
        '100% cotton',
      );
    });
  });
});
