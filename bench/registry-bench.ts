/**
 * Installations registry listing with 100,000 rows in one app (plus 50,000 in two others):
 * page 1, a deep page, filtered pages and the count, on a SQLite file in WAL mode as the console
 * server runs it (or `--memory`). Run: `node --import tsx bench/registry-bench.ts [--rows N]`.
 * OFFSET paging is measured alongside for comparison only; the registry pages by keyset.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInstallationsRegistry } from '../console-server/registry/installations-registry';
import { insertRegistryRows } from './registry-rows';

const args = process.argv.slice(2);
const rows = Number(args[args.indexOf('--rows') + 1]) || 100_000;
const inMemory = args.includes('--memory');
const iterations = 200;

const dir = mkdtempSync(join(tmpdir(), 'kpc-registry-bench-'));
const db = new Database(inMemory ? ':memory:' : join(dir, 'bench.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(
  readFileSync(
    join(import.meta.dirname, '..', 'console-server/db/migrations/002_apps_registry.sql'),
    'utf8',
  ),
);
const registry = createInstallationsRegistry(db);

const fillStarted = performance.now();
// The other apps' rows interleave with the measured app's, as a shared registry's would.
insertRegistryRows(db, rows * 1.5, (i) => (i % 3 === 2 ? `other${i % 2}` : 'big'));
const fillSeconds = (performance.now() - fillStarted) / 1000;
const total = registry.count('big');

/** Cursor of the row `depth` rows from the newest, found once outside the measurement. */
const deepCursor = String(
  (
    db
      .prepare(
        "SELECT id FROM registry_installations WHERE app_id = 'big' ORDER BY id DESC LIMIT 1 OFFSET ?",
      )
      .get(total - 51) as { id: number }
  ).id,
);

function measure(name: string, run: () => unknown): string[] {
  for (let i = 0; i < 20; i++) run();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return [name, at(0.5).toFixed(3), at(0.95).toFixed(3), at(1).toFixed(3)];
}

const offsetPage = db.prepare(
  "SELECT * FROM registry_installations WHERE app_id = 'big' ORDER BY id DESC LIMIT 50 OFFSET ?",
);
const table = [
  ['query (50 rows a page)', 'p50 ms', 'p95 ms', 'max ms'],
  measure('page 1', () => registry.list({ appId: 'big', limit: 50 })),
  measure(`deep page (last, keyset)`, () =>
    registry.list({ appId: 'big', limit: 50, cursor: deepCursor }),
  ),
  measure('page 1, status = gone', () => registry.list({ appId: 'big', status: 'gone' })),
  measure('page 1, owner = user42', () => registry.list({ appId: 'big', ownerId: 'user42' })),
  measure('page 1, adder + ANDROID', () =>
    registry.list({ appId: 'big', addedBy: 'person3', deviceType: 'ANDROID' }),
  ),
  measure('count(*) of the app', () => registry.count('big')),
  measure('count, status = gone', () => registry.count('big', { status: 'gone' })),
  measure('deep page by OFFSET (not used)', () => offsetPage.all(total - 50)),
];

const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
console.log(
  `registry listing: ${total.toLocaleString('en')} rows in the measured app, ` +
    `${(registry.count('other0') + registry.count('other1')).toLocaleString('en')} in two others; ` +
    `${inMemory ? 'in memory' : 'SQLite file, WAL'}; filled in ${fillSeconds.toFixed(1)} s; ` +
    `${iterations} runs each`,
);
for (const row of table) {
  console.log(
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '),
  );
}
db.close();
rmSync(dir, { recursive: true, force: true });
