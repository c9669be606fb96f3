import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

/** The one JSON line the server prints when it is ready, plus the admin secret we gave it. */
export interface ReadyLine {
  ready: true;
  http: number;
  mqtt: number;
  appId: string;
  appKey: string;
  clientId: string;
  clientSecret: string;
  baseUrl: string;
  pid: number;
}

const root = join(import.meta.dirname, '..', '..');

/**
 * The console build the local server serves in e2e runs: dist/console/browser, or
 * KPC_CONSOLE_DIR for a build made elsewhere (ng build --output-path).
 */
export const consoleBuildDir = resolve(
  process.env.KPC_CONSOLE_DIR ?? join(root, 'dist', 'console', 'browser'),
);

/**
 * Starts the real local server as its own process on ephemeral 127.0.0.1 ports and resolves
 * with its ready line. The caller stops it by its PID.
 */
export function startLocalServer(
  extraArgs: string[] = [],
): Promise<{ child: ChildProcess; ready: ReadyLine }> {
  // The ready line never carries the admin secret, so the test picks one and passes it (a
  // restart passes the first run's secret on, or its admin tokens would no longer be valid).
  const given = extraArgs.indexOf('--client-secret');
  const clientSecret = given >= 0 ? extraArgs[given + 1] : randomBytes(18).toString('base64url');
  const args = [
    '--import',
    'tsx',
    join(root, 'server/main.ts'),
    '--host',
    '127.0.0.1',
    '--public-host',
    '127.0.0.1',
    '--port',
    '0',
    '--mqtt-port',
    '0',
    ...(given >= 0 ? [] : ['--client-secret', clientSecret]),
    ...extraArgs,
  ];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the local server did not get ready in 30 s: ${stderr}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the local server exited with ${code}: ${stderr}`));
    });
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ child, ready: { ...(JSON.parse(line) as ReadyLine), clientSecret } });
    });
  });
}
