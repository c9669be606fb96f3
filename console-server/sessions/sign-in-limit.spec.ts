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

describe('sign-in limiter', () => {
  it('ends the lock-out when the window ends', () => {
    let now = 0;
    const limiter = createSignInLimiter({ allowed: 2, windowMs: 60_000 }, () => now);
    limiter.failed('a', 'ada');
    expect(limiter.failed('a', 'ada').lockOut).toEqual({ retryAfterSeconds: 60 });
    now = 59_500;
    expect(limiter.lockedOut('a', 'ada')).toEqual({ retryAfterSeconds: 1 });
    now = 60_000;
    expect(limiter.lockedOut('a', 'ada')).toBeUndefined();
  });

  it('describes waits in words', () => {
    expect(describeWait(1)).toBe('1 second');
    expect(describeWait(45)).toBe('45 seconds');
    expect(describeWait(61)).toBe('2 minutes');
    expect(describeWait(60)).toBe('1 minute');
  });
});
