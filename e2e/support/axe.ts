import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/* axe-core checks for the team pages' spec (the same checks as a11y.spec.ts, which keeps its own copy). */

/** Waits for running animations (dialog and ripple fades) to end: contrast is measured then. */
export async function settled(page: Page) {
  await page.waitForFunction(() =>
    document.getAnimations().every((animation) => animation.playState !== 'running'),
  );
}

/**
 * Runs axe on what the page shows now and records serious and critical violations. With
 * `decided`, color-contrast must also have no "incomplete" result: a text axe could not measure
 * (its background hidden by an overlay) is a contrast nobody checked.
 */
export async function expectNoSeriousViolations(
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
