import { expectNoSeriousViolations } from './support/axe';
import { kiiAdmin, signInAsAdmin, unique } from './support/console';
import { expect, test } from './support/fixtures';

/**
 * The push report against the real local server: a report with more rows than one page (the
 * server answers 100 rows a page with a `nextPaginationKey`, docs/kii-api.md §13.3), read to
 * the end from the keyboard.
 */

const RECIPIENTS = 120;

test('pages a 120-recipient report to its end with Show more, from the keyboard', async ({
  page,
  request,
  server,
}) => {
  test.slow(); // 120 users are registered first, each with a password hash.
  const admin = kiiAdmin(request, server);
  const topic = unique('report');
  expect((await admin.put(`/topics/${topic}`)).status()).toBe(204);
  // The cheapest recipients with a row each: subscribers without an installation are
  // NO_MQTT_INSTALLATION rows, and the ledger keeps every failure row (up to 1,000).
  const userIDs: string[] = [];
  for (let batch = 0; batch < RECIPIENTS / 20; batch++) {
    const ids = await Promise.all(
      Array.from({ length: 20 }, () => admin.registerUser(unique('rcpt'))),
    );
    const subscribed = await Promise.all(
      ids.map((id) => admin.put(`/topics/${topic}/push/subscriptions/users/${id}`)),
    );
    expect(subscribed.map((r) => r.status())).toEqual(ids.map(() => 204));
    userIDs.push(...ids);
  }
  const sent = await admin.post(`/topics/${topic}/push/messages`, { data: { report: 1 } });
  expect(sent.status()).toBe(201);
  const { pushMessageID } = (await sent.json()) as { pushMessageID: string };

  await signInAsAdmin(page, server);
  await page.goto(`/en/pushes/${encodeURIComponent(pushMessageID)}`);
  const rows = page.getByRole('table', { name: 'Recipients of the push' }).getByRole('row');
  const count = page.getByRole('status').filter({ hasText: /^\s*Showing / });
  // A header row and the first page.
  await expect(rows).toHaveCount(101);
  await expect(count).toHaveText(`Showing 100 of ${RECIPIENTS} recipient rows.`);

  // Tab to Show more as a keyboard user would, and press Enter.
  const more = page.getByRole('button', { name: 'Show more' });
  await expect(more).toBeVisible();
  for (let i = 0; i < 60 && !(await more.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(more).toBeFocused();
  await page.keyboard.press('Enter');

  await expect(rows).toHaveCount(RECIPIENTS + 1);
  await expect(count).toHaveText(`Showing ${RECIPIENTS} of ${RECIPIENTS} recipient rows.`);
  await expect(more).toHaveCount(0);
  // The button went with the last page: the focus is on the count, not back at the top.
  await expect(count).toBeFocused();
  // Every subscriber once, each with its reason.
  const texts = await rows.allInnerTexts();
  for (const id of userIDs) {
    expect(texts.filter((t) => t.includes(id)).length, id).toBe(1);
  }
  expect(texts.slice(1).every((t) => t.includes('NO_MQTT_INSTALLATION'))).toBe(true);
  await expectNoSeriousViolations(page, 'the push report, every page read');
});
