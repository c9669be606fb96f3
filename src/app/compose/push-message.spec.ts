import {
  DEFAULT_SEND_FLAGS,
  buildPushBody,
  dataFromJson,
  dataFromRows,
  jsonFromData,
  mqttPayload,
  payloadBytes,
  readData,
  rowsFromData,
} from './push-message';

describe('push message', () => {
  describe('rows', () => {
    it('types each value and skips empty rows', () => {
      expect(
        dataFromRows([
          { key: ' text ', value: 'hello', type: 'string' },
          { key: 'count', value: ' 42.5 ', type: 'number' },
          { key: 'on', value: 'TRUE', type: 'boolean' },
          { key: 'none', value: 'ignored', type: 'null' },
          { key: '', value: '', type: 'string' },
        ]),
      ).toEqual({ data: { text: 'hello', count: 42.5, on: true, none: null }, problems: [] });
    });

    it('names each wrong row and gives no data', () => {
      const reading = dataFromRows([
        { key: '', value: 'orphan', type: 'string' },
        { key: 'a', value: '1', type: 'string' },
        { key: 'a', value: '2', type: 'string' },
        { key: 'n', value: 'ten', type: 'number' },
        { key: 'b', value: 'yes', type: 'boolean' },
      ]);
      expect(reading.data).toBeNull();
      expect(reading.problems).toEqual([
        'Row 1 has a value but no key.',
        'The key "a" appears more than once.',
        'The value of "n" is not a number: ten',
        'The value of "b" must be true or false.',
      ]);
    });
  });

  describe('JSON', () => {
    it('accepts a flat object, and no text as no data', () => {
      expect(dataFromJson('{"a": "x", "b": 1, "c": false, "d": null}')).toEqual({
        data: { a: 'x', b: 1, c: false, d: null },
        problems: [],
      });
      expect(dataFromJson('  ')).toEqual({ data: {}, problems: [] });
    });

    it('says what is wrong: syntax, not an object, nested values', () => {
      expect(dataFromJson('{"a": ').problems[0]).toMatch(/^This is not valid JSON: /);
      expect(dataFromJson('[1, 2]').problems).toEqual([
        'The data must be a JSON object, such as {"message": "hello"}.',
      ]);
      const nested = dataFromJson('{"ok": 1, "deep": {"x": 1}, "list": []}');
      expect(nested.data).toBeNull();
      expect(nested.problems).toEqual([
        '"deep" holds an object or an array. Kii accepts only flat values: text, numbers, true, false and null.',
        '"list" holds an object or an array. Kii accepts only flat values: text, numbers, true, false and null.',
      ]);
    });
  });

  it('converts between rows and JSON both ways', () => {
    const data = { text: 'hi', n: 3, flag: true, nothing: null };
    const rows = rowsFromData(data);
    expect(rows).toEqual([
      { key: 'text', value: 'hi', type: 'string' },
      { key: 'n', value: '3', type: 'number' },
      { key: 'flag', value: 'true', type: 'boolean' },
      { key: 'nothing', value: '', type: 'null' },
    ]);
    expect(dataFromRows(rows).data).toEqual(data);
    expect(dataFromJson(jsonFromData(data)).data).toEqual(data);
    expect(readData({ mode: 'json', rows: [], json: '{"a":1}' }).data).toEqual({ a: 1 });
    expect(readData({ mode: 'rows', rows, json: 'ignored' }).data).toEqual(data);
  });

  it("builds KiiPushMessageBuilder's body for MQTT only", () => {
    const body = buildPushBody({
      data: { a: '1' },
      mqttData: { m: 'x' },
      development: true,
      production: false,
      flags: { ...DEFAULT_SEND_FLAGS, sendWhen: true },
    });
    expect(body).toEqual({
      data: { a: '1' },
      mqtt: { enabled: true, data: { m: 'x' } },
      gcm: { enabled: false },
      apns: { enabled: false },
      jpush: { enabled: false },
      sendToDevelopment: true,
      sendToProduction: false,
      sendSender: true,
      sendWhen: true,
      sendTopicID: true,
      sendObjectScope: true,
      sendAppID: false,
      sendOrigin: false,
    });
    const plain = buildPushBody({
      data: {},
      mqttData: null,
      development: true,
      production: true,
      flags: DEFAULT_SEND_FLAGS,
    });
    expect(plain.mqtt).toEqual({ enabled: true });
  });

  describe('MQTT payload', () => {
    const options = { data: { msg: 'hi' }, mqttData: null, development: true, production: true };

    it("carries the data and a user topic's system keys, as the server builds them", () => {
      const body = buildPushBody({
        ...options,
        flags: { ...DEFAULT_SEND_FLAGS, sendWhen: true, sendAppID: true, sendOrigin: true },
      });
      const payload = mqttPayload(
        body,
        { kind: 'topic', topic: 'inbox', scope: { type: 'APP_AND_USER', id: 'u1' } },
        'demoapp',
        { kind: 'admin' },
        1700000000000,
      );
      expect(payload).toEqual({
        msg: 'hi',
        appID: 'demoapp',
        senderURI: 'kiicloud://admins/APP_ADMIN',
        origin: 'EXPLICIT',
        when: 1700000000000,
        sourceURI: 'kiicloud://users/u1/topics/inbox',
        topic: 'inbox',
        objectScopeAppID: 'demoapp',
        objectScopeType: 'APP_AND_USER',
        objectScopeUserID: 'u1',
      });
    });

    it('leaves out what the flags switch off, and uses mqtt.data instead of data', () => {
      const body = buildPushBody({
        ...options,
        mqttData: { only: 'mqtt' },
        flags: {
          ...DEFAULT_SEND_FLAGS,
          sendSender: false,
          sendTopicID: false,
          sendObjectScope: false,
        },
      });
      const target = { kind: 'topic', topic: 'news', scope: { type: 'APP' } } as const;
      expect(mqttPayload(body, target, 'demoapp', { kind: 'admin' }, 0)).toEqual({
        only: 'mqtt',
        sourceURI: 'kiicloud://topics/news',
      });
    });

    it('names a user sender and a direct target', () => {
      const body = buildPushBody({ ...options, flags: DEFAULT_SEND_FLAGS });
      expect(
        mqttPayload(body, { kind: 'user', userId: 'u2' }, 'demoapp', { kind: 'user', id: 'u1' }, 0),
      ).toEqual({
        msg: 'hi',
        sender: 'u1',
        senderURI: 'kiicloud://users/u1',
        sourceURI: 'kiicloud://users/u2',
      });
    });

    it('counts UTF-8 bytes', () => {
      expect(payloadBytes({ a: 'é' })).toBe(10);
      expect(payloadBytes({ a: 'プ' })).toBe(11);
    });
  });
});
