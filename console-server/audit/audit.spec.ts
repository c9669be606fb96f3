import {
  expectApiError,
  expectOk,
  startTestConsoleServer,
  type TeamClient,
  type TestConsoleServer,
} from '../testing/test-console-server';
import type { AuditEntryJson } from '../routes/audit-routes';
import { csvCell } from './audit-csv';
import { rowHash, verifyChain } from './audit-chain';

interface Page {
  entries: AuditEntryJson[];
  nextBefore: number | null;
}

/** The audit trail: what is recorded, that it cannot be changed unnoticed, and who reads it. */
describe('team audit trail', () => {
  let server: TestConsoleServer;
  let root: TeamClient;

  beforeEach(async () => {
    server = await startTestConsoleServer({ signInFailuresAllowed: 2 });
    await server.addPerson('root', [{ appId: '*', role: 'admin' }]);
    await server.addPerson('viewer', [{ appId: 'app1', role: 'viewer' }]);
    root = server.client();
    await root.signIn('root');
  });
  afterEach(() => server.close());

  const audit = (client: TeamClient, query = '') =>
    client.request('GET', `/team/api/audit${query}`).then((r) => expectOk<Page>(r));

  it('records every kind of action with who, what, outcome and address', async () => {
    const viewer = server.client();
    await viewer.signIn('viewer');
    await viewer.request('GET', '/team/api/people');
    await viewer.request('DELETE', '/team/api/session', { csrf: 'wrong' });
    await viewer.request('DELETE', '/team/api/session');
    await server.client().signIn('viewer', 'wrong-password');
    await server.client().signIn('viewer', 'wrong-password');
    await server.client().signIn('viewer');
    const created = await root.request('POST', '/team/api/people', {
      body: { login: 'carol', displayName: 'Carol', password: 'a-long-password' },
    });
    const carol = await expectOk<{ id: number }>(created);
    await root.request('PUT', `/team/api/people/${carol.id}`, {
      body: { displayName: 'Carol C', disabled: false, password: 'another-long-password' },
    });
    await root.request('PUT', `/team/api/people/${carol.id}/roles`, {
      body: { roles: [{ appId: 'app1', role: 'support' }] },
    });
    await root.request('POST', '/team/api/session/everywhere');

    const rows = server.app.team.db
      .prepare(
        'SELECT person, action, target, status, error_code, client_address FROM audit_log ORDER BY seq',
      )
      .all();
    const at = '127.0.0.1';
    expect(rows).toEqual([
      row('root', 'sign-in', 'root', 200, null, at),
      row('viewer', 'sign-in', 'viewer', 200, null, at),
      row('viewer', 'access.refused', 'GET /team/api/people', 403, 'FORBIDDEN', at),
      row('viewer', 'csrf.refused', 'DELETE /team/api/session', 403, 'CSRF_REFUSED', at),
      row('viewer', 'sign-out', 'viewer', 204, null, at),
      row(null, 'sign-in.failed', 'viewer', 401, 'SIGN_IN_FAILED', at),
      row(null, 'sign-in.failed', 'viewer', 429, 'SIGN_IN_LOCKED', at),
      row(null, 'sign-in.locked', 'viewer', 429, 'SIGN_IN_LOCKED', at),
      row('root', 'person.create', 'carol', 201, null, at),
      row('root', 'person.update', 'carol', 200, null, at),
      row('root', 'person.roles', 'carol', 200, null, at),
      row('root', 'sign-out.everywhere', 'root', 204, null, at),
    ]);
    const update = server.app.team.db
      .prepare("SELECT details_json FROM audit_log WHERE action = 'person.update'")
      .pluck()
      .get() as string;
    // Facts about the change, never the password itself.
    expect(JSON.parse(update)).toEqual({
      after: { disabled: false, displayName: 'Carol C' },
      before: { disabled: false, displayName: 'Carol' },
      passwordChanged: true,
    });
    expect(update).not.toContain('another-long-password');
    expect(verifyChain(server.app.team.audit.inOrder())).toEqual({ ok: true, rows: 12 });
  });

  it('refuses UPDATE and DELETE of audit rows in the database itself', () => {
    const { db } = server.app.team;
    expect(() => db.prepare("UPDATE audit_log SET person = 'someone-else'").run()).toThrowError(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrowError(/append-only/);
  });

  it('detects a row changed or removed behind the triggers, at its seq', () => {
    const { db, audit: trail } = server.app.team;
    for (let i = 0; i < 4; i++) {
      trail.record({ person: 'root', action: 'test', status: 200, details: { i } });
    }
    expect(verifyChain(trail.inOrder())).toEqual({ ok: true, rows: 5 });
    db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete');
    db.prepare(`UPDATE audit_log SET details_json = '{"i":9}' WHERE seq = 3`).run();
    expect(verifyChain(trail.inOrder())).toEqual({
      ok: false,
      seq: 3,
      reason: 'hash does not match the row',
    });
    db.prepare('DELETE FROM audit_log WHERE seq = 3').run();
    expect(verifyChain(trail.inOrder())).toEqual({
      ok: false,
      seq: 4,
      reason: 'prev_hash does not match the previous row',
    });
  });

  it('detects rows cut from the end behind the triggers by the tail kept beside the table', () => {
    const { db, audit: trail } = server.app.team;
    for (let i = 0; i < 4; i++) {
      trail.record({ person: 'root', action: 'test', status: 200, details: { i } });
    }
    expect(trail.verify()).toEqual({ ok: true, rows: 5 });
    // The anchor moves only with an append: a caller cannot roll it back or remove it.
    expect(() =>
      db.prepare('UPDATE audit_anchor SET row_count = 3, seq = 3 WHERE id = 1').run(),
    ).toThrowError(/only moves forward/);
    expect(() => db.prepare('DELETE FROM audit_anchor').run()).toThrowError(/only moves forward/);

    // What someone with the file could do: drop the trigger, delete the newest two rows. The
    // remaining chain is intact, so the walk alone says nothing.
    db.exec('DROP TRIGGER audit_log_no_delete');
    db.prepare('DELETE FROM audit_log WHERE seq > 3').run();
    expect(verifyChain(trail.inOrder())).toEqual({ ok: true, rows: 3 });
    expect(trail.verify()).toEqual({
      ok: false,
      seq: 4,
      reason: 'rows cut from the end: the anchor records 5 rows ending at seq 5, the table holds 3',
    });
  });

  it('detects a row added after the recorded tail without an append', () => {
    const { db, audit: trail } = server.app.team;
    const last = trail.record({ person: 'root', action: 'test', status: 200 });
    const forged = {
      ...last,
      seq: last.seq + 1,
      prevHash: last.hash,
      action: 'forged',
    };
    const row = { ...forged, hash: rowHash(forged) };
    db.prepare(
      `INSERT INTO audit_log (seq, at, person, app_id, action, target, status, error_code,
         client_address, details_json, prev_hash, hash)
       VALUES (@seq, @at, @person, @appId, @action, @target, @status, @errorCode,
         @clientAddress, @detailsJson, @prevHash, @hash)`,
    ).run(row);
    expect(trail.verify()).toEqual({
      ok: false,
      seq: row.seq,
      reason: `rows after the recorded tail, not appended through the trail: the anchor records ${last.seq} rows ending at seq ${last.seq}, the table holds ${row.seq}`,
    });
  });

  it('filters by person, app, action and time, and pages by seq', async () => {
    const { audit: trail } = server.app.team;
    for (let i = 0; i < 5; i++) {
      trail.record({ person: 'op', appId: 'app1', action: 'installation.uninstall', status: 204 });
      trail.record({ person: 'op', appId: 'app2', action: 'push.send', status: 201 });
    }
    const app1 = await audit(root, '?app=app1&limit=2');
    expect(app1.entries.map((e) => e.appId)).toEqual(['app1', 'app1']);
    expect(app1.nextBefore).toBe(app1.entries[1].seq);
    const next = await audit(root, `?app=app1&limit=2&before=${app1.nextBefore}`);
    expect(next.entries[0].seq).toBeLessThan(app1.nextBefore!);
    const last = await audit(root, `?app=app1&limit=2&before=${next.nextBefore}`);
    expect(last.entries.length).toBe(1);
    expect(last.nextBefore).toBeNull();

    expect((await audit(root, '?action=push.send')).entries.length).toBe(5);
    expect((await audit(root, '?person=root')).entries.map((e) => e.action)).toEqual(['sign-in']);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await audit(root, `?from=${future}`)).entries).toEqual([]);
    expect((await audit(root, `?to=${future}`)).entries.length).toBe(11);
  });

  it('filters by outcome: succeeded (status below 400) or refused and failed', async () => {
    const { audit: trail } = server.app.team;
    trail.record({ person: 'op', appId: 'app1', action: 'installation.uninstall', status: 204 });
    trail.record({
      person: 'op',
      appId: 'app1',
      action: 'installation.uninstall',
      status: 404,
      errorCode: 'INSTALLATION_NOT_FOUND',
    });
    trail.record({ person: 'op', action: 'access.refused', status: 403, errorCode: 'FORBIDDEN' });
    const failed = await audit(root, '?outcome=failed');
    expect(failed.entries.map((e) => [e.action, e.status])).toEqual([
      ['access.refused', 403],
      ['installation.uninstall', 404],
    ]);
    const ok = await audit(root, '?outcome=ok&app=app1');
    expect(ok.entries.map((e) => e.status)).toEqual([204]);
    await expectApiError(
      await root.request('GET', '/team/api/audit?outcome=maybe'),
      400,
      'INVALID_INPUT',
    );
  });

  it('shows a viewer only their own actions, an app admin theirs and their apps, a team admin all', async () => {
    const { audit: trail } = server.app.team;
    trail.record({ person: 'op', appId: 'app1', action: 'installation.install', status: 201 });
    trail.record({ person: 'op', appId: 'app2', action: 'installation.install', status: 201 });
    const viewer = server.client();
    await viewer.signIn('viewer');
    const own = await audit(viewer);
    expect(own.entries.map((e) => [e.person, e.action])).toEqual([['viewer', 'sign-in']]);
    // Asking for someone else's rows filters within what one may see: nothing.
    expect((await audit(viewer, '?person=root')).entries).toEqual([]);

    await server.addPerson('appadmin', [{ appId: 'app1', role: 'admin' }]);
    const appAdmin = server.client();
    await appAdmin.signIn('appadmin');
    const seen = (await audit(appAdmin)).entries.map((e) => [e.person, e.appId]);
    expect(seen).toEqual([
      ['appadmin', null],
      ['op', 'app1'],
    ]);
    expect((await audit(root)).entries.length).toBe(5);
  });

  it('exports CSV with formula-looking cells made inert', async () => {
    server.app.team.audit.record({
      person: 'root',
      appId: 'app1',
      action: 'installation.install',
      target: '=HYPERLINK("http://evil.example","x")',
      status: 201,
      details: { note: '+1, "quoted"' },
    });
    const response = await root.request('GET', '/team/api/audit?format=csv&app=app1');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-/);
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'seq,time,person,app,action,target,status,errorCode,clientAddress,details,prevHash,hash',
    );
    expect(lines.length).toBe(2);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(lines[1]).toContain('"{""note"":""+1, \\""quoted\\""""}"');
  });

  it('refuses bad queries with 400 and answers 401 without a session', async () => {
    await expectApiError(
      await root.request('GET', '/team/api/audit?limit=-1'),
      400,
      'INVALID_INPUT',
    );
    await expectApiError(
      await root.request('GET', '/team/api/audit?from=yesterday'),
      400,
      'INVALID_INPUT',
    );
    await expectApiError(
      await root.request('GET', '/team/api/audit?format=xml'),
      400,
      'INVALID_INPUT',
    );
    await expectApiError(
      await root.request('GET', '/team/api/audit?sort=seq'),
      400,
      'INVALID_INPUT',
    );
    await expectApiError(
      await server.client().request('GET', '/team/api/audit'),
      401,
      'UNAUTHENTICATED',
    );
  });
});

describe('audit CSV cells', () => {
  it('prefixes = + - @ tab and CR with a quote and quotes separators', () => {
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
  });
});

function row(
  person: string | null,
  action: string,
  target: string,
  status: number,
  errorCode: string | null,
  address: string,
) {
  return { person, action, target, status, error_code: errorCode, client_address: address };
}
