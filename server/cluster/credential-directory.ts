import type { Redis } from 'ioredis';
import {
  endpointCredential,
  tapCredential,
  type CredentialLookup,
  type MqttCredential,
} from '../broker/credentials';
import type { InstallationRepository } from '../repositories/installations';
import type { TapRepository } from '../repositories/taps';

/** Written to Redis in chunks of this many fields, so a resync never blocks Redis for long. */
const RESYNC_CHUNK = 1000;

/** The Redis hash of live MQTT credentials, by username, of one app. */
function directoryKey(appId: string): string {
  return `kpc:${appId}:credentials`;
}

/**
 * The API node's side of the credential directory (docs/scale-out.md): every endpoint and tap
 * credential SQLite holds, mirrored into one Redis hash as it is written, deleted as it is
 * uninstalled, and rewritten whole at start and whenever Redis comes back (a restarted Redis
 * keeps nothing). Expiry needs no deletion: the broker compares `expiresAt` itself.
 */
export function publishCredentials(
  redis: Redis,
  appId: string,
  installations: InstallationRepository,
  taps: TapRepository,
  onError: (error: Error) => void,
) {
  const key = directoryKey(appId);
  const scratch = `${key}:next`;
  /** While a resync builds the scratch hash, changes go to both, so the rename loses none. */
  let resyncing = false;
  const targets = () => (resyncing ? [key, scratch] : [key]);
  const put = (username: string, credential: MqttCredential) => {
    const json = JSON.stringify(credential);
    for (const target of targets()) redis.hset(target, username, json).catch(onError);
  };
  installations.watchEndpoints({
    saved: (endpoint, thingId) => put(endpoint.username, endpointCredential(endpoint, thingId)),
    removed: (endpoint) => {
      for (const target of targets()) redis.hdel(target, endpoint.username).catch(onError);
    },
  });
  taps.watch((tap) => put(tap.username, tapCredential(tap)));

  return {
    /**
     * Rewrites the whole directory from SQLite: built under a scratch key, then renamed over the
     * live one in one step, so a broker node never sees it half-written.
     */
    async resync(): Promise<number> {
      await redis.del(scratch);
      resyncing = true;
      try {
        return await copyAll();
      } finally {
        resyncing = false;
      }
    },
  };

  async function copyAll(): Promise<number> {
    // Read whole first: a SQLite iterator left open across the awaits would block every
    // other statement on the connection (better-sqlite3 refuses them).
    const endpoints = installations.liveEndpoints();
    const liveTaps = taps.live();
    let fields: string[] = [];
    let count = 0;
    const flush = async () => {
      if (fields.length) await redis.hset(scratch, ...fields);
      fields = [];
    };
    const entries = function* (): Generator<[string, MqttCredential]> {
      for (const row of endpoints) yield [row.username, endpointCredential(row, row.thing_id)];
      for (const tap of liveTaps) yield [tap.username, tapCredential(tap)];
    };
    for (const [username, credential] of entries()) {
      fields.push(username, JSON.stringify(credential));
      count++;
      if (fields.length >= RESYNC_CHUNK * 2) await flush();
    }
    await flush();
    // Empty, and nothing written meanwhile: there is no scratch hash to rename.
    if ((await redis.exists(scratch)) === 0) await redis.del(key);
    else await redis.rename(scratch, key);
    return count;
  }
}

/** A broker node's side: one HGET per CONNECT. */
export function directoryCredentials(redis: Redis, appId: string): CredentialLookup {
  const key = directoryKey(appId);
  return async (username) => {
    const json = await redis.hget(key, username);
    return json ? (JSON.parse(json) as MqttCredential) : undefined;
  };
}
