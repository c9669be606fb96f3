import { expect, type APIRequestContext, type Page } from '@playwright/test';
import type { LocalServer } from './fixtures';

/** Signs in on the Connect page as the demo app's admin on "This local server". */
export async function signInAsAdmin(page: Page, server: LocalServer, locale: 'en' | 'ja' = 'en') {
  await page.goto(`/${locale}/connect`);
  await expect(page.getByRole('textbox', { name: 'App ID' })).toHaveValue(server.appId);
  await page.getByRole('textbox', { name: 'Client secret' }).fill(server.clientSecret);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Signed in' })).toBeVisible();
}

/**
 * Kii REST calls for arranging a test's own data (users, things, topics) straight on the
 * server, so that specs never depend on what other specs changed.
 */
export function kiiAdmin(
  request: APIRequestContext,
  server: Pick<LocalServer, 'baseUrl' | 'appId' | 'appKey' | 'clientId' | 'clientSecret'>,
) {
  const headers = {
    'x-kii-appid': server.appId,
    'x-kii-appkey': server.appKey,
    'content-type': 'application/json',
  };
  let token: string | undefined;
  const auth = async () => {
    if (!token) {
      const response = await request.post(`${server.baseUrl}/oauth2/token`, {
        headers,
        data: { client_id: server.clientId, client_secret: server.clientSecret },
      });
      token = (await response.json()).access_token as string;
    }
    return { ...headers, authorization: `Bearer ${token}` };
  };
  const app = `${server.baseUrl}/apps/${server.appId}`;
  return {
    async registerUser(loginName: string, password = 'secret-pass'): Promise<string> {
      const response = await request.post(`${app}/users`, {
        headers,
        data: { loginName, password },
      });
      expect(response.status()).toBe(201);
      return (await response.json()).userID as string;
    },
    async registerThing(vendorThingID: string, password = 'secret-pass'): Promise<string> {
      const response = await request.post(`${app}/things`, {
        headers,
        data: { _vendorThingID: vendorThingID, _password: password },
      });
      expect(response.status()).toBe(201);
      return (await response.json())._thingID as string;
    },
    async install(owner: { userID?: string; thingID?: string }, development = false) {
      const response = await request.post(`${app}/installations`, {
        headers: await auth(),
        data: { deviceType: 'MQTT', development, ...owner },
      });
      expect(response.ok()).toBe(true);
      return (await response.json()) as {
        installationID: string;
        installationRegistrationID: string;
      };
    },
    async get(path: string) {
      return request.get(`${app}${path}`, { headers: await auth() });
    },
    async post(path: string, data: unknown) {
      return request.post(`${app}${path}`, { headers: await auth(), data });
    },
    async put(path: string) {
      return request.put(`${app}${path}`, { headers: await auth() });
    },
  };
}

/** A name no other test uses. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Expects a snackbar saying `text` (case-sensitive, as toContainText is). The locator is
 * narrowed by the text first because a snackbar still in its exit animation sits in the
 * DOM beside the new one, and an unfiltered locator would then match two.
 */
export async function expectSnackBar(page: Page, text: string) {
  const saying = page.locator('mat-snack-bar-container').filter({ hasText: text });
  await expect(saying).toContainText(text);
}
