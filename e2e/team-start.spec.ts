import { DEMO_PEOPLE, expect, startTeamStack, teamTest as test } from './support/team-stack';

/** `npm start` in team mode, through its own launcher: the stack, the demo people, the stop. */
test.describe('team mode start', () => {
  test('signs in as each demo person through the API, with the demo roles', async ({
    teamStack,
  }) => {
    const responses: string[] = [];
    for (const login of DEMO_PEOPLE) {
      const signIn = await fetch(`${teamStack.origin}/team/api/session`, {
        method: 'POST',
        headers: {
          origin: teamStack.origin,
          'x-kpc-csrf': 'sign-in',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ login, password: teamStack.passwords[login] }),
      });
      const text = await signIn.text();
      responses.push(text, ...signIn.headers.getSetCookie());
      expect(signIn.status, text).toBe(200);
      const me = JSON.parse(text) as { person: { login: string }; roles: unknown[] };
      expect(me.person.login).toBe(login);
      expect(me.roles).toEqual([
        login === 'admin' ? { appId: '*', role: 'admin' } : { appId: teamStack.appId, role: login },
      ]);
      const cookie = signIn.headers.getSetCookie()[0].split(';')[0];
      const apps = await fetch(`${teamStack.origin}/team/api/apps`, { headers: { cookie } });
      const listed = await apps.text();
      responses.push(listed);
      expect(JSON.parse(listed)).toEqual([
        expect.objectContaining({ appId: teamStack.appId, role: login }),
      ]);
    }
    const wrong = await fetch(`${teamStack.origin}/team/api/session`, {
      method: 'POST',
      headers: {
        origin: teamStack.origin,
        'x-kpc-csrf': 'sign-in',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ login: 'viewer', password: 'not-the-password' }),
    });
    expect(wrong.status).toBe(401);
    expect(teamStack.leaks(responses)).toEqual([]);
  });

  test('gives the secret scan what it needs to find the secret and admin tokens', async ({
    teamStack,
  }) => {
    // An admin token of our own, issued the way the console server gets its tokens.
    const issued = await fetch(`${teamStack.kiiBaseUrl}/oauth2/token`, {
      method: 'POST',
      headers: {
        'x-kii-appid': teamStack.appId,
        'x-kii-appkey': teamStack.appKey,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        client_id: teamStack.clientId,
        client_secret: teamStack.clientSecret,
      }),
    });
    const token = ((await issued.json()) as { access_token: string }).access_token;
    expect(teamStack.adminTokensIn(`{"token":"${token}"}`)).toEqual([token]);
    expect(teamStack.adminTokensIn(`Bearer x${token}y`)).toEqual([token]);
    expect(teamStack.adminTokensIn('A'.repeat(43))).toEqual([]);
    expect(
      teamStack.leaks(['clean', `secret ${teamStack.clientSecret}`, `token ${token}`]),
    ).toEqual([`secret ${teamStack.clientSecret}`, `token ${token}`]);
  });

  test('serves the built console with the demo broker in its CSP', async ({ page, teamStack }) => {
    const answer = await page.goto(teamStack.consoleUrl);
    expect(answer?.status()).toBe(200);
    const csp = (await answer!.allHeaders())['content-security-policy'];
    const broker = new URL(teamStack.kiiBaseUrl);
    expect(csp).toContain(`connect-src 'self' ws://${broker.hostname}:${broker.port}`);
    await expect(page.locator('body')).not.toBeEmpty();
  });

  test('stops both servers by their PIDs when the launcher gets SIGTERM', async () => {
    test.setTimeout(120_000);
    const stack = await startTeamStack({ demoTraffic: 0 });
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const { launcher, consoleServer, kiiServer } = stack.pids;
    expect([launcher, consoleServer, kiiServer].map(alive)).toEqual([true, true, true]);
    await stack.stop();
    await expect
      .poll(() => [launcher, consoleServer, kiiServer].map(alive), { timeout: 15_000 })
      .toEqual([false, false, false]);
  });
});
