import { rmSync } from 'node:fs';

/** Stops the run's local server by its own PID and removes its data directory. */
export default async function globalTeardown() {
  const server = process.env.KPC_SERVER ? JSON.parse(process.env.KPC_SERVER) : undefined;
  if (!server) return;
  try {
    process.kill(server.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      process.kill(server.pid, 0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } catch {
      break;
    }
  }
  rmSync(server.dataDir, { recursive: true, force: true });
}
