/**
 * Set-up of the cluster benchmark (untimed, but its duration is reported).
 *
 * Users: registering 100,000 users through REST hashes 100,000 passwords (scrypt, 16 MiB and
 * tens of milliseconds each: hours on two cores), and nothing in the benchmark signs a user in.
 * So the users, the app topic and the subscriptions are written straight into the SQLite file
 * through the server's own repositories (server/repositories), before any server opens it, with
 * one real password hash shared by all of them. Installations and endpoints then go through the
 * REST API as a device's would (admin token naming the owner), and their rate is reported.
 */
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../server/db/database';
import { hashPassword } from '../server/ids';
import { createUserRepository } from '../server/repositories/principals';
import { createTopicRepository, type Scope } from '../server/repositories/topics';
import { LeanHttpClient, type LeanResponse } from './http-load';
import type { ServerReady } from './processes';
import type { ClientSpec } from './cluster-clients';

/** The app topic every benchmark user is subscribed to. */
export const ALL_TOPIC = 'bench-all';

/** Writes `users` users, subscribed to `topics` (topic ID and how many of the users). */
export async function seedUsers(
  dataDir: string,
  users: number,
  topics: { id: string; count: number }[],
): Promise<{ userIds: string[]; seconds: number }> {
  const started = performance.now();
  const hash = await hashPassword('bench-password');
  const db = openDatabase({ dataDir, inMemory: false });
  try {
    const userRepository = createUserRepository(db);
    const topicRepository = createTopicRepository(db);
    const app: Scope = { type: 'APP', id: '' };
    const userIds = db.transaction(() => {
      const ids: string[] = [];
      for (let i = 0; i < users; i++)
        ids.push(userRepository.create({ loginName: `bench${i}`, custom: {} }, hash).id);
      for (const topic of topics) {
        topicRepository.create(app, topic.id);
        for (let i = 0; i < topic.count; i++)
          topicRepository.subscribe(app, topic.id, { type: 'user', id: ids[i] });
      }
      return ids;
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { userIds, seconds: (performance.now() - started) / 1000 };
  } finally {
    db.close();
  }
}

/** The JSON body of a response with the expected status; anything else stops the run. */
export function leanJson(response: LeanResponse, status: number, what: string) {
  if (response.status !== status)
    throw new Error(`${what}: HTTP ${response.status} ${response.body}`);
  return response.body ? JSON.parse(response.body) : undefined;
}

/** Kii REST calls to one server as the app admin, over a pool of keep-alive connections. */
export async function adminSession(ready: ServerReady, concurrency: number) {
  const lean = await LeanHttpClient.open('127.0.0.1', ready.http, concurrency);
  const app = ready.appId;
  const base = { 'x-kii-appid': ready.appId, 'x-kii-appkey': ready.appKey };
  const json = (type = 'application/json') => ({ ...base, 'content-type': type });
  const tokenRequest = lean.build(
    'POST',
    '/api/oauth2/token',
    json(),
    JSON.stringify({ client_id: ready.clientId, client_secret: ready.clientSecret }),
  );
  const [token] = await lean.run(
    1,
    () => tokenRequest,
    (r) => leanJson(r, 200, 'admin token').access_token as string,
  );
  const headers = { ...base, authorization: `Bearer ${token}` };
  const timed = async <T>(count: number, run: () => Promise<T>) => {
    const started = performance.now();
    const result = await run();
    const seconds = (performance.now() - started) / 1000;
    return { result, seconds, perSecond: count / seconds };
  };

  return {
    close: () => lean.close(),
    /** Installs an MQTT installation per user (201 new, 200 already there). */
    install: (userIds: string[]) => {
      const type = 'application/vnd.kii.InstallationCreationRequest+json';
      return timed(userIds.length, () =>
        lean.run(
          userIds.length,
          (i) =>
            lean.build(
              'POST',
              `/api/apps/${app}/installations`,
              { ...headers, 'content-type': type },
              JSON.stringify({ deviceType: 'MQTT', userID: userIds[i] }),
            ),
          (r) => {
            if (r.status !== 200) return leanJson(r, 201, 'install').installationID as string;
            return JSON.parse(r.body).installationID as string;
          },
        ),
      );
    },
    /** Fetches every installation's MQTT endpoint: the clients' credentials. */
    endpoints: (installations: string[], userIds: string[]) =>
      timed(installations.length, () =>
        lean.run(
          installations.length,
          (i) =>
            lean.build(
              'GET',
              `/api/apps/${app}/installations/${installations[i]}/mqtt-endpoint`,
              headers,
            ),
          (r, i): ClientSpec => {
            const body = leanJson(r, 200, 'endpoint');
            return {
              index: i,
              clientId: body.mqttTopic,
              username: body.username,
              password: body.password,
              userId: userIds[i],
            };
          },
        ),
      ),
    /** Each installation's connection history, newest first (docs/kii-api.md §13.2). */
    history: (installations: string[]) =>
      lean.run(
        installations.length,
        (i) =>
          lean.build(
            'GET',
            `/api/x-local/v1/apps/${app}/installations/${installations[i]}/connections`,
            headers,
          ),
        (r) => leanJson(r, 200, 'connection history').connections as ConnectionJson[],
      ),
    /** Sends `count` pushes, request i built (and stamped with `sentAt`) just before it goes. */
    push: (count: number, target: (i: number) => { path: string; data: Record<string, unknown> }) =>
      lean.run(
        count,
        (i) => {
          const { path, data } = target(i);
          return lean.build(
            'POST',
            `/api/apps/${app}/${path}/push/messages`,
            { ...headers, 'content-type': 'application/vnd.kii.SendPushMessageRequest+json' },
            JSON.stringify({ data: { ...data, sentAt: Date.now() } }),
          );
        },
        (r) => leanJson(r, 201, 'push'),
      ),
  };
}

/** One record of an installation's connection history, as much of it as the bench reads. */
export interface ConnectionJson {
  closedAt: number | null;
  closeReason: string | null;
  detail: string | null;
}

export type AdminSession = Awaited<ReturnType<typeof adminSession>>;
