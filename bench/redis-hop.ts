/**
 * The Redis hop alone, for the cluster benchmark: what one delivery costs when it travels through
 * mqemitter-redis (msgpack, a Redis PUBLISH, Redis's fan-out to the subscribed connection, the
 * decode on the other side) instead of the in-process mqemitter aedes uses by default.
 *
 *   node --import tsx bench/redis-hop.ts <redis socket path> <messages>
 *
 * Two emitters on one Redis, as two nodes would be: one subscribes to 1,000 per-client topics,
 * the other publishes `messages` aedes-shaped PUBLISH packets round-robin over them (a Kii push
 * payload's size). The same with one in-process mqemitter. Answers over IPC (or prints JSON):
 * wall time, this process's CPU and Redis's CPU, per message.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import MQEmitter from 'mqemitter';
import MQEmitterRedis from 'mqemitter-redis';
import { execFileSync } from 'node:child_process';

const [socketPath, countArg] = process.argv.slice(2);
const messages = Number(countArg ?? 100_000);
const TOPICS = 1000;
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

type Emitter = ReturnType<typeof MQEmitter>;

/** CPU seconds of a process by PID (user + system) from /proc. */
function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** The PID of the redis-server listening on the socket (the benchmark's own). */
function redisPid(): number | undefined {
  for (const line of execFileSync('ps', ['-eo', 'pid=,args=']).toString().split('\n')) {
    if (line.includes('redis-server') && line.includes(socketPath))
      return Number(line.trim().split(/\s+/)[0]);
  }
  return undefined;
}

const payload = Buffer.from(
  JSON.stringify({
    run: 'hop',
    sentAt: Date.now(),
    senderURI: 'kiicloud://admins/APP_ADMIN',
    when: Date.now(),
    sourceURI: 'kiicloud://topics/bench-all',
    topic: 'bench-all',
    objectScopeAppID: 'demoapp',
    objectScopeType: 'APP',
    padding: 'x'.repeat(120),
  }),
);
const topic = (i: number) => `hop${String(i % TOPICS).padStart(20, '0')}`;

async function measure(publisher: Emitter, subscriber: Emitter, redis?: number) {
  let received = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const listener = (_packet: unknown, callback: () => void) => {
    if (++received === messages) finish();
    callback();
  };
  await Promise.all(
    Array.from(
      { length: TOPICS },
      (_, i) => new Promise<void>((resolve) => subscriber.on(topic(i), listener, resolve)),
    ),
  );
  const cpu = process.cpuUsage();
  const redisCpu = redis ? cpuOf(redis) : 0;
  const start = performance.now();
  for (let i = 0; i < messages; i++) {
    publisher.emit({
      cmd: 'publish',
      topic: topic(i),
      payload,
      qos: 0,
      retain: false,
      dup: false,
      messageId: 0,
      brokerId: 'bench-node',
      brokerCounter: i,
    } as never);
  }
  await done;
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return {
    messages,
    wallMs,
    usPerMessage: (wallMs * 1000) / messages,
    processCpuUsPerMessage: (used.user + used.system) / messages,
    redisCpuUsPerMessage: redis ? ((cpuOf(redis) - redisCpu) * 1e6) / messages : 0,
  };
}

const close = (emitter: Emitter) => new Promise<void>((resolve) => emitter.close(() => resolve()));

const local = MQEmitter({ concurrency: 0 });
const inProcess = await measure(local, local);
await close(local);

const options = { path: socketPath } as never;
const nodeA = MQEmitterRedis(options);
const nodeB = MQEmitterRedis(options);
const throughRedis = await measure(nodeA, nodeB, redisPid());
await Promise.all([close(nodeA), close(nodeB)]);

const result = { inProcess, throughRedis };
if (process.send) {
  process.send(result);
  process.disconnect();
} else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
