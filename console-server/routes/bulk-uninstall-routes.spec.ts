import { registerUser } from '../kii/local-kii-process';
import { auditRowsOf, startKiiTeamFixture, type KiiTeamFixture } from '../testing/kii-team-fixture';
import { expectApiError, expectOk, type TeamClient } from '../testing/test-console-server';

interface Installed {
  installationID: string;
  installationRegistrationID: string;
}
interface BulkItem {
  ref: string;
  status: string;
  installationID?: string;
  installation?: { registrationID: string; owner?: { type: string; id: string } };
  kii?: { status: number; errorCode?: string };
}
interface BulkOutcome {
  dryRun: boolean;
  counts: Record<string, number>;
  results: BulkItem[];
}

describe('Bulk uninstall against the local Kii server', () => {
  let fx: KiiTeamFixture;
  let operator: TeamClient;
  let base: string;
  let url: string;

  beforeAll(async () => {
    fx = await startKiiTeamFixture();
    base = `/team/api/apps/${fx.app.appId}`;
    url = `${base}/installations/bulk-uninstall`;
    operator = await fx.signedIn('olivia', [{ appId: fx.app.appId, role: 'operator' }]);
  }, 60_000);

  afterAll(async () => {
    if (!fx) return;
    expect(fx.leaks()).withContext('responses or audit rows holding a secret').toEqual([]);
    await fx.stop();
  });

  let serial = 0;
  async function install(): Promise<Installed & { userID: string }> {
    const userID = await registerUser(fx.app, `bulk-${Date.now()}-${++serial}`);
    const installed = await expectOk<Installed>(
      await operator.request('POST', `${base}/installations`, { body: { userID } }),
    );
    return { ...installed, userID };
  }

  function lastBulkRow() {
    return auditRowsOf(fx, 'olivia', 'installation.bulk-uninstall')[0];
  }

  it('a dry run changes nothing; the run reports every item with Kii’s status and errorCode in one audit row', async () => {
    const a = await install();
    const b = await install();
    const refs = [a.installationID, 'no-such-installation', `MQTT:${b.installationRegistrationID}`];

    const dry = await expectOk<BulkOutcome>(
      await operator.request('POST', url, { body: { refs, dryRun: true } }),
    );
    expect(dry.results.map((r) => r.status)).toEqual([
      'would-uninstall',
      'not-found',
      'would-uninstall',
    ]);
    // The dry run names what it found, so the console can show the owner before the run.
    expect(dry.results[0]).toEqual(
      jasmine.objectContaining({
        installationID: a.installationID,
        installation: jasmine.objectContaining({
          registrationID: a.installationRegistrationID,
          owner: { type: 'user', id: a.userID },
        }),
        kii: { status: 200 },
      }),
    );
    for (const id of [a.installationID, b.installationID]) {
      await expectOk(await operator.request('GET', `${base}/installations/${id}`));
    }
    const dryAudit = lastBulkRow();
    expect(JSON.parse(dryAudit.detailsJson)).toEqual(dry as unknown as Record<string, unknown>);

    const before = auditRowsOf(fx, 'olivia', 'installation.bulk-uninstall').length;
    const run = await expectOk<BulkOutcome>(
      await operator.request('POST', url, { body: { refs } }),
    );
    expect(run.results).toEqual([
      { ref: a.installationID, status: 'uninstalled', kii: { status: 204 } },
      {
        ref: 'no-such-installation',
        status: 'not-found',
        kii: { status: 404, errorCode: 'INSTALLATION_NOT_FOUND' },
      },
      { ref: `MQTT:${b.installationRegistrationID}`, status: 'uninstalled', kii: { status: 204 } },
    ]);
    expect(run.counts).toEqual({ uninstalled: 2, 'not-found': 1 });
    // One row for the run, not one per item.
    expect(auditRowsOf(fx, 'olivia', 'installation.bulk-uninstall').length).toBe(before + 1);
    expect(auditRowsOf(fx, 'olivia', 'installation.uninstall').length).toBe(0);
    const audited = lastBulkRow();
    expect([audited.target, audited.status, audited.errorCode]).toEqual([
      '3 installations',
      200,
      null,
    ]);
    expect(run.dryRun).toBeFalse();
    expect(JSON.parse(audited.detailsJson)).toEqual({ ...run });
    await expectApiError(
      await operator.request('GET', `${base}/installations/${b.installationID}`),
      404,
      'KII_NOT_FOUND',
    );
  });

  it('streams one line per item as it finishes, then the outcome, when asked for NDJSON', async () => {
    const a = await install();
    const b = await install();
    const refs = [a.installationID, 'not a ref', b.installationID, a.installationID];
    const response = await operator.request('POST', url, {
      body: { refs },
      headers: { accept: 'application/x-ndjson' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await response.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { index?: number; result?: BulkItem } & BulkOutcome);
    expect(lines.length).toBe(refs.length + 1);
    const items = lines.slice(0, refs.length);
    expect(items.map((line) => line.index).sort()).toEqual([0, 1, 2, 3]);
    const outcome = lines[refs.length];
    expect(outcome.counts).toEqual({ uninstalled: 2, invalid: 1, duplicate: 1 });
    for (const line of items) expect(outcome.results[line.index!]).toEqual(line.result!);
    expect(outcome.results.map((item) => item.status)).toEqual([
      'uninstalled',
      'invalid',
      'uninstalled',
      'duplicate',
    ]);
    expect(JSON.parse(lastBulkRow().detailsJson)).toEqual({ ...outcome });
  });

  it('refuses more than 1,000 refs with 413 BULK_TOO_LARGE before calling Kii, and audits nothing', async () => {
    const before = auditRowsOf(fx, 'olivia', 'installation.bulk-uninstall').length;
    const refs = Array.from({ length: 1001 }, (_, i) => `installation-${i}`);
    const refused = await expectApiError(
      await operator.request('POST', url, { body: { refs } }),
      413,
      'BULK_TOO_LARGE',
    );
    expect(refused.details).toEqual({ max: 1000, given: 1001 });
    expect(refused.message).toContain('at most 1000');
    // A body over the route's 1 MiB limit is refused by size alone.
    const long = Array.from({ length: 300 }, (_, i) => `MQTT:${String(i).padStart(4000, 'x')}`);
    await expectApiError(
      await operator.request('POST', url, { body: { refs: long } }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expect(auditRowsOf(fx, 'olivia', 'installation.bulk-uninstall').length).toBe(before);
  });
});
