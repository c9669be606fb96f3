import { expect, type Locator, type Page } from '@playwright/test';

/*
 * Keyboard-only driving for e2e specs: Tab / Shift+Tab to move, with every focus stop checked
 * to be visible. Shared by keyboard.spec.ts and the team pages' keyboard spec.
 */

/** Tabs (forwards, or backwards with Shift) until `target` has focus; fails after `max` steps. */
export async function tabTo(page: Page, target: Locator, { back = false, max = 80 } = {}) {
  await expect(target).toBeVisible();
  const element = await target.elementHandle();
  const focused = () =>
    element!.evaluate((el) => el === document.activeElement || el.contains(document.activeElement));
  for (let step = 0; step < max; step++) {
    if (await focused()) {
      await expectFocusVisible(page);
      return;
    }
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${target} not reached with ${back ? 'Shift+Tab' : 'Tab'} in ${max} steps`);
}

/**
 * The focused element matches :focus-visible and draws something for it: an outline, a box
 * shadow, or Material's focus indicator (a ::before layer of .mat-focus-indicator).
 */
export async function expectFocusVisible(page: Page) {
  const visible = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return 'nothing focused';
    const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40);
    const what = `${el.tagName.toLowerCase()} "${name}"`;
    if (!el.matches(':focus-visible')) return `${what} is not :focus-visible`;
    const drawn = (node: Element, pseudo?: string) => {
      const style = getComputedStyle(node, pseudo);
      return (
        (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) ||
        style.boxShadow !== 'none' ||
        (pseudo !== undefined &&
          !['none', 'normal'].includes(style.content) &&
          style.display !== 'none' &&
          parseFloat(style.borderTopWidth) > 0)
      );
    };
    // Material draws focus on these elements of its own (styling, not locating).
    const indicator =
      el.closest('.mat-focus-indicator') ?? el.querySelector('.mat-focus-indicator');
    const field = el.closest('.mat-mdc-form-field');
    const shown =
      drawn(el) ||
      (indicator !== null && drawn(indicator, '::before')) ||
      // A text field shows focus with its thicker, coloured outline.
      (field !== null && field.classList.contains('mat-focused'));
    return shown ? 'shown' : `${what} draws no focus indicator`;
  });
  expect(visible, 'the focused element shows a focus indicator').toBe('shown');
}
