import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { defaultConfig, parseArgs, usage, UsageError } from './config';

/**
 * Runs the server's entry with `args` and answers its exit code and stderr. On free ports; if it
 * wrongly starts, its ready line on stdout stops it by its PID (20 s at most, within the spec's
 * 30 s), so it never stays behind.
 */
function runMain(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const root = join(import.meta.dirname, '..');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/main.ts', '--port', '0', '--mqtt-port', '0', ...args],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.once('data', () => child.kill('SIGKILL'));
  const stop = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(stop);
      resolve({ code, stderr });
    }),
  );
}

describe('server flags: --mqtt-drain-timeout', () => {
  it('defaults to the 5 s the broker has always cut frozen subscribers after', () => {
    expect(defaultConfig.mqttDrainTimeoutMs).toBe(5000);
    expect(parseArgs([]).mqttDrainTimeoutMs).toBe(5000);
    expect(usage).toContain('--mqtt-drain-timeout <ms>');
  });

  it('takes milliseconds as the next argument or after =, bounds included', () => {
    expect(parseArgs(['--mqtt-drain-timeout', '300']).mqttDrainTimeoutMs).toBe(300);
    expect(parseArgs(['--mqtt-drain-timeout=100']).mqttDrainTimeoutMs).toBe(100);
    expect(parseArgs(['--mqtt-drain-timeout', '600000']).mqttDrainTimeoutMs).toBe(600_000);
  });

  it('refuses 0 (aedes would wait forever), values out of range and non-integers', () => {
    for (const bad of ['0', '99', '600001', '-5', '1.5', 'abc', '']) {
      expect(() => parseArgs(['--mqtt-drain-timeout', bad]))
        .withContext(bad)
        .toThrowError(
          UsageError,
          `--mqtt-drain-timeout needs a whole number from 100 to 600000, got "${bad}"`,
        );
    }
    expect(() => parseArgs(['--mqtt-drain-timeout'])).toThrowError(
      UsageError,
      '--mqtt-drain-timeout needs a value',
    );
  });

  it('leaves the other number flags as they were: any non-negative number', () => {
    expect(parseArgs(['--request-timeout', '0']).requestTimeoutMs).toBe(0);
    expect(() => parseArgs(['--request-timeout', '-1'])).toThrowError(
      UsageError,
      '--request-timeout needs a non-negative number, got "-1"',
    );
  });

  it('stops the server process with exit code 2, the reason and the usage text', async () => {
    const { code, stderr } = await runMain(['--in-memory', '--mqtt-drain-timeout', '50']);
    expect(code).toBe(2);
    expect(stderr).toContain(
      '--mqtt-drain-timeout needs a whole number from 100 to 600000, got "50"',
    );
    expect(stderr).toContain('Usage: npm run --silent server -- [flags]');
  }, 30_000);
});
