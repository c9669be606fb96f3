import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRow } from '../audit/audit-chain';
import {
  expectApiError,
  expectOk,
  startTestConsoleServer,
  type TestConsoleServer,
} from '../testing/test-console-server';
import { addressBucket } from './address-throttle';

const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });

/** Audit rows written from one client address (rows of sign-ins name no person). */
function rowsFrom(server: TestConsoleServer, address: string): AuditRow[] {
  return [...server.app.team.audit.inOrder()].filter((row) => row.clientAddress === address);
}

describe('team sign-in: refusals per client address (the audit flood)', () => {
  let server: TestConsoleServer;

  afterEach(() => server?.close());

  it('with the default limit, 150 junk sign-ins from one address write 101 audit rows', async () => {
    // Trusting the loopback proxy lets a spec speak from several client addresses.
    server = await startTestConsoleServer({ trustProxy: '127.0.0.1' });
    expect(server.config.signInAddressRefusalsAllowed).toBe(100);
    const stranger = server.client();
    const statuses: number[] = [];
    for (let i = 0; i < 150; i++) {
      const response = await stranger.signIn(`made-up-${i}`, 'guess', from('203.0.113.7'));
      statuses.push(response.status);
      if (i === 149) {
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(800);
        const error = await expectApiError(response, 429, 'SIGN_IN_THROTTLED');
        expect(error.message).toContain('Try again in 15 minutes');
        expect(error.details).toEqual({ retryAfterSeconds: jasmine.any(Number) });
      } else {
        await response.body?.cancel();
      }
    }
    expect(statuses.slice(0, 100)).toEqual(Array<number>(100).fill(401));
    expect(statuses.slice(100)).toEqual(Array<number>(50).fill(429));

    const rows = rowsFrom(server, '203.0.113.7');
    expect(rows.length).toBe(101);
    // Unknown logins are audited one by one while under the limit...
    expect(rows.slice(0, 100).map((row) => `${row.action} ${row.target}`)).toEqual(
      Array.from({ length: 100 }, (_, i) => `sign-in.failed made-up-${i}`),
    );
    // ...then one row says the address was throttled, with the count.
    const throttled = rows[100];
    expect([throttled.action, throttled.target, throttled.status, throttled.errorCode]).toEqual([
      'sign-in.throttled',
      '203.0.113.7',
      429,
      'SIGN_IN_THROTTLED',
    ]);
    expect(JSON.parse(throttled.detailsJson)).toEqual({
      refusals: 100,
      windowMinutes: 15,
      retryAfterSeconds: jasmine.any(Number),
    });
    expect(server.app.team.audit.verify().ok).toBeTrue();
  });

  describe('with a limit of 5', () => {
    beforeEach(async () => {
      server = await startTestConsoleServer({
        trustProxy: '127.0.0.1',
        signInAddressRefusalsAllowed: 5,
      });
      await server.addPerson('ada');
    });

    async function spray(address: string, count: number): Promise<void> {
      for (let i = 0; i < count; i++) {
        await (await server.client().signIn(`junk-${i}`, 'guess', from(address))).body?.cancel();
      }
    }

    it("still audits a real person's wrong password, and lets them in from another address", async () => {
      await spray('198.51.100.1', 5);
      // From the throttled address, even the right password waits...
      const blocked = await server.client().signIn('ada', undefined, from('198.51.100.1'));
      await expectApiError(blocked, 429, 'SIGN_IN_THROTTLED');
      // ...but ada at her own desk is neither blocked nor unaudited.
      await expectApiError(
        await server.client().signIn('ada', 'wrong-password', from('198.51.100.2')),
        401,
        'SIGN_IN_FAILED',
      );
      const mistake = rowsFrom(server, '198.51.100.2');
      expect(mistake.map((row) => `${row.action} ${row.target} ${row.errorCode}`)).toEqual([
        'sign-in.failed ada SIGN_IN_FAILED',
      ]);
      await expectOk(await server.client().signIn('ada', undefined, from('198.51.100.2')));
      expect(rowsFrom(server, '198.51.100.2').map((row) => row.action)).toEqual([
        'sign-in.failed',
        'sign-in',
      ]);
      // The throttled address wrote its five refusals and the one throttle row, no more.
      expect(rowsFrom(server, '198.51.100.1').length).toBe(6);
    });

    it('counts lock-out refusals too, so hammering a locked account is bounded as well', async () => {
      for (let i = 0; i < 12; i++) {
        await (await server.client().signIn('ada', 'wrong', from('198.51.100.3'))).body?.cancel();
      }
      const actions = rowsFrom(server, '198.51.100.3').map((row) => row.action);
      expect(actions).toEqual([
        'sign-in.failed',
        'sign-in.failed',
        'sign-in.failed',
        'sign-in.failed',
        'sign-in.failed',
        'sign-in.throttled',
      ]);
    });

    it('bounds the rows when the junk arrives all at once', async () => {
      const responses = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          server.client().signIn(`burst-${i}`, 'guess', from('198.51.100.4')),
        ),
      );
      await Promise.all(responses.map((response) => response.body?.cancel()));
      const rows = rowsFrom(server, '198.51.100.4');
      expect(rows.filter((row) => row.action === 'sign-in.failed').length).toBe(5);
      expect(rows.filter((row) => row.action === 'sign-in.throttled').length).toBe(1);
    });

    it('treats an IPv6 /64 as one address', async () => {
      for (let i = 1; i <= 5; i++) {
        const response = await server.client().signIn('junk', 'guess', from(`2001:db8:1:2::${i}`));
        await response.body?.cancel();
      }
      const other = await server.client().signIn('ada', undefined, from('2001:db8:1:2:ffff::9'));
      await expectApiError(other, 429, 'SIGN_IN_THROTTLED');
      await expectOk(await server.client().signIn('ada', undefined, from('2001:db8:1:3::1')));
      const throttle = [...server.app.team.audit.inOrder()].find(
        (row) => row.action === 'sign-in.throttled',
      );
      expect(throttle?.target).toBe('2001:db8:1:2::/64');
    });

    it('counts single sign-on refusals and sends a throttled address back without a row', async () => {
      const start = (address: string) =>
        fetch(`${server.origin}/team/api/session/oidc/nobody/start?locale=en`, {
          redirect: 'manual',
          headers: from(address).headers,
        });
      for (let i = 0; i < 5; i++) {
        const response = await start('198.51.100.5');
        expect(response.headers.get('location')).toBe('/en/sign-in?ssoError=OIDC_PROVIDER_UNKNOWN');
      }
      const throttled = await start('198.51.100.5');
      expect(throttled.status).toBe(303);
      expect(throttled.headers.get('location')).toBe('/en/sign-in?ssoError=SIGN_IN_THROTTLED');
      expect(rowsFrom(server, '198.51.100.5').map((row) => row.action)).toEqual([
        ...Array<string>(5).fill('sign-in.failed'),
        'sign-in.throttled',
      ]);
    });
  });
});

describe('team sign-in throttle across a restart', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'kpc-throttle-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps a throttled address throttled when the server restarts on the same data', async () => {
    const config = {
      inMemory: false,
      dataDir,
      trustProxy: '127.0.0.1',
      signInAddressRefusalsAllowed: 3,
    };
    const first = await startTestConsoleServer(config);
    for (let i = 0; i < 3; i++) {
      await (await first.client().signIn(`junk-${i}`, 'x', from('192.0.2.1'))).body?.cancel();
    }
    await first.close();

    const second = await startTestConsoleServer(config);
    try {
      await expectApiError(
        await second.client().signIn('junk-9', 'x', from('192.0.2.1')),
        429,
        'SIGN_IN_THROTTLED',
      );
      expect(rowsFrom(second, '192.0.2.1').length).toBe(4);
    } finally {
      await second.close();
    }
  });
});

describe('addressBucket', () => {
  it('keeps IPv4 as it is, unwraps IPv4-mapped IPv6 and cuts IPv6 to its /64', () => {
    expect(addressBucket('192.0.2.1')).toBe('192.0.2.1');
    expect(addressBucket('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressBucket('2001:db8:1:2::5')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('fe80::1')).toBe('fe80:0:0:0::/64');
  });
});
