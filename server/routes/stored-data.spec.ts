import { expectKiiError, expectOk, kiiRest, type KiiRest } from '../testing/kii-rest';
import { startTestServer, type TestServer } from '../testing/test-server';
import { MAX_CUSTOM_FIELDS_BYTES, MAX_JSON_DEPTH } from './client-json';

/** `{"a":{"a":...1...}}` nested `levels` deep, as raw JSON text (JSON.stringify would overflow). */
function nestedObjectText(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

const thingRegistration = {
  'content-type': 'application/vnd.kii.ThingRegistrationAndAuthorizationRequest+json',
};

describe('stored client JSON', () => {
  let server: TestServer;
  let rest: KiiRest;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer();
    rest = kiiRest(server);
    admin = await server.adminToken();
  });
  afterAll(() => server.close());

  function registerThing(body: Record<string, unknown> | string) {
    return server.api(`${rest.app}/things`, { body, headers: thingRegistration });
  }

  function thingStored(vendorThingID: string): boolean {
    return server.app.kii.things.findByVendorId(vendorThingID) !== undefined;
  }

  describe('reserved thing fields', () => {
    it('refuses a server-owned field such as _onlineStatusModifiedAt, stores nothing, and the ID stays free', async () => {
      const refused = await expectKiiError(
        await registerThing({
          _vendorThingID: 'clock-1',
          _password: 'clock-pass',
          _onlineStatusModifiedAt: 'yesterday',
        }),
        400,
        'INVALID_INPUT_DATA',
      );
      expect(Object.keys(refused.invalidFields ?? {})).toEqual(['_onlineStatusModifiedAt']);
      expect(thingStored('clock-1')).toBeFalse();

      const thing = await rest.registerThing('clock-1', 'clock-pass');
      const loaded = await expectOk(
        await server.api(`${rest.app}/things/${thing.id}`, { token: admin }),
        200,
      );
      expect(loaded['_vendorThingID']).toBe('clock-1');
    });

    it('refuses a client field of the wrong type, naming it', async () => {
      for (const [field, value] of [
        ['_numberField1', 'three'],
        ['_stringField2', 42],
        ['_thingType', { nested: true }],
      ] as const) {
        const refused = await expectKiiError(
          await registerThing({ _vendorThingID: 'typed-1', _password: 'pass1', [field]: value }),
          400,
          'INVALID_INPUT_DATA',
        );
        expect(Object.keys(refused.invalidFields ?? {})).toEqual([field]);
      }
      expect(thingStored('typed-1')).toBeFalse();
    });

    it('keeps client fields of the right type and answers them on load', async () => {
      const fields = {
        _numberField1: 3.5,
        _stringField5: 'five',
        _thingType: 'lamp',
        color: 'red',
      };
      const created = await expectOk(
        await registerThing({ _vendorThingID: 'typed-2', _password: 'pass1', ...fields }),
        201,
      );
      const loaded = await expectOk(
        await server.api(`${rest.app}/things/${String(created['_thingID'])}`, { token: admin }),
        200,
      );
      expect(loaded).toEqual(jasmine.objectContaining(fields));
    });
  });

  describe('nesting and size', () => {
    it('refuses a thing nested thousands of levels deep before storing it, and keeps answering', async () => {
      const body = `{"_vendorThingID":"deep-1","_password":"pass1","x":${nestedObjectText(5000)}}`;
      const refused = await expectKiiError(await registerThing(body), 400, 'INVALID_INPUT_DATA');
      // The body parser refuses this much nesting for every route, before the field checks.
      expect(Object.keys(refused.invalidFields ?? {})).toEqual(['body']);
      expect(thingStored('deep-1')).toBeFalse();
      await rest.registerThing('deep-1');
    });

    it('refuses a user nested one level past the limit, and stores one at the limit', async () => {
      const tooDeep = `{"loginName":"deep-user","password":"pass1","x":${nestedObjectText(MAX_JSON_DEPTH)}}`;
      await expectKiiError(
        await server.api(`${rest.app}/users`, { body: tooDeep }),
        400,
        'INVALID_INPUT_DATA',
      );
      expect(server.app.kii.users.find('LOGIN_NAME:deep-user')).toBeUndefined();

      const atLimit = `{"loginName":"deep-user","password":"pass1","x":${nestedObjectText(MAX_JSON_DEPTH - 1)}}`;
      await expectOk(await server.api(`${rest.app}/users`, { body: atLimit }), 201);
      const user = await rest.login('deep-user', 'pass1');
      const loaded = await expectOk(
        await server.api(`${rest.app}/users/me`, { token: user.token }),
        200,
      );
      expect(JSON.stringify(loaded['x'])).toBe(nestedObjectText(MAX_JSON_DEPTH - 1));
    });

    it('refuses custom fields over 63 KB with 413, for users and things, storing nothing', async () => {
      const big = 'x'.repeat(MAX_CUSTOM_FIELDS_BYTES);
      await expectKiiError(
        await registerThing({ _vendorThingID: 'big-1', _password: 'pass1', big }),
        413,
        'REQUEST_ENTITY_TOO_LARGE',
      );
      expect(thingStored('big-1')).toBeFalse();
      await expectKiiError(
        await server.api(`${rest.app}/users`, {
          body: { loginName: 'big-user', password: 'pass1', big },
        }),
        413,
        'REQUEST_ENTITY_TOO_LARGE',
      );
      expect(server.app.kii.users.find('LOGIN_NAME:big-user')).toBeUndefined();
    });

    it('refuses a user custom field that the answer owns, such as internalUserID', async () => {
      const refused = await expectKiiError(
        await server.api(`${rest.app}/users`, {
          body: { loginName: 'owner-field', password: 'pass1', emailAddressVerified: 'maybe' },
        }),
        400,
        'INVALID_INPUT_DATA',
      );
      expect(Object.keys(refused.invalidFields ?? {})).toEqual(['emailAddressVerified']);
    });
  });

  describe('rows stored before the checks', () => {
    it('still answers a thing whose stored fields are wrong, too deep or not JSON', async () => {
      const db = server.app.kii.db;
      for (const [vendorThingID, fieldsJson] of [
        ['old-1', '{"_onlineStatusModifiedAt":"yesterday","_created":"never","kept":1}'],
        ['old-2', `{"deep":${nestedObjectText(5000)},"kept":1}`],
        ['old-3', '{not json'],
        ['old-4', '[1,2,3]'],
      ]) {
        const thing = await rest.registerThing(vendorThingID);
        db.prepare('UPDATE things SET fields_json = ? WHERE id = ?').run(fieldsJson, thing.id);
        const loaded = await expectOk(
          await server.api(`${rest.app}/things/${thing.id}`, { token: admin }),
          200,
        );
        expect(loaded['_thingID']).toBe(thing.id);
        expect(typeof loaded['_created']).toBe('number');
        expect(loaded['_onlineStatusModifiedAt']).toBeUndefined();
        expect(loaded['deep']).toBeUndefined();
      }
    });

    it('still answers a user whose stored custom fields are wrong, too deep or not JSON', async () => {
      const db = server.app.kii.db;
      for (const [loginName, customJson] of [
        ['old-user-1', '{"internalUserID":"x","emailAddressVerified":"maybe","kept":1}'],
        ['old-user-2', `{"deep":${nestedObjectText(5000)}}`],
        ['old-user-3', 'null'],
      ]) {
        const user = await rest.registerUser(loginName);
        db.prepare('UPDATE users SET custom_json = ? WHERE id = ?').run(customJson, user.id);
        const loaded = await expectOk(
          await server.api(`${rest.app}/users/${user.id}`, { token: admin }),
          200,
        );
        expect(loaded['userID']).toBe(user.id);
        expect(typeof loaded['internalUserID']).toBe('number');
        expect(loaded['emailAddressVerified']).toBeUndefined();
      }
    });
  });
});
