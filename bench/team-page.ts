import { chromium, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import playwrightConfig from '../playwright.config';
import type { TeamBenchStack } from './team-bench-stack';

/*
 * bench:team's installations page: the team console in headless Chromium, signed in as a demo
 * person, on an app the console server lists from the shared registry (the stack's Kii Cloud
 * stand-in). Each run is a fresh browser context: sign in through the API, open
 * /en/installations, and read the times the page itself reports.
 */

/** One run's times, ms. */
export interface PageRun {
  /** Navigation start to the first rows in the table with the registry's total on the page. */
  firstRows: number;
  /** Navigation start to every row loaded (no progress bar, the paginator's total). */
  allRows: number;
  /** Typing a filter (after all rows loaded) to its first page of matching rows. */
  filter: number;
  /** Next page of the filtered rows: click to the paginator showing rows 51 to 100. */
  nextPage: number;
  /** How many rows the filter matched. */
  matched: number;
}

/** The filter typed: the owners user42, user420-429 and user4200-4299. */
export const PAGE_FILTER = 'user42';

/** The table's page size (src/app/installations/installation-table.html). */
const PAGE_SIZE = 50;

/** The Chromium the benches drive; undefined when it is not installed. */
export function benchChromium(): string | undefined {
  const path = process.env['CHROME_BIN'] || '/usr/bin/chromium';
  return existsSync(path) ? path : undefined;
}

// The functions handed to waitForFunction run in the page; the bench is type-checked without
// the DOM library (tsconfig.server.json), so they reach the page's globals through this type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page's own objects, untyped here
type PageGlobals = typeof globalThis & Record<string, any>;

/**
 * Polls the page once per animation frame until its text holds all of `texts` (and none of
 * `without`) and the table's first body row contains `rowText`; returns the page's own clock
 * then (ms since its navigation started).
 */
async function pageClockWhen(
  page: Page,
  check: { texts: string[]; without?: string; rowText: string },
): Promise<number> {
  const handle = await page.waitForFunction(
    ({ texts, without, rowText }) => {
      const document = (globalThis as PageGlobals)['document'];
      const text: string = document.body?.textContent ?? '';
      if (!texts.every((each) => text.includes(each))) return false;
      if (without && text.includes(without)) return false;
      const row = document.querySelector('table tbody tr');
      if (!row || !(row.textContent ?? '').includes(rowText)) return false;
      return performance.now();
    },
    check,
    { polling: 'raf', timeout: 120_000 },
  );
  return (await handle.jsonValue()) as number;
}

async function oneRun(
  stack: TeamBenchStack,
  browser: Awaited<ReturnType<typeof chromium.launch>>,
  total: string,
): Promise<PageRun> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  try {
    const signIn = await context.request.post(`${stack.origin}/team/api/session`, {
      headers: { origin: stack.origin, 'x-kpc-csrf': 'sign-in' },
      data: {
        login: 'operator',
        password: stack.people.find((p) => p.login === 'operator')!.password,
      },
    });
    if (!signIn.ok()) throw new Error(`sign-in: ${signIn.status()} ${await signIn.text()}`);
    const page = await context.newPage();
    await page.goto(`${stack.origin}/en/installations`, { waitUntil: 'commit' });
    // Registry rows are named inst<base 36>; the total shows as "Loaded n of TOTAL" while the
    // rest loads, and as the paginator's "of TOTAL" once all are in.
    const firstRows = await pageClockWhen(page, { texts: [`of ${total}`], rowText: 'inst' });
    const allRows = await pageClockWhen(page, {
      texts: [`of ${total}`, `${total} installations`],
      without: 'Loaded ',
      rowText: 'inst',
    });

    const filterStarted = performance.now();
    await page.getByRole('searchbox', { name: 'Filter' }).fill(PAGE_FILTER, { timeout: 30_000 });
    const counted = await page.waitForFunction(
      ({ total, filter }) => {
        const document = (globalThis as PageGlobals)['document'];
        const text: string = document.body?.textContent ?? '';
        const match = new RegExp(`([\\d,]+) of ${total} installations`).exec(text);
        const row = document.querySelector('table tbody tr');
        if (!match || !row || !(row.textContent ?? '').includes(filter)) return false;
        return Number(match[1].replace(/,/g, ''));
      },
      { total, filter: PAGE_FILTER },
      { polling: 'raf', timeout: 60_000 },
    );
    const matched = (await counted.jsonValue()) as number;
    const filter = performance.now() - filterStarted;

    // A second page only when the filter matched more than one (a small --rows).
    let nextPage = NaN;
    if (matched > PAGE_SIZE) {
      const nextStarted = performance.now();
      await page.getByRole('button', { name: 'Next page' }).click({ timeout: 30_000 });
      const last = Math.min(2 * PAGE_SIZE, matched).toLocaleString('en');
      await pageClockWhen(page, {
        texts: [`${PAGE_SIZE + 1} – ${last} of ${matched.toLocaleString('en')}`],
        rowText: PAGE_FILTER,
      });
      nextPage = performance.now() - nextStarted;
    }
    return { firstRows, allRows, filter, nextPage, matched };
  } finally {
    await context.close();
  }
}

/** `runs` page loads, each in a fresh context; the first one extra, as warm-up, not counted. */
export async function measureInstallationsPage(
  stack: TeamBenchStack,
  chromiumPath: string,
  rows: number,
  runs: number,
): Promise<PageRun[]> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: playwrightConfig.use?.launchOptions?.args ?? [],
  });
  try {
    const total = rows.toLocaleString('en');
    const measured: PageRun[] = [];
    for (let i = -1; i < runs; i++) {
      const run = await oneRun(stack, browser, total);
      if (i >= 0) measured.push(run);
    }
    return measured;
  } finally {
    await browser.close();
  }
}
