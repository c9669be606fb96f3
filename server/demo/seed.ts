import type { KiiServices } from '../app';
import { hashPassword } from '../ids';
import type { Scope } from '../repositories/topics';

export interface DemoApp {
  users: { id: string; loginName: string; password: string }[];
  things: { id: string; vendorThingID: string; password: string }[];
  appTopics: string[];
}

const demoUsers = [
  { loginName: 'alice', password: 'alice-pass', displayName: 'Alice Andersen', development: false },
  { loginName: 'bob', password: 'bob-pass', displayName: 'Bob Brown', development: true },
  { loginName: 'carol', password: 'carol-pass', displayName: 'Carol Chen', development: false },
];
const demoThings = [
  { vendorThingID: 'thermostat-001', password: 'thermostat-pass', development: false },
  { vendorThingID: 'door-sensor-042', password: 'door-pass', development: true },
];
const appTopics = ['announcements', 'maintenance', 'promotions'];

/**
 * A small demo app so a new user sees something at once: users, things, app topics, their
 * subscriptions and MQTT installations. Idempotent: a restart on the same data keeps it.
 */
export async function seedDemo(kii: KiiServices): Promise<DemoApp> {
  const app: Scope = { type: 'APP', id: '' };
  // Hashing is asynchronous (scrypt on the thread pool) and a transaction is not: hash first,
  // and only for the principals a restart on the same data does not find already.
  const [userHashes, thingHashes] = await Promise.all([
    Promise.all(
      demoUsers.map((spec) =>
        kii.users.find(`LOGIN_NAME:${spec.loginName}`) ? '' : hashPassword(spec.password),
      ),
    ),
    Promise.all(
      demoThings.map((spec) =>
        kii.things.findByVendorId(spec.vendorThingID) ? '' : hashPassword(spec.password),
      ),
    ),
  ]);
  const demo = kii.db.transaction(() => {
    for (const topic of appTopics) kii.topics.create(app, topic);
    const users = demoUsers.map((spec, index) => {
      const row =
        kii.users.find(`LOGIN_NAME:${spec.loginName}`) ??
        kii.users.create(
          { loginName: spec.loginName, displayName: spec.displayName, custom: {} },
          userHashes[index],
        );
      kii.topics.create({ type: 'APP_AND_USER', id: row.id }, 'inbox');
      for (const topic of appTopics.slice(0, index + 1))
        kii.topics.subscribe(app, topic, { type: 'user', id: row.id });
      return { id: row.id, loginName: spec.loginName, password: spec.password };
    });
    const things = demoThings.map((spec, index) => {
      const row =
        kii.things.findByVendorId(spec.vendorThingID) ??
        kii.things.create(spec.vendorThingID, thingHashes[index], {
          _thingType: 'sensor',
          _vendor: 'Demo Devices',
        });
      kii.topics.subscribe(app, 'maintenance', { type: 'thing', id: row.id });
      return { id: row.id, vendorThingID: spec.vendorThingID, password: spec.password };
    });
    return { users, things, appTopics };
  })();
  // Installs share one group transaction; a restart finds them and keeps them. The demo's
  // endpoints are ready at once whatever --endpoint-delay says.
  const mqtt = { deviceType: 'MQTT', endpointDelayMs: 0 };
  await Promise.all([
    ...demo.users.map((user, index) =>
      kii.installations.install({
        ...mqtt,
        owner: { userID: user.id },
        development: demoUsers[index].development,
      }),
    ),
    kii.installations.install({
      owner: { userID: demo.users[2].id },
      deviceType: 'ANDROID',
      registrationId: 'demo-fcm-registration-token-carol',
      development: false,
    }),
    ...demo.things.map((thing, index) =>
      kii.installations.install({
        ...mqtt,
        owner: { thingID: thing.id },
        development: demoThings[index].development,
      }),
    ),
  ]);
  return demo;
}
