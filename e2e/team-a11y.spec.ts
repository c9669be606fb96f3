import { expectNoSeriousViolations } from './support/axe';
import { signInByApi } from './support/team-pages';
import { expect, teamTest as test } from './support/team-stack';

/**
 * axe-core on the team pages and their dialogs (Audit, People & roles with the add-person and
 * roles dialogs, the registry import dialog), in English and Japanese: no serious or critical
 * violation, and the page says its language.
 */
const labels = {
  en: {
    audit: 'Audit',
    people: 'People & roles',
    add: 'Add person…',
    addDialog: 'Add a person',
    roles: 'Change roles of operator',
    rolesDialog: 'Roles of operator',
    importButton: 'Import into registry…',
    importDialog: "Import into the team's registry",
    cancel: 'Cancel',
  },
  ja: {
    audit: '監査',
    people: 'メンバーとロール',
    add: 'メンバーを追加…',
    addDialog: 'メンバーを追加',
    roles: 'operator のロールを変更',
    rolesDialog: 'operator のロール',
    importButton: 'レジストリにインポート…',
    importDialog: 'チームのレジストリにインポート',
    cancel: 'キャンセル',
  },
} as const;

for (const locale of ['en', 'ja'] as const) {
  test(`team pages and dialogs are axe clean (${locale})`, async ({ page, context, teamStack }) => {
    const l = labels[locale];
    await signInByApi(context, teamStack, 'admin');
    await page.goto(`${teamStack.origin}/${locale}/audit`);
    await expect(page.locator('html')).toHaveAttribute('lang', locale);
    await expect(page.getByRole('heading', { level: 1, name: l.audit })).toBeVisible();
    await expect(page.getByRole('table').getByRole('row').nth(1)).toBeVisible();
    await expectNoSeriousViolations(page, `${locale} Audit`);

    await page.getByRole('link', { name: l.people }).click();
    await expect(page.getByRole('heading', { level: 1, name: l.people })).toBeVisible();
    await expect(
      page
        .getByRole('row')
        // The demo operator's row: other specs on the same stack add people with operator roles.
        .filter({ has: page.getByRole('cell', { name: 'operator', exact: true }) }),
    ).toBeVisible();
    await expectNoSeriousViolations(page, `${locale} People`);

    await page.getByRole('button', { name: l.add }).click();
    const add = page.getByRole('dialog', { name: l.addDialog });
    await expect(add).toBeVisible();
    await add.getByRole('textbox').first().fill('Not Valid');
    await expectNoSeriousViolations(page, `${locale} add-person dialog`);
    await add.getByRole('button', { name: l.cancel }).click();
    await expect(add).toHaveCount(0);

    await page.getByRole('button', { name: l.roles }).click();
    const roles = page.getByRole('dialog', { name: l.rolesDialog });
    await expect(roles).toBeVisible();
    await expectNoSeriousViolations(page, `${locale} roles dialog`);
    await roles.getByRole('button', { name: l.cancel }).click();
    await expect(roles).toHaveCount(0);

    await page.goto(`${teamStack.origin}/${locale}/installations`);
    await page.getByRole('button', { name: l.importButton }).click();
    const importDialog = page.getByRole('dialog', { name: l.importDialog });
    await expect(importDialog).toBeVisible();
    await expectNoSeriousViolations(page, `${locale} import dialog`);
    await importDialog.getByRole('textbox').fill('no-such-installation-a11y');
    await importDialog.getByRole('button').last().click();
    await expect(importDialog.getByRole('table')).toBeVisible();
    await expectNoSeriousViolations(page, `${locale} import dialog with verdicts`);
  });
}
