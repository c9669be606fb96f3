/**
 * bench:team's console server process: what `console-server/main.ts serve` does, plus one
 * bench-only switch, `--audit-off`, that replaces the audit trail's `record` with a function
 * that writes nothing. It lets the bench time the same call with its audit row and without it.
 * Only bench/team-bench-stack.ts starts this file and nothing under console-server/ imports it,
 * so a production console server has no flag, variable or code path that reaches it.
 */
import type { AuditRow } from '../console-server/audit/audit-chain';
import { startConsoleServer } from '../console-server/app';
import { parseServeArgs } from '../console-server/config';

const AUDIT_OFF = '--audit-off';

const argv = process.argv.slice(2);
const config = parseServeArgs(argv.filter((arg) => arg !== AUDIT_OFF));
const { app, port } = await startConsoleServer({ config });

if (argv.includes(AUDIT_OFF)) {
  // Callers read `team.audit.record` at call time, so every route sees the replacement.
  const unrecorded: AuditRow = {
    seq: 0,
    at: 0,
    person: null,
    appId: null,
    action: 'bench.audit-off',
    target: null,
    status: 0,
    errorCode: null,
    clientAddress: null,
    detailsJson: '{}',
    prevHash: '',
    hash: '',
  };
  app.team.audit.record = () => unrecorded;
}

process.stdout.write(
  `${JSON.stringify({ ready: true, http: port, api: `http://${config.host}:${port}/team/api`, pid: process.pid })}\n`,
);
const stop = () => {
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  void app.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
