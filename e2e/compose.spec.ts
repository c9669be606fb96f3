import mqtt from 'mqtt';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import type { LocalServer } from './support/fixtures';
import { kiiAdmin, signInAsAdmin, unique } from './support/console';

interface Endpoint {
  mqttTopic: string;
  username: string;
  password: string;
  portTCP: number;
}

/**
 * A device of a fresh user: registered, MQTT-installed and connected with a real MQTT client
 * over TCP, collecting what arrives on its topic.
 */
async function device(request: APIRequestContext, server: LocalServer) {
  const admin = kiiAdmin(request, server);
  const loginName = unique('u');
  const userID = await admin.registerUser(loginName);
  const { installationID } = await admin.install({ userID });
  const endpoint = (await (
    await admin.get(`/installations/${installationID}/mqtt-endpoint`)
  ).json()) as Endpoint;
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${endpoint.portTCP}`, {
    clientId: endpoint.mqttTopic,
    username: endpoint.username,
    password: endpoint.password,
    reconnectPeriod: 0,
  });
  await client.subscribeAsync(endpoint.mqttTopic, { qos: 0 });
  const received: Record<string, unknown>[] = [];
  client.on('message', (topic, payload) => {
    if (topic === endpoint.mqttTopic) received.push(JSON.parse(payload.toString('utf8')));
  });
  return { loginName, userID, client, received };
}

async function fillData(page: Page, key: string, value: string) {
  const data = page.getByRole('group', { name: 'Data', exact: true });
  await data.getByRole('textbox', { name: 'Key' }).first().fill(key);
  await data.getByRole('textbox', { name: 'Value' }).first().fill(value);
}

test.describe('compose push', () => {
  test('sends to an app topic and to one user directly; a real MQTT client receives both', async ({
    page,
    request,
    server,
    offHostRequests,
  }) => {
    const admin = kiiAdmin(request, server);
    const topic = unique('t');
    expect((await admin.put(`/topics/${topic}`)).status()).toBe(204);
    const receiver = await device(request, server);
    expect(
      (await admin.put(`/topics/${topic}/push/subscriptions/users/${receiver.userID}`)).status(),
    ).toBe(204);

    try {
      await signInAsAdmin(page, server);
      await page.getByRole('link', { name: 'Compose push' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Compose push' })).toBeVisible();

      // To the app topic (the default target kind).
      await page.getByRole('combobox', { name: 'Topic' }).fill(topic);
      const greeting = unique('hello');
      await fillData(page, 'greeting', greeting);
      await expect(page.getByText(/MQTT payload: \d+ of 4,096 bytes/)).toBeVisible();
      await page.getByRole('button', { name: 'Send', exact: true }).click();

      const recent = page.getByRole('table', { name: 'Recent sends' });
      const topicRow = recent.getByRole('row', { name: new RegExp(`app topic ${topic}`) });
      await expect(topicRow).toBeVisible();
      const topicMessageId = (await topicRow.getByRole('cell').nth(2).innerText())
        .replace(/content_copy|summarize/g, '')
        .trim();
      expect(topicMessageId).toMatch(/^\S{6,}$/);
      await expect.poll(() => receiver.received.length).toBe(1);
      expect(receiver.received[0]).toEqual(
        expect.objectContaining({
          greeting,
          topic,
          sourceURI: `kiicloud://topics/${topic}`,
          senderURI: 'kiicloud://admins/APP_ADMIN',
          objectScopeType: 'APP',
        }),
      );

      // To the user directly, named by login name, with MQTT-only data.
      await page.getByRole('combobox', { name: 'Send to' }).click();
      await page.getByRole('option', { name: 'One user directly' }).click();
      await page.getByRole('textbox', { name: 'Login name' }).fill(receiver.loginName);
      await page.getByRole('checkbox', { name: /mqtt\.data/ }).check();
      const mqttData = page.getByRole('group', { name: 'MQTT data' });
      await mqttData.getByRole('textbox', { name: 'Key' }).first().fill('only');
      await mqttData.getByRole('textbox', { name: 'Value' }).first().fill('for-mqtt');
      await page.getByRole('button', { name: 'Send', exact: true }).click();

      const directRow = recent.getByRole('row', {
        name: new RegExp(`user ${receiver.loginName} \\(direct push\\)`),
      });
      await expect(directRow).toBeVisible();
      await expect.poll(() => receiver.received.length).toBe(2);
      expect(receiver.received[1]).toEqual(
        expect.objectContaining({
          only: 'for-mqtt',
          sourceURI: `kiicloud://users/${receiver.userID}`,
        }),
      );
      expect(receiver.received[1]).not.toHaveProperty('greeting');
      // The newest send is listed first, and both IDs differ.
      await expect(recent.getByRole('row').nth(1)).toContainText('direct push');
      expect(await directRow.innerText()).not.toContain(topicMessageId);

      // The list survives a reload of the tab.
      await page.reload();
      await expect(
        recent.getByRole('row', { name: new RegExp(`app topic ${topic}`) }),
      ).toBeVisible();
      expect(offHostRequests).toEqual([]);
    } finally {
      await receiver.client.endAsync();
    }
  });

  test("refuses a payload over Kii's 4,096 bytes with a clear message and sends nothing", async ({
    page,
    request,
    server,
  }) => {
    const admin = kiiAdmin(request, server);
    const topic = unique('big');
    await admin.put(`/topics/${topic}`);
    const receiver = await device(request, server);
    await admin.put(`/topics/${topic}/push/subscriptions/users/${receiver.userID}`);

    try {
      await signInAsAdmin(page, server);
      await page.goto('/en/compose');
      await page.getByRole('button', { name: 'Start over' }).click();
      await page.getByRole('combobox', { name: 'Topic' }).fill(topic);
      await fillData(page, 'blob', 'x'.repeat(5000));
      await expect(page.getByText(/MQTT payload: 5,\d{3} of 4,096 bytes/)).toBeVisible();
      await page.getByRole('button', { name: 'Send', exact: true }).click();

      const alert = page.getByRole('alert');
      await expect(alert).toContainText('Nothing was sent.');
      await expect(alert).toContainText(
        /The MQTT payload would be 5,\d{3} bytes; Kii allows at most 4,096/,
      );
      await expect(
        page
          .getByRole('table', { name: 'Recent sends' })
          .getByRole('row', { name: new RegExp(topic) }),
      ).toHaveCount(0);
      // Give a wrongly sent message time to arrive before saying none did.
      await page.waitForTimeout(500);
      expect(receiver.received).toEqual([]);
    } finally {
      await receiver.client.endAsync();
    }
  });

  test("shows the server's refusal with its errorCode", async ({ page, server }) => {
    await signInAsAdmin(page, server);
    await page.goto('/en/compose');
    await page.getByRole('button', { name: 'Start over' }).click();
    await page.getByRole('combobox', { name: 'Topic' }).fill(unique('missing'));
    await fillData(page, 'message', 'hi');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('The push was not sent');
    await expect(alert).toContainText('404 TOPIC_NOT_FOUND');
  });
});
