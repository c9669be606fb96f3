import type { CDPSession, Locator, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';

/*
 * Driving the built console for bench/console-bench.ts: the probes injected into the page
 * before the console loads, and the operator's steps (sign in, start All traffic, export).
 */

/** What the page's probe hands back for a measurement window. */
export interface FrameSample {
  /** requestAnimationFrame deltas, ms. */
  readonly frames: number[];
  /** Change detection passes between consecutive animation frames. */
  readonly rendersPerFrame: number[];
}

/**
 * Runs in the page before the console: defines `window.__kpcBench` (the console counts its
 * change detection passes into it, see src/app/live/bench-probe.ts) and samples frames.
 * Plain JavaScript text: tsx would wrap a TypeScript function in helpers the page lacks.
 */
export const PAGE_PROBE = `
(() => {
  const probe = { renders: 0 };
  let sample = { frames: [], rendersPerFrame: [] };
  let recording = false;
  let last = 0;
  let lastRenders = 0;
  function loop(now) {
    if (recording && last) {
      sample.frames.push(now - last);
      sample.rendersPerFrame.push(probe.renders - lastRenders);
    }
    last = now;
    lastRenders = probe.renders;
    requestAnimationFrame(loop);
  }
  requestAnimationFrame(loop);
  window.__kpcBench = probe;
  window.__kpcBenchWindow = {
    start() {
      sample = { frames: [], rendersPerFrame: [] };
      last = 0;
      recording = true;
    },
    stop() {
      recording = false;
      return sample;
    },
  };
})();
`;

// The functions handed to page.evaluate run in the page; the bench is type-checked without the
// DOM library (tsconfig.server.json), so they reach the page's globals through this type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page's own objects, untyped here
type PageGlobals = typeof globalThis & Record<string, any>;

export async function startWindow(page: Page): Promise<void> {
  await page.evaluate(() => (globalThis as PageGlobals)['__kpcBenchWindow'].start());
}

export async function stopWindow(page: Page): Promise<FrameSample> {
  return page.evaluate(() => (globalThis as PageGlobals)['__kpcBenchWindow'].stop() as FrameSample);
}

/** Used JS heap in MB (CDP Performance.getMetrics), optionally after a full GC. */
export async function heapMb(cdp: CDPSession, collect = false): Promise<number> {
  if (collect) await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  return used / 1024 / 1024;
}

/** Signs in as the demo app's admin on the local server serving the console. */
export async function signIn(page: Page, origin: string, clientSecret: string): Promise<void> {
  await page.goto(`${origin}/en/connect`);
  await page.getByRole('textbox', { name: 'Client secret' }).fill(clientSecret);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Signed in' }).waitFor();
}

/** Opens Live traffic, starts an All traffic monitor and waits until it is connected. */
export async function startAllTraffic(page: Page, origin: string): Promise<Locator> {
  await page.goto(`${origin}/en/live`);
  await page.getByRole('button', { name: 'New monitor' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('radio', { name: 'All traffic' }).click();
  await dialog.getByRole('button', { name: 'Start' }).click();
  const card = page.getByRole('region', { name: 'All traffic' });
  await card.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
  return card;
}

/** The card's counters as numbers. */
export async function counters(
  card: Locator,
): Promise<Record<'Received' | 'Shown' | 'Dropped' | 'Buffered', number>> {
  const text = (await card.getByRole('group', { name: 'Counters' }).textContent()) ?? '';
  const read = (name: string) =>
    Number(new RegExp(`${name} ([\\d,]+)`).exec(text)?.[1].replace(/,/g, '') ?? NaN);
  return {
    Received: read('Received'),
    Shown: read('Shown'),
    Dropped: read('Dropped'),
    Buffered: read('Buffered'),
  };
}

/** Exports the card's view as NDJSON and returns the records. */
export async function exportNdjson(page: Page, card: Locator): Promise<Record<string, unknown>[]> {
  await card.getByRole('button', { name: 'Export' }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: /NDJSON/ }).click();
  const text = readFileSync(await (await download).path(), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The demo traffic's own sequence number of an exported tap record. */
export function sequenceOf(record: Record<string, unknown>): number {
  const wrapper = record['payload'] as { payload?: { sequence?: number } };
  return Number(wrapper.payload?.sequence);
}

/**
 * Clicks `button` (Pause/Resume or Timeline) and measures, in the page, from the pointerdown
 * event's timestamp to the first animation frame after the button showed the new state
 * (`aria-pressed` / `aria-expanded` changed).
 */
export async function clickResponseMs(page: Page, button: Locator): Promise<number> {
  const handle = await button.elementHandle();
  await page.evaluate((target) => {
    const page = globalThis as PageGlobals;
    page['__kpcClick'] = new Promise<number>((resolve) => {
      let down = -1;
      page['document'].addEventListener(
        'pointerdown',
        (event: { timeStamp: number }) => (down = event.timeStamp),
        { capture: true, once: true },
      );
      const observer = new page['MutationObserver'](() => {
        if (down < 0) return;
        observer.disconnect();
        page['requestAnimationFrame'](() => resolve(performance.now() - down));
      });
      observer.observe(target, {
        attributes: true,
        attributeFilter: ['aria-pressed', 'aria-expanded'],
      });
    });
  }, handle);
  await button.click();
  return page.evaluate(() => (globalThis as PageGlobals)['__kpcClick'] as Promise<number>);
}
