import { expect, testWithOwnServer } from './support/fixtures';
import { kiiAdmin, signInAsAdmin, unique } from './support/console';

// The endpoint's expiry is a date only when the credentials expire: the run's shared server hands
// out Kii Cloud's never-expiring ones ("Does not expire"), so this spec has a server with a day.
const test = testWithOwnServer(['--mqtt-ttl', '86400']);

/**
 * Dates and times follow the language of the console (Angular's locale data through the date
 * pipe), not a format fixed in English: the same installation in /en/ and /ja/.
 */
test('shows the same installation times in the English and the Japanese date formats', async ({
  page,
  request,
  server,
}) => {
  const admin = kiiAdmin(request, server);
  const userID = await admin.registerUser(unique('format-user'));
  const { installationID } = await admin.install({ userID });
  await signInAsAdmin(page, server);

  /** The endpoint's expiry on the detail page and the creation time in the table, as shown. */
  async function shownTimes(locale: 'en' | 'ja') {
    await page.goto(`/${locale}/installations/${installationID}`);
    const expiry = page.getByRole('main').locator('time').first();
    await expect(expiry).toBeVisible();
    const medium = (await expiry.textContent())!.trim();
    const expiryInstant = await expiry.getAttribute('datetime');
    await page.goto(`/${locale}/installations`);
    const created = page.getByRole('row', { name: new RegExp(installationID) }).locator('time');
    await expect(created).toBeVisible();
    const short = (await created.textContent())!.trim();
    return { medium, short, instants: [expiryInstant, await created.getAttribute('datetime')] };
  }

  const en = await shownTimes('en');
  const ja = await shownTimes('ja');
  // en-US: "Nov 22, 2026, 9:41:07 AM" and "11/22/26, 9:41 AM".
  expect(en.medium).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2}\s[AP]M$/);
  expect(en.short).toMatch(/^\d{1,2}\/\d{1,2}\/\d{2}, \d{1,2}:\d{2}\s[AP]M$/);
  // ja: "2026/11/22 9:41:07" and "2026/11/22 9:41", 24-hour clock.
  expect(ja.medium).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{1,2}:\d{2}:\d{2}$/);
  expect(ja.short).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{1,2}:\d{2}$/);
  // One instant, two spellings: the creation time exactly; the expiry is "now + TTL" of each
  // endpoint fetch (one per page visit), so the two visits may be a second or two apart.
  expect(ja.instants[1]).toBe(en.instants[1]);
  const [enExpiry, jaExpiry] = [en.instants[0], ja.instants[0]].map((i) => Date.parse(i!));
  expect(Math.abs(jaExpiry - enExpiry)).toBeLessThan(10_000);
  expect(ja.medium.slice(0, 4)).toBe(en.medium.match(/\d{4}/)![0]);
});
