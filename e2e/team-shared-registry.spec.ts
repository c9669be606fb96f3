import { unique } from './support/console';
import { demoKii, installOnPage, signInByApi } from './support/team-pages';
import { expect, teamTest as test } from './support/team-stack';

/** The shared registry seen by two people in two browser contexts. */
test.describe('team installations registry, two people', () => {
  test('what one person installs, the other sees in their own browser with who added it', async ({
    browser,
    teamStack,
  }) => {
    const operator = await browser.newContext();
    const viewer = await browser.newContext();
    try {
      await signInByApi(operator, teamStack, 'operator');
      await signInByApi(viewer, teamStack, 'viewer');
      const userLogin = unique('shared');
      const kii = demoKii(operator.request, teamStack);
      const userID = await kii.registerUser(userLogin);

      const page = await operator.newPage();
      await page.goto(`${teamStack.origin}/en/installations`);
      const id = await installOnPage(page, userID);

      const other = await viewer.newPage();
      await other.goto(`${teamStack.origin}/en/installations`);
      await other.getByRole('searchbox', { name: 'Filter' }).fill(id);
      const row = other.getByRole('row').filter({ hasText: id });
      await expect(row).toBeVisible();
      await expect(row).toContainText(userID);
      // Who added it: the operator, as the registry recorded it.
      await expect(row).toContainText('operator');
      // A viewer sees the registry but cannot change it.
      await expect(other.getByRole('button', { name: 'Install…' })).toHaveCount(0);
      await expect(other.getByRole('button', { name: 'Import into registry…' })).toHaveCount(0);
    } finally {
      await operator.close();
      await viewer.close();
    }
  });
});
