import { createAdmin } from './cli/create-admin';
import { verifyAudit } from './cli/verify-audit';
import {
  parseCreateAdminArgs,
  parseServeArgs,
  parseVerifyAuditArgs,
  usage,
  UsageError,
} from './config';
import { startConsoleServer } from './app';

/**
 * Process entry of the team-mode console server: `serve` (the default), `create-admin` and
 * `verify-audit`. Everything a server does is in the app plugin, so tests build the same
 * server in-process.
 */
async function serve(argv: string[]): Promise<void> {
  const config = parseServeArgs(argv);
  const { app, port } = await startConsoleServer({ config });
  const origin =
    config.publicOrigin ??
    `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  // One line for CI and supervisors; it carries no secret (there is none to carry).
  const ready = {
    ready: true,
    http: port,
    api: `${origin}/team/api`,
    console: config.consoleDir ? `${origin}/` : null,
    dataDir: config.inMemory ? null : config.dataDir,
    pid: process.pid,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    // A shutdown must not hang on a stuck socket.
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

async function main(): Promise<number | undefined> {
  const [first, ...rest] = process.argv.slice(2);
  const command =
    first === undefined || (first.startsWith('--') && first !== '--help') ? 'serve' : first;
  const argv = command === 'serve' && first !== 'serve' ? process.argv.slice(2) : rest;
  switch (command) {
    case 'serve':
      await serve(argv);
      return undefined;
    case 'create-admin': {
      const options = parseCreateAdminArgs(argv);
      const { generated } = await createAdmin(options);
      process.stderr.write(`created ${options.login.trim().toLowerCase()}, admin of every app\n`);
      // The generated password goes to stdout alone, for a pipe or a password manager.
      if (generated) process.stdout.write(`${generated}\n`);
      return 0;
    }
    case 'verify-audit': {
      const check = verifyAudit(parseVerifyAuditArgs(argv));
      if (check.ok) {
        process.stdout.write(`OK: ${check.rows} audit rows, hash chain intact\n`);
        return 0;
      }
      process.stdout.write(`BROKEN at seq ${check.seq}: ${check.reason}\n`);
      return 1;
    }
    case 'help':
    case '--help':
      process.stdout.write(`${usage}\n`);
      return 0;
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

main().then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${usage}\n`);
      process.exit(2);
    }
    process.stderr.write(
      `console-server failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
