/**
 * The processes of the cluster benchmark: Redis, the API node (or the single process), the
 * broker nodes and the client workers, all children of the benchmark and stopped by their PIDs
 * at the end, on Ctrl+C and on error. Also raises the open-file limit they inherit.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startRedis, type LocalRedis } from '../server/testing/redis-server';
import {
  ipcRequester,
  repoRoot,
  SERVER_ENV,
  startKiiServer,
  stopper,
  type Child,
} from './processes';

/** Every child started here; whatever still runs when the benchmark exits gets SIGKILL. */
const started = new Set<ChildProcess>();
let redis: LocalRedis | undefined;
process.on('exit', () => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (redis) {
    try {
      process.kill(redis.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/** Wanted: 100,000 sockets in one broker, plus the other side of them in the workers. */
const WANTED_OPEN_FILES = 1_048_576;

/**
 * Raises this process's open-file limit (soft and hard) with prlimit, so every child inherits
 * it; only root may raise the hard limit. Returns the limit now in force and, when it could not
 * be raised, why.
 */
export function raiseOpenFileLimit(): { limit: number; note?: string } {
  const current = () =>
    Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 0);
  try {
    execFileSync(
      'prlimit',
      [`--pid=${process.pid}`, `--nofile=${WANTED_OPEN_FILES}:${WANTED_OPEN_FILES}`],
      { stdio: 'pipe' },
    );
    return { limit: current() };
  } catch (error) {
    const limit = current();
    return {
      limit,
      note: `could not raise the open-file limit to ${WANTED_OPEN_FILES} (${why(error)}); it stays ${limit}, which bounds the connections per process`,
    };
  }
}

function why(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return stderr || (error as Error).message.split('\n')[0];
}

export async function startBenchRedis(): Promise<LocalRedis> {
  redis = await startRedis();
  return redis;
}

/** The API node (`--cluster`) or the single process (no `--cluster`) on a SQLite file. */
export async function startApiNode(dataDir: string, cluster?: string) {
  const node = await startKiiServer([], repoRoot, dataDir, cluster ? ['--cluster', cluster] : []);
  started.add(node.process);
  return node;
}

export interface BrokerReady {
  ready: true;
  role: 'broker';
  http: number;
  mqtt: number;
  node: string;
  pid: number;
}

/** One broker node (`--broker-only`) on free 127.0.0.1 ports, once its ready line is out. */
export async function startBrokerNode(cluster: string, appId: string): Promise<Child<BrokerReady>> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'server/main.ts',
      '--cluster',
      cluster,
      '--broker-only',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--mqtt-port',
      '0',
      '--app-id',
      appId,
      '--log-level',
      'error',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...SERVER_ENV } },
  );
  started.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-10_000);
  });
  const ready = await new Promise<BrokerReady>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const parsed = JSON.parse(line);
        if (parsed.ready === true) resolve(parsed as BrokerReady);
      } catch {
        // Not the ready line.
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`broker node exited (${code}) before it was ready:\n${stderr}`)),
    );
  });
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGKILL')
      process.stderr.write(`broker node ${ready.pid} exited with ${code ?? signal}\n${stderr}\n`);
  });
  return { process: child, ready, stop: stopper(child) };
}

/** One client worker (bench/cluster-clients.ts). */
export function startClientWorker() {
  const child = fork(join(repoRoot, 'bench', 'cluster-clients.ts'), [], {
    cwd: repoRoot,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  started.add(child);
  return { process: child, request: ipcRequester(child), stop: stopper(child) };
}

export type ClientWorker = ReturnType<typeof startClientWorker>;

/** The Redis hop micro-measure (bench/redis-hop.ts) in its own process, on the given Redis. */
export function runRedisHop<T>(socketPath: string, messages: number): Promise<T> {
  const child = fork(join(repoRoot, 'bench', 'redis-hop.ts'), [socketPath, String(messages)], {
    cwd: repoRoot,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  started.add(child);
  return new Promise<T>((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`redis-hop exited (${code}) without a result`)));
  });
}
