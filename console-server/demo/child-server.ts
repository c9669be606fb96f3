import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A server process the launcher started, with the JSON ready line it printed. */
export interface ChildServer<Ready> {
  name: string;
  child: ChildProcess;
  pid: number;
  ready: Ready;
  /** Settles when the process has exited, with its exit code (null after a signal). */
  exited: Promise<number | null>;
  /** SIGTERM to its PID, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `node [nodeArgs] --import tsx <script> <args>` and waits for its one JSON ready line on stdout.
 * Its stderr goes to ours, each line prefixed with `[name]`; a server that exits or stays
 * silent for `timeoutMs` rejects with what it wrote.
 */
export function startChildServer<Ready>(options: {
  name: string;
  script: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Node's own flags, before the script (benchmarks pass `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  timeoutMs?: number;
}): Promise<ChildServer<Ready>> {
  const nodeArgs = [...(options.nodeArgs ?? []), '--import', 'tsx'];
  const child = spawn(process.execPath, [...nodeArgs, options.script, ...options.args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let output = '';
  createInterface({ input: child.stderr! }).on('line', (line) => {
    output = `${output}${line}\n`.slice(-4000);
    process.stderr.write(`[${options.name}] ${line}\n`);
  });
  const stop = async (graceMs = 12_000) => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop(0);
      reject(new Error(`${options.name} was not ready in ${options.timeoutMs ?? 60_000} ms`));
    }, options.timeoutMs ?? 60_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with ${code} before it was ready:\n${output}`));
    });
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      let ready: Ready;
      try {
        ready = JSON.parse(line) as Ready;
      } catch {
        void stop(0);
        reject(new Error(`${options.name} printed no ready line but: ${line}`));
        return;
      }
      // Later stdout (none expected) is read and dropped so the child never blocks on a pipe.
      lines.on('line', () => undefined);
      resolve({ name: options.name, child, pid: child.pid!, ready, exited, stop });
    });
  });
}
