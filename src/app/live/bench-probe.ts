import { DOCUMENT } from '@angular/common';
import { afterEveryRender, inject } from '@angular/core';

/**
 * What `npm run bench:console` (bench/console-bench.ts) defines as `window.__kpcBench` before
 * the console loads. Nobody else defines it, so in normal use this does nothing.
 */
interface BenchProbe {
  /** Change detection passes that rendered, counted by the benchmark's page. */
  renders: number;
}

/**
 * Counts change detection passes for the benchmark ("at most one per animation frame"):
 * `afterEveryRender` runs once after every application tick that checked views. Call from
 * an injection context (the Live page's constructor).
 */
export function installBenchProbe(): void {
  const probe = (inject(DOCUMENT).defaultView as unknown as { __kpcBench?: BenchProbe } | null)
    ?.__kpcBench;
  if (!probe || typeof probe.renders !== 'number') return;
  afterEveryRender(() => {
    probe.renders++;
  });
}
