import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { connect, type MqttClient } from 'mqtt';
import type { Locator, Page } from '@playwright/test';

import { kiiAdmin, signInAsAdmin, unique } from './support/console';
import { expect, test } from './support/fixtures';
import { consoleBuildDir, startLocalServer, type ReadyLine } from './support/local-server';

/** Opens New monitor, picks `kind` and starts it; returns the monitor's card. */
async function startMonitor(
  page: Page,
  kind: 'All traffic' | 'Topics',
  topics: string[] = [],
): Promise<Locator> {
  await page.getByRole('button', { name: 'New monitor' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('radio', { name: kind }).click();
  for (const topic of topics)
    await dialog.getByRole('option', { name: topic, exact: true }).click();
  await dialog.getByRole('button', { name: 'Start' }).click();
  await expect(dialog).toBeHidden();
  const card = page.getByRole('region', {
    name: kind === 'All traffic' ? 'All traffic' : `Topics: ${topics.join(', ')}`,
  });
  await expect(card.getByRole('status')).toContainText('Connected', { timeout: 15_000 });
  return card;
}

/** The counter `name` ("Received", ...) of a monitor card, as a regular expression on its text. */
function counter(name: string, value: number): RegExp {
  return new RegExp(`${name} ${value.toLocaleString('en-US')}(?![\\d,])`);
}

function streamRows(page: Page, marker: string): Locator {
  return page
    .getByRole('table', { name: 'Received messages, newest first' })
    .getByRole('row')
    .filter({ hasText: marker });
}

test.describe('live traffic', () => {
  test('shows a topic push in a Topics monitor and a direct push in an installation monitor', async ({
    page,
    server,
    request,
  }) => {
    const admin = kiiAdmin(request, server);
    const topic = unique('live-topic').replace(/[^A-Za-z0-9_-]/g, '_');
    expect((await admin.put(`/topics/${topic}`)).status()).toBe(204);
    const login = unique('live-user');
    const userID = await admin.registerUser(login);
    const { installationID } = await admin.install({ userID });

    await signInAsAdmin(page, server);
    // The installation monitor, reached the way the Installations page links to it.
    await page.goto(`/en/live?installation=${installationID}`);
    const warning = page.getByRole('dialog');
    await expect(
      warning.getByRole('heading', { name: `Take over installation ${installationID}?` }),
    ).toBeVisible();
    await expect(warning.getByRole('alert')).toContainText('one MQTT connection per user or thing');
    await warning.getByRole('button', { name: 'Take over and watch' }).click();
    await expect(page).toHaveURL(/\/en\/live$/);
    const installationCard = page.getByRole('region', { name: `Installation of user ${login}` });
    await expect(installationCard.getByRole('status')).toContainText('Connected', {
      timeout: 15_000,
    });
    await startMonitor(page, 'Topics', [topic]);

    const topicMarker = unique('topic-push');
    const sent = await admin.post(`/topics/${topic}/push/messages`, {
      data: { marker: topicMarker },
      mqtt: { enabled: true },
    });
    expect(sent.status()).toBe(201);
    const topicRow = streamRows(page, topicMarker);
    await expect(topicRow).toHaveCount(1);
    await expect(topicRow).toContainText(topic);
    await expect(topicRow).toContainText('App');

    const directMarker = unique('direct-push');
    expect(
      (
        await admin.post(`/users/${userID}/push/messages`, { data: { marker: directMarker } })
      ).status(),
    ).toBe(201);
    const directRow = streamRows(page, directMarker);
    await expect(directRow).toHaveCount(1);
    await expect(directRow).toContainText(`Installation of user ${login}`);
    await expect(directRow).toContainText(`Direct to user ${userID}`);

    await directRow.click();
    const detail = page.getByRole('region', { name: 'Message' });
    await detail.getByRole('tab', { name: 'Text' }).click();
    await expect(detail.getByRole('tabpanel')).toContainText(`"marker":"${directMarker}"`);
  });

  test('drives the stream with its keyboard shortcuts, listed in a help dialog', async ({
    page,
    server,
    request,
  }) => {
    const admin = kiiAdmin(request, server);
    const topic = unique('keys-topic').replace(/[^A-Za-z0-9_-]/g, '_');
    expect((await admin.put(`/topics/${topic}`)).status()).toBe(204);
    await signInAsAdmin(page, server);
    await page.goto('/en/live');
    const card = await startMonitor(page, 'Topics', [topic]);
    const markers = [1, 2, 3].map((n) => unique(`keys-${n}`));
    for (const marker of markers) {
      const sent = await admin.post(`/topics/${topic}/push/messages`, { data: { marker } });
      expect(sent.status()).toBe(201);
      await expect(streamRows(page, marker)).toHaveCount(1);
    }
    await page.locator('body').focus();

    // ? lists the shortcuts; Escape closes the list and focus goes back where it was.
    await page.keyboard.press('Shift+Slash');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(
      help.getByRole('row', { name: /Pause or resume the view of every monitor/ }),
    ).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(help).toHaveCount(0);

    // J selects the newest message, then older ones; K goes back up; Escape returns to the row.
    const detail = page.getByRole('region', { name: 'Message', exact: true });
    const showsMarker = async (marker: string) => {
      await detail.getByRole('tab', { name: 'Text' }).press('Enter');
      await expect(detail.getByRole('tabpanel')).toContainText(marker);
    };
    await page.keyboard.press('j');
    await expect(detail).toBeVisible();
    await showsMarker(markers[2]);
    await page.keyboard.press('Escape');
    await expect(detail).toHaveCount(0);
    const newest = streamRows(page, markers[2]);
    await expect(newest).toBeFocused();
    // J goes on from the message whose details were closed.
    await page.keyboard.press('j');
    await showsMarker(markers[1]);
    await page.keyboard.press('Escape');
    await expect(streamRows(page, markers[1])).toBeFocused();
    await page.keyboard.press('k');
    await expect(newest).toHaveAttribute('aria-current', 'true');

    // P freezes the view, P again resumes it.
    await page.keyboard.press('p');
    await expect(card.getByText('Paused: the view is frozen')).toBeVisible();
    const late = unique('keys-late');
    await admin.post(`/topics/${topic}/push/messages`, { data: { marker: late } });
    await expect(card).toContainText(counter('Received', 4));
    await expect(streamRows(page, late)).toHaveCount(0);
    await page.keyboard.press('p');
    await expect(streamRows(page, late)).toHaveCount(1);

    // C clears the view and says how much went.
    await page.keyboard.press('c');
    await expect(page.getByText('Cleared 4 messages from the view.')).toBeVisible();
    await expect(streamRows(page, 'keys-')).toHaveCount(0);

    // / goes to the filter, and letters typed there are text, not shortcuts.
    await page.keyboard.press('/');
    await expect(card.getByRole('textbox', { name: 'Text' })).toBeFocused();
    await page.keyboard.type('pc');
    await expect(card.getByRole('textbox', { name: 'Text' })).toHaveValue('pc');
    await expect(card.getByText('Paused: the view is frozen')).toHaveCount(0);
  });

  test('keeps counting while paused and shows everything on resume', async ({
    page,
    server,
    request,
  }) => {
    const admin = kiiAdmin(request, server);
    const userID = await admin.registerUser(unique('pause-user'));
    await signInAsAdmin(page, server);
    await page.getByRole('link', { name: 'Live traffic' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Live traffic' })).toBeVisible();
    const card = await startMonitor(page, 'All traffic');
    const marker = unique('pause');
    const push = async (n: number) => {
      for (let i = 0; i < n; i++)
        await admin.post(`/users/${userID}/push/messages`, { data: { marker, i } });
    };

    await push(2);
    await expect(streamRows(page, marker)).toHaveCount(2);
    await expect(card.getByRole('group', { name: 'Counters' })).toContainText(
      counter('Received', 2),
    );

    await card.getByRole('button', { name: 'Pause' }).click();
    await expect(card.getByRole('button', { name: 'Resume' })).toBeVisible();
    await push(3);
    await expect(card.getByRole('group', { name: 'Counters' })).toContainText(
      counter('Received', 5),
    );
    await expect(card.getByRole('group', { name: 'Counters' })).toContainText(counter('Shown', 2));
    await expect(streamRows(page, marker)).toHaveCount(2);

    await card.getByRole('button', { name: 'Resume' }).click();
    await expect(card.getByRole('group', { name: 'Counters' })).toContainText(counter('Shown', 5));
    await expect(streamRows(page, marker)).toHaveCount(5);
  });

  test('exports the filtered view as NDJSON and CSV', async ({ page, server, request }) => {
    const admin = kiiAdmin(request, server);
    const userID = await admin.registerUser(unique('export-user'));
    await signInAsAdmin(page, server);
    await page.goto('/en/live');
    const card = await startMonitor(page, 'All traffic');
    const marker = unique('export');
    for (let i = 0; i < 3; i++)
      await admin.post(`/users/${userID}/push/messages`, {
        data: { marker, i, note: 'a, "quoted" value' },
      });
    await admin.post(`/users/${userID}/push/messages`, { data: { other: unique('noise') } });
    await expect(streamRows(page, marker)).toHaveCount(3);

    await card.getByRole('button', { name: 'Filter' }).click();
    await card.getByRole('textbox', { name: 'Text' }).fill(marker);
    await expect(card.getByRole('group', { name: 'Counters' })).toContainText(counter('Shown', 3));

    await card.getByRole('button', { name: 'Export' }).click();
    const ndjsonDownload = page.waitForEvent('download');
    await page.getByRole('menuitem', { name: /NDJSON/ }).click();
    const ndjson = readFileSync(await (await ndjsonDownload).path(), 'utf8');
    const lines = ndjson.split('\n');
    expect(lines.at(-1)).toBe('');
    const records = lines.slice(0, -1).map((line) => JSON.parse(line));
    expect(records.map((r) => r.payload.payload.i)).toEqual([0, 1, 2]);
    for (const record of records) {
      expect(record).toEqual(
        expect.objectContaining({
          monitor: 'All traffic',
          scope: 'direct',
          scopeOwner: userID,
          sender: 'admins/APP_ADMIN',
        }),
      );
      expect(record.payload.payload.marker).toBe(marker);
    }

    await card.getByRole('button', { name: 'Export' }).click();
    const csvDownload = page.waitForEvent('download');
    await page.getByRole('menuitem', { name: 'CSV' }).click();
    const download = await csvDownload;
    expect(download.suggestedFilename()).toMatch(/^kpc-all-traffic-\d{8}-\d{6}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8').split('\r\n');
    expect(csv[0]).toBe(
      'time,monitor,mqttTopic,topic,sender,scope,scopeOwner,size,payloadEncoding,payload',
    );
    expect(csv.length).toBe(5);
    expect(csv[1]).toContain(`,admins/APP_ADMIN,direct,${userID},`);
    expect(csv[1]).toContain('a, \\""quoted\\"" value');
  });

  test('shows markup in a payload as text and runs none of it', async ({
    page,
    server,
    request,
  }) => {
    const admin = kiiAdmin(request, server);
    const userID = await admin.registerUser(unique('xss-user'));
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signInAsAdmin(page, server);
    await page.goto('/en/live');
    await startMonitor(page, 'All traffic');

    const marker = unique('xss');
    const script = '<script>window.__kpcPwned = "script"; alert("script")</script>';
    const image = "<img src=x onerror=\"window.__kpcPwned = 'img'; alert('img')\">";
    await admin.post(`/users/${userID}/push/messages`, { data: { marker, image, script } });
    // The row's preview is cut after 120 characters: the image fits, the script follows below.
    const row = streamRows(page, marker);
    await expect(row).toContainText('<img src=x onerror=');

    await row.click();
    const detail = page.getByRole('region', { name: 'Message' });
    await expect(detail.getByRole('tabpanel')).toContainText('<script>window.__kpcPwned = ');
    await detail.getByRole('tab', { name: 'Text' }).click();
    await expect(detail.getByRole('tabpanel')).toContainText(image.replace(/"/g, '\\"'));
    await detail.getByRole('tab', { name: 'Hex' }).click();
    await expect(detail.getByRole('tabpanel')).toContainText('|{"pushMessageID');

    await expect(page.locator('img[src="x"]')).toHaveCount(0);
    expect(
      await page.evaluate(() => (window as unknown as { __kpcPwned?: string }).__kpcPwned),
    ).toBeUndefined();
    expect(dialogs).toEqual([]);
  });

  test('stops with an explanation when another client keeps taking the client ID', async ({
    page,
    server,
    request,
  }) => {
    const admin = kiiAdmin(request, server);
    const login = unique('storm-user');
    const userID = await admin.registerUser(login);
    const { installationID } = await admin.install({ userID });
    await signInAsAdmin(page, server);
    await page.goto(`/en/live?installation=${installationID}`);
    await page.getByRole('dialog').getByRole('button', { name: 'Take over and watch' }).click();
    const card = page.getByRole('region', { name: `Installation of user ${login}` });
    await expect(card.getByRole('status')).toContainText('Connected', { timeout: 15_000 });

    const endpoint = await (
      await admin.get(`/installations/${installationID}/mqtt-endpoint`)
    ).json();
    // A device with the same endpoint whose library reconnects whenever it is kicked off.
    const device: MqttClient = connect(`mqtt://127.0.0.1:${server.mqtt}`, {
      clientId: endpoint.mqttTopic,
      username: endpoint.username,
      password: endpoint.password,
      reconnectPeriod: 500,
      protocolVersion: 4,
    });
    try {
      await expect(card.getByRole('alert')).toContainText(
        'Another client keeps taking this connection over',
        { timeout: 45_000 },
      );
      await expect(card.getByRole('alert')).toContainText(endpoint.mqttTopic);
      await expect(card.getByRole('status')).toContainText('Stopped on an error');
      await expect(card.getByRole('button', { name: 'Start again' })).toBeVisible();
    } finally {
      device.end(true);
    }
  });
});

test.describe('live traffic across a server restart', () => {
  let child: ChildProcess | undefined;
  let dataDir: string;

  test.afterEach(() => {
    if (child?.pid && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('reconnects the monitor when its server comes back', async ({ page, request }) => {
    test.setTimeout(120_000);
    dataDir = mkdtempSync(join(tmpdir(), 'kpc-live-restart-'));
    const flags = ['--data-dir', dataDir, '--seed-demo', '--console', consoleBuildDir];
    let ready: ReadyLine;
    ({ child, ready } = await startLocalServer(flags));
    const origin = `http://127.0.0.1:${ready.http}`;
    const own = { ...ready, origin, dataDir };

    await page.goto(`${origin}/en/connect`);
    await expect(page.getByRole('textbox', { name: 'App ID' })).toHaveValue(own.appId);
    await page.getByRole('textbox', { name: 'Client secret' }).fill(own.clientSecret);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Signed in' })).toBeVisible();
    await page.goto(`${origin}/en/live`);
    const card = await startMonitor(page, 'All traffic');

    const stopped = new Promise((done) => child!.once('exit', done));
    process.kill(child.pid!, 'SIGTERM');
    await stopped;
    await expect(card.getByRole('status')).toContainText('Reconnecting');

    const sameApp = ['--client-secret', ready.clientSecret, '--port', String(ready.http)];
    ({ child } = await startLocalServer([...flags, ...sameApp]));
    await expect(card.getByRole('status')).toContainText('Connected', { timeout: 45_000 });
    await card.getByRole('button', { name: 'Timeline' }).click();
    await expect(
      card.getByRole('list', { name: 'Connection timeline, newest first' }),
    ).toContainText('The broker closed the connection');

    const admin = kiiAdmin(request, own);
    const userID = await admin.registerUser(unique('restart-user'));
    const marker = unique('after-restart');
    expect(
      (await admin.post(`/users/${userID}/push/messages`, { data: { marker } })).status(),
    ).toBe(201);
    await expect(streamRows(page, marker)).toHaveCount(1);
  });
});
