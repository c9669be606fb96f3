import AxeBuilder from '@axe-core/playwright';
import type { APIRequestContext, Page } from '@playwright/test';

import { expect, test } from './support/fixtures';
import type { LocalServer } from './support/fixtures';
import { kiiAdmin, unique } from './support/console';

/**
 * axe-core on every page and every open dialog: English in the light and the dark theme,
 * Japanese in the light theme; no violation of impact serious or critical. Checks are soft,
 * so one run lists everything that is wrong. Light runs apply every rule; the dark run only the
 * rules the theme can change (colours), which keeps the spec around a minute on two cores.
 */
const themeRules = ['color-contrast', 'link-in-text-block'];

/** The names the walk finds controls by, per language (Japanese from src/locale/*.ja.xlf). */
interface Labels {
  theme: string;
  themes: { Light: string; Dark: string };
  connect: string;
  appId: string;
  clientSecret: string;
  signIn: string;
  signedIn: string;
  installations: string;
  installationsTable: string;
  install: string;
  installDialog: string;
  filter: string;
  uninstallRow: (id: string) => string;
  uninstallDialog: string;
  bulk: string;
  bulkDialog: string;
  showPassword: string;
  topics: string;
  topicsTable: string;
  deleteTopic: (name: string) => string;
  deleteTopicDialog: (name: string) => string;
  compose: string;
  diagnose: string;
  diagnoseHeading: string;
  live: string;
  newMonitor: string;
  monitorDialog: RegExp;
  shortcuts: string;
}

const labels: Record<'en' | 'ja', Labels> = {
  en: {
    theme: 'Theme',
    themes: { Light: 'Light', Dark: 'Dark' },
    connect: 'Connect',
    appId: 'App ID',
    clientSecret: 'Client secret',
    signIn: 'Sign in',
    signedIn: 'Signed in',
    installations: 'Installations',
    installationsTable: 'All installations of the app',
    install: 'Install…',
    installDialog: 'Install push',
    filter: 'Filter',
    uninstallRow: (id) => `Uninstall ${id}`,
    uninstallDialog: 'Uninstall this installation?',
    bulk: 'Uninstall many…',
    bulkDialog: 'Uninstall many',
    showPassword: 'Show password',
    topics: 'Topics',
    topicsTable: 'Topics of App scope',
    deleteTopic: (name) => `Delete topic ${name}`,
    deleteTopicDialog: (name) => `Delete topic ${name}?`,
    compose: 'Compose push',
    diagnose: 'Diagnose',
    diagnoseHeading: 'Diagnose a push',
    live: 'Live traffic',
    newMonitor: 'New monitor',
    monitorDialog: /monitor/i,
    shortcuts: 'Keyboard shortcuts',
  },
  ja: {
    theme: 'テーマ',
    themes: { Light: 'ライト', Dark: 'ダーク' },
    connect: '接続',
    appId: 'AppID',
    clientSecret: 'ClientSecret',
    signIn: 'ログイン',
    signedIn: 'ログイン中',
    installations: 'インストール',
    installationsTable: 'アプリのすべてのインストール',
    install: 'インストール…',
    installDialog: 'プッシュ通知をインストール',
    filter: 'フィルター',
    uninstallRow: (id) => `${id} をアンインストール`,
    uninstallDialog: 'このインストールをアンインストールしますか?',
    bulk: '一括アンインストール…',
    bulkDialog: '一括アンインストール',
    showPassword: 'パスワードを表示',
    topics: 'トピック',
    topicsTable: 'アプリスコープ のトピック',
    deleteTopic: (name) => `トピック ${name} を削除`,
    deleteTopicDialog: (name) => `トピック ${name} を削除しますか?`,
    compose: 'プッシュ通知の作成',
    diagnose: '診断',
    diagnoseHeading: 'プッシュ通知の診断',
    live: 'ライブトラフィック',
    newMonitor: '新しいモニター',
    monitorDialog: /モニター/,
    shortcuts: 'キーボードショートカット',
  },
};

/** Waits for running animations (dialog and ripple fades) to end: contrast is measured then. */
async function settled(page: Page) {
  await page.waitForFunction(() =>
    document.getAnimations().every((animation) => animation.playState !== 'running'),
  );
}

/**
 * Runs axe on what the page shows now and records serious and critical violations. With
 * `decided`, color-contrast must also have no "incomplete" result: a text axe could not measure
 * (its background hidden by an overlay) is a contrast nobody checked.
 */
async function expectNoSeriousViolations(
  page: Page,
  where: string,
  rules?: string[],
  decided = false,
) {
  await settled(page);
  const builder = new AxeBuilder({ page });
  const { violations, incomplete } = await (rules ? builder.withRules(rules) : builder).analyze();
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target).join(' | ')}`);
  expect.soft(serious, `axe on ${where}`).toEqual([]);
  if (decided) {
    const undecided = incomplete
      .filter((result) => result.id === 'color-contrast')
      .flatMap((result) => result.nodes.map((n) => `${n.target}: ${n.any.map((c) => c.message)}`));
    expect.soft(undecided, `contrast axe could not decide on ${where}`).toEqual([]);
  }
}

/**
 * One walk over every page and dialog of the console in one language and theme. Each page is
 * also checked to say its language (`<html lang>`): without it screen readers read Japanese
 * with an English voice.
 */
async function walk(
  { page, request, server }: { page: Page; request: APIRequestContext; server: LocalServer },
  locale: 'en' | 'ja',
  theme: 'Light' | 'Dark',
  rules?: string[],
) {
  const l = labels[locale];
  const check = async (where: string, decided = false) => {
    await expect(page.locator('html')).toHaveAttribute('lang', locale === 'en' ? /^en/ : 'ja');
    await expectNoSeriousViolations(page, `/${locale}/ ${where} (${theme})`, rules, decided);
  };
  /** Opens a dialog, checks the page with it open, and closes it with Escape. */
  const checkDialog = async (name: string | RegExp, open: () => Promise<void>) => {
    await open();
    const dialog = page.getByRole('dialog', { name });
    await expect(dialog).toBeVisible();
    await check(`dialog ${name}`);
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
  };
  const admin = kiiAdmin(request, server);
  const userID = await admin.registerUser(unique(`a11y-${locale}-user`));
  const { installationID } = await admin.install({ userID });

  await page.goto(`/${locale}/connect`);
  await page.getByRole('button', { name: l.theme }).click();
  await page.getByRole('menuitemradio', { name: l.themes[theme] }).click();
  await expect(page.locator('html')).toHaveClass(new RegExp(`kpc-theme-${theme.toLowerCase()}`));
  await expect(page.getByRole('heading', { level: 1, name: l.connect })).toBeVisible();
  // Connect (navigation list, Sign in as toggles) must leave no contrast undecided. Other pages
  // still have some axe cannot decide (reported, not yet fixed): the nav link just clicked
  // ("a pseudo element", likely its focus ring), mat-select values under the form field's
  // overlay, arrow-only <kbd> keys.
  await check('Connect, signed out', true);

  await expect(page.getByRole('textbox', { name: l.appId })).toHaveValue(server.appId);
  await page.getByRole('textbox', { name: l.clientSecret }).fill(server.clientSecret);
  await page.getByRole('button', { name: l.signIn, exact: true }).click();
  await expect(page.getByRole('heading', { name: l.signedIn })).toBeVisible();
  await check('Connect, signed in', true);

  await page.getByRole('link', { name: l.installations }).click();
  const table = page.getByRole('table', { name: l.installationsTable });
  await expect(table.getByRole('row').nth(1)).toBeVisible();
  await check('Installations');
  await checkDialog(l.installDialog, () =>
    page.getByRole('button', { name: l.install, exact: true }).click(),
  );
  await page.getByRole('searchbox', { name: l.filter }).fill(installationID);
  await checkDialog(l.uninstallDialog, () =>
    page.getByRole('button', { name: l.uninstallRow(installationID) }).click(),
  );
  await checkDialog(l.bulkDialog, () => page.getByRole('button', { name: l.bulk }).click());

  await page.goto(`/${locale}/installations/${installationID}`);
  await expect(page.getByRole('button', { name: l.showPassword })).toBeVisible();
  await check('installation detail');

  await page.getByRole('link', { name: l.topics }).click();
  const topics = page.getByRole('table', { name: l.topicsTable });
  await expect(topics.getByRole('row', { name: /announcements/ })).toBeVisible();
  await check('Topics');
  await checkDialog(l.deleteTopicDialog('announcements'), () =>
    page.getByRole('button', { name: l.deleteTopic('announcements') }).click(),
  );

  await page.getByRole('link', { name: l.compose }).click();
  await expect(page.getByRole('heading', { level: 1, name: l.compose })).toBeVisible();
  await check('Compose push');

  await page.getByRole('link', { name: l.diagnose, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: l.diagnoseHeading })).toBeVisible();
  await check('Diagnose');

  await page.getByRole('link', { name: l.live }).click();
  await expect(page.getByRole('heading', { level: 1, name: l.live })).toBeVisible();
  await check('Live traffic');
  await checkDialog(l.monitorDialog, () =>
    page.getByRole('button', { name: l.newMonitor }).click(),
  );
  await checkDialog(l.shortcuts, () => page.getByRole('button', { name: l.shortcuts }).click());
}

for (const theme of ['Light', 'Dark'] as const) {
  test(`no serious or critical axe violations, English, ${theme.toLowerCase()} theme`, ({
    page,
    request,
    server,
  }) => walk({ page, request, server }, 'en', theme, theme === 'Dark' ? themeRules : undefined));
}

/**
 * The Japanese build, light theme, all rules: longer labels and another script change layout,
 * wrapping and accessible names; dark adds nothing the English dark run does not check.
 */
test('no serious or critical axe violations, Japanese, light theme', ({ page, request, server }) =>
  walk({ page, request, server }, 'ja', 'Light'));
