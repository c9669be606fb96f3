import fc from 'fast-check';
import { expectOk, kiiRest, topicPath, type KiiRest, type Principal } from '../testing/kii-rest';
import { startTestServer, type TestServer } from '../testing/test-server';
import {
  answerProblems,
  describeRequest,
  fuzzLoginName,
  fuzzVendorThingId,
  RESERVED_BY_KIND,
  parseRawResponse,
  rawCase,
  request,
  send,
  sendRaw,
  summarize,
  type Answer,
  type FuzzRequest,
  type FuzzWorld,
} from './rest-arbitraries';

/**
 * Property-based fuzz of the REST API (docs/architecture.md, "Checks"): thousands of malformed requests over every
 * route of server/routes/*.ts, and malformed HTTP over a bare socket. Every answer must come
 * within 5 s, never be a 5xx, carry the CORS header, and every error must be Kii's envelope that
 * the SDK can read (docs/kii-api.md §1.3, §2.1). Afterwards the server must still answer and its
 * stored data must still read back.
 *
 * FUZZ_SEED replays a run (fast-check prints the seed and the shrunk counterexample as a curl
 * command line on failure); FUZZ_RUNS scales the request count.
 */
describe('REST fuzz', () => {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20_110_611;
  const scale = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) / 2500 : 1;
  const runs = (n: number) => Math.max(1, Math.round(n * scale));
  /** fast-check stops generating (and shrinking) after this; a shorter run still has to pass. */
  const timeLimitMs = 45_000;

  let server: TestServer;
  let rest: KiiRest;
  let world: FuzzWorld;
  let port: number;
  let admin: string;
  const keep: {
    users: Principal[];
    things: Principal[];
    installations: { id: string; token: string }[];
    topics: string[];
    subscriptions: string[];
  } = { users: [], things: [], installations: [], topics: [], subscriptions: [] };
  /** Login names and vendor thing IDs the fuzz sent in bodies: any that got stored must read back. */
  const sentLoginNames = new Set<string>();
  const sentVendorThingIds = new Set<string>();

  beforeAll(async () => {
    server = await startTestServer();
    rest = kiiRest(server);
    port = server.app.kii.ports.http;
    admin = await server.adminToken();
    const app = rest.app;

    const alice = await rest.registerUser('alice');
    await expectOk(
      await server.api(`${app}/users`, {
        body: {
          loginName: 'carol',
          emailAddress: 'carol@example.com',
          phoneNumber: '+819012345678',
          password: 'secret-pass',
        },
      }),
      201,
    );
    const carol = await rest.login('carol');
    const bob = await rest.registerUser('bob');
    const dave = await rest.registerUser('dave');
    const keptThing = await rest.registerThing('fuzz-keep-thing');
    const victimThing = await rest.registerThing('fuzz-victim-thing');

    const install = async (token: string, owner: { userID?: string; thingID?: string } = {}) =>
      rest.installMqtt(token, false, owner);
    const aliceInstall = await install(alice.token);
    const thingInstall = await install(keptThing.token);
    const bobInstall = await install(bob.token);
    const daveInstall = await install(admin, { userID: dave.id });
    const victimThingInstall = await install(victimThing.token);

    await rest.createTopic(admin, topicPath.app(server, 'keep-app'));
    await rest.createTopic(admin, topicPath.app(server, 'victim-app'));
    await rest.createTopic(alice.token, topicPath.user(server, alice.id, 'keep-alice'));
    await rest.createTopic(keptThing.token, topicPath.thing(server, keptThing.id, 'keep-thing'));
    await rest.createTopic(bob.token, topicPath.user(server, bob.id, 'victim-bob'));
    await rest.subscribe(alice.token, topicPath.app(server, 'keep-app'), { userID: alice.id });
    await rest.subscribe(keptThing.token, topicPath.app(server, 'keep-app'), {
      thingID: keptThing.id,
    });
    await rest.subscribe(alice.token, topicPath.user(server, alice.id, 'keep-alice'), {
      userID: alice.id,
    });
    await rest.subscribe(bob.token, topicPath.app(server, 'victim-app'), { userID: bob.id });

    keep.users = [alice, carol];
    keep.things = [keptThing];
    keep.installations = [
      { id: aliceInstall.installationID, token: alice.token },
      { id: thingInstall.installationID, token: keptThing.token },
    ];
    keep.topics = [
      topicPath.app(server, 'keep-app'),
      topicPath.user(server, alice.id, 'keep-alice'),
      topicPath.thing(server, keptThing.id, 'keep-thing'),
    ];
    keep.subscriptions = [
      `${topicPath.app(server, 'keep-app')}/push/subscriptions/users/${alice.id}`,
      `${topicPath.app(server, 'keep-app')}/push/subscriptions/things/${keptThing.id}`,
      `${topicPath.user(server, alice.id, 'keep-alice')}/push/subscriptions/users/${alice.id}`,
    ];

    const { appId, appKey, clientId, clientSecret } = server.config;
    world = {
      appId,
      appKey,
      clientId,
      clientSecret,
      tokens: {
        admin,
        users: [alice.token, carol.token, bob.token, dave.token],
        things: [keptThing.token, victimThing.token],
      },
      keep: {
        userIds: [alice.id, carol.id],
        loginNames: ['alice', 'carol'],
        emails: ['carol@example.com'],
        phones: ['+819012345678'],
        thingIds: [keptThing.id],
        vendorThingIds: ['fuzz-keep-thing'],
        installationIds: [aliceInstall.installationID, thingInstall.installationID],
        registrationIds: [
          aliceInstall.installationRegistrationID,
          thingInstall.installationRegistrationID,
        ],
        topics: ['keep-app', 'keep-alice', 'keep-thing'],
      },
      victim: {
        userIds: [bob.id, dave.id],
        loginNames: ['bob', 'dave'],
        emails: [],
        phones: [],
        thingIds: [victimThing.id],
        vendorThingIds: ['fuzz-victim-thing'],
        installationIds: [
          bobInstall.installationID,
          daveInstall.installationID,
          victimThingInstall.installationID,
        ],
        registrationIds: [bobInstall.installationRegistrationID],
        topics: ['victim-app', 'victim-bob', 'no-such-topic'],
      },
    };
  }, 30_000);

  afterAll(async () => {
    await server?.close();
  });

  /** The request as a curl line in fast-check's counterexample report. */
  function withRepro(req: FuzzRequest): FuzzRequest {
    return Object.assign(req, { [fc.toStringMethod]: () => describeRequest(port, req) });
  }

  /** Records fuzz-made names so that whatever got stored is read back afterwards. */
  function remember(req: FuzzRequest) {
    if (!req.body || req.body.length > 200_000) return;
    const text = req.body.toString('latin1');
    for (const m of text.matchAll(/"loginName":"(fz[a-z0-9_.-]{1,20})"/g)) sentLoginNames.add(m[1]);
    for (const m of text.matchAll(/"_vendorThingID":"(fzt[a-z0-9_.-]{1,20})"/g))
      sentVendorThingIds.add(m[1]);
  }

  /** Every rule the answer breaks, with a repro, or nothing. */
  function judge(req: FuzzRequest, answer: Answer): string | undefined {
    const problems = answerProblems(answer, req.method, req.path);
    if (!problems.length) return undefined;
    return `${problems.join('; ')}\n  answer: ${summarize(answer)}\n  repro: ${describeRequest(port, req)}`;
  }

  /** One fuzz request: a transport failure or a hang fails like a broken answer. */
  async function sendAndJudge(req: FuzzRequest) {
    const answer = await send(port, req).catch((error: Error) => {
      throw new Error(`${error.message}\n  repro: ${describeRequest(port, req)}`);
    });
    const problem = judge(req, answer);
    if (problem) throw new Error(problem);
  }

  /** A GET with the app headers and a token, through the same checks as the fuzz. */
  async function read(
    path: string,
    token: string,
  ): Promise<{ answer: Answer; problems: string[] }> {
    const req: FuzzRequest = {
      method: 'GET',
      path: `/api${path}`,
      headers: {
        'x-kii-appid': server.config.appId,
        'x-kii-appkey': server.config.appKey,
        authorization: `Bearer ${token}`,
      },
    };
    try {
      const answer = await send(port, req);
      const problem = judge(req, answer);
      return { answer, problems: problem ? [problem] : [] };
    } catch (error) {
      return {
        answer: { status: 0, headers: {}, body: Buffer.alloc(0) },
        problems: [`GET ${path}: ${(error as Error).message}`],
      };
    }
  }

  /**
   * After a fuzz run: the server answers, the kept objects read back as before, every stored
   * installation and every object the fuzz managed to create reads back (200 with JSON, or 404 if
   * it was deleted again), and a fresh sign-up, install and endpoint fetch still work.
   */
  async function storedDataProblems(): Promise<string[]> {
    const problems: string[] = [];
    const expect = async (path: string, status: number, token = admin) => {
      const { answer, problems: found } = await read(path, token);
      problems.push(...found);
      if (answer.status !== status)
        problems.push(`GET ${path}: expected ${status}, got ${summarize(answer)}`);
      else if (status === 200) {
        try {
          JSON.parse(answer.body.toString('utf8'));
        } catch {
          problems.push(`GET ${path}: 200 without a JSON body: ${summarize(answer)}`);
        }
      }
    };
    await expect('/x-local/v1/info', 200);
    for (const user of keep.users) {
      await expect(`${rest.app}/users/${user.id}`, 200);
      await expect(`${rest.app}/users/me`, 200, user.token);
    }
    await expect(`${rest.app}/users/LOGIN_NAME:alice`, 200);
    for (const thing of keep.things) await expect(`${rest.app}/things/${thing.id}`, 200);
    await expect(`${rest.app}/things/VENDOR_THING_ID:fuzz-keep-thing`, 200);
    for (const { id, token } of keep.installations) {
      await expect(`${rest.app}/installations/${id}`, 200, token);
      await expect(`${rest.app}/installations/${id}/mqtt-endpoint`, 200, token);
    }
    for (const topic of keep.topics) await expect(topic, 204);
    for (const subscription of keep.subscriptions) await expect(subscription, 204);

    // Every installation the server lists, whoever made it, reads back by ID.
    let paginationKey: string | undefined;
    let listed = 0;
    do {
      const query = `?limit=1000${paginationKey ? `&paginationKey=${paginationKey}` : ''}`;
      const { answer, problems: found } = await read(
        `/x-local/v1${rest.app}/installations${query}`,
        admin,
      );
      problems.push(...found);
      if (answer.status !== 200) {
        problems.push(`installation list: ${summarize(answer)}`);
        break;
      }
      const page = JSON.parse(answer.body.toString('utf8')) as {
        installations: { installationID: string }[];
        nextPaginationKey?: string;
      };
      for (const { installationID } of page.installations) {
        await expect(`${rest.app}/installations/${installationID}`, 200);
        listed++;
      }
      paginationKey = page.nextPaginationKey;
    } while (paginationKey && listed < 5000);

    // Whatever the fuzz registered must read back (or be gone): never a 5xx or a broken body.
    const lookups = [
      ...[...sentLoginNames].map((name) => `${rest.app}/users/LOGIN_NAME:${name}`),
      ...[...sentVendorThingIds].map((id) => `${rest.app}/things/VENDOR_THING_ID:${id}`),
    ].slice(0, 600);
    for (const path of lookups) {
      const { answer, problems: found } = await read(path, admin);
      problems.push(...found);
      if (answer.status !== 200 && answer.status !== 404)
        problems.push(`GET ${path}: expected 200 or 404, got ${summarize(answer)}`);
    }

    // A fresh sign-up, install and endpoint fetch, as the console would do next.
    try {
      const fresh = await rest.registerUser(`after${Date.now()}`);
      await rest.mqttEndpointFor(fresh.token);
      await rest.login('alice');
    } catch (error) {
      problems.push(
        `fresh sign-up, install and endpoint fetch failed: ${(error as Error).message}`,
      );
    }
    return problems;
  }

  /** Runs a property, then the stored-data check; fails with both reports. */
  async function fuzz<T>(
    what: string,
    arbitrary: fc.Arbitrary<T>,
    numRuns: number,
    check: (value: T) => Promise<void>,
  ) {
    let sent = 0;
    const started = Date.now();
    const details = await fc.check(
      fc.asyncProperty(arbitrary, async (value) => {
        sent++;
        await check(value);
      }),
      { seed, numRuns, interruptAfterTimeLimit: timeLimitMs, markInterruptAsFailure: false },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `REST fuzz, ${what}: ${sent} requests (${details.numRuns} runs, ${details.numShrinks} shrinks) in ${seconds} s, seed ${seed}`,
    );
    const problems = await storedDataProblems();
    if (details.failed) {
      const error = details.errorInstance instanceof Error ? details.errorInstance.message : '';
      fail(`${what}: ${error}\n${fc.defaultReportMessage(details)}`);
    }
    if (problems.length)
      fail(`after ${what}, stored data or the server broke:\n${problems.slice(0, 20).join('\n')}`);
  }

  it('answers malformed requests on every route with no 5xx, no hang and only Kii error envelopes, and keeps its data readable', async () => {
    await fuzz('every route', request(world).map(withRepro), runs(2500), async (req) => {
      remember(req);
      await sendAndJudge(req);
    });
  }, 120_000);

  it('registers users and things with reserved and custom fields of any type, or refuses them, and what it stores reads back', async () => {
    // The route fuzz above rarely lands a wrong-typed reserved field on a registration that is
    // otherwise valid; this property always does.
    const anyValue = fc.jsonValue({ maxDepth: 3 });
    const extraFields = (names: string[]) =>
      fc.dictionary(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 12 })), anyValue, {
        minKeys: 1,
        maxKeys: 4,
      });
    const registration = fc.oneof(
      fc.tuple(fuzzLoginName, extraFields(RESERVED_BY_KIND.user)).map(([loginName, extra]) => ({
        path: `${rest.app}/users`,
        lookup: `${rest.app}/users/LOGIN_NAME:${loginName}`,
        body: { ...extra, loginName, password: 'secret-pass' },
      })),
      fc
        .tuple(fuzzVendorThingId, extraFields(RESERVED_BY_KIND.thing))
        .map(([vendorThingID, extra]) => ({
          path: `${rest.app}/things`,
          lookup: `${rest.app}/things/VENDOR_THING_ID:${vendorThingID}`,
          body: { ...extra, _vendorThingID: vendorThingID, _password: 'thing-pass' },
        })),
    );
    await fuzz('registrations', registration, runs(300), async ({ path, lookup, body }) => {
      const req = withRepro({
        method: 'POST',
        path: `/api${path}`,
        headers: {
          'x-kii-appid': server.config.appId,
          'x-kii-appkey': server.config.appKey,
          'content-type': 'application/json',
        },
        body: Buffer.from(JSON.stringify(body)),
      });
      remember(req);
      await sendAndJudge(req);
      const { answer, problems } = await read(lookup, admin);
      if (problems.length) throw new Error(problems.join('\n'));
      if (answer.status !== 200 && answer.status !== 404)
        throw new Error(
          `GET ${lookup}: ${summarize(answer)}\n  after ${describeRequest(port, req)}`,
        );
    });
  }, 120_000);

  it('answers CORS pre-flights with odd bodies with the CORS header and never an error outside the envelope', async () => {
    const preflight = fc
      .tuple(
        request(world),
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'X-NOPE', ''),
        fc.constantFrom('authorization, content-type, x-kii-appid, x-kii-appkey', '', '\xff'),
      )
      .map(([req, wanted, headers]) =>
        withRepro({
          ...req,
          method: 'OPTIONS',
          headers: {
            ...req.headers,
            origin: 'http://localhost:4200',
            'access-control-request-method': wanted,
            'access-control-request-headers': headers,
          },
        }),
      );
    await fuzz('pre-flights', preflight, runs(300), async (req) => {
      await sendAndJudge(req);
    });
  }, 120_000);

  it('answers malformed HTTP on a raw socket with an HTTP answer in the envelope or a close, never a hang', async () => {
    const cases = rawCase(world).map((raw) =>
      Object.assign(raw, { [fc.toStringMethod]: () => raw.label }),
    );
    await fuzz('raw socket', cases, runs(300), async (raw) => {
      const reply = await sendRaw(port, raw.bytes).catch((error: Error) => {
        throw new Error(`${error.message}\n  sent ${raw.label}`);
      });
      if (reply.length === 0) return; // closed without a word: allowed
      const answer = parseRawResponse(reply);
      if (typeof answer === 'string') throw new Error(`${answer}\n  sent ${raw.label}`);
      const method = /^(\S*)/.exec(raw.bytes.toString('latin1'))![1];
      const target = /^\S* (\S*)/.exec(raw.bytes.toString('latin1'))?.[1] ?? '';
      const problems = answerProblems(answer, method, target);
      if (problems.length)
        throw new Error(
          `${problems.join('; ')}\n  answer: ${summarize(answer)}\n  sent ${raw.label}`,
        );
    });
  }, 120_000);
});
