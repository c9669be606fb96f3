import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** Where the benches build the console (bench:console, bench:team's installations page). */
export const BENCH_BUILD_DIR = join(root, 'dist', 'bench');

/**
 * The built console's `browser` folder in `buildDir`: reused when it is there, built (production,
 * English and Japanese) when it is not or `fresh` is set. The benchmarks drive the English
 * console; a translation another area has not finished yet must not stop them.
 */
export function benchConsoleBuild(buildDir = BENCH_BUILD_DIR, fresh = false): string {
  const consoleDir = join(buildDir, 'browser');
  if (!fresh && existsSync(join(consoleDir, 'en', 'index.html'))) {
    console.log(`Using the build in ${buildDir} (--build makes a new one).`);
    return consoleDir;
  }
  console.log(`Building the console into ${buildDir} ...`);
  const result = spawnSync(
    'npx',
    [
      'ng',
      'build',
      'console',
      '--configuration',
      'production',
      '--output-path',
      buildDir,
      '--i18n-missing-translation=warning',
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (result.status !== 0) throw new Error('The console build failed.');
  return consoleDir;
}
