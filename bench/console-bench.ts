/*
 * npm run bench:console — the console's live-traffic benchmark (docs/performance.md).
 *
 * Builds the console once into dist/bench (or reuses that build; --build forces a new one),
 * starts the real local server with the console and its demo traffic generator, and drives
 * the console in headless Chromium with Playwright through an All traffic monitor:
 *
 *   1. 1,000 msg/s for 60 s: received = sent, frame time p95, JS heap start/end/max,
 *      change detection passes per animation frame.
 *   2. 5,000 msg/s offered for 30 s: click response p95, heap bounded, drops counted and shown.
 *
 * "Sent" comes from the demo traffic's own sequence numbers: every demo push carries
 * `sequence` (1, 2, 3, ...) and the tap delivers every push, so the first and last message the
 * console exported after Clear and Stop tell how many were sent in between.
 *
 * Flags: --build, --seconds <n> (first run, default 60), --high-seconds <n> (default 30).
 */
import { chromium, type Browser, type Page } from '@playwright/test';

import playwrightConfig from '../playwright.config';
import { startLocalServer } from '../e2e/support/local-server';
import {
  clickResponseMs,
  counters,
  exportNdjson,
  heapMb,
  PAGE_PROBE,
  sequenceOf,
  signIn,
  startAllTraffic,
  startWindow,
  stopWindow,
} from './console-page';
import { BENCH_BUILD_DIR, benchConsoleBuild } from './console-build';
import { cpuSample, load, otherCores } from './console-noise';

let consoleDir = '';

interface Row {
  readonly metric: string;
  readonly measured: string;
  readonly target: string;
  readonly pass: boolean | null;
}

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One run: a server at `rate` msg/s, a browser on the console, an All traffic monitor. */
async function session<T>(rate: number, run: (page: Page) => Promise<T>): Promise<T> {
  const { child, ready } = await startLocalServer([
    '--in-memory',
    '--seed-demo',
    '--demo-traffic',
    String(rate),
    '--console',
    consoleDir,
  ]);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: process.env['CHROME_BIN'] || '/usr/bin/chromium',
      args: playwrightConfig.use?.launchOptions?.args ?? [],
    });
    const page = await browser.newPage({
      viewport: { width: 1400, height: 1000 },
      acceptDownloads: true,
    });
    await page.addInitScript({ content: PAGE_PROBE });
    await signIn(page, `http://127.0.0.1:${ready.http}`, ready.clientSecret);
    return await run(page);
  } finally {
    await browser?.close();
    child.kill('SIGTERM');
  }
}

async function steady(seconds: number): Promise<Row[]> {
  return session(1000, async (page) => {
    const origin = new URL(page.url()).origin;
    const card = await startAllTraffic(page, origin);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await sleep(5000);
    const heapStart = await heapMb(cdp, true);
    await card.getByRole('button', { name: 'Clear' }).click();
    const cleared = Date.now();
    await sleep(2000);
    // The first message after Clear is the oldest buffered until 10,000 have arrived.
    const first = sequenceOf((await exportNdjson(page, card))[0]);
    await page.mouse.move(0, 0);
    // 10,000 messages fill the buffer after 10 s: from then on the heap should stay flat.
    await sleep(cleared + 13_000 - Date.now());
    const heapFull = await heapMb(cdp, true);
    // Frames and change detection are sampled with nobody clicking and no forced GC: only the
    // stream works (reading the heap size once a second costs next to nothing).
    await sleep(1000);
    await startWindow(page);
    const cpuFrom = cpuSample();
    const started = Date.now();
    let heapMax = heapStart;
    for (let s = 1; s <= seconds; s++) {
      await sleep(started + s * 1000 - Date.now());
      heapMax = Math.max(heapMax, await heapMb(cdp));
    }
    const sample = await stopWindow(page);
    const others = otherCores(cpuFrom, cpuSample());
    await card.getByRole('button', { name: 'Stop' }).click();
    await card.getByRole('status').filter({ hasText: 'Stopped' }).waitFor();
    const counted = await counters(card);
    const heapEnd = await heapMb(cdp, true);
    const last = sequenceOf((await exportNdjson(page, card)).at(-1)!);
    const sent = last - first + 1;
    const frameP95 = percentile(sample.frames, 95);
    const maxRenders = Math.max(...sample.rendersPerFrame);
    const renders = sample.rendersPerFrame.reduce((a, b) => a + b, 0);
    const framesOverOne = sample.rendersPerFrame.filter((n) => n > 1).length;
    const total = Math.round((Date.now() - cleared) / 1000);
    return [
      {
        metric: `1,000 msg/s: received / sent (${total} s from Clear to Stop)`,
        measured: `${fmt(counted.Received)} / ${fmt(sent)}`,
        target: 'equal (nothing lost)',
        pass: counted.Received === sent,
      },
      {
        metric: `frame time p95 (rAF deltas, ${fmt(sample.frames.length)} frames in ${seconds} s)`,
        measured: `${fmt(frameP95, 1)} ms`,
        target: '≤ 33 ms',
        pass: frameP95 <= 33,
      },
      {
        metric: 'JS heap start / end / max',
        measured: `${fmt(heapStart, 1)} / ${fmt(heapEnd, 1)} / ${fmt(heapMax, 1)} MB`,
        target: '≤ 150 MB',
        pass: heapMax <= 150,
      },
      {
        metric: 'JS heap growth with the buffer full (13 s → end, after GC)',
        measured: `${fmt(heapEnd - heapFull, 1)} MB`,
        target: '≤ 5 MB (flat)',
        pass: heapEnd - heapFull <= 5,
      },
      {
        metric: 'change detection passes per animation frame: max (frames with > 1)',
        measured: `${maxRenders} (${framesOverOne}); ${fmt(renders)} passes in ${fmt(sample.rendersPerFrame.length)} frames`,
        target: '≤ 1',
        pass: maxRenders <= 1,
      },
      {
        metric: 'other processes on the machine meanwhile',
        measured: `${fmt(others, 2)} cores`,
        target: 'reported (2 cores in all)',
        pass: null,
      },
    ];
  });
}

async function overload(seconds: number): Promise<Row[]> {
  return session(5000, async (page) => {
    const origin = new URL(page.url()).origin;
    const card = await startAllTraffic(page, origin);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await sleep(3000);
    const heapStart = await heapMb(cdp, true);
    await card.getByRole('button', { name: 'Clear' }).click();
    // At 5,000/s the buffer is full 2 s after Clear: read the first message at once.
    const first = sequenceOf((await exportNdjson(page, card))[0]);
    await startWindow(page);
    const cpuFrom = cpuSample();
    const started = Date.now();
    const clicks: number[] = [];
    let heapMax = heapStart;
    let paused = false;
    while (Date.now() - started < seconds * 1000) {
      // Alternate the two controls so half the samples are taken while the view streams.
      const label = clicks.length % 2 === 0 ? (paused ? 'Resume' : 'Pause') : 'Timeline';
      clicks.push(await clickResponseMs(page, card.getByRole('button', { name: label })));
      if (label !== 'Timeline') paused = !paused;
      heapMax = Math.max(heapMax, await heapMb(cdp));
      await sleep(700);
    }
    const offeredSeconds = (Date.now() - started) / 1000;
    const sample = await stopWindow(page);
    const others = otherCores(cpuFrom, cpuSample());
    if (paused) await card.getByRole('button', { name: 'Resume' }).click();
    await card.getByRole('button', { name: 'Stop' }).click();
    await card.getByRole('status').filter({ hasText: 'Stopped' }).waitFor();
    const counted = await counters(card);
    const last = sequenceOf((await exportNdjson(page, card)).at(-1)!);
    const timelineList = card.getByRole('list', { name: 'Connection timeline, newest first' });
    if (!(await timelineList.isVisible()))
      await card.getByRole('button', { name: 'Timeline' }).click();
    const timeline = (await timelineList.textContent()) ?? '';
    const heapEnd = await heapMb(cdp, true);
    const sent = last - first + 1;
    const clickP95 = percentile(clicks, 95);
    const accounted = counted.Dropped === counted.Received - counted.Buffered;
    const closes = (timeline.match(/closed the connection|connection closed/g) ?? []).length;
    return [
      {
        metric: `5,000 msg/s offered for ${seconds} s: sent / received (rate)`,
        measured: `${fmt(sent)} / ${fmt(counted.Received)} (${fmt(sent / offeredSeconds)}/s offered, ${fmt(counted.Received / offeredSeconds)}/s received)`,
        target: 'reported',
        pass: null,
      },
      {
        metric: `click response p95 (${clicks.length} clicks)`,
        measured: `${fmt(clickP95, 0)} ms`,
        target: '≤ 200 ms',
        pass: clickP95 <= 200,
      },
      {
        metric: 'JS heap start / end / max',
        measured: `${fmt(heapStart, 1)} / ${fmt(heapEnd, 1)} / ${fmt(heapMax, 1)} MB`,
        target: '≤ 150 MB (bounded)',
        pass: heapMax <= 150,
      },
      {
        metric: 'dropped, shown on the card (= received − buffered)',
        measured: `${fmt(counted.Dropped)} (${fmt(counted.Received)} − ${fmt(counted.Buffered)})`,
        target: 'counted and shown',
        pass: accounted,
      },
      {
        metric: 'lost before the console (sent − received); broker closes',
        measured: `${fmt(sent - counted.Received)}; ${closes}`,
        target: 'reported',
        pass: null,
      },
      {
        metric: 'frame time p95 / change detection passes per frame (max)',
        measured: `${fmt(percentile(sample.frames, 95), 1)} ms / ${Math.max(...sample.rendersPerFrame)}`,
        target: 'reported',
        pass: null,
      },
      {
        metric: 'other processes on the machine meanwhile',
        measured: `${fmt(others, 2)} cores`,
        target: 'reported (2 cores in all)',
        pass: null,
      },
    ];
  });
}

function print(rows: readonly Row[]): void {
  const lines = [
    '| metric | measured | target | pass/fail |',
    '|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.metric} | ${r.measured} | ${r.target} | ${r.pass === null ? '—' : r.pass ? 'pass' : 'FAIL'} |`,
    ),
  ];
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  consoleDir = benchConsoleBuild(BENCH_BUILD_DIR, process.argv.includes('--build'));
  const loadBefore = load();
  const rows = [
    ...(await steady(flag('--seconds', 60))),
    ...(await overload(flag('--high-seconds', 30))),
  ];
  console.log(
    `${new Date().toISOString()}, Node ${process.version}; load average ${fmt(loadBefore, 2)} before, ${fmt(load(), 2)} after`,
  );
  print(rows);
  const failed = rows.filter((r) => r.pass === false).length;
  console.log(failed ? `${failed} target(s) missed.` : 'All targets met.');
  process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 2;
});
