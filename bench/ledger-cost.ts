/**
 * What the delivery ledger costs one push to N recipients, in-process (no sockets):
 * `node --expose-gc --import tsx bench/ledger-cost.ts [recipients=10000] [--file]`.
 *
 * The broker is a stand-in that settles every write on the next turn, as aedes does for a socket
 * that takes the bytes, so the figures are the ledger's own work: counting and sampling on the
 * fan-out path, then the settled trace's summary and its batched SQLite write. "off" runs the
 * same fan-out with a trace that does nothing. Real sockets add aedes' and the kernel's cost on
 * top (docs/performance.md: 0.29-0.54 CPU s for a push to 10,000 WebSocket subscribers).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../server/db/database';
import { createMetrics } from '../server/metrics';
import { createGroupCommit } from '../server/db/group-commit';
import { createDelivery } from '../server/push/delivery';
import {
  createDeliveryLedger,
  PushTrace,
  type DeliveryLedger,
} from '../server/push/delivery-ledger';
import { createInstallationRepository } from '../server/repositories/installations';
import { createPushLedgerRepository } from '../server/repositories/push-ledger';
import { createDeliveryRepository } from '../server/repositories/topics';
import type { PushBroker, WriteSink } from '../server/broker/push-broker';

const recipients = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 10_000);
const onFile = process.argv.includes('--file');
const dir = onFile ? mkdtempSync(join(tmpdir(), 'ledger-cost-')) : '';
const db = openDatabase({ dataDir: dir, inMemory: !onFile });

const insertInstallation = db.prepare(`INSERT INTO installations
  (id, registration_id, device_type, development, user_id, created_at) VALUES (?, ?, 'MQTT', 0, ?, 0)`);
const insertEndpoint = db.prepare(`INSERT INTO endpoints
  (installation_id, username, password, mqtt_topic, ready_at, expires_at) VALUES (?, ?, 'p', ?, 0, ?)`);
db.transaction(() => {
  for (let i = 0; i < recipients; i++) {
    insertInstallation.run(`inst-${i}`, `reg-${i}`, `user-${i}`);
    insertEndpoint.run(`inst-${i}`, `name-${i}`, `topic-${i}`, Number.MAX_SAFE_INTEGER);
  }
})();
const owners = Array.from({ length: recipients }, (_, i) => ({
  type: 'user' as const,
  id: `user-${i}`,
}));

let settledWrites = 0;
const connection = {
  connectionID: 'c-bench-1',
  installationID: '',
  transport: 'ws' as const,
  clientAddress: '127.0.0.1',
  connectedAt: 0,
  subscribedAt: 0,
  closedAt: null,
  closeReason: null,
  detail: null,
  tookOver: null,
  takenOverBy: null,
};
const broker = {
  write<T>(_topic: string, _payload: Buffer, sink: WriteSink<T>, recipient: T) {
    // Without the ledger the callback captures nothing, as the broker's did before it.
    if (sink instanceof PushTrace) {
      setImmediate(() => {
        sink.written(recipient, connection);
        settledWrites++;
      });
    } else setImmediate(() => settledWrites++);
    return 'WRITING';
  },
} as unknown as PushBroker;

const metrics = createMetrics();
const real = createDeliveryLedger({
  db,
  repository: createPushLedgerRepository(db),
  metrics,
  onWriteError: (error) => console.error(error),
});
const noop = () => undefined;
const off = {
  begin: (meta: { target: string; sender: string }) => ({
    meta,
    skip: noop,
    writing: noop,
    written: noop,
    failed: noop,
    seal: noop,
  }),
} as unknown as DeliveryLedger;

const installations = createInstallationRepository(db, createGroupCommit(db), {
  endpointDelayMs: 0,
  mqttTtlSeconds: 3600,
});
const deliveries = createDeliveryRepository(db);
const sender = { type: 'admin' as const, id: 'admin', token: '' };
const message = { data: { hello: 'x'.repeat(200) } };

let measureInFlight = false;
let idleHeap = 0;
const inFlightBytes: number[] = [];

async function onePush(ledger: DeliveryLedger) {
  const delivery = createDelivery({ appId: 'app', broker, installations, deliveries, ledger });
  settledWrites = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { pushMessageID } = delivery.send(message, { kind: 'direct', userId: 'x' }, owners, sender);
  const fanOut = performance.now() - t0;
  // With --expose-gc: what the push holds while its writes are in flight (ledger or not).
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc && measureInFlight) {
    gc();
    inFlightBytes.push(process.memoryUsage().heapUsed - idleHeap);
  }
  while (settledWrites < recipients) await new Promise((resolve) => setImmediate(resolve));
  const t1 = performance.now();
  ledger.flush?.();
  const written = performance.now() - t1;
  const cpu = process.cpuUsage(cpu0);
  return { pushMessageID, fanOut, written, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function fileBytes(): number {
  if (!onFile) return (db.pragma('page_count', { simple: true }) as number) * 4096;
  db.pragma('wal_checkpoint(TRUNCATE)');
  return statSync(join(dir, 'kii-local.sqlite')).size;
}

for (let i = 0; i < 3; i++) await onePush(off); // warm-up
for (let i = 0; i < 3; i++) await onePush(real);
const rounds: Record<string, { fanOut: number; written: number; cpuMs: number }[]> = {
  off: [],
  on: [],
};
const before = fileBytes();
const heapBefore = process.memoryUsage().heapUsed;
for (let i = 0; i < 5; i++) {
  rounds.off.push(await onePush(off));
  rounds.on.push(await onePush(real));
}
const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  measureInFlight = true;
  for (const ledger of [off, real]) {
    gc();
    idleHeap = process.memoryUsage().heapUsed;
    await onePush(ledger);
  }
  console.log(
    `heap held by one push in flight: ledger off ${(inFlightBytes[0] / 1024 / 1024).toFixed(1)} MiB, ` +
      `on ${(inFlightBytes[1] / 1024 / 1024).toFixed(1)} MiB (after GC, the broker stand-in's closures included)`,
  );
}
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, rs] of Object.entries(rounds)) {
  console.log(
    `ledger ${name}: fan-out ${median(rs.map((r) => r.fanOut)).toFixed(1)} ms, ` +
      `ledger write ${median(rs.map((r) => r.written)).toFixed(1)} ms, ` +
      `CPU per push ${median(rs.map((r) => r.cpuMs)).toFixed(1)} ms (median of 5)`,
  );
}
const rows = db.prepare('SELECT count(*) FROM push_outcomes').pluck().get() as number;
const pushes = db.prepare('SELECT count(*) FROM push_ledger').pluck().get() as number;
console.log(
  `${recipients} recipients: ${rows / pushes} rows kept per push; ` +
    `database growth ${((fileBytes() - before) / 5 / 1024).toFixed(0)} KiB per push (${onFile ? 'file' : 'memory'}); ` +
    `heap after 5 pushes ${((process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024).toFixed(1)} MiB (no GC forced)`,
);
db.close();
if (dir) rmSync(dir, { recursive: true, force: true });
