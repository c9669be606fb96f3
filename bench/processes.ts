/**
 * The processes of the server benchmark and what it reads about them: the Kii server under test
 * and the bare-aedes baseline as child processes (so neither shares an event loop with the load
 * generator), the subscriber workers, and CPU time and resident memory from /proc.
 */
import { fork, spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const repoRoot = join(import.meta.dirname, '..');

/** Every child started here; whatever is still running when the benchmark exits gets SIGTERM. */
const started = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});

/**
 * The environment `npm start` and `npm run server` give the server. scrypt needs 16 MiB per
 * password hash; glibc raises its mmap threshold after freeing such a block, so later ones come
 * from the libuv threads' heaps and stay in RSS (+75 MB after 1,000 registrations, measured).
 * A fixed threshold returns them to the system.
 */
export const SERVER_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' };

/** The ready line carries no secret: the bench gives the server its admin secret. */
const BENCH_CLIENT_SECRET = 'bench-client-secret';

/** The server's "ready" line (server/main.ts), plus the admin secret the bench passed. */
export interface ServerReady {
  ready: true;
  http: number;
  mqtt: number;
  appId: string;
  appKey: string;
  clientId: string;
  clientSecret: string;
  pid: number;
}

export interface Child<R> {
  process: ChildProcess;
  ready: R;
  /** SIGTERM by PID, then wait for the exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

export function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
}

/**
 * Starts `node --import tsx server/main.ts --in-memory` (or `--data-dir dataDir`) on free
 * 127.0.0.1 ports and waits for its ready line. `nodeFlags` go before `--import` (e.g.
 * `--cpu-prof`); `root` is the checkout whose server/ runs (this one by default; another one
 * compares two versions).
 */
export async function startKiiServer(
  nodeFlags: string[] = [],
  root = repoRoot,
  dataDir?: string,
  serverArgs: string[] = [],
): Promise<Child<ServerReady>> {
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags,
      '--import',
      'tsx',
      'server/main.ts',
      ...(dataDir ? ['--data-dir', dataDir] : ['--in-memory']),
      '--host',
      '127.0.0.1',
      '--public-host',
      '127.0.0.1',
      '--port',
      '0',
      '--mqtt-port',
      '0',
      '--log-level',
      'error',
      '--client-secret',
      BENCH_CLIENT_SECRET,
      ...serverArgs,
    ],
    // As `npm run server` starts it (package.json): see SERVER_ENV.
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...SERVER_ENV } },
  );
  started.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line);
        if (parsed.ready === true)
          resolve({ ...(parsed as ServerReady), clientSecret: BENCH_CLIENT_SECRET });
      } catch {
        // Not the ready line.
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`server exited (${code}) before it was ready:\n${stderr}`)),
    );
  });
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM')
      process.stderr.write(`server exited with ${code ?? signal}\n${stderr}\n`);
  });
  return { process: child, ready, stop: stopper(child) };
}

/** Request / reply over an IPC channel: requests carry an `id`, replies echo it. */
export function ipcRequester(child: ChildProcess) {
  let nextId = 1;
  const pending = new Map<number, (reply: unknown) => void>();
  child.on('message', (message: { id?: number }) => {
    const resolve = message.id === undefined ? undefined : pending.get(message.id);
    if (!resolve) return;
    pending.delete(message.id!);
    resolve(message);
  });
  child.once('exit', (code) => {
    for (const resolve of pending.values()) resolve({ error: `process exited (${code})` });
    pending.clear();
  });
  return <T>(request: object): Promise<T> => {
    const id = nextId++;
    return new Promise<T>((resolve) => {
      pending.set(id, resolve as (reply: unknown) => void);
      child.send({ ...request, id });
    });
  };
}

function forkTs(file: string): ChildProcess {
  const child = fork(join(repoRoot, 'bench', file), [], {
    cwd: repoRoot,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  started.add(child);
  return child;
}

/** The bare-aedes baseline (bench/raw-aedes.ts). */
export async function startRawAedes() {
  const child = forkTs('raw-aedes.ts');
  const ready = await new Promise<{ http: number; pid: number }>((resolve, reject) => {
    child.on('message', (message: { ready?: boolean; http: number; pid: number }) => {
      if (message.ready) resolve(message);
    });
    child.once('exit', (code) =>
      reject(new Error(`raw aedes exited (${code}) before it was ready`)),
    );
  });
  return { process: child, ready, stop: stopper(child), request: ipcRequester(child) };
}

/** One subscriber worker (bench/subscribers.ts). */
export function startSubscriberWorker() {
  const child = forkTs('subscribers.ts');
  return { process: child, request: ipcRequester(child), stop: stopper(child) };
}

export type SubscriberWorker = ReturnType<typeof startSubscriberWorker>;

/** Resident set size of a process, bytes (VmRSS in /proc/<pid>/status). */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) * 1024;
}

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU time (user + system) a process has used so far, seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at index 2 (state).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/**
 * CPU time of the whole machine, seconds: `busy` is what all processes spent in user and system
 * mode (interrupt time left out, as it is not charged to any one process either); `steal` is
 * time the hypervisor gave this VM's CPUs to someone else.
 */
export function machineCpuSeconds(): { busy: number; steal: number } {
  const fields = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const [user, nice, system, , , , , steal] = fields;
  return { busy: (user + nice + system) / clockTicks, steal: steal / clockTicks };
}

/** The 1, 5 and 15 minute load averages. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
