import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's redis-server package puts the binary; REDIS_SERVER overrides it. */
export const REDIS_SERVER_BIN = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

/** A real redis-server for specs and benchmarks, on a Unix socket in its own temporary directory. */
export interface LocalRedis {
  /** The socket path, as `--cluster` and ioredis' `path` take it. */
  readonly socketPath: string;
  readonly pid: number;
  /** Kills the server (SIGKILL: nothing is saved anyway) and starts a fresh, empty one on the same socket. */
  restart(): Promise<void>;
  /** Kills the server and leaves it down until `up()`. */
  down(): Promise<void>;
  /** Starts a fresh, empty server on the same socket. */
  up(): Promise<void>;
  /** Stops it by its PID and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Redis cannot listen on TCP port 0, so tests use a Unix socket and no TCP port at all
 * (`--port 0`), with persistence off: a restart loses everything, as a crash would.
 */
export async function startRedis(): Promise<LocalRedis> {
  if (!existsSync(REDIS_SERVER_BIN)) {
    throw new Error(
      `redis-server not found at ${REDIS_SERVER_BIN}: npm test installs it when run as root; otherwise apt-get install -y redis-server`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'kpc-redis-'));
  const socketPath = join(dir, 'r.sock');
  let child = await launch(dir, socketPath);
  const redis: LocalRedis = {
    socketPath,
    get pid() {
      return child.pid!;
    },
    async restart() {
      await redis.down();
      await redis.up();
    },
    async down() {
      await kill(child);
    },
    async up() {
      child = await launch(dir, socketPath);
    },
    async stop() {
      await kill(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return redis;
}

async function launch(dir: string, socketPath: string): Promise<ChildProcess> {
  // A killed server leaves its socket file behind; the new one's must be awaited, not the old.
  rmSync(socketPath, { force: true });
  const child = spawn(
    REDIS_SERVER_BIN,
    [
      '--port',
      '0',
      '--unixsocket',
      socketPath,
      '--unixsocketperm',
      '700',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // A spec process that dies (a crash, a timeout's SIGTERM) must not leave its Redis behind.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // The socket file appears once the server accepts connections.
  const deadline = Date.now() + 10_000;
  while (!existsSync(socketPath)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start: ${stderr.trim() || 'no socket after 10 s'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
