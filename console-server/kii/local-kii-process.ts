// Spec support only: starts the real local Kii server (server/main.ts) as a child process, so
// the Kii client is tested over HTTP against the same code the console talks to. No server/
// module is imported; only its command line and its JSON ready line are used.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { KiiAppCredentials } from './admin-tokens';

export interface LocalKiiProcess {
  child: ChildProcess;
  http: number;
  credentials: KiiAppCredentials;
  /** Sends SIGTERM to the child's PID and waits for it to exit. */
  stop(): Promise<void>;
}

const root = join(import.meta.dirname, '..', '..');

/**
 * Starts `server/main.ts --in-memory --seed-demo` on 127.0.0.1. `port` 0 picks a free one; a
 * restart passes the previous port so URLs stay valid. The ready line never carries the admin
 * secret, so the secret is chosen here and passed in.
 */
export function startLocalKii(
  options: { port?: number; clientSecret?: string; extraArgs?: string[] } = {},
): Promise<LocalKiiProcess> {
  const clientSecret = options.clientSecret ?? randomBytes(18).toString('base64url');
  const args = [
    '--import',
    'tsx',
    join(root, 'server/main.ts'),
    '--in-memory',
    '--seed-demo',
    '--host',
    '127.0.0.1',
    '--public-host',
    '127.0.0.1',
    '--port',
    String(options.port ?? 0),
    '--mqtt-port',
    '0',
    '--client-secret',
    clientSecret,
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the local Kii server was not ready in 30 s: ${stderr}`));
    }, 30_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the local Kii server exited with ${code}: ${stderr}`));
    };
    child.once('exit', onExit);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      const ready = JSON.parse(line) as {
        http: number;
        appId: string;
        appKey: string;
        clientId: string;
        baseUrl: string;
      };
      resolve({
        child,
        http: ready.http,
        credentials: {
          baseUrl: ready.baseUrl,
          appId: ready.appId,
          appKey: ready.appKey,
          clientId: ready.clientId,
          clientSecret,
        },
        stop: async () => {
          if (child.exitCode === null && child.pid !== undefined)
            process.kill(child.pid, 'SIGTERM');
          await exited;
        },
      });
    });
  });
}

/** Registers a user anonymously with the app credentials (docs/kii-api.md §4.3). */
export async function registerUser(app: KiiAppCredentials, loginName: string): Promise<string> {
  const response = await fetch(`${app.baseUrl}/apps/${app.appId}/users`, {
    method: 'POST',
    headers: {
      'x-kii-appid': app.appId,
      'x-kii-appkey': app.appKey,
      'content-type': 'application/vnd.kii.RegistrationRequest+json',
    },
    body: JSON.stringify({ loginName, password: `${loginName}-password` }),
  });
  if (response.status !== 201) throw new Error(`register ${loginName}: ${response.status}`);
  return ((await response.json()) as { userID: string }).userID;
}
