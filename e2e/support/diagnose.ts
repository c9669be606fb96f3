import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { APIRequestContext, Page } from '@playwright/test';

import { kiiAdmin, unique } from './console';
import { expect } from './fixtures';
import type { LocalServer } from './fixtures';

/**
 * The Diagnose page's e2e helpers: owners whose devices are real MQTT.js clients over TCP,
 * and the page's parts as a person finds them (by role and name).
 */

export interface Endpoint {
  installationID: string;
  mqttTopic: string;
  username: string;
  password: string;
  host: string;
  portTCP: number;
}

/** A device of the installation: MQTT.js over TCP, its client ID the endpoint's mqttTopic. */
export function connectDevice(
  endpoint: Endpoint,
  options: Pick<IClientOptions, 'keepalive'> = {},
): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${endpoint.portTCP}`, {
    clientId: endpoint.mqttTopic,
    username: endpoint.username,
    password: endpoint.password,
    reconnectPeriod: 0,
    ...options,
  });
}

/** Opens the Diagnose page's answer for one installation and push (its deep link). */
export async function openDiagnosis(page: Page, installationID: string, pushMessageID: string) {
  await page.goto(
    `/en/diagnose?installation=${installationID}&push=${encodeURIComponent(pushMessageID)}`,
  );
}

/** A fresh user with (optionally) an MQTT installation, and ways to act as its device. */
export async function owner(
  request: APIRequestContext,
  server: LocalServer,
  options: { install?: boolean; development?: boolean } = {},
) {
  const admin = kiiAdmin(request, server);
  const loginName = unique('diag');
  const userID = await admin.registerUser(loginName);
  let installationID = '';
  const clients: MqttClient[] = [];
  const install = async () => {
    ({ installationID } = await admin.install({ userID }, options.development ?? false));
    return installationID;
  };
  if (options.install !== false) await install();
  /** The installation's MQTT endpoint (renewed by the server once expired). */
  const endpoint = async () => {
    const response = await admin.get(`/installations/${installationID}/mqtt-endpoint`);
    expect(response.status()).toBe(200);
    return (await response.json()) as Endpoint;
  };
  return {
    loginName,
    userID,
    get installationID() {
      return installationID;
    },
    install,
    endpoint,
    /** Connects a device with the installation's endpoint; subscribes to its topic if asked. */
    async connect(subscribe: boolean, options: Pick<IClientOptions, 'keepalive'> = {}) {
      const { mqttTopic, ...rest } = await endpoint();
      const client = await connectDevice({ mqttTopic, ...rest }, options);
      clients.push(client);
      const received: string[] = [];
      client.on('message', (_topic, payload) => received.push(payload.toString('utf8')));
      if (subscribe) await client.subscribeAsync(mqttTopic, { qos: 0 });
      return { client, received };
    },
    /** Sends a direct push to the user; answers its pushMessageID. */
    async push(
      flags: { sendToDevelopment?: boolean; sendToProduction?: boolean } = {},
      data: Record<string, unknown> = { marker: unique('m') },
    ) {
      const response = await admin.post(`/users/${userID}/push/messages`, { data, ...flags });
      expect(response.status()).toBe(201);
      return ((await response.json()) as { pushMessageID: string }).pushMessageID;
    },
    async close() {
      await Promise.all(clients.map((c) => c.endAsync(true)));
    },
  };
}

/** Opens the Diagnose page with the side navigation. */
export async function openDiagnose(page: Page) {
  await page.getByRole('link', { name: 'Diagnose' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Diagnose a push' })).toBeVisible();
}

export async function findInstallation(page: Page, installationID: string) {
  await page.getByRole('textbox', { name: 'Installation, user or thing' }).fill(installationID);
  await page.getByRole('button', { name: 'Find', exact: true }).click();
}

export async function diagnoseById(page: Page, pushMessageID: string) {
  await page.getByRole('textbox', { name: 'Push message ID' }).fill(pushMessageID);
  await page.getByRole('button', { name: 'Diagnose', exact: true }).click();
}

/** The verdict region: its heading, code, evidence and fix line. */
export function verdict(page: Page) {
  return page.getByRole('region', { name: /./ }).filter({ hasText: 'What to do:' });
}

/** The list of checks under the verdict. */
export function checksOf(page: Page) {
  return page.getByRole('list', { name: 'Checks, in order' });
}

/**
 * Reads a push's record from the local server's trace (docs/kii-api.md §13.3) with an admin
 * token of its own: for specs that wait on the ledger rather than on the page.
 */
export function traceApi(request: APIRequestContext, server: LocalServer) {
  let token: string | undefined;
  const headers = async () => {
    if (!token) {
      const response = await request.post(`${server.baseUrl}/oauth2/token`, {
        headers: { 'x-kii-appid': server.appId, 'x-kii-appkey': server.appKey },
        data: { client_id: server.clientId, client_secret: server.clientSecret },
      });
      token = ((await response.json()) as { access_token: string }).access_token;
    }
    return { authorization: `Bearer ${token}` };
  };
  const get = async (path: string) => {
    const response = await request.get(`${server.baseUrl}/x-local/v1/apps/${server.appId}${path}`, {
      headers: await headers(),
    });
    expect(response.status()).toBe(200);
    return response.json() as Promise<unknown>;
  };
  return {
    async push(pushMessageID: string) {
      return (await get(`/pushes/${pushMessageID}`)) as {
        complete: boolean;
        outcomes: Record<string, number>;
        recipientRows: { outcome: string; detail?: string; connectionID?: string }[];
      };
    },
    /** The installation's connection history (docs/kii-api.md §13.2): open one first. */
    async connections(installationID: string) {
      return (await get(`/installations/${installationID}/connections`)) as {
        connected: boolean;
        connections: { connectionID: string; closeReason: string | null; detail: string | null }[];
      };
    },
    /**
     * Every outcome the ledger kept for the installation, by pushMessageID (all pages), in the
     * order the pushes settled, newest first (sentAt orders them as sent).
     */
    async outcomes(installationID: string) {
      const outcomes = new Map<
        string,
        { outcome: string; sentAt: number; connectionID?: string }
      >();
      let page = '?limit=1000';
      for (;;) {
        const body = (await get(`/installations/${installationID}/deliveries${page}`)) as {
          deliveries: {
            pushMessageID: string;
            outcome: string;
            sentAt: number;
            connectionID?: string;
          }[];
          nextPaginationKey?: string;
        };
        for (const { pushMessageID, ...row } of body.deliveries) outcomes.set(pushMessageID, row);
        if (!body.nextPaginationKey) return outcomes;
        page = `?limit=1000&paginationKey=${body.nextPaginationKey}`;
      }
    },
  };
}

/**
 * Makes the page see a server without the local extensions, as on Kii Cloud: every
 * `/api/x-local/` call answers 404, and reloads. Answers the extension calls the page still
 * made besides the discovery (`/x-local/v1/info`), which a spec expects to stay empty.
 */
export async function hideExtensions(page: Page): Promise<string[]> {
  const extensionCalls: string[] = [];
  await page.route('**/api/x-local/**', (route) => {
    if (!route.request().url().endsWith('/x-local/v1/info')) {
      extensionCalls.push(route.request().url());
    }
    return route.fulfill({
      status: 404,
      contentType: 'application/json',
      body: '{"errorCode":"NOT_FOUND"}',
    });
  });
  await page.reload();
  return extensionCalls;
}
