import fc from 'fast-check';
import * as http from 'node:http';
import * as net from 'node:net';

/**
 * Arbitraries and wire helpers for the REST fuzz spec (rest-fuzz.spec.ts): malformed requests
 * over every route of server/routes/*.ts, sent with node:http (which, unlike fetch(), keeps `..`,
 * raw latin-1 bytes and odd methods as written) or over a bare socket, and the checks every
 * answer must pass (docs/kii-api.md §1.3, §2.1).
 */

/** What the spec seeded: IDs, names and tokens the fuzz puts in paths, headers and bodies. */
export interface FuzzWorld {
  appId: string;
  appKey: string;
  clientId: string;
  clientSecret: string;
  tokens: { admin: string; users: string[]; things: string[] };
  /** Objects that must survive the run: never named by a DELETE. */
  keep: WorldObjects;
  /** Objects the fuzz may delete. */
  victim: WorldObjects;
}

export interface WorldObjects {
  userIds: string[];
  loginNames: string[];
  emails: string[];
  phones: string[];
  thingIds: string[];
  vendorThingIds: string[];
  installationIds: string[];
  registrationIds: string[];
  /** Topic IDs, whatever their scope. */
  topics: string[];
}

// ---------------------------------------------------------------- routes

/** Every route of server/routes/*.ts (under /api), with the methods it answers. */
export const ROUTES: { template: string; methods: string[] }[] = [
  { template: '/oauth2/token', methods: ['POST'] },
  { template: '/apps/:appID/oauth2/token', methods: ['POST'] },
  { template: '/apps/:appID/users', methods: ['POST'] },
  { template: '/apps/:appID/users/me', methods: ['GET'] },
  { template: '/apps/:appID/users/:userRef', methods: ['GET', 'DELETE'] },
  { template: '/apps/:appID/things', methods: ['POST'] },
  { template: '/apps/:appID/things/:thingRef', methods: ['GET', 'DELETE'] },
  { template: '/apps/:appID/installations', methods: ['POST'] },
  { template: '/apps/:appID/installations/:ref', methods: ['GET', 'DELETE'] },
  { template: '/apps/:appID/installations/:ref/mqtt-endpoint', methods: ['GET'] },
  ...['', '/users/:userScope', '/things/:thingScope'].flatMap((scope) => [
    { template: `/apps/:appID${scope}/topics`, methods: ['GET'] },
    { template: `/apps/:appID${scope}/topics/:topicID`, methods: ['PUT', 'GET', 'HEAD', 'DELETE'] },
    {
      template: `/apps/:appID${scope}/topics/:topicID/push/subscriptions/users/:userRef`,
      methods: ['PUT', 'GET', 'HEAD', 'DELETE'],
    },
    {
      template: `/apps/:appID${scope}/topics/:topicID/push/subscriptions/things/:thingRef`,
      methods: ['PUT', 'GET', 'HEAD', 'DELETE'],
    },
    {
      template: `/apps/:appID${scope}/topics/:topicID/push/subscriptions/users`,
      methods: ['POST'],
    },
    {
      template: `/apps/:appID${scope}/topics/:topicID/push/subscriptions/things`,
      methods: ['POST'],
    },
    { template: `/apps/:appID${scope}/topics/:topicID/push/messages`, methods: ['POST'] },
  ]),
  { template: '/apps/:appID/users/:userScope/push/messages', methods: ['POST'] },
  { template: '/x-local/v1/info', methods: ['GET'] },
  { template: '/x-local/v1/apps/:appID/installations', methods: ['GET'] },
  { template: '/x-local/v1/apps/:appID/deliveries', methods: ['GET'] },
  { template: '/x-local/v1/apps/:appID/tap', methods: ['POST'] },
  // Routes that do not exist: the not-found handler must answer with the envelope too.
  { template: '/apps/:appID/buckets/:topicID/objects', methods: ['GET', 'POST'] },
  { template: '/apps/:appID/groups/:topicID', methods: ['GET'] },
  { template: '/nothing-here', methods: ['GET'] },
];

export const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

/** `/oauth2/token` answers Kii's OAuth shape (docs/kii-api.md §2.1): error_description may stand for message. */
export function isOAuthPath(path: string): boolean {
  return /\/oauth2\/token(?:[/?#]|$)/.test(path);
}

// ---------------------------------------------------------------- path segments

/** Segments that are wrong in every slot: escapes, traversal, lengths, unicode, empty. */
export const junkSegment: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      '%',
      '%zz',
      '%00',
      '%2',
      '%2F',
      '%5C',
      '%25',
      '%C3%28',
      '%E0%A4%A',
      '%FF',
      '%ED%A0%80',
      '..',
      '.',
      '%2e%2e',
      '...',
      '',
      '%20',
      '+',
      'null',
      'undefined',
      '__proto__',
      'constructor',
      'toString',
      'LOGIN_NAME:',
      'VENDOR_THING_ID:',
      'EMAIL:',
      'PHONE:',
      'MQTT:',
      'ANDROID:',
      'IOS:x',
      ':',
      '::',
      'a:b:c',
      '*',
      ';a=b',
      '%3F',
      '%23',
      'users',
      'me',
      "'",
      '"',
      '<script>',
      '0',
      '-1',
      '1e999',
      'true',
    ),
  },
  // Unicode, percent-encoded as a browser would.
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 16 }).map(encodeURIComponent) },
  // Raw latin-1 bytes (node:http sends code points up to U+00FF as single bytes).
  {
    weight: 2,
    arbitrary: fc
      .array(fc.integer({ min: 0x21, max: 0xff }), { maxLength: 12 })
      .map((codes) => String.fromCharCode(...codes).replace(/[/?#]/g, '_')),
  },
  // Over fastify's maxParamLength (500), raw and escaped.
  { weight: 2, arbitrary: fc.integer({ min: 490, max: 3000 }).map((n) => 'a'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 160, max: 1200 }).map((n) => '%41'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 800 }).map((n) => '%'.repeat(n)) },
  // A prefix of each alias form with a made-up or junk value.
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('LOGIN_NAME:', 'VENDOR_THING_ID:', 'EMAIL:', 'PHONE:', 'MQTT:', 'IOS:'),
        fc.oneof(
          fc.constantFrom('%', '%zz', 'nobody', '..', '+81', 'a@b'),
          fc.string({ maxLength: 8 }),
        ),
      )
      .map(([prefix, value]) => prefix + encodeURIComponent(value).replace(/%25/g, '%')),
  },
);

type SlotKind = 'app' | 'user' | 'thing' | 'installation' | 'topic';

const SLOT_KINDS: Record<string, SlotKind> = {
  appID: 'app',
  userRef: 'user',
  userScope: 'user',
  thingRef: 'thing',
  thingScope: 'thing',
  ref: 'installation',
  topicID: 'topic',
};

/** Valid values for a slot, as IDs and as every alias form Kii accepts. */
function validValues(kind: SlotKind, objects: WorldObjects, world: FuzzWorld): string[] {
  switch (kind) {
    case 'app':
      return [world.appId];
    case 'user':
      return [
        ...objects.userIds,
        ...objects.loginNames.map((name) => `LOGIN_NAME:${name}`),
        ...objects.emails.map((email) => `EMAIL:${email}`),
        ...objects.phones.map((phone) => `PHONE:${phone}`),
      ];
    case 'thing':
      return [...objects.thingIds, ...objects.vendorThingIds.map((id) => `VENDOR_THING_ID:${id}`)];
    case 'installation':
      return [...objects.installationIds, ...objects.registrationIds.map((id) => `MQTT:${id}`)];
    case 'topic':
      return objects.topics;
  }
}

/**
 * A value for one path slot: right for the slot, right for another slot (another principal's
 * ID), or junk. A DELETE never names the objects the spec keeps (nor `me`, which may be one).
 */
function slotValue(kind: SlotKind, world: FuzzWorld, destructive: boolean): fc.Arbitrary<string> {
  const pools = destructive ? [world.victim] : [world.keep, world.victim];
  const own = pools.flatMap((objects) => validValues(kind, objects, world));
  const others = (['user', 'thing', 'installation', 'topic'] as const)
    .filter((other) => other !== kind)
    .flatMap((other) => pools.flatMap((objects) => validValues(other, objects, world)));
  const choices: fc.WeightedArbitrary<string>[] = [
    {
      weight: kind === 'app' ? 16 : 6,
      arbitrary: own.length ? fc.constantFrom(...own) : junkSegment,
    },
    { weight: 1, arbitrary: others.length ? fc.constantFrom(...others) : junkSegment },
    { weight: 2, arbitrary: junkSegment },
  ];
  if (kind === 'app') {
    choices.push({ weight: 1, arbitrary: fc.constantFrom('otherapp', world.appId.toUpperCase()) });
  }
  if (!destructive && (kind === 'user' || kind === 'thing')) {
    choices.push({ weight: 1, arbitrary: fc.constant('me') });
  }
  return fc.oneof(...choices).filter((value) => !destructive || value !== 'me');
}

/** Fills a route template: each `:name` slot with slotValue. */
function fillTemplate(template: string, world: FuzzWorld, destructive: boolean) {
  const names = [...template.matchAll(/:(\w+)/g)].map((match) => match[1]);
  return fc
    .tuple(...names.map((name) => slotValue(SLOT_KINDS[name] ?? 'topic', world, destructive)))
    .map((values) => {
      let i = 0;
      return template.replace(/:(\w+)/g, () => values[i++]);
    });
}

const queryString: fc.Arbitrary<string> = fc.oneof(
  { withCrossShrink: true },
  { weight: 6, arbitrary: fc.constant('') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '?disable_cache=1',
      '?limit=abc',
      '?limit=0',
      '?limit=1&limit=2',
      '?limit=99999999999999999999',
      '?paginationKey=%zz',
      '?paginationKey=%',
      '?paginationKey=1e3',
      '?environment=staging',
      '?deviceType=MQTT&deviceType=IOS',
      '?userID[]=x',
      '?__proto__[x]=1',
      '?constructor=1',
      '?=',
      '?&&&',
      '?a=%00',
      '#fragment',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .dictionary(
        fc.constantFrom('limit', 'paginationKey', 'userID', 'thingID', 'x'),
        fc.string({ unit: 'grapheme', maxLength: 10 }),
      )
      .map((q) => (Object.keys(q).length ? `?${new URLSearchParams(q).toString()}` : '')),
  },
);

/** A method and a path: the route's own methods most often, any method sometimes. */
export function methodAndPath(
  world: FuzzWorld,
): fc.Arbitrary<{ method: string; path: string; template: string }> {
  return fc
    .tuple(
      fc.oneof(
        ...ROUTES.map((route) => ({
          weight: route.methods.includes('POST') ? 3 : 1,
          arbitrary: fc.constant(route),
        })),
      ),
      fc.oneof(
        { withCrossShrink: true },
        { weight: 3, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
      ),
    )
    .chain(([route, anyMethod]) =>
      (anyMethod ? fc.constant(anyMethod) : fc.constantFrom(...route.methods)).chain((method) =>
        fc
          .tuple(
            fillTemplate(route.template, world, method === 'DELETE'),
            queryString,
            fc.oneof(
              { withCrossShrink: true },
              { weight: 8, arbitrary: fc.constant('') },
              { weight: 1, arbitrary: fc.constantFrom('/', '//', '/..', '/%', '/extra') },
            ),
          )
          .map(([path, query, tail]) => ({
            method,
            path: `/api${path}${tail}${query}`,
            template: route.template,
          })),
      ),
    );
}

// ---------------------------------------------------------------- headers

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=junk-ß',
  'application/json;;;charset=',
  'APPLICATION/JSON',
  'application/json, text/plain',
  'application/vnd.kii.ThingRegistrationAndAuthorizationRequest+json',
  'application/vnd.kii.ThingRegistrationRequest+json',
  'application/vnd.kii.RegistrationRequest+json',
  'application/vnd.kii.InstallationCreationRequest+json',
  'application/vnd.kii.SendPushMessageRequest+json',
  'application/vnd.kii.+json',
  'application/vnd.kii.x+json; charset=""',
  'application/vnd.kii.%zz+json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'text/plain; charset=utf-8',
  'multipart/form-data; boundary=xyz',
  'multipart/form-data',
  'application/octet-stream',
  'application/xml',
  '',
  ';',
  '*/*',
  'json',
];

function basic(text: string): string {
  return `Basic ${Buffer.from(text).toString('base64')}`;
}

/** Header sets: content type, authorization, app headers and a few extras, each maybe absent. */
export function headerSet(world: FuzzWorld): fc.Arbitrary<Record<string, string>> {
  const latin1 = fc
    .array(fc.integer({ min: 0x20, max: 0xff }), { maxLength: 40 })
    .map((codes) => String.fromCharCode(...codes.filter((c) => c !== 0x7f)));
  const token = fc.oneof(
    { weight: 2, arbitrary: fc.constant(world.tokens.admin) },
    { weight: 1, arbitrary: fc.constantFrom(...world.tokens.users) },
    { weight: 1, arbitrary: fc.constantFrom(...world.tokens.things) },
  );
  const authorization = fc.oneof(
    { withCrossShrink: true },
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: token.map((t) => `Bearer ${t}`) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.constantFrom(
          'Bearer',
          'Bearer ',
          'Bearer garbage',
          'bearer  x y z',
          'Bearer %zz',
          'Basic',
          'Basic !!!',
          'Basic ====',
          basic(`${world.appId}:${world.appKey}`),
          basic(`${world.appId}:wrong`),
          basic('otherapp:key'),
          basic(':'),
          basic('\u00ff\u00fe'),
          'Token abc',
          'Digest x',
          '',
        ),
        token.map((t) => `Bearer ${t}x`),
        token.map((t) => `Bearer ${t.slice(0, -1)}`),
        latin1.map((s) => `Bearer ${s}`),
        latin1,
      ),
    },
  );
  const appId = fc.oneof(
    { withCrossShrink: true },
    { weight: 12, arbitrary: fc.constant(world.appId) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.constantFrom('', 'otherapp', '%', world.appId.toUpperCase()), latin1),
    },
  );
  const appKey = fc.oneof(
    { withCrossShrink: true },
    { weight: 12, arbitrary: fc.constant(world.appKey) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom('', 'wrong', '%zz'), latin1) },
  );
  const contentType = fc.oneof(
    { withCrossShrink: true },
    { weight: 2, arbitrary: fc.constant(undefined) },
    {
      weight: 8,
      arbitrary: fc.constantFrom(...CONTENT_TYPES.slice(0, 2), ...CONTENT_TYPES.slice(7, 12)),
    },
    { weight: 4, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    { weight: 1, arbitrary: latin1 },
  );
  const extras = fc.dictionary(
    fc.constantFrom(
      'accept',
      'origin',
      'host',
      'content-encoding',
      'x-kii-sdk',
      'access-control-request-method',
      'access-control-request-headers',
      'x-http-method-override',
      'expect',
      'cookie',
    ),
    fc.oneof(
      fc.constantFrom(
        'gzip',
        'br',
        'identity',
        '*/*',
        'application/vnd.kii.Nope+json',
        'https://evil.example',
        'null',
        'evil.example',
        'DELETE',
        'authorization, x-kii-appid',
        '100-continue',
        'sn=2.4.19;sv=js',
      ),
      latin1,
    ),
    { maxKeys: 2 },
  );
  return fc
    .record({
      authorization,
      appId,
      appKey,
      contentType,
      extras: fc.oneof(
        { withCrossShrink: true },
        { weight: 3, arbitrary: fc.constant({}) },
        { weight: 1, arbitrary: extras },
      ),
    })
    .map(({ authorization: auth, appId: id, appKey: key, contentType: type, extras: more }) => {
      const headers: Record<string, string> = { ...more };
      if (auth !== undefined) headers.authorization = auth;
      if (id !== undefined) headers['x-kii-appid'] = id;
      if (key !== undefined) headers['x-kii-appkey'] = key;
      if (type !== undefined) headers['content-type'] = type;
      // An Expect the server would answer 417 to is still an answer; drop only what node refuses.
      if (headers.host === '') delete headers.host;
      return headers;
    });
}

// ---------------------------------------------------------------- bodies

const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    'yesterday',
    '',
    '%',
    '%zz',
    -1,
    1e308,
    -0,
    0.5,
    true,
    null,
    [],
    {},
    [1, [2, [3]]],
    { $gt: '' },
    '9007199254740993',
    'MQTT',
    'STANDALONE',
  ),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);

/** A few valid-looking names; those the fuzz registers are read back after the run. */
export const fuzzLoginName = fc.stringMatching(/^fz[a-z0-9_.-]{1,10}$/);
export const fuzzVendorThingId = fc.stringMatching(/^fzt[a-z0-9_.-]{1,10}$/);

export type BodyKind = 'user' | 'thing' | 'installation' | 'push' | 'token' | 'other';

/** Which body a route takes, so that most fuzzed bodies get past the route's first checks. */
export function bodyKind(template: string): BodyKind {
  if (/oauth2\/token$/.test(template)) return 'token';
  if (/\/users$/.test(template)) return 'user';
  if (/\/things$/.test(template)) return 'thing';
  if (/\/installations$/.test(template)) return 'installation';
  if (/push\/messages$/.test(template)) return 'push';
  return 'other';
}

/** A body that would be valid for a route of that kind, as a starting point for wrong types. */
function validShape(world: FuzzWorld, kind: BodyKind): fc.Arbitrary<Record<string, unknown>> {
  const users = [...world.keep.userIds, ...world.victim.userIds];
  const things = [...world.keep.thingIds, ...world.victim.thingIds];
  const shapes: Record<BodyKind, fc.Arbitrary<Record<string, unknown>>[]> = {
    user: [
      fc.record({ loginName: fuzzLoginName, password: fc.constant('secret-pass') }),
      fc.record({
        loginName: fuzzLoginName,
        emailAddress: fuzzLoginName.map((name) => `${name}@example.com`),
        password: fc.constant('secret-pass'),
      }),
    ],
    thing: [fc.record({ _vendorThingID: fuzzVendorThingId, _password: fc.constant('thing-pass') })],
    installation: [
      fc.constant({ deviceType: 'MQTT', development: false }),
      fc.constantFrom(...users).map((userID) => ({ deviceType: 'MQTT', userID })),
      fc.constantFrom(...things).map((thingID) => ({ deviceType: 'MQTT', thingID })),
      fc.constant({ deviceType: 'IOS', installationRegistrationID: 'fz-token' }),
    ],
    push: [fc.constant({ data: { a: 1 }, sendToProduction: true, sendToDevelopment: true })],
    token: [
      fc.constant({ username: world.keep.loginNames[0], password: 'wrong-pass' }),
      fc.constant({ username: `VENDOR_THING_ID:${world.keep.vendorThingIds[0]}`, password: 'x' }),
      fc.constant({ client_id: world.clientId, client_secret: 'wrong' }),
      fc.constant({ client_id: world.appId, client_secret: world.appKey }),
      fc.constant({ grant_type: 'refresh_token', refresh_token: 'x' }),
    ],
    other: [fc.constant({ userID: users[0] }), fc.constant({ thingID: things[0] })],
  };
  const own = fc.oneof(...shapes[kind]);
  const any = fc.oneof(...Object.values(shapes).flat());
  return fc.oneof({ weight: 3, arbitrary: own }, { weight: 1, arbitrary: any });
}

/** Reserved and system fields a route of that kind reads or stores. */
export const RESERVED_BY_KIND: Record<BodyKind, string[]> = {
  user: [
    'loginName',
    'emailAddress',
    'phoneNumber',
    'displayName',
    'country',
    'locale',
    'password',
    'userID',
    'internalUserID',
    '_hasPassword',
    '_created',
    '_modified',
    '_disabled',
  ],
  thing: [
    '_vendorThingID',
    '_password',
    '_thingType',
    '_vendor',
    '_firmwareVersion',
    '_productName',
    '_lot',
    '_layoutPosition',
    '_onlineStatusModifiedAt',
    '_online',
    '_created',
    '_modified',
    '_disabled',
    '_thingID',
    '_accessToken',
  ],
  installation: [
    'deviceType',
    'installationType',
    'installationRegistrationID',
    'development',
    'userID',
    'thingID',
  ],
  push: [
    'data',
    'mqtt',
    'gcm',
    'fcm',
    'apns',
    'jpush',
    'sendToDevelopment',
    'sendToProduction',
    'sendAppID',
    'sendSender',
    'sendWhen',
    'sendOrigin',
    'sendObjectScope',
    'sendTopicID',
    'pushMessageType',
  ],
  token: [
    'username',
    'password',
    'client_id',
    'client_secret',
    'grant_type',
    'refresh_token',
    'expiresAt',
  ],
  other: [],
};

/** Every reserved field of every route, and prototype keys. */
const RESERVED_FIELDS = [
  '__proto__',
  ...new Set(Object.values(RESERVED_BY_KIND).flat()),
  'constructor',
];

/** Nesting deep enough to overflow a recursive serializer, as raw JSON text. */
const deepJson: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: 50, max: 12000 }),
    fc.constantFrom('array', 'object'),
    fc.constantFrom(
      '{"_vendorThingID":"fztdeep%d","_password":"thing-pass","x":',
      '{"loginName":"fzdeep%d","password":"secret-pass","x":',
      '{"data":{"a":',
      '{"deviceType":"MQTT","x":',
      '{"x":',
    ),
    fc.nat(1e6),
  )
  .map(([depth, kind, prefix, n]) => {
    const [open, close] = kind === 'array' ? ['[', ']'] : ['{"a":', '}'];
    const head = prefix.replace('%d', String(n));
    const closing = '}'.repeat(head.split('{').length - 1);
    return `${head}${open.repeat(depth)}1${close.repeat(depth)}${closing}`;
  });

const invalidJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '{',
    '}',
    '{"a":',
    '{"a":1,}',
    "{'a':1}",
    '{"a":NaN}',
    '{"a":Infinity}',
    '[1,2',
    'null',
    'true',
    '0',
    '"string"',
    '[]',
    '{"a":1}{"b":2}',
    '{"a":1} trailing',
    '\ufeff{"a":1}',
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '{"a":"\\ud800"}',
    '{"a":"\\u00zz"}',
    'undefined',
    '%7B%7D',
    'loginName=fzform&password=secret-pass',
    'a=%&b=%zz',
  ),
  fc.string({ maxLength: 40 }),
  fc.json().map((text) => text.slice(0, Math.max(0, text.length - 1))),
);

/** Bytes that are not UTF-8, alone and inside a JSON string. */
const invalidUtf8: fc.Arbitrary<Buffer> = fc
  .tuple(
    fc.constantFrom(
      [0xff],
      [0xfe, 0xff],
      [0xc3, 0x28],
      [0xa0, 0xa1],
      [0xe2, 0x28, 0xa1],
      [0xf0, 0x28, 0x8c, 0x28],
      [0xed, 0xa0, 0x80],
      [0xc0, 0xaf],
      [0x00],
    ),
    fc.boolean(),
  )
  .map(([bytes, wrapped]) =>
    wrapped
      ? Buffer.concat([
          Buffer.from('{"loginName":"fzutf'),
          Buffer.from(bytes),
          Buffer.from('","password":"secret-pass","_vendorThingID":"x'),
          Buffer.from(bytes),
          Buffer.from('"}'),
        ])
      : Buffer.from(bytes),
  );

/** Large strings, up to ~100 KB, in an otherwise plausible body. */
const bigBody: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: 1000, max: 100_000 }),
    fc.constantFrom('a', '%', 'é', '😀', '\\u0000', '"'),
    fc.constantFrom(
      'loginName',
      'password',
      '_vendorThingID',
      'custom',
      'pushMessageType',
      'installationRegistrationID',
      '_thingType',
    ),
    fc.nat(1e6),
  )
  .map(([n, unit, field, id]) => {
    const value = (unit === '"' ? '\\"' : unit).repeat(Math.ceil(n / unit.length));
    return `{"loginName":"fzbig${id}","_vendorThingID":"fztbig${id}","password":"secret-pass","_password":"thing-pass","deviceType":"MQTT","${field}":"${value}"}`;
  });

/** Request bodies: empty, shaped-but-wrong, reserved fields of the wrong type, deep, big, broken. */
export function body(world: FuzzWorld, kind: BodyKind): fc.Arbitrary<Buffer | undefined> {
  const reservedNames = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(...RESERVED_BY_KIND[kind], ...RESERVED_FIELDS.slice(0, 1)),
    },
    { weight: 1, arbitrary: fc.constantFrom(...RESERVED_FIELDS) },
  );
  const shapedWrong = fc
    .tuple(
      validShape(world, kind),
      fc.dictionary(reservedNames, wrongValue, { minKeys: 1, maxKeys: 3 }),
      fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 12 }), wrongValue, { maxKeys: 2 }),
    )
    .map(([shape, reserved, custom]) => {
      // JSON.stringify of an object built with __proto__ as a key drops it: write it by hand.
      const text = JSON.stringify({ ...shape, ...custom, ...reserved });
      return '__proto__' in reserved || Object.hasOwn(reserved, '__proto__')
        ? text.replace(/^\{/, '{"__proto__":{"polluted":true},')
        : text;
    });
  return fc.oneof(
    { withCrossShrink: true },
    { weight: 30, arbitrary: fc.constant(undefined) },
    { weight: 10, arbitrary: fc.constant(Buffer.alloc(0)) },
    { weight: 80, arbitrary: shapedWrong.map((text) => Buffer.from(text)) },
    {
      weight: 20,
      arbitrary: validShape(world, kind).map((shape) => Buffer.from(JSON.stringify(shape))),
    },
    {
      weight: 20,
      arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    },
    { weight: 20, arbitrary: deepJson.map((text) => Buffer.from(text)) },
    { weight: 10, arbitrary: bigBody.map((text) => Buffer.from(text)) },
    { weight: 30, arbitrary: invalidJson.map((text) => Buffer.from(text)) },
    { weight: 20, arbitrary: invalidUtf8 },
    // Over the 1 MiB body limit, rarely (it is slow to send).
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(1024 * 1024 + 10, 0x61)) },
  );
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export function request(world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  return methodAndPath(world).chain(({ method, path, template }) =>
    fc
      .tuple(headerSet(world), body(world, bodyKind(template)))
      .map(([headers, payload]) => ({ method, path, headers, body: payload })),
  );
}

/** For failure messages: the request as a curl command line (bodies cut to 300 bytes). */
export function describeRequest(port: number, req: FuzzRequest): string {
  const headers = Object.entries(req.headers)
    .map(([name, value]) => ` -H ${JSON.stringify(`${name}: ${value}`)}`)
    .join('');
  const body =
    req.body === undefined
      ? ''
      : ` --data-binary ${JSON.stringify(
          req.body.length > 300
            ? `${req.body.subarray(0, 300).toString('latin1')}...(${req.body.length} bytes)`
            : req.body.toString('latin1'),
        )}`;
  return `curl -sS --path-as-is -X ${req.method}${headers}${body} ${JSON.stringify(`http://127.0.0.1:${port}${req.path.slice(0, 300)}${req.path.length > 300 ? `...(${req.path.length} chars)` : ''}`)}`;
}

// ---------------------------------------------------------------- wire

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends one request on a fresh connection; rejects on a transport error or after `timeoutMs` (a hang). */
export function send(port: number, req: FuzzRequest, timeoutMs = 5000): Promise<Answer> {
  if (req.method === 'HEAD') return sendHead(port, req, timeoutMs);
  return new Promise((resolve, reject) => {
    let answer: Answer | undefined;
    const headers: Record<string, string> = { connection: 'close', ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(req.body.length);
    const outgoing = http.request({
      host: '127.0.0.1',
      port,
      method: req.method,
      path: req.path,
      headers,
      agent: false,
      setHost: !('host' in req.headers),
    });
    const timer = setTimeout(() => {
      outgoing.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms (hang)`));
    }, timeoutMs);
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        answer = {
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
        };
        resolve(answer);
      });
      response.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    outgoing.on('error', (error) => {
      // The server may answer (413) and close before the whole body is written: the answer counts.
      if (answer) return;
      clearTimeout(timer);
      reject(
        new Error(`no HTTP answer: ${(error as NodeJS.ErrnoException).code ?? error.message}`),
      );
    });
    outgoing.end(req.body);
  });
}

/**
 * HEAD over a bare socket: node:http refuses an answer to HEAD that carries a body, which the
 * server writes when its HTTP parser refused the request before knowing the method. The answer's
 * status and headers are judged; any body is ignored, as for every HEAD.
 */
async function sendHead(port: number, req: FuzzRequest, timeoutMs: number): Promise<Answer> {
  const headers: Record<string, string> = {
    ...('host' in req.headers ? {} : { host: `127.0.0.1:${port}` }),
    connection: 'close',
    ...req.headers,
  };
  if (req.body !== undefined) headers['content-length'] = String(req.body.length);
  const head = `HEAD ${req.path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;
  const reply = await sendRaw(
    port,
    Buffer.concat([Buffer.from(head, 'latin1'), req.body ?? Buffer.alloc(0)]),
    {
      timeoutMs,
    },
  );
  const answer = parseRawResponse(reply);
  if (typeof answer === 'string') throw new Error(`no HTTP answer: ${answer}`);
  return answer;
}

/** Raw bytes over a bare socket; resolves with everything the server wrote before it closed. */
export function sendRaw(
  port: number,
  bytes: Buffer,
  { halfClose = true, timeoutMs = 5000 }: { halfClose?: boolean; timeoutMs?: number } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `connection neither answered nor closed within ${timeoutMs} ms (hang); got ${JSON.stringify(Buffer.concat(chunks).toString('latin1').slice(0, 200))}`,
        ),
      );
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    const done = () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    };
    socket.on('close', done);
    // A reset after a refusal still ends the exchange; what was written before it is judged.
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      socket.write(bytes, () => {
        if (halfClose) socket.end();
      });
    });
  });
}

/** Parses the first HTTP response in `raw` (content-length, chunked or until close). */
export function parseRawResponse(raw: Buffer): Answer | string {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return `not an HTTP response: ${JSON.stringify(text.slice(0, 200))}`;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
  if (!match) return `bad status line: ${JSON.stringify(statusLine)}`;
  // An interim answer (100 Continue) is followed by the real one.
  if (match[1].startsWith('1') && raw.length > end + 4)
    return parseRawResponse(raw.subarray(end + 4));
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let rest = raw.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      if (lineEnd < 0) break;
      const size = parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
      if (!size) break;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
    return { status: Number(match[1]), headers, body: Buffer.concat(parts) };
  }
  const length = headers['content-length'];
  return {
    status: Number(match[1]),
    headers,
    body: length === undefined ? rest : rest.subarray(0, Number(length)),
  };
}

// ---------------------------------------------------------------- the checks

function header(answer: Answer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * What every answer must satisfy; returns the broken rules (empty when fine):
 * no 5xx; the CORS header; errors as Kii's envelope in a JSON media type that the SDK's
 * `JSON.parse(decodeURIComponent(text))` reads back (docs/kii-api.md §1.3, §2.1).
 */
export function answerProblems(answer: Answer, method: string, path: string): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`status ${answer.status}`);
  if (!header(answer, 'access-control-allow-origin'))
    problems.push('no access-control-allow-origin');
  const text = answer.body.toString('utf8');
  if (answer.status >= 400) {
    const type = header(answer, 'content-type') ?? '';
    if (!/^application\/(vnd\.kii\.[\w.]+\+)?json(;|$)/i.test(type))
      problems.push(`error media type ${JSON.stringify(type)}`);
    if (method !== 'HEAD') {
      let decoded: string | undefined;
      try {
        decoded = decodeURIComponent(text);
      } catch {
        problems.push('error body throws in decodeURIComponent (bare or invalid % escape)');
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(decoded ?? text);
      } catch {
        problems.push('error body is not JSON');
      }
      const envelope = parsed as {
        errorCode?: unknown;
        message?: unknown;
        error_description?: unknown;
      } | null;
      if (parsed !== undefined) {
        const oauth = isOAuthPath(path);
        if (typeof envelope?.errorCode !== 'string')
          problems.push('error body has no string errorCode');
        const hasMessage =
          typeof envelope?.message === 'string' ||
          (oauth && typeof envelope?.error_description === 'string');
        if (!hasMessage) problems.push('error body has no string message');
      }
    }
  } else if (method !== 'HEAD' && text && /json/i.test(header(answer, 'content-type') ?? '')) {
    try {
      JSON.parse(text);
    } catch {
      problems.push('success body is not the JSON its media type says');
    }
  }
  return problems;
}

export function summarize(answer: Answer): string {
  const text = answer.body.toString('utf8');
  return `${answer.status} content-type=${JSON.stringify(header(answer, 'content-type') ?? null)} acao=${JSON.stringify(header(answer, 'access-control-allow-origin') ?? null)} body=${JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}...` : text)}`;
}

// ---------------------------------------------------------------- raw requests

export interface RawCase {
  bytes: Buffer;
  label: string;
}

/**
 * Requests fetch() and node:http cannot send: raw non-ASCII and control bytes in the request
 * line, bad methods and versions, broken chunked bodies, bodies shorter than Content-Length,
 * smuggling-shaped framing and absurd header sizes.
 */
export function rawCase(world: FuzzWorld): fc.Arbitrary<RawCase> {
  const bin = (text: string) => Buffer.from(text, 'latin1');
  const app = world.appId;
  const method = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD') },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'FOO',
        'get',
        'G\xe9T',
        '',
        'GET GET',
        'PRI',
        'CONNECT',
        'TRACE',
        'M-SEARCH',
        'POST\x00',
      ),
    },
  );
  const target = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        '/api/x-local/v1/info',
        `/api/apps/${app}/users/me`,
        `/api/apps/${app}/things`,
        `/api/apps/${app}/installations`,
        `/api/apps/${app}/users`,
        '/api/oauth2/token',
        `/api/apps/${app}/topics/${world.keep.topics[0]}`,
      ),
    },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        `/api/apps/${app}/users/\xe3\x81\x82`,
        `/api/apps/${app}/installations/\xff\xfe`,
        `/api/apps/${app}/things/\xc3\x28`,
        `/api/apps/\x00/users`,
        `/api/apps/${app}/users/a\x01b`,
        `/api/apps/${app}/users/a\tb`,
        `/api/apps/${app}/users/a b`,
        `/api/apps/${app}/topics/%`,
        `/api/apps/${app}/installations/%zz`,
        '/api/../../etc/passwd',
        '*',
        'http://evil.example/api/x-local/v1/info',
        '',
        'api/x-local/v1/info',
        `/api/apps/${app}/users/\x7f`,
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 8_000, max: 120_000 })
        .map((n) => `/api/apps/${app}/users/${'a'.repeat(n)}`),
    },
  );
  const version = fc.oneof(
    { withCrossShrink: true },
    { weight: 8, arbitrary: fc.constant('HTTP/1.1') },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'HTTP/1.0',
        'HTTP/9.9',
        'HTTP/1.1x',
        'http/1.1',
        'HTTP/2.0',
        '',
        'HTTP/1.\xb9',
      ),
    },
  );
  const eol = fc.oneof(
    { withCrossShrink: true },
    { weight: 8, arbitrary: fc.constant('\r\n') },
    { weight: 1, arbitrary: fc.constantFrom('\n', '\r') },
  );
  const junkHeaders = fc.array(
    fc.oneof(
      fc.constantFrom(
        'X-\xff: 1',
        'X-Nul: a\x00b',
        'X-Ctl: a\x01b',
        'NoColonHere',
        'Host : spaced',
        ' folded: continuation',
        'X-Raw: \xe3\x81\x82',
        ': empty-name',
        'Content-Length: 5',
        'Content-Length: -1',
        'Content-Length: abc',
        'Content-Length: 99999999999999999999',
        'Transfer-Encoding: gzip, chunked',
        'Transfer-Encoding: chunked',
        'Transfer-Encoding: identity',
        'Expect: 100-continue',
        'Content-Type: application/json',
        'Content-Type: \xff/\xfe',
        `Authorization: Bearer ${world.tokens.admin}`,
        'Authorization: Bearer \xff\xfe',
      ),
      fc.integer({ min: 10_000, max: 200_000 }).map((n) => `X-Big: ${'b'.repeat(n)}`),
      fc
        .integer({ min: 200, max: 3000 })
        .map((n) => Array.from({ length: n }, (_, i) => `X-Many-${i}: ${i}`).join('\r\n')),
    ),
    { maxLength: 3 },
  );
  const json = '{"loginName":"fzraw","password":"secret-pass"}';
  const framing = fc.constantFrom(
    { label: 'no body', headers: [] as string[], body: '' },
    { label: 'json body', headers: [`Content-Length: ${json.length}`], body: json },
    {
      label: 'chunked',
      headers: ['Transfer-Encoding: chunked'],
      body: `${json.length.toString(16)}\r\n${json}\r\n0\r\n\r\n`,
    },
    {
      label: 'chunk size zz',
      headers: ['Transfer-Encoding: chunked'],
      body: 'zz\r\nabc\r\n0\r\n\r\n',
    },
    {
      label: 'chunk size overflow',
      headers: ['Transfer-Encoding: chunked'],
      body: 'fffffffffffffffffffff\r\nabc\r\n0\r\n\r\n',
    },
    {
      label: 'chunk without CRLF',
      headers: ['Transfer-Encoding: chunked'],
      body: '3\r\nabcdef0\r\n\r\n',
    },
    {
      label: 'chunked, no last chunk',
      headers: ['Transfer-Encoding: chunked'],
      body: '3\r\nabc\r\n',
    },
    {
      label: 'chunk extension junk',
      headers: ['Transfer-Encoding: chunked'],
      body: '3;\xff=\x00\r\nabc\r\n0\r\n\r\n',
    },
    {
      label: 'CL and TE',
      headers: ['Content-Length: 4', 'Transfer-Encoding: chunked'],
      body: '0\r\n\r\nGET /api/x-local/v1/info HTTP/1.1\r\n\r\n',
    },
    {
      label: 'two different CLs',
      headers: ['Content-Length: 2', 'Content-Length: 30'],
      body: '{}',
    },
    {
      label: 'body shorter than CL, then close',
      headers: ['Content-Length: 1000'],
      body: '{"loginName":"fz',
    },
    {
      label: 'body of invalid UTF-8',
      headers: ['Content-Length: 4', 'Content-Type: application/json'],
      body: '"\xff\xfe"',
    },
  );
  return fc
    .record({
      method,
      target,
      version,
      eol,
      junkHeaders,
      framing,
      host: fc.boolean(),
      appHeaders: fc.boolean(),
    })
    .map(
      ({
        method: m,
        target: t,
        version: v,
        eol: e,
        junkHeaders: junk,
        framing: f,
        host,
        appHeaders,
      }) => {
        const lines = [
          [m, t, v].filter((part, i) => i < 2 || part !== '').join(' '),
          ...(host ? ['Host: 127.0.0.1'] : []),
          ...(appHeaders ? [`X-Kii-AppID: ${app}`, `X-Kii-AppKey: ${world.appKey}`] : []),
          'Connection: close',
          ...junk.flatMap((line) => line.split('\r\n')),
          ...f.headers,
        ];
        const head = lines.join(e) + e + e;
        return {
          bytes: bin(head + f.body),
          label: `${f.label}: ${JSON.stringify((head.length > 400 ? `${head.slice(0, 400)}...(${head.length} bytes of head)` : head) + f.body)}`,
        };
      },
    );
}
