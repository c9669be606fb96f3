import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

/** The one JSON line the server prints when it is ready. */
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
 * Starts the real local server as its own process on ephemeral 127.0.0.1 ports and resolves
 * with its ready line. The caller stops it by its PID.
 */
export function startLocalServer(
  extraArgs: string[] = [],
): Promise<{ child: ChildProcess; ready: ReadyLine }> {
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
      resolve({ child, ready: JSON.parse(line) as ReadyLine });
    });
  });
}
