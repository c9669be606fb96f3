import { expect, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';

import { kiiAdmin } from './console';
import type { DemoLogin, TeamStack } from './team-stack';

/*
 * What the team pages' specs share: signing a demo person in (on the sign-in page, or through
 * the API when signing in is not what the spec is about) and the Kii side of the demo app for
 * arranging data behind the console server's back.
 */

/** Signs `login` in on the team sign-in page and waits for the console to open. */
export async function signInOnPage(
  page: Page,
  stack: TeamStack,
  login: string,
  password: string = stack.passwords[login as DemoLogin],
): Promise<void> {
  await page.goto(`${stack.origin}/en/sign-in`);
  await page.getByRole('textbox', { name: 'Login name' }).fill(login);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Installations', level: 1 })).toBeVisible();
}

/**
 * Signs `login` in through POST /team/api/session on the context's own cookie jar, as the
 * sign-in page would (same Origin, any CSRF header value): the pages then find the session.
 */
export async function signInByApi(
  context: BrowserContext,
  stack: TeamStack,
  login: string,
  password: string = stack.passwords[login as DemoLogin],
): Promise<void> {
  const response = await context.request.post(`${stack.origin}/team/api/session`, {
    headers: { origin: stack.origin, 'x-kpc-csrf': 'sign-in' },
    data: { login, password },
  });
  expect(response.status(), await response.text()).toBe(200);
}

/**
 * Installs MQTT push for a user on the Installations page (open) with the install dialog, opens
 * the installation's page and returns its ID.
 */
export async function installOnPage(page: Page, userID: string): Promise<string> {
  await page.getByRole('button', { name: 'Install…' }).click();
  const install = page.getByRole('dialog', { name: 'Install push' });
  await install.getByRole('textbox', { name: 'User ID' }).fill(userID);
  await install.getByRole('button', { name: 'Install', exact: true }).click();
  await expect(install.getByRole('status')).toContainText('Installed MQTT push');
  await install.getByRole('button', { name: 'Open details' }).click();
  await expect(page).toHaveURL(/\/en\/installations\/[^/]+$/);
  return decodeURIComponent(page.url().split('/').pop()!);
}

/** The demo app on the local Kii server, as its app admin (from the test process only). */
export function demoKii(request: APIRequestContext, stack: TeamStack) {
  return kiiAdmin(request, { ...stack, baseUrl: stack.kiiBaseUrl });
}

/** Creates a person through the API as the demo admin; returns their password. */
export async function addPerson(
  request: APIRequestContext,
  stack: TeamStack,
  person: { login: string; roles: { appId: string; role: string }[] },
): Promise<string> {
  const signIn = await request.post(`${stack.origin}/team/api/session`, {
    headers: { origin: stack.origin, 'x-kpc-csrf': 'sign-in' },
    data: { login: 'admin', password: stack.passwords.admin },
  });
  const { csrfToken } = (await signIn.json()) as { csrfToken: string };
  const password = `pw-${person.login}-${Date.now()}`;
  const created = await request.post(`${stack.origin}/team/api/people`, {
    headers: { origin: stack.origin, 'x-kpc-csrf': csrfToken },
    data: { login: person.login, displayName: person.login, password, roles: person.roles },
  });
  expect(created.status(), await created.text()).toBe(201);
  return password;
}
