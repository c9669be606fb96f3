#!/usr/bin/env node
// Runs every test suite (or the ones named on the command line: lint, console, server, team,
// e2e), prints each suite's counts, and ends with one plain total line:
// "N passed, N failed[, N skipped]".
// Exits non-zero when any suite fails or runs zero tests.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Installs a Debian package when we are root with apt-get; true when it installed. */
function aptInstall(pkg, what) {
  const canApt =
    process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
  if (!canApt) return false;
  console.log(`${what} is missing: installing Debian's ${pkg} package...`);
  const quiet = {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  };
  let result = spawnSync('apt-get', ['install', '-y', '-q', pkg], quiet);
  if (result.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], quiet);
    result = spawnSync('apt-get', ['install', '-y', '-q', pkg], quiet);
  }
  return result.status === 0;
}

/** Finds Chromium, installing Debian's package when we can; never lets npm download a browser. */
function ensureChromium() {
  const wanted = process.env.CHROME_BIN || '/usr/bin/chromium';
  if (existsSync(wanted)) return wanted;
  if (aptInstall('chromium', 'Chromium') && existsSync('/usr/bin/chromium'))
    return '/usr/bin/chromium';
  console.error(
    `Chromium not found at ${wanted}: install it (sudo apt-get install -y chromium) or set CHROME_BIN to a Chromium or Chrome binary.`,
  );
  process.exit(1);
}

/**
 * The cluster specs start a real redis-server (server/testing/redis-server.ts): Debian's, installed
 * here when we can. Nothing is started here; each spec starts and stops its own.
 */
function ensureRedisServer() {
  const wanted = process.env.REDIS_SERVER || '/usr/bin/redis-server';
  if (existsSync(wanted)) return;
  if (aptInstall('redis-server', 'redis-server') && existsSync('/usr/bin/redis-server')) return;
  console.error(
    `redis-server not found at ${wanted}: install it (sudo apt-get install -y redis-server) or set REDIS_SERVER to a redis-server binary.`,
  );
  process.exit(1);
}

/** Runs a command, echoing its output, and returns the output for counting. */
function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const echo = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on('data', echo(process.stdout));
    child.stderr.on('data', echo(process.stderr));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

// eslint-disable-next-line no-control-regex -- ANSI colour escapes start with ESC
const strip = (text) => text.replace(/\x1b\[[0-9;]*m/g, '');

/** Jasmine on Node through tsx; counts from "N specs, M failures[, K pending specs]". */
async function jasmineOnNode(config) {
  const { code, output } = await run(process.execPath, [
    '--import',
    'tsx',
    join(root, 'node_modules/jasmine/bin/jasmine.js'),
    `--config=${config}`,
  ]);
  const match = /(\d+) specs?, (\d+) failures?(?:, (\d+) pending specs?)?/.exec(strip(output));
  if (!match) return { code: code || 1, passed: 0, failed: 0, skipped: 0 };
  const [specs, failed, skipped] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  return { code, passed: specs - failed - skipped, failed, skipped };
}

const suites = {
  /**
   * ESLint (typescript-eslint, angular-eslint with its template and accessibility rules) and
   * Prettier: each file ESLint checks without an error counts as passed; each file with an ESLint
   * error, and each file Prettier would change, counts as failed (Prettier also covers files
   * ESLint does not read, such as Markdown and SCSS).
   */
  async lint() {
    const dir = mkdtempSync(join(tmpdir(), 'kpc-lint-'));
    const report = join(dir, 'eslint.json');
    try {
      const eslint = await run(bin('eslint'), ['.', '--format', 'json', '--output-file', report]);
      let files;
      try {
        files = JSON.parse(readFileSync(report, 'utf8'));
      } catch {
        return { code: eslint.code || 1, passed: 0, failed: 1, skipped: 0 };
      }
      for (const file of files) {
        for (const m of file.messages) {
          const kind = m.severity === 2 ? 'error' : 'warning';
          console.log(`${file.filePath}:${m.line}:${m.column} ${kind} ${m.message} (${m.ruleId})`);
        }
      }
      const prettier = await run(bin('prettier'), ['--list-different', '.']);
      const unformatted = strip(prettier.output)
        .split('\n')
        .filter((line) => line.trim() && !line.startsWith('['));
      for (const file of unformatted)
        console.log(`not formatted (npm run format fixes it): ${file}`);
      const linted = files.filter((f) => f.errorCount === 0).length;
      const failed = files.length - linted + unformatted.length;
      return { code: failed ? 1 : eslint.code, passed: linted, failed, skipped: 0 };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  /** Karma in headless Chromium; counts from its last "Executed N of M" line. */
  async console(chrome) {
    const { code, output } = await run(
      bin('ng'),
      ['test', '--watch=false', '--browsers=ChromeHeadlessCI', '--no-progress'],
      { CHROME_BIN: chrome },
    );
    const lines = [
      ...strip(output).matchAll(
        /Executed (\d+) of (\d+)(?: \((\d+) FAILED\))?(?: \(skipped (\d+)\))?/g,
      ),
    ];
    const last = lines.at(-1);
    if (!last) return { code: code || 1, passed: 0, failed: 0, skipped: 0 };
    const executed = Number(last[1]);
    const failed = Number(last[3] ?? 0);
    const skipped = Number(last[4] ?? 0);
    return { code, passed: executed - failed, failed, skipped };
  },
  /** The local Kii server: Jasmine on Node through tsx. */
  server: () => jasmineOnNode('server/jasmine.json'),
  /** The team-mode console server (console-server/): Jasmine on Node through tsx. */
  team: () => jasmineOnNode('console-server/jasmine.json'),
  /**
   * Builds the console and extracts its messages afresh (the i18n spec checks the Japanese
   * files against the code, not against a committed copy), then Playwright drives the build
   * in Chromium against the real local server.
   */
  async e2e(chrome) {
    const build = await run(bin('ng'), ['build', '--configuration', 'production', '--no-progress']);
    if (build.code !== 0) return { code: build.code, passed: 0, failed: 1, skipped: 0 };
    const dir = mkdtempSync(join(tmpdir(), 'kpc-e2e-'));
    const extract = await run(bin('ng'), [
      'extract-i18n',
      '--output-path',
      dir,
      '--format',
      'xlf',
      '--progress=false',
    ]);
    if (extract.code !== 0) return { code: extract.code, passed: 0, failed: 1, skipped: 0 };
    const report = join(dir, 'report.json');
    const { code } = await run(bin('playwright'), ['test', '--reporter=list,json'], {
      CHROME_BIN: chrome,
      PLAYWRIGHT_JSON_OUTPUT_NAME: report,
      KPC_I18N_SOURCE: join(dir, 'messages.xlf'),
    });
    let stats;
    try {
      stats = JSON.parse(readFileSync(report, 'utf8')).stats;
    } catch {
      return { code: code || 1, passed: 0, failed: 0, skipped: 0 };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return {
      code,
      passed: stats.expected + stats.flaky,
      failed: stats.unexpected,
      skipped: stats.skipped,
    };
  },
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in suites));
if (unknown.length) {
  console.error(
    `Unknown suite ${unknown.join(', ')}; choose from ${Object.keys(suites).join(', ')}.`,
  );
  process.exit(2);
}
const names = wanted.length ? wanted : Object.keys(suites);
const chrome = names.some((name) => name === 'console' || name === 'e2e')
  ? ensureChromium()
  : undefined;
if (names.includes('server')) ensureRedisServer();

const results = [];
for (const name of names) {
  console.log(`\n=== ${name} tests ===`);
  const result = await suites[name](chrome);
  results.push({ name, ...result });
}

console.log('\n=== summary ===');
let ok = true;
for (const r of results) {
  const empty = r.passed + r.failed === 0;
  const status = r.code !== 0 || r.failed > 0 ? 'FAILED' : empty ? 'FAILED (ran no tests)' : 'ok';
  if (status !== 'ok') ok = false;
  console.log(
    `${r.name.padEnd(8)} ${status.padEnd(22)} ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`,
  );
}
const total = (key) => results.reduce((sum, r) => sum + r[key], 0);
const skipped = total('skipped');
console.log(
  `${total('passed')} passed, ${total('failed')} failed${skipped ? `, ${skipped} skipped` : ''}`,
);
process.exit(ok ? 0 : 1);
