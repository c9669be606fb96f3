import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../db/database';
import {
  expectApiError,
  expectOk,
  startTestConsoleServer,
  type TestConsoleServer,
} from '../testing/test-console-server';
import { createSignInLimiter, describeWait } from './sign-in-limit';

describe('team sign-in rate limit', () => {
  let server: TestConsoleServer;

  beforeEach(async () => {
    // Trusting the loopback proxy lets a spec speak from two client addresses.
    server = await startTestConsoleServer({ trustProxy: '127.0.0.1' });
    await server.addPerson('ada');
  });
  afterEach(() => server.close());

  const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });

  it('locks an account out for one address after 5 failures, saying for how long', async () => {
    const client = server.client();
    for (let i = 4; i >= 1; i--) {
      const error = await expectApiError(
        await client.signIn('ada', 'wrong-password', from('10.0.0.1')),
        401,
        'SIGN_IN_FAILED',
      );
      expect(error.details).toEqual({ triesLeft: i });
    }
    const fifth = await client.signIn('ada', 'wrong-password', from('10.0.0.1'));
    expect(fifth.headers.get('retry-after')).toBe('900');
    const locked = await expectApiError(fifth, 429, 'SIGN_IN_LOCKED');
    expect(locked.message).toContain('Try again in 15 minutes');
    expect(locked.details).toEqual({ retryAfterSeconds: 900 });
    // The right password is refused too while the lock-out lasts...
    const right = await client.signIn('ada', undefined, from('10.0.0.1'));
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectApiError(right, 429, 'SIGN_IN_LOCKED');
    // ...but only from that address: the owner elsewhere still gets in.
    await expectOk(await server.client().signIn('ada', undefined, from('10.0.0.2')));
  });

  it('counts per account: failures on one login do not lock another', async () => {
    await server.addPerson('bob');
    for (let i = 0; i < 5; i++)
      await server.client().signIn('ada', 'wrong-password', from('10.0.0.3'));
    await expectOk(await server.client().signIn('bob', undefined, from('10.0.0.3')));
  });

  it('clears the count after a successful sign-in', async () => {
    for (let i = 0; i < 4; i++) await server.client().signIn('ada', 'wrong-password');
    await expectOk(await server.client().signIn('ada'));
    const error = await expectApiError(
      await server.client().signIn('ada', 'wrong-password'),
      401,
      'SIGN_IN_FAILED',
    );
    expect(error.details).toEqual({ triesLeft: 4 });
  });
});

describe('team sign-in lock-out across a restart', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'kpc-lockout-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const from = { headers: { 'x-forwarded-for': '10.0.0.9' } };
  const config = { inMemory: false, trustProxy: '127.0.0.1' };

  it('keeps a lock-out when the console server restarts on the same data directory', async () => {
    const first = await startTestConsoleServer({ ...config, dataDir });
    await first.addPerson('ada');
    for (let i = 0; i < 4; i++) await first.client().signIn('ada', 'wrong-password', from);
    await expectApiError(
      await first.client().signIn('ada', 'wrong-password', from),
      429,
      'SIGN_IN_LOCKED',
    );
    await first.close();

    // A new process would open the same file: the database is closed and opened afresh.
    const second = await startTestConsoleServer({ ...config, dataDir });
    try {
      const right = await second.client().signIn('ada', undefined, from);
      const wait = Number(right.headers.get('retry-after'));
      expect(wait).toBeGreaterThan(800);
      expect(wait).toBeLessThanOrEqual(900);
      const locked = await expectApiError(right, 429, 'SIGN_IN_LOCKED');
      expect(locked.message).toContain('Try again in 15 minutes');
      // Counting goes on where it was, too: another address still has all its tries.
      const other = await second.client().signIn('ada', 'wrong-password', {
        headers: { 'x-forwarded-for': '10.0.0.10' },
      });
      expect((await expectApiError(other, 401, 'SIGN_IN_FAILED')).details).toEqual({
        triesLeft: 4,
      });
    } finally {
      await second.close();
    }
  });
});

describe('sign-in limiter', () => {
  const limiterAt = (clock: { now: number }, allowed = 2) =>
    createSignInLimiter(
      openDatabase({ dataDir: '', inMemory: true }),
      {
        allowed,
        windowMs: 60_000,
      },
      () => clock.now,
    );

  it('ends the lock-out when the window ends', () => {
    const clock = { now: 0 };
    const limiter = limiterAt(clock);
    limiter.failed('a', 'ada');
    expect(limiter.failed('a', 'ada').lockOut).toEqual({ retryAfterSeconds: 60 });
    clock.now = 59_500;
    expect(limiter.lockedOut('a', 'ada')).toEqual({ retryAfterSeconds: 1 });
    clock.now = 60_000;
    expect(limiter.lockedOut('a', 'ada')).toBeUndefined();
    // A failure after the window starts a new count.
    expect(limiter.failed('a', 'ada')).toEqual({ triesLeft: 1, lockOut: undefined });
  });

  it('prunes ended windows from the table as new failures arrive', () => {
    const clock = { now: 0 };
    const db = openDatabase({ dataDir: '', inMemory: true });
    const limiter = createSignInLimiter(db, { allowed: 5, windowMs: 60_000 }, () => clock.now);
    for (let i = 0; i < 20; i++) limiter.failed(`10.0.0.${i}`, 'ada');
    const rows = db.prepare('SELECT COUNT(*) FROM sign_in_failures').pluck();
    expect(rows.get()).toBe(20);
    clock.now = 60_000;
    limiter.failed('10.0.1.1', 'bob');
    expect(rows.get()).toBe(1);
    db.close();
  });

  it('describes waits in words', () => {
    expect(describeWait(1)).toBe('1 second');
    expect(describeWait(45)).toBe('45 seconds');
    expect(describeWait(61)).toBe('2 minutes');
    expect(describeWait(60)).toBe('1 minute');
  });
});
