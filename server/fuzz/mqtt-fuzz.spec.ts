import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { eventually, kiiRest, type KiiRest } from '../testing/kii-rest';
import { mqttJsReceiver, type PushReceiver } from '../testing/mqtt-clients';
import { startTestServer, type TestServer } from '../testing/test-server';
import {
  answerProblems,
  mqttArbitraries,
  ownConnect,
  ownSubscribe,
  type MqttCase,
  type MqttFuzzWorld,
} from './mqtt-arbitraries';
import {
  delay,
  runCase,
  settlesWithin,
  tcpConnection,
  webSocketConnection,
} from './mqtt-connections';

/** The broker's connect timeout (server/broker/push-broker.ts) and some slack. */
const SILENT_CLOSED_WITHIN_MS = 10_000 + 2000;
/**
 * Batches per run: a fixed number, so that a seed always sends the same cases (a time budget
 * made the coverage depend on the machine's load: 73 to 400 batches). About 4 s on an idle
 * 2-core machine, under 20 s with the whole suite running beside it.
 */
const BATCHES = 150;
/** Only a safety net against a stuck machine; a run cut short by it still has to pass. */
const TIME_LIMIT_MS = 30_000;
/**
 * Growth of this process's RSS while the fuzz runs. Loose, because the fuzz clients live in the
 * same process; a broker that buffered what it is sent (up to 16 MiB per flood, 64 MiB per
 * CONNECT before the fix) goes far past it.
 */
const MAX_RSS_GROWTH_BYTES = 256 * 1024 * 1024;
/** Heap and buffer memory still held once every fuzz connection is closed and collected. */
const MAX_RETAINED_BYTES = 32 * 1024 * 1024;

/** Heap and buffers in use after a full garbage collection. */
function retainedBytes(): number {
  // The server suite runs without --expose-gc; this turns gc() on for this process.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

/** The valid packets a case starts with, each awaiting its answer: CONNECT, then SUBSCRIBE. */
function preambleOf(fuzzCase: MqttCase, world: MqttFuzzWorld): Buffer[] {
  if (!fuzzCase.authenticate) return [];
  const subscribe =
    fuzzCase.subscribeQos === null ? [] : [ownSubscribe(world.own, fuzzCase.subscribeQos)];
  return [ownConnect(world.own), ...subscribe];
}

/**
 * Property-based fuzz of the MQTT broker over raw TCP sockets and raw WebSockets (subprotocol
 * mqtt): random bytes, fixed headers with random lengths, CONNECTs with garbage fields,
 * packets before CONNECT, huge declared lengths and floods, SUBSCRIBE to other topics, client
 * PUBLISH, truncated packets, before and after a valid CONNECT. The broker must never crash or
 * hang (every connection closes soon after the fuzz closes its side, and silent ones by the
 * connect timeout), only ever answer what docs/kii-api.md §9 allows, not balloon in memory,
 * and afterwards still serve a real installation.
 *
 * FUZZ_SEED replays a run; the seed is printed with the counts, and with the shrunk
 * counterexample on failure.
 */
describe('MQTT fuzz', () => {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20_110_612;

  let server: TestServer;
  let rest: KiiRest;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer();
    rest = kiiRest(server);
    admin = await server.adminToken();
  });
  afterAll(() => server?.close());

  it('survives thousands of malformed, truncated and oversized packets over TCP and WebSocket, and still delivers pushes', async () => {
    const fuzzer = await rest.registerUser('fuzzer');
    const own = await rest.mqttEndpointFor(fuzzer.token);
    const victimUser = await rest.registerUser('victim');
    const victimEndpoint = await rest.mqttEndpointFor(victimUser.token);
    const victim: PushReceiver = await mqttJsReceiver(victimEndpoint, 'tcp');
    const world: MqttFuzzWorld = { own, victimTopic: victimEndpoint.mqttTopic };
    const { mqttCase, silentStart } = mqttArbitraries(world);

    // Connections that go silent after a few bytes: the broker must close them by itself.
    const silentOpenedAt = Date.now();
    const silent = fc.sample(silentStart, { seed, numRuns: 40 }).map((bytes, index) => {
      const connection =
        index % 2 === 0
          ? tcpConnection(server.app.kii.ports.tcp)
          : webSocketConnection(server.app.kii.ports.http);
      void connection.opened.then((open) => open && bytes.length && connection.send(bytes));
      return connection;
    });

    // Pushes to the victim go on during the fuzz; none may reach a fuzz connection.
    let pushesSent = 0;
    let pushing = true;
    const pusher = (async () => {
      while (pushing) {
        await rest.send(admin, `${rest.app}/users/${victimUser.id}`, {
          data: { n: pushesSent },
        });
        pushesSent++;
        await delay(200);
      }
    })();

    const retainedBefore = retainedBytes();
    let rssPeak = process.memoryUsage().rss;
    const rssBefore = rssPeak;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 25);

    let connections = 0;
    let packets = 0;
    const started = Date.now();
    const details = await fc.check(
      fc.asyncProperty(
        fc.array(mqttCase, { minLength: 8, maxLength: 24 }),
        async (cases: MqttCase[]) => {
          const outcomes = await Promise.all(
            cases.map((fuzzCase) =>
              runCase(
                fuzzCase.transport === 'tcp'
                  ? tcpConnection(server.app.kii.ports.tcp)
                  : webSocketConnection(server.app.kii.ports.http),
                fuzzCase,
                preambleOf(fuzzCase, world),
              ),
            ),
          );
          connections += cases.length;
          const problems = outcomes.flatMap((outcome, index) => {
            packets += outcome.packets;
            return [...outcome.problems, ...answerProblems(cases[index], outcome.received)].map(
              (problem) => `case ${index} (${cases[index].transport}): ${problem}`,
            );
          });
          if (problems.length) throw new Error(problems.join('\n'));
        },
      ),
      {
        seed,
        numRuns: BATCHES,
        interruptAfterTimeLimit: TIME_LIMIT_MS,
        markInterruptAsFailure: false,
      },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    clearInterval(sampler);
    pushing = false;
    await pusher;
    console.log(
      `MQTT fuzz: ${packets} packets on ${connections} connections (${details.numRuns} batches, ${details.numShrinks} shrinks) in ${seconds} s, RSS peak +${mib(rssPeak - rssBefore)} MiB, seed ${seed}`,
    );
    if (details.failed) {
      const error = details.errorInstance instanceof Error ? details.errorInstance.message : '';
      fail(`seed ${seed}: ${error}\n${fc.defaultReportMessage(details)}`);
    }
    // Thousands even on a loaded machine (about 5,000 to 20,000 on an idle one).
    expect(packets).toBeGreaterThan(2000);
    expect(rssPeak - rssBefore)
      .withContext(`RSS growth during the fuzz, seed ${seed}`)
      .toBeLessThan(MAX_RSS_GROWTH_BYTES);

    // Silent connections are closed by the broker's connect timeout.
    const silentClosed = await settlesWithin(
      Promise.all(silent.map((connection) => connection.closed)),
      Math.max(0, silentOpenedAt + SILENT_CLOSED_WITHIN_MS - Date.now()),
    );
    expect(silentClosed)
      .withContext('every silent connection closed by the broker within its connect timeout')
      .toBe(true);
    silent.forEach((connection) => connection.destroy());
    await eventually(
      () => server.app.kii.broker.connectionsFrom('127.0.0.1').open === 1,
      3000,
      'every fuzz connection gone (the victim left)',
    );
    const retained = retainedBytes() - retainedBefore;
    console.log(`MQTT fuzz: ${mib(retained)} MiB of heap and buffers retained, seed ${seed}`);
    expect(retained)
      .withContext(`heap and buffers retained after the fuzz, seed ${seed}`)
      .toBeLessThan(MAX_RETAINED_BYTES);

    // The victim got every push, nothing else, and is still connected.
    await eventually(() => victim.received.length === pushesSent, 3000, 'every victim push');
    expect(victim.received.map((push) => push.n)).toEqual([...Array(pushesSent).keys()]);
    expect(victim.connected).toBe(true);

    // A fresh installation still connects, over both transports, and receives a push.
    const fresh = await rest.registerUser('after-fuzz');
    const endpoint = await rest.mqttEndpointFor(fresh.token);
    const overTcpReceiver = await mqttJsReceiver(endpoint, 'tcp');
    await rest.send(admin, `${rest.app}/users/${fresh.id}`, { data: { after: 'tcp' } });
    expect((await overTcpReceiver.next()).after).toBe('tcp');
    await overTcpReceiver.close();
    const overWsReceiver = await mqttJsReceiver(endpoint, 'ws');
    await rest.send(admin, `${rest.app}/users/${fresh.id}`, { data: { after: 'ws' } });
    expect((await overWsReceiver.next()).after).toBe('ws');

    // Nothing is left half-open: only the victim and the fresh receiver remain.
    await eventually(
      () => server.app.kii.broker.connectionsFrom('127.0.0.1').open === 2,
      3000,
      'only the two real connections left open',
    );
    expect(server.app.kii.broker.connectionsFrom('127.0.0.1').pending).toBe(0);
    await overWsReceiver.close();
    await victim.close();
  }, 60_000);
});
